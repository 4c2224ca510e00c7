/** What the signed-in viewer may do, and why not: the gateway's own rules (src/core/roles.ts). */
import type { Role, ViewerQuery } from "../graphql/generated";

export type Viewer = ViewerQuery["viewer"];

export interface Permission {
  allowed: boolean;
  /** Why not, in words shown next to the disabled control. */
  reason?: string;
}

const ALLOWED: Permission = { allowed: true };

export function hasRole(viewer: Viewer, role: Role): boolean {
  if (viewer.roles.includes("ADMIN")) return true;
  if (role === "VIEWER") return viewer.roles.length > 0;
  return viewer.roles.includes(role);
}

export function can(viewer: Viewer | undefined, role: Role, action: string): Permission {
  if (viewer === undefined) return { allowed: false, reason: `sign in to ${action}` };
  if (hasRole(viewer, role)) return ALLOWED;
  const held = viewer.roles.map((r) => r.toLowerCase()).join(", ") || "no role";
  return { allowed: false, reason: `${action} needs the ${role.toLowerCase()} role (you hold ${held})` };
}

export const FOUR_EYES = "four eyes: someone else must approve";

/** Approving a request: the approver role, never one's own request, once per approver. */
export function canApprove(
  viewer: Viewer | undefined,
  request: { requestedBy: string; decisions: readonly { actor: string; decision: string }[] },
): Permission {
  const byRole = can(viewer, "APPROVER", "approving");
  if (!byRole.allowed || viewer === undefined) return byRole;
  if (request.requestedBy === viewer.id) return { allowed: false, reason: FOUR_EYES };
  if (request.decisions.some((d) => d.actor === viewer.id && d.decision === "APPROVED")) return { allowed: false, reason: "you approved this request already" };
  return ALLOWED;
}

/** Rejecting: the approver role, and (four eyes as well) never one's own request. */
export function canReject(viewer: Viewer | undefined, request: { requestedBy: string }): Permission {
  const byRole = can(viewer, "APPROVER", "rejecting");
  if (!byRole.allowed || viewer === undefined) return byRole;
  if (request.requestedBy === viewer.id) return { allowed: false, reason: "four eyes: someone else must decide" };
  return ALLOWED;
}
