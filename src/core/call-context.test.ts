import { describe, expect, it } from "vitest";
import { createCallContext, systemActor, UNIDENTIFIED_ACTOR, type CallContextInit } from "./call-context.js";
import { ROLES, hasRole } from "./roles.js";

describe("call context actor", () => {
  it("fails closed when no actor is given (untyped callers): no role at all, not even viewer", () => {
    const ctx = createCallContext({ timeoutMs: 1_000 } as unknown as CallContextInit);
    expect(ctx.actor).toBe(UNIDENTIFIED_ACTOR);
    expect(ctx.actor.roles).toEqual([]);
    for (const role of ROLES) expect(hasRole(ctx.actor, role), role).toBe(false);
  });

  it("keeps the actor it is given", () => {
    const actor = { id: "alice", roles: ["publisher"] };
    expect(createCallContext({ timeoutMs: 1_000, actor }).actor).toBe(actor);
  });

  it("names the gateway's own work without giving it a role", () => {
    const actor = systemActor("startup", "modelgate startup");
    expect(actor).toEqual({ id: "modelgate:startup", displayName: "modelgate startup", roles: [] });
    expect(hasRole(actor, "viewer")).toBe(false);
    expect(Object.isFrozen(actor)).toBe(true);
  });
});

describe("call context signal", () => {
  const actor = { id: "alice", roles: ["viewer"] };

  it("is made when first read: a parent given as a function is called then, once", () => {
    let calls = 0;
    const parent = new AbortController();
    const ctx = createCallContext({ timeoutMs: 60_000, actor, signal: () => (calls++, parent.signal) });
    expect(calls).toBe(0);
    const signal = ctx.signal;
    expect(ctx.signal).toBe(signal);
    expect(calls).toBe(1);
    expect(signal.aborted).toBe(false);
    parent.abort(new Error("client closed the connection"));
    expect(signal.aborted).toBe(true);
    expect((signal.reason as Error).message).toBe("client closed the connection");
  });

  it("is already aborted (TimeoutError) when first read after the deadline", async () => {
    const ctx = createCallContext({ timeoutMs: 1, actor });
    const deadline = ctx.deadline;
    while (Date.now() <= deadline) await new Promise((resolve) => setTimeout(resolve, 2));
    expect(ctx.signal.aborted).toBe(true);
    expect((ctx.signal.reason as DOMException).name).toBe("TimeoutError");
  });

  it("aborts at the deadline when read before it", async () => {
    const ctx = createCallContext({ timeoutMs: 20, actor });
    const signal = ctx.signal;
    expect(signal.aborted).toBe(false);
    await new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
    expect((signal.reason as DOMException).name).toBe("TimeoutError");
  });

  it("is aborted when made from a parent that was aborted before", () => {
    const parent = new AbortController();
    parent.abort(new Error("gone"));
    expect(createCallContext({ timeoutMs: 60_000, actor, signal: parent.signal }).signal.aborted).toBe(true);
  });
});
