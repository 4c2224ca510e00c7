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
