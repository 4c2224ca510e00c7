/**
 * What every adapter says about one backend call: the DEADLINE_EXCEEDED it ends with, how the call
 * is named in messages, and the backend's own words, clipped.
 */
import { callCancelled, callEnded, type CallContext } from "./call-context.js";
import { DeadlineExceededError } from "./errors.js";

/** Longest backend text quoted in an error message. */
export const MAX_QUOTED_MESSAGE = 500;

/** DEADLINE_EXCEEDED for `doing`: "… was cancelled" or "… ran past the call's deadline". */
export function deadlineError(ctx: CallContext, backend: string, doing: string): DeadlineExceededError {
  return new DeadlineExceededError(callCancelled(ctx) ? `${doing} was cancelled` : `${doing} ran past the call's deadline`, { backend });
}

/** Throws DEADLINE_EXCEEDED for `doing` before any I/O when the call may not go on. */
export function ensureCallActive(ctx: CallContext, backend: string, doing: string): void {
  if (callEnded(ctx)) throw deadlineError(ctx, backend, doing);
}

/** How a message names a backend call: `DescribeModelPackage (version 3 of "churn")`. */
export function describeCall(operation: string, subject?: string): string {
  return `${operation}${subject ? ` (${subject})` : ""}`;
}

/** A backend's words for a message: whitespace flattened, at most MAX_QUOTED_MESSAGE characters. */
export function clipMessage(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > MAX_QUOTED_MESSAGE ? `${flat.slice(0, MAX_QUOTED_MESSAGE)}…` : flat;
}
