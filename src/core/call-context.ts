import { setMaxListeners } from "node:events";
import { DeadlineExceededError } from "./errors.js";

/** Who is acting. Writes carry it to the backend where the backend can record it (git author). */
export interface Actor {
  /** Stable subject id (token subject, JWT `sub`, or "anonymous" in loopback development mode). */
  id: string;
  displayName?: string;
  email?: string;
  roles: readonly string[];
}

/**
 * The actor of a context created without one (only possible from untyped code: `actor` is required).
 * It holds no role, so a check that reads it fails closed; its id says that nobody was named.
 */
export const UNIDENTIFIED_ACTOR: Actor = Object.freeze({ id: "unidentified", displayName: "unidentified (no actor was given)", roles: Object.freeze([]) });

/** The actor of the gateway's own work (startup, probes, background jobs): an id, no role. */
export function systemActor(id: string, displayName?: string): Actor {
  return Object.freeze({ id: `modelgate:${id}`, ...(displayName === undefined ? {} : { displayName }), roles: Object.freeze([]) });
}

/**
 * Every adapter call takes one: the caller's abort signal, an absolute deadline (epoch ms) and the
 * acting user. Adapters pass `signal` to their I/O and must not outlive `deadline`.
 */
export interface CallContext {
  readonly signal: AbortSignal;
  /** Epoch milliseconds after which the call has failed. */
  readonly deadline: number;
  readonly actor: Actor;
  readonly requestId?: string;
}

export interface CallContextInit {
  timeoutMs: number;
  /** Who acts: the caller's actor, or systemActor(...) for the gateway's own work. Never defaulted to a role. */
  actor: Actor;
  requestId?: string;
  /**
   * A parent signal (e.g. the HTTP request's): aborting it aborts the call. A function is called
   * the first time the context's signal is read, so a request answered without reading it (from
   * memory) never makes one.
   */
  signal?: AbortSignal | (() => AbortSignal);
}

const MAX_SIGNAL_LISTENERS = 1024;

export function createCallContext(init: CallContextInit): CallContext {
  const deadline = Date.now() + init.timeoutMs;
  // Made when first read: a timeout timer and AbortSignal.any cost more than the rest of a request
  // answered from memory (docs/performance.md). The timer fires at the same deadline either way.
  let signal: AbortSignal | undefined;
  const makeSignal = (): AbortSignal => {
    const left = deadline - Date.now();
    // Read after the deadline: already aborted, as the timer would have left it.
    const timeout = left > 0 ? AbortSignal.timeout(left) : AbortSignal.abort(new DOMException("The operation was aborted due to timeout", "TimeoutError"));
    const parent = typeof init.signal === "function" ? init.signal() : init.signal;
    const made = parent ? AbortSignal.any([parent, timeout]) : timeout;
    // One request may fan out to many concurrent backend calls (whatRunsInProduction lists every
    // model of every backend), each listening on this signal until it settles: a bound well above
    // Node's default of 10 keeps leak warnings for real leaks.
    setMaxListeners(MAX_SIGNAL_LISTENERS, made);
    return made;
  };
  const ctx: CallContext = {
    get signal() {
      signal ??= makeSignal();
      return signal;
    },
    deadline,
    // Untyped callers may still leave it out: fail closed (no role), never open.
    actor: (init.actor as Actor | undefined) ?? UNIDENTIFIED_ACTOR,
    ...(init.requestId === undefined ? {} : { requestId: init.requestId }),
  };
  return ctx;
}

/** A narrower context for one sub-call: never later than the parent's deadline. */
export function childContext(parent: CallContext, timeoutMs: number): CallContext {
  const deadline = Math.min(parent.deadline, Date.now() + timeoutMs);
  const remaining = Math.max(0, deadline - Date.now());
  const signal = AbortSignal.any([parent.signal, AbortSignal.timeout(remaining)]);
  setMaxListeners(MAX_SIGNAL_LISTENERS, signal);
  return { ...parent, deadline, signal };
}

export function remainingMs(ctx: CallContext): number {
  return Math.max(0, ctx.deadline - Date.now());
}

/** Throws DeadlineExceededError (or the abort reason's equivalent) when the call may not go on. */
export function ensureActive(ctx: CallContext, backend?: string): void {
  if (ctx.signal.aborted || Date.now() >= ctx.deadline) {
    throw new DeadlineExceededError(
      ctx.signal.aborted && !(ctx.signal.reason instanceof DOMException && ctx.signal.reason.name === "TimeoutError")
        ? "the call was cancelled"
        : "the call ran past its deadline",
      backend === undefined ? {} : { backend },
    );
  }
}
