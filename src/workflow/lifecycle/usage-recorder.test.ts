import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openSqliteStore } from "../../store/sqlite-store.js";
import type { Store } from "../../store/store.js";
import type { UsageIncrement } from "../../store/lifecycle-store.js";
import type { ResolveAnswer } from "../resolve-answers.js";
import { UsageRecorder, type UsageSink } from "./usage-recorder.js";

const T0 = Date.parse("2026-03-01T10:15:00Z");
const HOUR = 3_600_000;

function modelAnswer(version: string): ResolveAnswer {
  return { kind: "model", entry: { backendId: "git", version: { modelName: "triage", version } } } as unknown as ResolveAnswer;
}

function deploymentAnswer(): ResolveAnswer {
  const c = (backendId: string, version: string) => ({ backendId, version: { modelName: "triage", version } });
  // Two roles on the same version count it once per resolve.
  return { kind: "deployment", deployment: { components: [c("git", "3"), c("git", "4"), c("git", "4"), c("mlflow", "3")] } } as unknown as ResolveAnswer;
}

/** The real store, with a switch that makes the next flushes fail before anything is written. */
class FlakySink implements UsageSink {
  failures = 0;
  calls: UsageIncrement[][] = [];
  constructor(private readonly store: Store) {}
  async addUsage(increments: readonly UsageIncrement[]): Promise<void> {
    this.calls.push([...increments]);
    if (this.failures > 0) {
      this.failures -= 1;
      throw new Error("database is unreachable");
    }
    await this.store.lifecycle.addUsage(increments);
  }
}

describe("UsageRecorder", () => {
  let store: Store;
  let sink: FlakySink;
  let now: number;
  let recorder: UsageRecorder;
  const summary = (version: string, environment?: string, backendId = "git") =>
    store.lifecycle.usageSummary({ backendId, modelName: "triage", version, ...(environment === undefined ? {} : { environment }), since: new Date(T0 - 48 * HOUR) });

  beforeEach(async () => {
    store = await openSqliteStore({ file: ":memory:" });
    sink = new FlakySink(store);
    now = T0;
    recorder = new UsageRecorder(sink, { now: () => now });
  });
  afterEach(async () => {
    await store.close();
  });

  it("counts resolves per version, environment and caller, and writes them on flush", async () => {
    const v3 = modelAnswer("3");
    for (let i = 0; i < 5; i += 1) recorder.record(v3, "production", "app-a");
    now += 1_000;
    recorder.record(v3, "production", "app-b");
    recorder.record(modelAnswer("3"), "staging", "ci");
    expect(await summary("3")).toMatchObject({ resolves: 0 });
    expect(recorder.unflushed).toBe(7);

    await recorder.flush();
    expect(recorder.unflushed).toBe(0);
    expect(await summary("3", "production")).toEqual({ resolves: 6, lastResolvedAt: new Date(T0 + 1_000), served: 0, lastServedAt: null });
    expect(await summary("3", "staging")).toMatchObject({ resolves: 1 });
    const callers = await store.lifecycle.usageByCaller({ backendId: "git", modelName: "triage", version: "3", since: new Date(T0 - HOUR) }, 10);
    expect(callers.map((c) => [c.caller, c.environment, c.count])).toEqual([
      ["app-a", "production", 5],
      ["app-b", "production", 1],
      ["ci", "staging", 1],
    ]);
    // One row per version, environment and caller: the same answer seen five times is one row.
    expect(sink.calls[0]).toHaveLength(3);

    // Nothing new: a flush writes nothing.
    await recorder.flush();
    expect(sink.calls).toHaveLength(1);
  });

  it("counts every version a deployment answer names, each once per resolve", async () => {
    const d = deploymentAnswer();
    recorder.record(d, "production", "app");
    recorder.record(d, "production", "app");
    await recorder.flush();
    expect(await summary("3")).toMatchObject({ resolves: 2 });
    expect(await summary("4")).toMatchObject({ resolves: 2 });
    expect(await summary("3", undefined, "mlflow")).toMatchObject({ resolves: 2 });
  });

  it("keeps the counts of a failed flush for the next one, without counting anything twice", async () => {
    const v3 = modelAnswer("3");
    for (let i = 0; i < 4; i += 1) recorder.record(v3, "production", "app");
    sink.failures = 1;
    await expect(recorder.flush()).rejects.toThrow("database is unreachable");
    expect(await summary("3")).toMatchObject({ resolves: 0 });
    expect(recorder.unflushed).toBe(4);

    // More resolves while the store is down, then a flush that works: each resolve once.
    for (let i = 0; i < 3; i += 1) recorder.record(v3, "production", "app");
    await recorder.flush();
    expect(await summary("3")).toMatchObject({ resolves: 7 });
    expect(sink.calls.at(-1)).toHaveLength(1);
    await recorder.flush();
    expect(await summary("3")).toMatchObject({ resolves: 7 });
  });

  it("puts resolves in the hour they happened in, across a flush that spans hours", async () => {
    const v3 = modelAnswer("3");
    recorder.record(v3, "production", "app");
    recorder.record(v3, "production", "app");
    now = T0 + HOUR; // the next hour
    recorder.record(v3, "production", "app");
    await recorder.flush();
    const onlyLastHour = await store.lifecycle.usageSummary({ backendId: "git", modelName: "triage", version: "3", since: new Date(T0 + HOUR) });
    expect(onlyLastHour).toMatchObject({ resolves: 1, lastResolvedAt: new Date(T0 + HOUR) });
    expect(await summary("3")).toMatchObject({ resolves: 3 });
  });

  it("runs flushes one at a time and flushes what is left on close", async () => {
    const v3 = modelAnswer("3");
    recorder.record(v3, "production", "app");
    const first = recorder.flush();
    recorder.record(v3, "production", "app");
    const second = recorder.flush();
    await Promise.all([first, second]);
    recorder.record(v3, "production", "app");
    await recorder.close();
    expect(await summary("3")).toMatchObject({ resolves: 3 });
  });

  it("drops the oldest retried rows beyond its cap, and says how many", async () => {
    const small = new UsageRecorder(sink, { now: () => now, maxRetryRows: 2 });
    for (const caller of ["a", "b", "c"]) small.record(modelAnswer("3"), "production", caller);
    sink.failures = 1;
    await expect(small.flush()).rejects.toThrow();
    expect(small.dropped).toBe(1);
    await small.flush();
    expect(await summary("3")).toMatchObject({ resolves: 2 });
  });
});
