/** TrailReader's cache of replays: which audit wake-ups drop it (./trail-wakeups.ts). */
import { describe, expect, it } from "vitest";
import type { AuditAppendedListener, Store } from "../store/store.js";
import { TrailReader } from "./trail-reader.js";

function setup() {
  let wake: AuditAppendedListener = () => undefined;
  let reads = 0;
  const store = {
    onAuditAppended: (listener: AuditAppendedListener) => {
      wake = listener;
      return () => undefined;
    },
    workflow: {
      listRequestsForModel: async () => {
        reads += 1;
        return [];
      },
      getOutboxByRequest: async () => undefined,
      listCopiesInto: async () => [],
    },
    deployments: { listComponentActivations: async () => [] },
  } as unknown as Store;
  const reader = new TrailReader(store, { production: { stage: "PRODUCTION" } }, () => 0);
  return { reader, wake: (actions?: ReadonlySet<string>) => wake(1, actions), reads: () => reads };
}

describe("TrailReader", () => {
  it("keeps a replay over usage reports and evidence, and reads again after any other append", async () => {
    const t = setup();
    await t.reader.replay("b", "m");
    await t.reader.replay("b", "m");
    expect(t.reads()).toBe(1);
    t.wake(new Set(["usage.report", "canary.record"]));
    await t.reader.replay("b", "m");
    expect(t.reads()).toBe(1);
    t.wake(new Set(["promotion.apply"]));
    await t.reader.replay("b", "m");
    expect(t.reads()).toBe(2);
    // An append whose actions are not known (another replica's): read again.
    t.wake(undefined);
    await t.reader.replay("b", "m");
    expect(t.reads()).toBe(3);
  });
});
