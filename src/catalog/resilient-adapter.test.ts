/**
 * Fault injection: a backend that hangs or keeps failing is something no real peer does on demand,
 * so these tests wrap a scripted adapter.
 */
import { describe, expect, it } from "vitest";
import {
  NotFoundError,
  UnavailableError,
  createCallContext,
  type CallContext,
  type RegisteredModel,
  type RegistryAdapter,
} from "../core/index.js";
import { withResilience } from "./resilient-adapter.js";

type Behaviour = (call: number, ctx: CallContext) => Promise<RegisteredModel>;

function scripted(behaviour: Behaviour): RegistryAdapter & { calls: number } {
  const a = {
    info: { id: "flaky", kind: "test" },
    calls: 0,
    capabilities: () => ({ asOf: false, generationConfigs: false, prompts: false, aliases: true, maxPageSize: 10, writes: true }),
    health: async () => ({ state: "UP" as const, latencyMs: 0, checkedAt: new Date() }),
    getModel: (_name: string, ctx: CallContext) => {
      a.calls += 1;
      return behaviour(a.calls, ctx);
    },
    setAlias: () => {
      a.calls += 1;
      return Promise.reject(new UnavailableError("write failed", { backend: "flaky" }));
    },
    close: async () => {},
  };
  return a as unknown as RegistryAdapter & { calls: number };
}

const model: RegisteredModel = { backendId: "flaky", name: "m", tags: {}, aliases: {} };
const ctx = () => createCallContext({ timeoutMs: 5_000, actor: { id: "tester", roles: [] } });

describe("withResilience", () => {
  it("retries a read once on a transient error", async () => {
    const inner = scripted(async (n) => {
      if (n === 1) throw new UnavailableError("blip", { backend: "flaky" });
      return model;
    });
    const adapter = withResilience(inner, { timeoutMs: 1_000 });
    await expect(adapter.getModel("m", ctx())).resolves.toEqual(model);
    expect(inner.calls).toBe(2);
  });

  it("does not retry business errors", async () => {
    const inner = scripted(async () => {
      throw new NotFoundError("no such model", { backend: "flaky" });
    });
    await expect(withResilience(inner, { timeoutMs: 1_000 }).getModel("m", ctx())).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(inner.calls).toBe(1);
  });

  it("does not retry writes", async () => {
    const inner = scripted(async () => model);
    await expect(withResilience(inner, { timeoutMs: 1_000 }).setAlias("m", "a", "1", ctx())).rejects.toMatchObject({ code: "UNAVAILABLE" });
    expect(inner.calls).toBe(1);
  });

  it("times out a hanging backend even when the adapter ignores the signal", async () => {
    // The backend never answers and ignores the abort, and the caller's deadline is past this test's
    // own timeout: only the wrapper's timeout can end the call.
    const inner = scripted(() => new Promise<RegisteredModel>(() => {}));
    const adapter = withResilience(inner, { timeoutMs: 50, readAttempts: 1 });
    await expect(adapter.getModel("m", createCallContext({ timeoutMs: 120_000, actor: { id: "tester", roles: [] } }))).rejects.toMatchObject({ code: "DEADLINE_EXCEEDED" });
    expect(inner.calls).toBe(1);
  });

  it("never runs past the caller's deadline", async () => {
    // Per-call timeouts past this test's own timeout, and retries: only the caller's deadline can end the call, in its first attempt.
    const inner = scripted(() => new Promise<RegisteredModel>(() => {}));
    const adapter = withResilience(inner, { timeoutMs: 120_000, readAttempts: 3 });
    await expect(adapter.getModel("m", createCallContext({ timeoutMs: 80, actor: { id: "tester", roles: [] } }))).rejects.toMatchObject({ code: "DEADLINE_EXCEEDED" });
    expect(inner.calls).toBe(1);
  });

  it("does not count calls its callers cancelled as backend failures", async () => {
    // A browser that navigates away cancels its requests: many at once must not open the circuit.
    const inner = scripted((_n, call) => new Promise<RegisteredModel>((_resolve, reject) => call.signal.addEventListener("abort", () => reject(new Error("aborted")))));
    const adapter = withResilience(inner, { timeoutMs: 10_000, readAttempts: 2, breakerThreshold: 3 });
    for (let i = 0; i < 5; i++) {
      const client = new AbortController();
      const pending = adapter.getModel("m", createCallContext({ timeoutMs: 10_000, signal: client.signal, actor: { id: "tester", roles: [] } }));
      client.abort(new Error("client closed the connection"));
      await expect(pending).rejects.toMatchObject({ code: "DEADLINE_EXCEEDED", message: "the call was cancelled" });
    }
    expect(adapter.breakerState()).toBe("CLOSED");
    // Cancelled calls are not retried either: one attempt each.
    expect(inner.calls).toBe(5);
  });

  it("opens the circuit after consecutive failures and fails fast, then recovers", async () => {
    let healthy = false;
    const inner = scripted(async () => {
      if (!healthy) throw new UnavailableError("down", { backend: "flaky" });
      return model;
    });
    const adapter = withResilience(inner, { timeoutMs: 1_000, readAttempts: 1, breakerThreshold: 3, halfOpenAfterMs: 100 });
    for (let i = 0; i < 3; i++) await expect(adapter.getModel("m", ctx())).rejects.toMatchObject({ code: "UNAVAILABLE" });
    expect(adapter.breakerState()).toBe("OPEN");
    const callsWhenOpen = inner.calls;
    await expect(adapter.getModel("m", ctx())).rejects.toThrow(/circuit is open/);
    expect(inner.calls).toBe(callsWhenOpen);
    healthy = true;
    await new Promise((r) => setTimeout(r, 150));
    await expect(adapter.getModel("m", ctx())).resolves.toEqual(model);
    expect(adapter.breakerState()).toBe("CLOSED");
  });

  it("bounds a listing of a stage across models by the caller's deadline only, not the per-call timeout", async () => {
    const inner = scripted(async () => model);
    let answer: "later" | "never" = "later";
    let finish: (() => void) | undefined;
    let seenDeadline = 0;
    (inner as { listVersionsInStage?: RegistryAdapter["listVersionsInStage"] }).listVersionsInStage = (_stage, c) => {
      seenDeadline = c.deadline;
      return new Promise((resolve) => {
        if (answer === "later") finish = () => resolve([]);
      });
    };
    const adapter = withResilience(inner, { timeoutMs: 50, readAttempts: 1 });
    const caller = createCallContext({ timeoutMs: 5_000, actor: { id: "tester", roles: [] } });
    const listing = adapter.listVersionsInStage?.("PRODUCTION", caller);
    // Answers only after a plain read of the same wrapper would have timed out.
    await new Promise((r) => setTimeout(r, 200));
    finish?.();
    await expect(listing).resolves.toEqual([]);
    expect(seenDeadline).toBe(caller.deadline);

    answer = "never";
    await expect(adapter.listVersionsInStage?.("PRODUCTION", createCallContext({ timeoutMs: 80, actor: { id: "tester", roles: [] } }))).rejects.toMatchObject({ code: "DEADLINE_EXCEEDED" });
  });
});
