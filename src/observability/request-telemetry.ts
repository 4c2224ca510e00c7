/**
 * Per-request metrics and the GraphQL operation's span. The HTTP server times every request and
 * records it under its route, GraphQL operation (bounded, see ./operation-names.ts) and status; the
 * Apollo plugin (src/graphql/observability-plugin.ts) tells the request which operation it ran and
 * which errors it answered, through the request's `RequestTelemetry`.
 */
import type { GatewayMetrics } from "./metrics.js";
import { INVALID_OPERATION } from "./operation-names.js";
import { SpanStatusCode, type Span } from "./tracing.js";

/** Error codes that mean the gateway or a backend failed (the others are the caller's). */
const FAILURE_CODES: ReadonlySet<string> = new Set(["INTERNAL_SERVER_ERROR", "BACKEND_UNAVAILABLE", "BACKEND_UNAUTHORIZED", "DEADLINE_EXCEEDED"]);
const CODE_PATTERN = /^[A-Z][A-Z0-9_]{0,63}$/;

/** The `route` label of a path: a fixed set, whatever the path. */
export function routeOf(path: string): string {
  if (path === "/graphql") return "/graphql";
  if (path.startsWith("/v1/resolve/")) return "/v1/resolve";
  if (path === "/healthz" || path === "/readyz" || path === "/metrics") return path;
  if (path === "/" || path === "/graphiql" || path.startsWith("/graphiql/")) return "/graphiql";
  if (path === "/ui" || path.startsWith("/ui/")) return "/ui";
  // The MLflow-compatible registry (per backend or at the root, as the client or MLflow's UI spell it) and MLflow's webhooks.
  if (path.startsWith("/mlflow/") || path.startsWith("/api/2.0/mlflow/") || path.startsWith("/ajax-api/2.0/mlflow/")) return "/mlflow";
  if (path.startsWith("/hooks/mlflow/")) return "/hooks/mlflow";
  return "unmatched";
}

/** What one request learns about itself while it runs: its GraphQL operation, and that operation's span. */
export class RequestTelemetry {
  /** The `operation` label: "" outside GraphQL; a GraphQL request that resolved no operation is "invalid". */
  operation = "";

  /** The GraphQL operation's span (tracing on), started by the server around Apollo's execution. */
  span: Span | undefined;

  constructor(readonly metrics: GatewayMetrics | undefined) {}

  /** Apollo started on the request: until an operation resolves, it is an invalid one. */
  graphqlStarted(): void {
    this.operation = INVALID_OPERATION;
  }

  /** The operation Apollo is about to execute. */
  graphqlOperation(type: string, name: string | undefined): void {
    if (this.metrics !== undefined) this.operation = this.metrics.operations.label(name);
    if (this.span !== undefined) {
      this.span.updateName(name === undefined ? type : `${type} ${name}`);
      this.span.setAttributes({ "graphql.operation.type": type, ...(name === undefined ? {} : { "graphql.operation.name": name.slice(0, 200) }) });
    }
  }

  /** The `extensions.code` of every error in the response (partial backend failures included). */
  graphqlErrors(codes: readonly string[]): void {
    if (codes.length === 0) return;
    const labels = codes.map((c) => (CODE_PATTERN.test(c) ? c : "OTHER"));
    if (this.metrics !== undefined) for (const code of labels) this.metrics.graphqlErrors.inc({ operation: this.operation, code });
    if (this.span !== undefined) {
      this.span.setAttribute("modelgate.graphql.error_codes", [...new Set(labels)]);
      const failure = labels.find((c) => FAILURE_CODES.has(c));
      if (failure !== undefined) this.span.setStatus({ code: SpanStatusCode.ERROR, message: failure });
    }
  }
}

/** Records finished requests; label children are kept per route, operation and status (all bounded). */
export class RequestRecorder {
  readonly #children = new Map<string, { observe(seconds: number): void }>();

  constructor(private readonly metrics: GatewayMetrics) {}

  record(route: string, operation: string, status: number, seconds: number): void {
    const key = `${route}\u0000${operation}\u0000${status}`;
    let child = this.#children.get(key);
    if (child === undefined) {
      child = this.metrics.requestDuration.labels(route, operation, String(status));
      this.#children.set(key, child);
    }
    child.observe(seconds);
  }
}
