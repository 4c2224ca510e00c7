/**
 * The OpenTelemetry SDK of a `modelgate serve` process with `tracing.enabled`: spans exported over
 * OTLP/HTTP in batches, a parent-based ratio sampler, and the instrumentations that carry the trace
 * into the backends' clients: node:http/https (axios for MLflow, the AWS SDK's HTTP handler,
 * webhooks), fetch (undici), gRPC (Vertex AI) and the AWS SDK (SageMaker), and the incoming HTTP
 * server span that honours a caller's `traceparent`.
 *
 * Instrumentations patch modules as they load, so this must run before the server stack is
 * imported: `modelgate serve` loads the config, calls startTracing, and only then imports the
 * gateway (src/cli/commands/serve-run.ts). CommonJS modules (the AWS SDK, gRPC, google-gax) are
 * patched through require hooks; ES modules (node:http as imported by our server and webhook
 * client) through import-in-the-middle's loader hook, registered here to intercept only the modules
 * an instrumentation asked for.
 *
 * Loaded only when tracing is on: off, none of this (nor any of these packages) is imported.
 */
import { register } from "node:module";
import type { ClientRequest, IncomingMessage } from "node:http";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { AwsInstrumentation } from "@opentelemetry/instrumentation-aws-sdk";
import { GrpcInstrumentation } from "@opentelemetry/instrumentation-grpc";
import { HttpInstrumentation } from "@opentelemetry/instrumentation-http";
import { UndiciInstrumentation } from "@opentelemetry/instrumentation-undici";
import { NodeSDK, resources } from "@opentelemetry/sdk-node";
import { BatchSpanProcessor, ParentBasedSampler, TraceIdRatioBasedSampler, type SpanProcessor } from "@opentelemetry/sdk-trace-base";
import { createAddHookMessageChannel } from "import-in-the-middle";
import type { TracingConfig } from "../config/schema.js";
import { routeOf } from "./request-telemetry.js";

export interface TracingHandle {
  /** Exports the spans still buffered and stops the SDK (call on shutdown, before the process exits). */
  shutdown(): Promise<void>;
}

export interface StartTracingOptions {
  /** service.version of every span. */
  serviceVersion?: string;
  /** Where spans go instead of the OTLP exporter (tests: an in-memory exporter). */
  spanProcessors?: SpanProcessor[];
}

/** Probes and scrapes make no traces: they arrive every few seconds and say nothing about the API. */
const UNTRACED_PATHS: ReadonlySet<string> = new Set(["/healthz", "/readyz", "/metrics"]);

let started: TracingHandle | undefined;

/** Starts tracing for this process (once: a second call returns the first handle). */
export async function startTracing(config: TracingConfig, opts: StartTracingOptions = {}): Promise<TracingHandle> {
  if (started !== undefined) return started;
  // The loader hook first, told by the instrumentations below which modules to wrap.
  const { registerOptions, waitForAllMessagesAcknowledged } = createAddHookMessageChannel();
  register("import-in-the-middle/hook.mjs", import.meta.url, registerOptions);

  const exporter = () =>
    new OTLPTraceExporter({
      ...(config.endpoint === undefined ? {} : { url: config.endpoint }),
      ...(Object.keys(config.headers).length === 0 ? {} : { headers: config.headers }),
    });
  const serviceName = config.serviceName ?? (process.env["OTEL_SERVICE_NAME"] ? undefined : "modelgate");
  const sdk = new NodeSDK({
    ...(serviceName === undefined ? {} : { serviceName }),
    // OTEL_RESOURCE_ATTRIBUTES (read by the SDK) wins over the file, as MODELGATE_* variables do.
    resource: resources.defaultResource().merge(
      resources.resourceFromAttributes({ ...config.resourceAttributes, ...(opts.serviceVersion === undefined ? {} : { "service.version": opts.serviceVersion }) }),
    ),
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(config.sampleRatio) }),
    spanProcessors: opts.spanProcessors ?? [new BatchSpanProcessor(exporter())],
    // Traces only. Left unset, the SDK would also export OTLP metrics (the instrumentations' own
    // histograms, every minute) and logs to the same collector: metrics are /metrics' job.
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (req: IncomingMessage) => UNTRACED_PATHS.has((req.url ?? "").split("?")[0] ?? ""),
        // A request served: its span named by route ("POST /graphql", "GET /v1/resolve"), as trace
        // views list them, never by the raw path (model names). Outgoing requests keep their names.
        requestHook: (span, request) => {
          if (typeof (request as ClientRequest).getHeader === "function") return;
          const route = routeOf(((request as IncomingMessage).url ?? "").split("?")[0] ?? "");
          span.updateName(`${request.method ?? "GET"} ${route}`);
          span.setAttribute("http.route", route);
        },
      }),
      new UndiciInstrumentation(),
      new GrpcInstrumentation(),
      new AwsInstrumentation(),
    ],
  });
  sdk.start();
  await waitForAllMessagesAcknowledged();
  let stopping: Promise<void> | undefined;
  started = {
    shutdown: () => (stopping ??= sdk.shutdown()),
  };
  return started;
}
