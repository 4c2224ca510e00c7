import { describe, expect, it } from "vitest";
import type { CallContext, HealthStatus } from "../core/index.js";
import { ReadinessProbe } from "./readiness.js";

function fakes(health: (ctx: CallContext) => Promise<HealthStatus>) {
  const counts = { health: 0, ping: 0 };
  const adapter = {
    info: { id: "a", kind: "fake" },
    breakerState: () => "CLOSED",
    health: (ctx: CallContext) => {
      counts.health += 1;
      return health(ctx);
    },
  };
  const catalog = { adapters: [adapter] } as unknown as ConstructorParameters<typeof ReadinessProbe>[0];
  const store = {
    ping: async () => {
      counts.ping += 1;
    },
  };
  return { counts, catalog, store };
}

const UP = async (): Promise<HealthStatus> => ({ state: "UP", latencyMs: 1.4, checkedAt: new Date() });

describe("readiness probe", () => {
  it("runs one round of checks per TTL, however many callers ask", async () => {
    const { counts, catalog, store } = fakes(UP);
    let now = 1_000_000;
    const probe = new ReadinessProbe(catalog, store, { cacheMs: 5_000, timeoutMs: 1_000, clock: () => now });
    for (let i = 0; i < 10; i++) await probe.snapshot();
    expect(counts).toEqual({ health: 1, ping: 1 });
    now += 4_999;
    await probe.snapshot();
    expect(counts.health).toBe(1);
    now += 1;
    const snap = await probe.snapshot();
    expect(counts).toEqual({ health: 2, ping: 2 });
    expect(snap).toEqual({ store: "UP", checkedAt: new Date(now), backends: [{ id: "a", kind: "fake", circuit: "CLOSED", state: "UP", latencyMs: 1 }] });
  });

  it("shares a round in flight between concurrent callers, even with no cache", async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const { counts, catalog, store } = fakes(async () => {
      await gate;
      return UP();
    });
    const probe = new ReadinessProbe(catalog, store, { cacheMs: 0, timeoutMs: 1_000 });
    const waiting = Array.from({ length: 20 }, () => probe.snapshot());
    release();
    const snaps = await Promise.all(waiting);
    expect(counts.health).toBe(1);
    expect(new Set(snaps).size).toBe(1);
    await probe.snapshot();
    expect(counts.health).toBe(2);
  });

  it("checks with its own context, under the system actor, not a caller's", async () => {
    const seen: CallContext[] = [];
    const { catalog, store } = fakes(async (ctx) => {
      seen.push(ctx);
      return UP();
    });
    await new ReadinessProbe(catalog, store, { cacheMs: 0, timeoutMs: 1_000 }).snapshot();
    expect(seen[0]?.actor).toEqual({ id: "modelgate:readiness", displayName: "modelgate readiness probe", roles: [] });
  });

  it("reports a backend whose health check throws as DOWN instead of failing the probe", async () => {
    const { catalog, store } = fakes(async () => {
      throw new Error("boom");
    });
    const snap = await new ReadinessProbe(catalog, store, { cacheMs: 0, timeoutMs: 1_000 }).snapshot();
    expect(snap.backends[0]).toMatchObject({ id: "a", state: "DOWN", message: "boom" });
  });
});
