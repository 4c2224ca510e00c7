/**
 * The gauges /metrics reads from the store, on a real SQLite store: outbox backlog and the age of
 * its oldest row, open drift observations per backend, each webhook target's lag; read at most once
 * per cache period, with ages worked out at each scrape.
 */
import { randomUUID } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Catalog } from "../catalog/catalog.js";
import { openSqliteStore } from "../store/sqlite-store.js";
import type { Store } from "../store/store.js";
import { SoleLeadership } from "./leadership.js";
import { gatewayMetricSources } from "./metric-sources.js";

const T0 = Date.parse("2026-03-01T00:00:00.000Z");
const at = (seconds: number) => new Date(T0 + seconds * 1_000);

let store: Store;
let now: number;
const clock = () => now;

beforeEach(async () => {
  store = await openSqliteStore({ file: ":memory:", clock: () => new Date(now) });
  now = T0;
});
afterEach(async () => {
  await store.close();
});

async function queue(model: string, seconds: number): Promise<void> {
  const requestId = randomUUID();
  await store.workflow.insertRequest({
    id: requestId,
    kind: "PROMOTION",
    backendId: "git",
    modelName: model,
    version: "2",
    environment: "production",
    fromStage: "STAGING",
    toStage: "PRODUCTION",
    demoteTo: "ARCHIVED",
    previousVersions: [],
    status: "APPLYING",
    requestedBy: "alice",
    reason: "ship",
    policy: { source: "default", eval: null, canary: false, approvals: 0 },
    idempotencyKey: null,
    inputHash: null,
    lockKey: `git/${model}/production`,
    at: at(seconds),
  });
  await store.workflow.insertOutbox({
    id: randomUUID(),
    requestId,
    status: "PENDING",
    attempts: 0,
    steps: { holders: null, targetSet: false, demoted: [] },
    nextAttemptAt: at(seconds),
    createdAt: at(seconds),
  });
}

const appendEvent = () => store.appendAudit({ actor: "alice", action: "alias.set", targetType: "alias", target: "git/m@production", outcome: "SUCCESS" });

describe("the store gauges of /metrics", () => {
  it("report the outbox backlog, open drift per backend and each webhook target's lag, with ages at scrape time", async () => {
    const sources = gatewayMetricSources(new Catalog([]), store, new SoleLeadership(), { storeCacheMs: 0, clock });
    expect(await sources.store!()).toEqual({ outboxPending: 0, outboxOldestAgeSeconds: 0, openDrifts: [], webhooks: [] });

    await queue("a", 10);
    await queue("b", 40);
    await store.workflow.insertDriftObservation({
      id: randomUUID(),
      kind: "OUT_OF_BAND_CHANGE",
      backendId: "mlflow",
      modelName: "m",
      version: "3",
      expectedStage: "PRODUCTION",
      actualStage: "ARCHIVED",
      detectedAt: at(5),
      auditEventId: randomUUID(),
    });
    // Target "late" has deliveries queued and none delivered; target "idle" was never looked at since it was made.
    const spec = { url: "https://hooks.example.com/x", secret: "s".repeat(32), events: [], filter: {} };
    await store.webhooks.createTarget({ ...spec, id: "late" }, "API", "alice", at(0));
    await store.webhooks.createTarget({ ...spec, id: "idle" }, "API", "alice", at(0));
    const events = [await appendEvent(), await appendEvent(), await appendEvent()];
    expect(await store.webhooks.acquireLease("late", "dispatcher", at(20), at(80))).toBe(true);
    const deliveries = events.slice(0, 2).map((e) => ({ eventSeq: e.seq, eventId: e.id, eventType: "ALIAS_CHANGED", eventJson: "{}" }));
    expect(await store.webhooks.enqueueDeliveries("late", "dispatcher", 0, events[1]!.seq, deliveries, at(20))).toBe(true);

    now = T0 + 70_000;
    expect(await sources.store!()).toEqual({
      outboxPending: 2,
      outboxOldestAgeSeconds: 60,
      openDrifts: [{ backend: "mlflow", kind: "OUT_OF_BAND_CHANGE", open: 1 }],
      webhooks: [
        // Nothing enqueued: behind by every event since it was created.
        { target: "idle", oldestPendingAgeSeconds: 0, lagEvents: 3 },
        // Its first event is still undelivered: behind by all three; the delivery waits since 20 s.
        { target: "late", oldestPendingAgeSeconds: 50, lagEvents: 3 },
      ],
    });
  });

  it("read the store at most once per cache period, however many scrapes ask, and age what they cached", async () => {
    let reads = 0;
    const counted = new Proxy(store, {
      get(target, prop) {
        if (prop !== "workflow") {
          const value = Reflect.get(target, prop, target) as unknown;
          return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
        }
        return { ...target.workflow, outboxBacklog: () => ((reads += 1), target.workflow.outboxBacklog()) };
      },
    });
    const sources = gatewayMetricSources(new Catalog([]), counted, new SoleLeadership(), { storeCacheMs: 5_000, clock });
    await queue("a", 0);
    const [first, second] = await Promise.all([sources.store!(), sources.store!()]);
    expect(reads).toBe(1);
    expect(first).toEqual(second);
    expect(first.outboxPending).toBe(1);

    await queue("b", 1);
    now = T0 + 4_000;
    // Within the period: the cached backlog, aged to now.
    expect(await sources.store!()).toMatchObject({ outboxPending: 1, outboxOldestAgeSeconds: 4 });
    expect(reads).toBe(1);
    now = T0 + 5_000;
    expect(await sources.store!()).toMatchObject({ outboxPending: 2, outboxOldestAgeSeconds: 5 });
    expect(reads).toBe(2);
  });
});
