/**
 * resolve(name, environment) answers kept between requests: the hot path of applications polling
 * `GET /v1/resolve` (and GraphQL `resolve`) reads no backend, no store and no file while nothing
 * changed. An answer is built once (deployment first, then model: as DeploymentResolver and
 * EntryResolver answer without the cache) and kept until something it depends on may have changed:
 *
 * - an audit event appended that may change it (every gateway write, promotion, activation and drift
 *   observation appends one; usage reports, evidence and other bookkeeping do not count,
 *   ./trail-wakeups.ts; on PostgreSQL other replicas' appends arrive by LISTEN/NOTIFY);
 * - a backend that announces its changes (`watchChanges`: git-YAML's ref watch) announcing one;
 * - for a backend that cannot announce them (MLflow, SageMaker, Vertex AI), its `resolveCacheMs`
 *   passing: the staleness the client is told in `Cache-Control`;
 * - at most ANSWER_MAX_AGE_MS in any case (a lost wake-up's worst case, as the trail cache's).
 *
 * Before an answer expires, a request that finds it in its last REFRESH_SHARE starts one rebuild in
 * the background and keeps being served the current one, so an expiry never holds requests up. A
 * missing answer is built once for all the requests that want it (each waits at most its own deadline).
 * asOf answers are not kept (callers use the resolvers directly).
 */
import { DeadlineExceededError, createCallContext, ensureActive, remainingMs, systemActor, type CallContext } from "../core/index.js";
import type { Catalog } from "../catalog/catalog.js";
import type { EntryResolver, ResolvedEntry } from "../catalog/resolve-entry.js";
import type { Store } from "../store/store.js";
import type { DeploymentResolver, ResolvedDeployment } from "./deployment-resolve.js";
import { mayChangeAnswers } from "./trail-wakeups.js";

export type ResolveAnswer = { kind: "model"; entry: ResolvedEntry } | { kind: "deployment"; deployment: ResolvedDeployment };

export interface CachedAnswer {
  readonly name: string;
  readonly environment: string;
  readonly answer: ResolveAnswer;
  /** performance.now() when it was built. */
  readonly builtAt: number;
  /** performance.now() after which it is rebuilt before use. */
  readonly expiresAt: number;
  /**
   * How stale the answer may be, as clients are told (Cache-Control max-age): the shortest
   * resolveCacheMs of the backends it read that cannot announce changes; undefined when every one can
   * (clients revalidate every time, and a change is seen at once).
   */
  readonly staleMs: number | undefined;
}

/** The most an answer is kept, whatever the backends: a lost wake-up's worst case (as TRAIL_CACHE_TTL_MS). */
export const ANSWER_MAX_AGE_MS = 5_000;
/** The last share of an answer's life in which a request starts its rebuild in the background. */
const REFRESH_SHARE = 0.25;
const MAX_ANSWERS = 10_000;
/** setTimeout's limit (about 24.8 days). */
const MAX_TIMER_MS = 2 ** 31 - 1;
const BUILD_ACTOR = systemActor("resolve", "modelgate's resolve answers");

export interface ResolveAnswersOptions {
  /** Per backend id: how long an answer that read it is kept when the backend cannot announce changes (ms; 0: not kept). */
  resolveCacheMs: (backendId: string) => number;
  /** Time allowed for building one answer (server.requestTimeoutMs). */
  buildTimeoutMs: number;
  /** A background rebuild that failed (the answer then expires and the next request rebuilds it in the foreground). */
  onRefreshError?: (err: unknown, name: string, environment: string) => void;
  now?: () => number;
}

export class ResolveAnswers {
  readonly #answers = new Map<string, CachedAnswer>();
  /** Builds under way, with the generation they started in (a build that started before a change is not handed to later callers). */
  readonly #building = new Map<string, { generation: number; promise: Promise<CachedAnswer> }>();
  #generation = 0;
  readonly #unsubscribe: (() => void)[] = [];
  readonly #now: () => number;

  constructor(
    private readonly catalog: Catalog,
    store: Pick<Store, "onAuditAppended">,
    private readonly deployments: DeploymentResolver,
    private readonly entries: EntryResolver,
    private readonly opts: ResolveAnswersOptions,
  ) {
    this.#now = opts.now ?? (() => performance.now());
    this.#unsubscribe.push(
      store.onAuditAppended((_seq, actions) => {
        if (mayChangeAnswers(actions)) this.invalidate();
      }),
    );
    for (const adapter of catalog.adapters) {
      if (adapter.watchChanges !== undefined) this.#unsubscribe.push(adapter.watchChanges(() => this.invalidate()));
    }
  }

  /** Drops every answer; answers being built when it is called are not kept. */
  invalidate(): void {
    this.#generation += 1;
    this.#answers.clear();
  }

  /**
   * The kept answer for (name, environment) when it may be used now, without waiting for anything;
   * undefined when it must be built (get). Starts a background rebuild of one about to expire.
   */
  peek(name: string, environment: string): CachedAnswer | undefined {
    const key = keyOf(name, environment);
    const hit = this.#answers.get(key);
    if (hit === undefined) return undefined;
    const now = this.#now();
    if (now >= hit.expiresAt) return undefined;
    if (now >= hit.expiresAt - (hit.expiresAt - hit.builtAt) * REFRESH_SHARE && this.#current(key) === undefined) {
      this.#build(key, name, environment).catch((err: unknown) => this.opts.onRefreshError?.(err, name, environment));
    }
    return hit;
  }

  /** The answer for (name, environment) now: kept, or built (once for every caller waiting for it). */
  async get(name: string, environment: string, ctx: CallContext): Promise<CachedAnswer> {
    const kept = this.peek(name, environment);
    if (kept !== undefined) return kept;
    const key = keyOf(name, environment);
    return waitWithin(this.#current(key) ?? this.#build(key, name, environment), ctx);
  }

  /** The build of `key` under way since the last change, if any. */
  #current(key: string): Promise<CachedAnswer> | undefined {
    const building = this.#building.get(key);
    return building !== undefined && building.generation === this.#generation ? building.promise : undefined;
  }

  close(): void {
    for (const stop of this.#unsubscribe.splice(0)) stop();
    this.#answers.clear();
  }

  #build(key: string, name: string, environment: string): Promise<CachedAnswer> {
    const generation = this.#generation;
    const started = this.#now();
    // Its own context: the build is shared, so no one caller's disconnect may cancel it.
    const ctx = createCallContext({ timeoutMs: this.opts.buildTimeoutMs, actor: BUILD_ACTOR });
    const building = (async (): Promise<CachedAnswer> => {
      const found = await this.deployments.find(name, environment);
      const answer: ResolveAnswer =
        found === undefined
          ? { kind: "model", entry: await this.entries.resolve({ name, environment }, ctx) }
          : { kind: "deployment", deployment: await this.deployments.resolve(found, ctx) };
      const staleMs = this.#staleMs(name, answer);
      const life = Math.min(staleMs ?? ANSWER_MAX_AGE_MS, ANSWER_MAX_AGE_MS);
      const cached: CachedAnswer = { name, environment, answer, builtAt: started, expiresAt: started + life, staleMs };
      // Something changed while it was built: it may predate the change, so it is not kept.
      if (generation === this.#generation && life > 0) {
        if (this.#answers.size >= MAX_ANSWERS && !this.#answers.has(key)) this.#answers.clear();
        this.#answers.set(key, cached);
      }
      return cached;
    })();
    const entry = { generation, promise: building };
    this.#building.set(key, entry);
    const done = () => {
      if (this.#building.get(key) === entry) this.#building.delete(key);
    };
    void building.then(done, done);
    return building;
  }

  /**
   * The backends an answer read: a deployment's component backends; for a model, the one named
   * ("backend/name") or every backend (a model of that name appearing in another one changes the
   * answer to an ambiguity error). Of those that cannot announce changes, the shortest resolveCacheMs.
   */
  #staleMs(name: string, answer: ResolveAnswer): number | undefined {
    let read: string[];
    if (answer.kind === "deployment") {
      read = answer.deployment.components.map((c) => c.backendId);
    } else {
      const slash = name.indexOf("/");
      read = slash > 0 && this.catalog.has(name.slice(0, slash)) ? [answer.entry.backendId] : this.catalog.backendIds();
    }
    let stale: number | undefined;
    for (const id of new Set(read)) {
      if (this.catalog.backend(id).watchChanges !== undefined) continue;
      const ms = this.opts.resolveCacheMs(id);
      stale = stale === undefined ? ms : Math.min(stale, ms);
    }
    return stale;
  }
}

function keyOf(name: string, environment: string): string {
  return `${environment}\u0000${name}`;
}

/** Waits for a shared build, but no longer than the caller's own deadline or cancellation. */
function waitWithin<T>(promise: Promise<T>, ctx: CallContext): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const stopped = () => {
      try {
        ensureActive(ctx);
        reject(new DeadlineExceededError("the call ran past its deadline"));
      } catch (err) {
        reject(err);
      }
    };
    if (ctx.signal.aborted) return stopped();
    const fail = () => {
      cleanup();
      stopped();
    };
    const timer = setTimeout(fail, Math.min(MAX_TIMER_MS, remainingMs(ctx)));
    const cleanup = () => {
      clearTimeout(timer);
      ctx.signal.removeEventListener("abort", fail);
    };
    ctx.signal.addEventListener("abort", fail, { once: true });
    promise.then(
      (v) => {
        cleanup();
        resolve(v);
      },
      (err: unknown) => {
        cleanup();
        reject(err);
      },
    );
  });
}
