/**
 * Spans through the OpenTelemetry API only (@opentelemetry/api: no SDK here). The SDK, exporter and
 * instrumentations are set up once per process by ./tracing-sdk.ts (`modelgate serve` with
 * `tracing.enabled`), or by an application that embeds the gateway and registers its own provider.
 *
 * A component gets a `Tracer` when tracing is on and `undefined` when it is off: off, nothing here
 * is called and no span object is made on any path.
 */
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, context, propagation, trace, type Attributes, type Span, type Tracer } from "@opentelemetry/api";

export type { Span, Tracer };
export { SpanKind, SpanStatusCode };

/** The instrumentation scope of every span the gateway makes itself. */
export const TRACER_NAME = "modelgate";

/** The gateway's tracer when `enabled`, else undefined (no span work anywhere). */
export function gatewayTracer(enabled: boolean): Tracer | undefined {
  return enabled ? trace.getTracer(TRACER_NAME) : undefined;
}

/**
 * Runs `fn` in a new active span (a child of the active one): what `fn` calls, instrumented
 * HTTP/gRPC/AWS clients included, nests under it. The span ends when `fn` settles; a rejection
 * marks it as an error unless `isError` says the error is an expected outcome.
 */
export async function inSpan<T>(
  tracer: Tracer,
  name: string,
  attributes: Attributes,
  fn: (span: Span) => Promise<T>,
  isError: (err: unknown) => boolean = () => true,
): Promise<T> {
  return tracer.startActiveSpan(name, { kind: SpanKind.INTERNAL, attributes }, async (span) => {
    try {
      return await fn(span);
    } catch (err) {
      markError(span, err, isError(err));
      throw err;
    } finally {
      span.end();
    }
  });
}

/** Records `err` on the span (as an exception event) and, when it is a failure, the span's error status. */
export function markError(span: Span, err: unknown, failure = true): void {
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof Error) span.recordException(err);
  if (failure) span.setStatus({ code: SpanStatusCode.ERROR, message });
}

/**
 * The active trace context as propagation headers (W3C `traceparent`, and `tracestate` when set),
 * to store with work that continues later (an outbox row); undefined when no span is active.
 */
export function traceCarrier(): Record<string, string> | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return Object.keys(carrier).length === 0 ? undefined : carrier;
}

/**
 * Runs `fn` in a new active span whose parent is the stored `carrier` (see traceCarrier), so work
 * picked up later joins the trace that queued it; without a carrier the span starts a new trace.
 * Never the context of whoever happened to wake the caller up.
 */
export function continueTrace<T>(
  tracer: Tracer,
  carrier: Readonly<Record<string, string>> | undefined,
  name: string,
  attributes: Attributes,
  fn: (span: Span) => Promise<T>,
): Promise<T> {
  const parent = carrier === undefined ? ROOT_CONTEXT : propagation.extract(ROOT_CONTEXT, carrier);
  return context.with(parent, () => inSpan(tracer, name, attributes, fn));
}

/** The trace id of the active span, if any (for log lines). */
export function activeTraceId(): string | undefined {
  const span = trace.getActiveSpan();
  return span === undefined ? undefined : span.spanContext().traceId;
}

/** Runs `fn` outside any trace (background work woken up from inside a request). */
export function outsideTraces<T>(fn: () => T): T {
  return context.with(ROOT_CONTEXT, fn);
}
