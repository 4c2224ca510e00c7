/** The closed set of roles a caller can hold, and what each includes. */
import type { Actor } from "./call-context.js";

export const ROLES = ["viewer", "publisher", "approver", "admin"] as const;

export type Role = (typeof ROLES)[number];

/** admin holds every role; any role includes viewer. */
export function hasRole(actor: Actor, role: Role): boolean {
  if (actor.roles.includes("admin")) return true;
  if (role === "viewer") return actor.roles.length > 0;
  return actor.roles.includes(role);
}
