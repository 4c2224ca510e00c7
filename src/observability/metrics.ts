/**
 * The gateway's Prometheus metrics (prom-client), one registry per gateway: several gateways in one
 * process (tests, an embedding application) never share or collide on a metric. Counters and
 * histograms are recorded where things happen (./request-telemetry.ts for HTTP and GraphQL,
 * ./backend-telemetry.ts in the resilience wrapper every backend call passes, the outbox worker);
 * gauges of state (circuits, leader, subscriptions, outbox, drift, webhooks) are read when
 * Prometheus scrapes, from the sources the composition root registers. docs/operations.md#metrics
 * names each metric, its labels and the alert to set on it.
 */
import { Counter, Gauge, Registry, collectDefaultMetrics } from "prom-client";
import { FastHistogram } from "./fast-histogram.js";
import { OperationNames } from "./operation-names.js";

/** Seconds; the slowest buckets reach past the default request timeout (15 s). */
const REQUEST_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20];
/** Seconds; backend calls are slower than requests served from caches and reach the 30 s outbox call timeout. */
const BACKEND_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export const CIRCUIT_STATES = ["CLOSED", "OPEN", "HALF_OPEN", "ISOLATED"] as const;

/** One backend's circuit breaker as the resilience wrapper reports it. */
export interface CircuitReading {
  backend: string;
  kind: string;
  state: string;
}

/** What the metrics read from the store when scraped (cached for metrics.storeCacheMs). */
export interface StoreReading {
  /** Outbox rows still to apply (promotions APPLYING). */
  outboxPending: number;
  /** Seconds since the oldest of them was queued; 0 when none. */
  outboxOldestAgeSeconds: number;
  /** Open drift observations per backend and kind (OUT_OF_BAND_CHANGE, UNAPPROVED_IN_STAGE). */
  openDrifts: { backend: string; kind: string; open: number }[];
  /** Per webhook target: how far its deliveries are behind the audit trail. */
  webhooks: { target: string; oldestPendingAgeSeconds: number; lagEvents: number }[];
}

/** Where the scrape-time gauges come from; each is optional (a gateway without a server has no subscriptions). */
export interface MetricSources {
  circuits?: () => readonly CircuitReading[];
  leader?: () => boolean;
  subscriptions?: () => number;
  store?: () => Promise<StoreReading>;
}

export interface GatewayMetricsOptions {
  /** Distinct GraphQL operation names labelled one by one (metrics.maxOperationNames). */
  maxOperationNames: number;
  /** Node process metrics (CPU, memory, event loop lag, GC, handles): default true. */
  processMetrics?: boolean;
}

/** Outcomes of one pass of the outbox worker over a row. */
export type OutboxOutcome = "applied" | "failed" | "retry";

export class GatewayMetrics {
  readonly registry = new Registry();
  readonly operations: OperationNames;
  readonly #sources: MetricSources = {};

  /** On the request path: FastHistogram (./fast-histogram.ts), a few additions per observation. */
  readonly requestDuration: FastHistogram<"route" | "operation" | "status">;
  readonly graphqlErrors: Counter<"operation" | "code">;
  readonly backendCallDuration: FastHistogram<"backend" | "kind" | "method" | "outcome">;
  readonly backendRetries: Counter<"backend" | "kind" | "method">;
  readonly outboxOutcomes: Counter<"outcome">;

  constructor(opts: GatewayMetricsOptions) {
    const registers = [this.registry];
    this.operations = new OperationNames(opts.maxOperationNames);
    if (opts.processMetrics ?? true) collectDefaultMetrics({ register: this.registry });

    this.requestDuration = new FastHistogram({
      name: "modelgate_request_duration_seconds",
      help: "HTTP requests served, by route, GraphQL operation name (bounded: anonymous, other, invalid) and status code.",
      labelNames: ["route", "operation", "status"],
      buckets: REQUEST_BUCKETS,
      registers,
    });
    this.graphqlErrors = new Counter({
      name: "modelgate_graphql_errors_total",
      help: "Errors in GraphQL responses (partial backend failures included), by operation and extensions.code.",
      labelNames: ["operation", "code"],
      registers,
    });
    this.backendCallDuration = new FastHistogram({
      name: "modelgate_backend_call_duration_seconds",
      help: "Backend calls through the resilience wrapper (retries included), by backend, adapter kind, method and outcome (OK or the error code).",
      labelNames: ["backend", "kind", "method", "outcome"],
      buckets: BACKEND_BUCKETS,
      registers,
    });
    this.backendRetries = new Counter({
      name: "modelgate_backend_retries_total",
      help: "Reads retried after a transient backend error.",
      labelNames: ["backend", "kind", "method"],
      registers,
    });
    this.outboxOutcomes = new Counter({
      name: "modelgate_outbox_applies_total",
      help: "Outbox rows worked on, by outcome: applied, failed (the promotion ended FAILED) or retry (a transient error, tried again later).",
      labelNames: ["outcome"],
      registers,
    });

    const sources = this.#sources;
    new Gauge({
      name: "modelgate_backend_circuit_state",
      help: "Circuit breaker state per backend: 1 for the current state, 0 for the others.",
      labelNames: ["backend", "kind", "state"],
      registers,
      collect() {
        this.reset();
        for (const c of sources.circuits?.() ?? []) {
          for (const state of CIRCUIT_STATES) this.set({ backend: c.backend, kind: c.kind, state }, c.state === state ? 1 : 0);
        }
      },
    });
    new Gauge({
      name: "modelgate_leader",
      help: "1 while this replica runs the background work (outbox, drift polling, webhooks).",
      registers,
      collect() {
        this.set(sources.leader?.() === true ? 1 : 0);
      },
    });
    new Gauge({
      name: "modelgate_subscriptions",
      help: "GraphQL subscriptions (registryEvents over WebSocket) open on this replica.",
      registers,
      collect() {
        this.set(sources.subscriptions?.() ?? 0);
      },
    });
    const store = () => sources.store?.();
    new Gauge({
      name: "modelgate_store_up",
      help: "1 when the last read of the gauges below from the store succeeded.",
      registers,
      async collect() {
        this.set((await readOrUndefined(store)) === undefined ? 0 : 1);
      },
    });
    new Gauge({
      name: "modelgate_outbox_pending",
      help: "Approved promotions queued in the outbox and not yet applied (shared by every replica on one database).",
      registers,
      async collect() {
        const r = await readOrUndefined(store);
        if (r === undefined) this.reset();
        else this.set(r.outboxPending);
      },
    });
    new Gauge({
      name: "modelgate_outbox_oldest_age_seconds",
      help: "Seconds since the oldest pending outbox row was queued (0 when the outbox is empty).",
      registers,
      async collect() {
        const r = await readOrUndefined(store);
        if (r === undefined) this.reset();
        else this.set(r.outboxOldestAgeSeconds);
      },
    });
    new Gauge({
      name: "modelgate_drift_open_observations",
      help: "Open drift observations per backend and kind: OUT_OF_BAND_CHANGE (a stage changed outside the gateway), UNAPPROVED_IN_STAGE (a version in a stage the trail never approved).",
      labelNames: ["backend", "kind"],
      registers,
      async collect() {
        const r = await readOrUndefined(store);
        this.reset();
        for (const d of r?.openDrifts ?? []) this.set({ backend: d.backend, kind: d.kind }, d.open);
      },
    });
    new Gauge({
      name: "modelgate_webhook_oldest_pending_age_seconds",
      help: "Per webhook target: seconds since its oldest undelivered (pending) delivery was queued; 0 when none.",
      labelNames: ["target"],
      registers,
      async collect() {
        const r = await readOrUndefined(store);
        this.reset();
        for (const w of r?.webhooks ?? []) this.set({ target: w.target }, w.oldestPendingAgeSeconds);
      },
    });
    new Gauge({
      name: "modelgate_webhook_lag_events",
      help: "Per webhook target: audit events appended after the last one it was sent (or looked at and filtered out).",
      labelNames: ["target"],
      registers,
      async collect() {
        const r = await readOrUndefined(store);
        this.reset();
        for (const w of r?.webhooks ?? []) this.set({ target: w.target }, w.lagEvents);
      },
    });
  }

  /** Registers (or replaces) where scrape-time gauges read from. */
  setSources(sources: MetricSources): void {
    Object.assign(this.#sources, sources);
  }

  /** The exposition text and its content type. */
  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}

/** A failed store read leaves the store gauges out of the scrape (and modelgate_store_up at 0) instead of failing it. */
async function readOrUndefined(read: () => Promise<StoreReading> | undefined): Promise<StoreReading | undefined> {
  try {
    return await read();
  } catch {
    return undefined;
  }
}
