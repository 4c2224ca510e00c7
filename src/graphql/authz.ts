import { ForbiddenError } from "../core/index.js";
import { hasRole, type Role } from "../core/roles.js";
import type { GatewayContext } from "./context.js";

/** Refuses (FORBIDDEN, nothing changed) unless the caller holds `role` (admin holds every role). */
export function requireRole(ctx: GatewayContext, role: Role, action: string): void {
  if (!hasRole(ctx.actor, role)) {
    throw new ForbiddenError(`${ctx.actor.id} may not ${action}: that needs the ${role} role (it holds ${ctx.actor.roles.join(", ") || "none"})`);
  }
}
