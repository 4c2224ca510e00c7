/**
 * Where the scrape-time gauges of /metrics read from (src/observability/metrics.ts): circuits from
 * the resilience wrappers, leadership, and from the store the outbox backlog, open drift
 * observations and each webhook target's lag. The store is read at most once per
 * `metrics.storeCacheMs`, however many scrapers ask (concurrent scrapes share one read).
 */
import type { Catalog } from "../catalog/catalog.js";
import type { MetricSources, StoreReading } from "../observability/metrics.js";
import type { Store } from "../store/store.js";
import type { Leadership } from "./leadership.js";

export interface MetricSourceOptions {
  storeCacheMs: number;
  clock?: () => number;
  onStoreError?: (err: unknown) => void;
}

/** What is read from the store; ages are worked out at each scrape, so a cached read does not freeze them. */
interface StoreRead {
  outboxPending: number;
  outboxOldest: Date | null;
  openDrifts: StoreReading["openDrifts"];
  webhooks: { target: string; oldestPending: Date | null; lagEvents: number }[];
}

export function gatewayMetricSources(catalog: Catalog, store: Store, leadership: Leadership, opts: MetricSourceOptions): MetricSources {
  const clock = opts.clock ?? Date.now;
  let cached: { at: number; read: StoreRead } | undefined;
  let running: Promise<StoreRead> | undefined;
  const current = (): Promise<StoreRead> => {
    if (cached !== undefined && clock() - cached.at < opts.storeCacheMs) return Promise.resolve(cached.read);
    const started = clock();
    running ??= readStore(store)
      .then(
        (read) => {
          cached = { at: started, read };
          return read;
        },
        (err: unknown) => {
          opts.onStoreError?.(err);
          throw err;
        },
      )
      .finally(() => {
        running = undefined;
      });
    return running;
  };
  return {
    circuits: () => catalog.adapters.map((a) => ({ backend: a.info.id, kind: a.info.kind, state: a.breakerState() })),
    leader: () => leadership.leading,
    store: async () => {
      const read = await current();
      const now = clock();
      const ageSeconds = (since: Date | null) => (since === null ? 0 : Math.max(0, (now - since.getTime()) / 1_000));
      return {
        outboxPending: read.outboxPending,
        outboxOldestAgeSeconds: ageSeconds(read.outboxOldest),
        openDrifts: read.openDrifts,
        webhooks: read.webhooks.map((w) => ({ target: w.target, oldestPendingAgeSeconds: ageSeconds(w.oldestPending), lagEvents: w.lagEvents })),
      };
    },
  };
}

async function readStore(store: Store): Promise<StoreRead> {
  const [backlog, drifts, targets, head] = await Promise.all([
    store.workflow.outboxBacklog(),
    store.workflow.countOpenDrifts(),
    store.webhooks.listTargets(),
    store.listAudit({ first: 1, order: "desc" }),
  ]);
  const headSeq = head.items[0]?.seq ?? 0;
  const webhooks = await Promise.all(
    targets.map(async (t) => {
      const pending = await store.webhooks.headDelivery(t.id);
      // Behind the trail's head: from the oldest undelivered event, else from the last one looked at.
      const deliveredUpTo = pending === undefined ? t.cursorSeq : pending.eventSeq - 1;
      return { target: t.id, oldestPending: pending?.createdAt ?? null, lagEvents: Math.max(0, headSeq - deliveredUpTo) };
    }),
  );
  return {
    outboxPending: backlog.pending,
    outboxOldest: backlog.oldestCreatedAt,
    openDrifts: drifts.map((d) => ({ backend: d.backendId, kind: d.kind, open: d.open })),
    webhooks,
  };
}
