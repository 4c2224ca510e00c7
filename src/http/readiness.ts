/**
 * GET /readyz: whether this replica should receive traffic. The check (store ping plus every
 * backend's health) runs at most once per `server.readinessCacheMs`, shared by every caller and by
 * callers arriving while it runs, so probes and anonymous callers cannot make the gateway call
 * every backend on every hit. Anonymous callers (and callers without the admin role) see only
 * `{ ready }` and the status: the details name repository paths, accounts and regions.
 */
import type { ServerResponse } from "node:http";
import { createCallContext, systemActor, type HealthState } from "../core/index.js";
import type { Catalog } from "../catalog/catalog.js";
import type { Store } from "../store/store.js";
import { sendJson } from "./respond.js";

export interface BackendReadiness {
  id: string;
  kind: string;
  state: HealthState;
  latencyMs: number;
  circuit: string;
  message?: string;
}

export interface ReadinessSnapshot {
  store: "UP" | "DOWN";
  backends: BackendReadiness[];
  /** When this round of checks started. */
  checkedAt: Date;
}

export interface ReadinessOptions {
  /** How long one round of checks is reused; 0 checks on every call (concurrent calls still share one round). */
  cacheMs: number;
  /** Deadline of one round (the server's request timeout). */
  timeoutMs: number;
  clock?: () => number;
}

const READINESS_ACTOR = systemActor("readiness", "modelgate readiness probe");

export class ReadinessProbe {
  readonly #clock: () => number;
  #cached: { at: number; snapshot: ReadinessSnapshot } | undefined;
  #running: Promise<ReadinessSnapshot> | undefined;

  constructor(
    private readonly catalog: Pick<Catalog, "adapters">,
    private readonly store: Pick<Store, "ping">,
    private readonly opts: ReadinessOptions,
  ) {
    this.#clock = opts.clock ?? Date.now;
  }

  /** The latest round of checks, run now only when the cached one is older than cacheMs. */
  snapshot(): Promise<ReadinessSnapshot> {
    const cached = this.#cached;
    if (cached !== undefined && this.#clock() - cached.at < this.opts.cacheMs) return Promise.resolve(cached.snapshot);
    this.#running ??= this.#check().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  async #check(): Promise<ReadinessSnapshot> {
    const started = this.#clock();
    // Not the caller's context: a caller that hangs up must not cancel the round others wait for.
    const call = createCallContext({ timeoutMs: this.opts.timeoutMs, actor: READINESS_ACTOR });
    const [storeOk, backends] = await Promise.all([
      this.store.ping().then(
        () => true,
        () => false,
      ),
      Promise.all(
        this.catalog.adapters.map(async (a): Promise<BackendReadiness> => {
          const base = { id: a.info.id, kind: a.info.kind, circuit: a.breakerState() };
          try {
            const h = await a.health(call);
            return { ...base, state: h.state, latencyMs: Math.round(h.latencyMs), ...(h.message ? { message: h.message } : {}) };
          } catch (err) {
            return { ...base, state: "DOWN", latencyMs: Math.round(this.#clock() - started), message: err instanceof Error ? err.message : String(err) };
          }
        }),
      ),
    ]);
    const snapshot: ReadinessSnapshot = { store: storeOk ? "UP" : "DOWN", backends, checkedAt: new Date(started) };
    this.#cached = { at: started, snapshot };
    return snapshot;
  }
}

export interface ReadinessRequest {
  /** ?strict=true: also 503 while any backend is DOWN. */
  strict: boolean;
  draining: boolean;
  leader: boolean;
  /** The caller holds the admin role: show what was checked. */
  details: boolean;
}

export async function sendReadiness(res: ServerResponse, probe: ReadinessProbe, req: ReadinessRequest): Promise<void> {
  const snap = await probe.snapshot();
  const ready = !req.draining && snap.store === "UP" && (!req.strict || snap.backends.every((b) => b.state !== "DOWN"));
  if (!req.details) {
    sendJson(res, ready ? 200 : 503, { ready });
    return;
  }
  // leader: whether this replica runs the background work (outbox, drift polling, webhooks) now.
  sendJson(res, ready ? 200 : 503, {
    ready,
    draining: req.draining,
    store: snap.store,
    leader: req.leader,
    checkedAt: snap.checkedAt.toISOString(),
    backends: snap.backends,
  });
}
