/**
 * What the resilience wrapper (src/catalog/resilient-adapter.ts), the one place every backend call
 * passes, records per call: its duration and outcome in `modelgate_backend_call_duration_seconds`,
 * its retries, and (tracing on) one span around the call, retries included, under which the
 * instrumented HTTP, gRPC and AWS SDK clients put their own spans.
 */
import { isRegistryError } from "../core/errors.js";
import type { GatewayMetrics } from "./metrics.js";
import { inSpan, type Tracer } from "./tracing.js";

/** Error codes that are a backend's answer to the question asked, not a failure of the call. */
const EXPECTED_CODES: ReadonlySet<string> = new Set(["NOT_FOUND", "ALREADY_EXISTS", "INVALID_INPUT", "CONFLICT", "UNSUPPORTED"]);

export const CIRCUIT_OPEN_OUTCOME = "CIRCUIT_OPEN";

export interface BackendTelemetry {
  /** Times one call: `run` gets a function to call before each attempt after the first. */
  call<T>(method: string, run: (retrying: () => void) => Promise<T>): Promise<T>;
}

export interface BackendTelemetryOptions {
  backend: string;
  kind: string;
  metrics?: GatewayMetrics;
  tracer?: Tracer;
  /** The outcome label of an error (default: its registry error code, else "ERROR"). */
  outcomeOf?: (err: unknown) => string;
}

/** undefined when neither metrics nor tracing is on: the wrapper then adds nothing to a call. */
export function backendTelemetry(opts: BackendTelemetryOptions): BackendTelemetry | undefined {
  const { backend, kind, metrics, tracer } = opts;
  if (metrics === undefined && tracer === undefined) return undefined;
  const outcomeOf = opts.outcomeOf ?? ((err: unknown) => (isRegistryError(err) ? err.code : "ERROR"));
  // Bound children, one per method and outcome: the hot path does no label lookups of its own.
  const durations = new Map<string, { observe(seconds: number): void }>();
  const retries = new Map<string, { inc(): void }>();
  const observe = (method: string, outcome: string, seconds: number) => {
    const key = `${method}\u0000${outcome}`;
    let child = durations.get(key);
    if (child === undefined) {
      child = metrics!.backendCallDuration.labels(backend, kind, method, outcome);
      durations.set(key, child);
    }
    child.observe(seconds);
  };
  const retried = (method: string) => {
    let child = retries.get(method);
    if (child === undefined) {
      child = metrics!.backendRetries.labels(backend, kind, method);
      retries.set(method, child);
    }
    child.inc();
  };

  /** Runs one call and records its duration under its outcome (one `then`: no async frame of its own). */
  const timed = <T>(method: string, run: (retrying: () => void) => Promise<T>, onRetry: () => void): Promise<T> => {
    if (metrics === undefined) return run(onRetry);
    const started = performance.now();
    return run(onRetry).then(
      (value) => {
        observe(method, "OK", (performance.now() - started) / 1_000);
        return value;
      },
      (error: unknown) => {
        observe(method, outcomeOf(error), (performance.now() - started) / 1_000);
        throw error;
      },
    );
  };

  if (tracer === undefined) {
    return { call: (method, run) => timed(method, run, () => retried(method)) };
  }
  const failure = (err: unknown) => !(isRegistryError(err) && EXPECTED_CODES.has(err.code));
  return {
    call(method, run) {
      const attributes = { "modelgate.backend.id": backend, "modelgate.backend.kind": kind, "modelgate.backend.method": method };
      return inSpan(
        tracer,
        `backend ${method}`,
        attributes,
        async (span) => {
          let attempts = 1;
          const onRetry = () => {
            attempts += 1;
            span.addEvent("retry", { attempt: attempts });
            if (metrics !== undefined) retried(method);
          };
          try {
            const value = await timed(method, run, onRetry);
            span.setAttributes({ "modelgate.backend.outcome": "OK", "modelgate.backend.attempts": attempts });
            return value;
          } catch (err) {
            span.setAttributes({ "modelgate.backend.outcome": outcomeOf(err), "modelgate.backend.attempts": attempts });
            throw err;
          }
        },
        failure,
      );
    },
  };
}
