/**
 * Wraps any adapter with the gateway's per-backend resilience: a per-call timeout (never past the
 * caller's deadline), retries of reads on transient errors, and a circuit breaker so a dead backend
 * fails fast instead of holding every request for its full timeout. A listing of a stage across all
 * models is many backend requests in one call: only the caller's deadline bounds it. Writes are not
 * retried here: a write's retry needs a read-back that only the adapter knows how to do. Every call
 * passes here, so here it is timed for /metrics and, with tracing on, wrapped in a span
 * (src/observability).
 */
import {
  BrokenCircuitError,
  CircuitState,
  ConsecutiveBreaker,
  ExponentialBackoff,
  circuitBreaker,
  handleWhen,
  retry,
  type CircuitBreakerPolicy,
} from "cockatiel";
import {
  UnavailableError,
  childContext,
  ensureActive,
  isRegistryError,
  isTransient,
  type CallContext,
  type RegistryAdapter,
} from "../core/index.js";
import { backendTelemetry, CIRCUIT_OPEN_OUTCOME, type BackendTelemetry } from "../observability/backend-telemetry.js";
import type { GatewayMetrics } from "../observability/metrics.js";
import type { Tracer } from "../observability/tracing.js";

export interface ResilienceOptions {
  /** Per-call timeout (ms); the call also never outlives the caller's deadline. */
  timeoutMs: number;
  /** Attempts for reads, first one included. */
  readAttempts?: number;
  /** Consecutive transient failures that open the circuit. */
  breakerThreshold?: number;
  /** How long an open circuit waits before letting one trial call through. */
  halfOpenAfterMs?: number;
  /** Record every call in these metrics (backend id, kind, method, outcome). */
  metrics?: GatewayMetrics;
  /** Wrap every call in a span (tracing on); undefined: no span work. */
  tracer?: Tracer;
}

export type BreakerState = "CLOSED" | "OPEN" | "HALF_OPEN" | "ISOLATED";

const STATE_NAMES: Record<CircuitState, BreakerState> = {
  [CircuitState.Closed]: "CLOSED",
  [CircuitState.Open]: "OPEN",
  [CircuitState.HalfOpen]: "HALF_OPEN",
  [CircuitState.Isolated]: "ISOLATED",
};

const READS = [
  "problems",
  "listModels",
  "getModel",
  "listVersions",
  "getVersion",
  "getVersionByAlias",
  "getPrompt",
  "getToolSet",
  "getEvalResults",
  "listVersionsInStage",
] as const;
const WRITES = ["registerVersion", "setAlias", "removeAlias", "setStage", "createModel", "updateModel", "updateVersion", "renameModel", "setModelCard", "deleteVersion"] as const;
/** Reads that make many backend requests in one call (a stage across all models). */
const LISTINGS: ReadonlySet<string> = new Set(["listVersionsInStage"]);

type Method = (typeof READS)[number] | (typeof WRITES)[number];

export interface ResilientAdapter extends RegistryAdapter {
  breakerState(): BreakerState;
  readonly inner: RegistryAdapter;
}

export function withResilience(inner: RegistryAdapter, opts: ResilienceOptions): ResilientAdapter {
  const backend = inner.info.id;
  // Calls the caller cancelled (a client that went away, a superseded browser request) say
  // nothing about the backend: they neither count towards opening the circuit nor get retried.
  const cancelled = new WeakSet<object>();
  const backendFault = (err: unknown) => isTransient(err) && !(typeof err === "object" && err !== null && cancelled.has(err));
  const breaker: CircuitBreakerPolicy = circuitBreaker(handleWhen(backendFault), {
    halfOpenAfter: opts.halfOpenAfterMs ?? 5_000,
    breaker: new ConsecutiveBreaker(opts.breakerThreshold ?? 5),
  });
  const readRetry = retry(handleWhen(backendFault), {
    maxAttempts: Math.max(0, (opts.readAttempts ?? 2) - 1),
    backoff: new ExponentialBackoff({ initialDelay: 50, maxDelay: 500 }),
  });

  async function guarded<T>(ctx: CallContext, fn: (c: CallContext) => Promise<T>, timeoutMs = opts.timeoutMs): Promise<T> {
    ensureActive(ctx, backend);
    try {
      return await breaker.execute(async () => {
        const call = childContext(ctx, timeoutMs);
        try {
          return await abortable(fn(call), call, backend);
        } catch (err) {
          if (callerCancelled(ctx) && typeof err === "object" && err !== null) cancelled.add(err);
          throw err;
        }
      });
    } catch (err) {
      if (err instanceof BrokenCircuitError) {
        throw new UnavailableError(`backend "${backend}" is failing; its circuit is open, calls resume after a trial succeeds`, {
          backend,
          cause: err,
        });
      }
      throw err;
    }
  }

  const telemetry: BackendTelemetry | undefined = backendTelemetry({
    backend,
    kind: inner.info.kind,
    ...(opts.metrics === undefined ? {} : { metrics: opts.metrics }),
    ...(opts.tracer === undefined ? {} : { tracer: opts.tracer }),
    outcomeOf: (err) => (err instanceof UnavailableError && err.cause instanceof BrokenCircuitError ? CIRCUIT_OPEN_OUTCOME : isRegistryError(err) ? err.code : "ERROR"),
  });

  const wrapped: Record<string, unknown> = {};
  for (const name of READS) {
    const method = inner[name] as ((...args: unknown[]) => Promise<unknown>) | undefined;
    if (!method) continue;
    // A listing across all models is many backend requests: the caller's deadline bounds it, not the per-call timeout.
    const timeoutMs = LISTINGS.has(name) ? Number.MAX_SAFE_INTEGER : opts.timeoutMs;
    wrapped[name] =
      telemetry === undefined
        ? (...args: unknown[]) => {
            const ctx = ctxArg(name, args);
            return readRetry.execute(() => guarded(ctx, (c) => method.apply(inner, withCtx(name, args, c)), timeoutMs), ctx.signal);
          }
        : (...args: unknown[]) => {
            const ctx = ctxArg(name, args);
            return telemetry.call(name, (retrying) => {
              let attempt = 0;
              return readRetry.execute(() => {
                if (attempt++ > 0) retrying();
                return guarded(ctx, (c) => method.apply(inner, withCtx(name, args, c)), timeoutMs);
              }, ctx.signal);
            });
          };
  }
  for (const name of WRITES) {
    // The metadata writes are optional in the contract: a wrapper has them only when the adapter does.
    const method = inner[name] as ((...args: unknown[]) => Promise<unknown>) | undefined;
    if (!method) continue;
    wrapped[name] = (...args: unknown[]) => {
      const ctx = ctxArg(name, args);
      const call = () => guarded(ctx, (c) => method.apply(inner, withCtx(name, args, c)));
      return telemetry === undefined ? call() : telemetry.call(name, call);
    };
  }

  const adapter = {
    info: inner.info,
    inner,
    capabilities: () => inner.capabilities(),
    health: (ctx: CallContext) => inner.health(childContext(ctx, opts.timeoutMs)),
    close: () => inner.close(),
    breakerState: () => STATE_NAMES[breaker.state],
    // Change notifications need no resilience: they are the adapter's own timers and watches.
    ...(inner.watchChanges === undefined ? {} : { watchChanges: (listener: () => void) => inner.watchChanges!(listener) }),
    ...wrapped,
  };
  return adapter as unknown as ResilientAdapter;
}

/** Index of the CallContext argument of each method of the contract. */
const CTX_INDEX: Record<Method, number> = {
  problems: 0,
  listModels: 1,
  getModel: 1,
  listVersions: 2,
  getVersion: 2,
  getVersionByAlias: 2,
  getPrompt: 2,
  getToolSet: 2,
  getEvalResults: 2,
  listVersionsInStage: 1,
  registerVersion: 1,
  setAlias: 3,
  removeAlias: 2,
  setStage: 3,
  createModel: 1,
  updateModel: 2,
  updateVersion: 3,
  renameModel: 2,
  setModelCard: 3,
  deleteVersion: 2,
};

function ctxArg(name: Method, args: unknown[]): CallContext {
  return args[CTX_INDEX[name]] as CallContext;
}

function withCtx(name: Method, args: unknown[], ctx: CallContext): unknown[] {
  const copy = [...args];
  copy[CTX_INDEX[name]] = ctx;
  return copy;
}

/**
 * Rejects as soon as the call's signal fires, even when an adapter ignores it: the request must not
 * hang on a backend that stopped answering.
 */
/** The caller aborted (not its deadline passing, which may well be the backend's slowness). */
function callerCancelled(ctx: CallContext): boolean {
  const reason: unknown = ctx.signal.reason;
  return ctx.signal.aborted && Date.now() < ctx.deadline && !(reason instanceof DOMException && reason.name === "TimeoutError");
}

function abortable<T>(promise: Promise<T>, ctx: CallContext, backend: string): Promise<T> {
  if (ctx.signal.aborted) return Promise.reject(timeoutError(ctx, backend));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(timeoutError(ctx, backend));
    ctx.signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (v) => {
        ctx.signal.removeEventListener("abort", onAbort);
        resolve(v);
      },
      (e: unknown) => {
        ctx.signal.removeEventListener("abort", onAbort);
        reject(isRegistryError(e) || !ctx.signal.aborted ? e : timeoutError(ctx, backend));
      },
    );
  });
}

function timeoutError(ctx: CallContext, backend: string): Error {
  try {
    ensureActive(ctx, backend);
  } catch (err) {
    return err as Error;
  }
  return new UnavailableError(`backend "${backend}" call was aborted`, { backend });
}
