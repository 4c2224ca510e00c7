import { describe, expect, it } from "vitest";
import { createCallContext, systemActor } from "./call-context.js";
import { clipMessage, deadlineError, describeCall, ensureCallActive } from "./call-errors.js";

const actor = systemActor("test");

describe("call errors shared by the adapters", () => {
  it("says a cancelled call was cancelled, and a timed-out one ran past its deadline", async () => {
    const parent = new AbortController();
    const cancelled = createCallContext({ timeoutMs: 60_000, actor, signal: parent.signal });
    parent.abort();
    expect(deadlineError(cancelled, "b1", "GET x").message).toBe("GET x was cancelled");
    const late = createCallContext({ timeoutMs: 1, actor });
    // The signal is made when first read: read after the deadline, it is already aborted (no event comes).
    const signal = late.signal;
    if (!signal.aborted) await new Promise((resolve) => signal.addEventListener("abort", resolve, { once: true }));
    const err = deadlineError(late, "b1", "GET x");
    expect(err.message).toBe("GET x ran past the call's deadline");
    expect(err.code).toBe("DEADLINE_EXCEEDED");
    expect(err.backend).toBe("b1");
    expect(() => ensureCallActive(late, "b1", "GET x")).toThrow("GET x ran past the call's deadline");
    expect(() => ensureCallActive(createCallContext({ timeoutMs: 60_000, actor }), "b1", "GET x")).not.toThrow();
  });

  it("names a call with its subject, and clips a backend's words", () => {
    expect(describeCall("DescribeModelPackage", 'version 3 of "churn"')).toBe('DescribeModelPackage (version 3 of "churn")');
    expect(describeCall("ListModels")).toBe("ListModels");
    expect(clipMessage("  a\n\tb  ")).toBe("a b");
    expect(clipMessage("x".repeat(501))).toBe(`${"x".repeat(500)}…`);
  });
});
