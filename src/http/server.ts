/**
 * The gateway's HTTP server (node:http): /graphql (Apollo), /graphiql, /healthz, /readyz and
 * GET /v1/resolve/{name}, and subscriptions over WebSocket on /graphql (./graphql-ws.ts, fed by one
 * event feed per process). Logs every request with its id; shuts down gracefully, letting in-flight
 * requests (writes included) finish before the store and adapters close.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { HeaderMap } from "@apollo/server";
import { createCallContext, type Actor, type CallContext } from "../core/index.js";
import { DEPRECATED_SERVER_LIMITS } from "../config/schema.js";
import type { GatewayContext } from "../graphql/context.js";
import { createApollo } from "../graphql/apollo.js";
import { createQueryLimits } from "../graphql/limits.js";
import { refuseBeforeApollo } from "../graphql/http-precheck.js";
import { createLoaders } from "../graphql/loaders.js";
import { buildGatewaySchema } from "../graphql/schema.js";
import type { Gateway } from "../app/gateway.js";
import { EventFeed } from "../events/event-feed.js";
import type { Logger } from "../logging.js";
import { hasRole } from "../core/roles.js";
import { AuthenticationError, createAuthenticator, isLoopback, isLoopbackHostHeader, notLoopbackHostMessage, type Authenticator } from "./auth.js";
import { BodyTooLargeError, readBody } from "./body.js";
import { attachGraphQLWebSocket } from "./graphql-ws.js";
import { graphiqlAsset, graphiqlPage } from "./graphiql.js";
import { requestIdOf } from "./request-id.js";
import { ReadinessProbe, sendReadiness } from "./readiness.js";
import { handleResolve, sendAnswer } from "./resolve-endpoint.js";
import { metricsEndpoint } from "./metrics-endpoint.js";
import { RequestRecorder, RequestTelemetry, routeOf } from "../observability/request-telemetry.js";
import { activeTraceId, inSpan } from "../observability/tracing.js";
import { createMlflowFacade } from "./mlflow/facade.js";
import { sendJson } from "./respond.js";
import { isConsolePath, serveConsole } from "./ui.js";

export interface RunningServer {
  /** e.g. http://127.0.0.1:4000 */
  url: string;
  port: number;
  server: Server;
  /** Stops accepting, waits for in-flight requests (up to the grace period), then closes the gateway. */
  close(): Promise<void>;
}

export interface ServeOptions {
  host?: string;
  port?: number;
}

const PLAIN_NAME = /^[A-Za-z0-9_~-][A-Za-z0-9._~%/-]*$/;
const DOT_SEGMENT = /(^|\/)\.\.?(\/|$)/;
const UNAUTHENTICATED: Actor = Object.freeze({ id: "unauthenticated", roles: Object.freeze([]) });

/** Paths anyone may call: probes and the GraphiQL page (its queries still need a token). */
function isPublic(path: string): boolean {
  return path === "/healthz" || path === "/readyz" || path === "/" || path === "/graphiql" || path.startsWith("/graphiql/assets/");
}

export async function startServer(gateway: Gateway, opts: ServeOptions = {}): Promise<RunningServer> {
  const { config } = gateway.services;
  const server = config.server;
  const host = opts.host ?? server.host;
  const authenticator: Authenticator = createAuthenticator(config.auth, { mode: server.mode });
  if (!authenticator.enabled && !isLoopback(host)) {
    throw new Error(
      `refusing to listen on ${host} without authentication: anyone who can reach it could change the registries. ` +
        "Configure auth.tokens or auth.jwt in modelgate.yaml, or bind to 127.0.0.1.",
    );
  }
  const introspection = server.introspection ?? server.mode === "development";
  const graphiql = server.graphiql ?? introspection;
  // One set of query limits for HTTP and WebSocket alike.
  const schema = await buildGatewaySchema();
  const limits = createQueryLimits(config.limits, { schema, hideSuggestions: server.mode === "production" });
  const apollo = createApollo(schema, { mode: server.mode, introspection, limits, executor: server.graphqlExecutor });
  await apollo.start();

  const log = gateway.logger;
  // Metrics and traces (src/observability): off, nothing is recorded and no span is made.
  const { metrics, tracer } = gateway;
  const serveMetrics = metrics === undefined ? undefined : metricsEndpoint(metrics, config.metrics, authenticator);
  const requests = metrics === undefined ? undefined : new RequestRecorder(metrics);
  for (const key of DEPRECATED_SERVER_LIMITS) {
    if (server[key] !== undefined) log.warn({ key: `server.${key}` }, `server.${key} is deprecated: set limits.${key} instead (it applies while limits.${key} is left at its default)`);
  }
  const readiness = new ReadinessProbe(gateway.services.catalog, gateway.services.store, {
    cacheMs: server.readinessCacheMs,
    timeoutMs: server.requestTimeoutMs,
  });
  let inFlight = 0;
  let draining = false;
  let drained: (() => void) | undefined;

  // The MLflow-compatible registry and MLflow webhooks (src/http/mlflow): their own auth and errors.
  const mlflow = createMlflowFacade(gateway, authenticator);

  const handle = async (req: IncomingMessage, res: ServerResponse, reqLog: Logger, requestId: string, signal: () => AbortSignal, telemetry?: RequestTelemetry) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const path = url.pathname;
    // Without auth every caller is admin: answer only requests addressed to this machine by a
    // loopback name, so a web page whose name resolves to 127.0.0.1 (DNS rebinding) gets nothing.
    if (!authenticator.enabled && !isLoopbackHostHeader(req.headers.host)) {
      sendJson(res, 403, { errors: [{ message: notLoopbackHostMessage(req.headers.host), extensions: { code: "FORBIDDEN" } }] });
      return;
    }
    if (decodePath(path) === undefined) {
      sendJson(res, 400, { error: { code: "BAD_REQUEST", message: `the path is not valid percent-encoding (each % must start a %XX escape of UTF-8 bytes): ${path.slice(0, 200)}` } });
      return;
    }
    // Its own rule: admins and the scrape tokens of metrics.tokens (./metrics-endpoint.ts).
    if (path === "/metrics" && serveMetrics !== undefined) return serveMetrics(req, res, reqLog);
    // The web console's static files need no token (its API calls do): src/http/ui.ts.
    if (isConsolePath(path)) return serveConsole(req, res, path);
    if (await mlflow.handle(req, res, url, requestId, reqLog, signal)) return;
    let actor: Actor = UNAUTHENTICATED;
    try {
      actor = await authenticator.authenticate(req.headers.authorization);
    } catch (err) {
      if (!(err instanceof AuthenticationError)) throw err;
      if (isPublic(path)) return serve(path, url, req, res, reqLog, requestId, createCallContext({ timeoutMs: server.requestTimeoutMs, actor, requestId, signal }), telemetry);
      reqLog.info({ reason: err.message }, "authentication failed");
      sendJson(res, 401, { errors: [{ message: err.message, extensions: { code: "UNAUTHENTICATED" } }] }, { "WWW-Authenticate": 'Bearer realm="modelgate"' });
      return;
    }
    if (!isPublic(path) && !hasRole(actor, "viewer")) {
      sendJson(res, 403, { errors: [{ message: `${actor.id} holds no modelgate role`, extensions: { code: "FORBIDDEN" } }] });
      return;
    }
    return serve(path, url, req, res, reqLog, requestId, createCallContext({ timeoutMs: server.requestTimeoutMs, actor, requestId, signal }), telemetry);
  };

  const serve = async (path: string, url: URL, req: IncomingMessage, res: ServerResponse, reqLog: Logger, requestId: string, call: CallContext, telemetry?: RequestTelemetry) => {
    if (path === "/graphql") {
      let body: unknown;
      if (req.method === "POST") {
        const text = await readBody(req, server.bodyLimitBytes);
        const type = req.headers["content-type"] ?? "";
        if (type.includes("application/json") || type.includes("application/graphql-response+json")) {
          try {
            body = text.length === 0 ? undefined : JSON.parse(text);
          } catch {
            sendJson(res, 400, { errors: [{ message: "request body is not valid JSON", extensions: { code: "BAD_REQUEST" } }] });
            return;
          }
        } else {
          body = text;
        }
      }
      const headers = new HeaderMap();
      for (const [key, value] of Object.entries(req.headers)) {
        if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(", ") : value);
      }
      // Until Apollo resolves an operation the request counts as an invalid one (a query refused
      // before Apollo's plugins run included).
      telemetry?.graphqlStarted();
      const execute = () => apollo.executeHTTPGraphQLRequest({
        httpGraphQLRequest: { method: req.method ?? "GET", headers, search: url.search, body },
        context: async (): Promise<GatewayContext> => {
          // The query limits before graphql-js's rules, and no subscriptions (src/graphql/http-precheck.ts).
          const refused = refuseBeforeApollo(body, url.searchParams, limits);
          if (refused !== undefined) throw refused;
          return {
            requestId,
            actor: call.actor,
            logger: reqLog,
            call,
            services: gateway.services,
            loaders: createLoaders(gateway.services.catalog, call, gateway.services.store),
            partialErrors: [],
            ...(telemetry === undefined ? {} : { telemetry }),
          };
        },
      });
      // Tracing on: one span around the whole operation, so resolvers and backend calls nest under it.
      const result =
        tracer === undefined || telemetry === undefined
          ? await execute()
          : await inSpan(tracer, "graphql", {}, (span) => {
              telemetry.span = span;
              return execute();
            });
      const outHeaders: Record<string, string> = { "X-Request-Id": requestId };
      for (const [key, value] of result.headers) outHeaders[key] = value;
      res.writeHead(result.status ?? 200, outHeaders);
      if (result.body.kind === "complete") {
        res.end(result.body.string);
      } else {
        for await (const chunk of result.body.asyncIterator) res.write(chunk);
        res.end();
      }
      return;
    }
    if (path === "/healthz") {
      sendJson(res, 200, { status: "ok" });
      return;
    }
    if (path === "/readyz") {
      await sendReadiness(res, readiness, {
        strict: url.searchParams.get("strict") === "true",
        draining,
        leader: gateway.leadership.leading,
        details: hasRole(call.actor, "admin"),
      });
      return;
    }
    if (path.startsWith("/v1/resolve/") && (req.method === "GET" || req.method === "HEAD")) {
      const name = decodePath(path.slice("/v1/resolve/".length)) ?? "";
      const inm = req.headers["if-none-match"];
      await handleResolve(res, gateway.services, name, url.searchParams, inm, call, server.mode === "production");
      return;
    }
    if (graphiql && (path === "/graphiql" || path === "/")) {
      if (path === "/") {
        res.writeHead(302, { Location: "/graphiql" }).end();
        return;
      }
      const html = graphiqlPage("/graphql");
      res.writeHead(200, { "Content-Type": "text/html; charset=utf-8", "Content-Length": Buffer.byteLength(html) }).end(html);
      return;
    }
    if (graphiql && path.startsWith("/graphiql/assets/")) {
      const asset = await graphiqlAsset(path.slice("/graphiql/assets/".length));
      if (asset) {
        res.writeHead(200, { "Content-Type": asset.type, "Cache-Control": "public, max-age=86400" }).end(asset.body);
        return;
      }
    }
    sendJson(res, 404, { error: { code: "NOT_FOUND", message: `no route ${req.method ?? "GET"} ${path}` } });
  };

  const logRequests = log.isLevelEnabled("info");
  /**
   * GET /v1/resolve/{name}?env= answered from a kept answer (src/workflow/resolve-answers.ts) by a
   * caller whose token was verified lately: no call context, no await. Anything else (a first
   * request, asOf, an unknown token, an odd URL) takes the full path, which answers the same.
   */
  const answerFromMemory = (req: IncomingMessage, res: ServerResponse, requestId: string): boolean => {
    const raw = req.url;
    if (raw === undefined || !raw.startsWith("/v1/resolve/") || (req.method !== "GET" && req.method !== "HEAD") || draining) return false;
    const q = raw.indexOf("?");
    if (q < 0 || raw.includes("#")) return false;
    const rawName = raw.slice("/v1/resolve/".length, q);
    // Names the URL parser would not rewrite (no "//", "." or ".." segments, no "%2e"); others take the full path.
    if (!PLAIN_NAME.test(rawName) || /%2e/i.test(rawName) || rawName.includes("//") || DOT_SEGMENT.test(rawName)) return false;
    const name = rawName.includes("%") ? decodePath(rawName) : rawName;
    if (name === undefined) return false;
    const query = new URLSearchParams(raw.slice(q + 1));
    const environment = query.get("env") ?? query.get("environment");
    if (!environment || query.has("asOf")) return false;
    if (!authenticator.enabled && !isLoopbackHostHeader(req.headers.host)) return false;
    const actor = authenticator.verified(req.headers.authorization);
    if (actor === undefined || !hasRole(actor, "viewer")) return false;
    const kept = gateway.services.resolveAnswers.peek(name, environment);
    if (kept === undefined) return false;
    sendAnswer(res, kept, req.headers["if-none-match"], requestId);
    return true;
  };

  const http = createServer((req, res) => {
    const requestId = requestIdOf(req);
    const started = performance.now();
    // With tracing on every request takes the full path, so each gets its spans.
    if (tracer === undefined && answerFromMemory(req, res, requestId)) {
      const ms = performance.now() - started;
      requests?.record("/v1/resolve", "", res.statusCode, ms / 1_000);
      if (logRequests) log.info({ reqId: requestId, method: req.method, path: (req.url ?? "").split("?")[0], status: res.statusCode, ms: Math.round(ms) }, "request");
      return;
    }
    // Tracing on: the log line names the trace the HTTP instrumentation started for the request.
    const traceId = tracer === undefined ? undefined : activeTraceId();
    const reqLog = log.child(traceId === undefined ? { reqId: requestId } : { reqId: requestId, traceId });
    const telemetry = requests === undefined && tracer === undefined ? undefined : new RequestTelemetry(metrics);
    inFlight += 1;
    res.setHeader("X-Request-Id", requestId);
    handle(req, res, reqLog, requestId, requestSignal(res), telemetry)
      .catch((err: unknown) => {
        if (err instanceof BodyTooLargeError) {
          if (!res.headersSent) sendJson(res, 413, { errors: [{ message: err.message, extensions: { code: "BAD_REQUEST" } }] });
          return;
        }
        reqLog.error({ err }, "request failed");
        if (!res.headersSent) sendJson(res, 500, { error: { code: "INTERNAL_SERVER_ERROR", message: "Internal server error" } });
        else res.end();
      })
      .finally(() => {
        inFlight -= 1;
        const path = (req.url ?? "").split("?")[0] ?? "";
        const ms = performance.now() - started;
        requests?.record(routeOf(path), telemetry?.operation ?? "", res.statusCode, ms / 1_000);
        reqLog.info({ method: req.method, path, status: res.statusCode, ms: Math.round(ms) }, "request");
        if (draining && inFlight === 0) drained?.();
      });
  });
  http.keepAliveTimeout = 5_000;
  http.headersTimeout = 10_000;
  http.requestTimeout = server.requestTimeoutMs + 5_000;

  // One feed of registry events per process, shared by every subscription (src/events/event-feed.ts).
  const events = new EventFeed(gateway.services.store, { logger: log });
  await events.start();
  metrics?.setSources({ subscriptions: () => events.subscriberCount });
  const sockets = attachGraphQLWebSocket(http, {
    schema,
    authenticator,
    services: gateway.services,
    events,
    logger: log,
    mode: server.mode,
    introspection,
    limits,
    maxPayloadBytes: server.bodyLimitBytes,
    requestTimeoutMs: server.requestTimeoutMs,
    shutdownGraceMs: server.shutdownGraceMs,
    draining: () => draining,
  });

  await new Promise<void>((resolve, reject) => {
    http.once("error", reject);
    http.listen(opts.port ?? server.port, host, () => {
      http.off("error", reject);
      resolve();
    });
  }).catch(async (err: unknown) => {
    await mlflow.close();
    await sockets.close();
    await events.stop();
    throw err;
  });
  const port = (http.address() as AddressInfo).port;
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
  log.info({ url: `${url}/graphql`, graphiql: graphiql ? `${url}/graphiql` : false, mode: server.mode, introspection }, "modelgate listening");

  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    server: http,
    close() {
      closing ??= (async () => {
        draining = true;
        const stopped = new Promise<void>((resolve) => http.close(() => resolve()));
        http.closeIdleConnections();
        // WebSockets close now (1001 Going away, completing their subscriptions): subscribers resume with afterSeq.
        const socketsClosed = sockets.close();
        if (inFlight > 0) {
          log.info({ inFlight }, "waiting for in-flight requests");
          await Promise.race([
            new Promise<void>((resolve) => {
              drained = resolve;
            }),
            new Promise<void>((resolve) => setTimeout(resolve, server.shutdownGraceMs).unref()),
          ]);
        }
        http.closeAllConnections();
        await mlflow.close();
        await socketsClosed;
        await events.stop();
        await stopped;
        await apollo.stop();
        await gateway.close();
        log.info({}, "modelgate stopped");
      })();
      return closing;
    },
  };
}

/**
 * The request's abort signal, made when first asked for (most requests never ask: ./resolve-endpoint
 * answers and cached GraphQL reads touch no backend): aborted when the response closes before it
 * finished, i.e. the client went away, which stops the work done for it.
 */
function requestSignal(res: ServerResponse): () => AbortSignal {
  let abort: AbortController | undefined;
  return () => {
    if (abort !== undefined) return abort.signal;
    const made = new AbortController();
    abort = made;
    const gone = () => made.abort(new Error("client closed the connection"));
    if (res.destroyed && !res.writableFinished) gone();
    else
      res.once("close", () => {
        if (!res.writableFinished) gone();
      });
    return made.signal;
  };
}

/** The decoded path, or undefined when a `%` does not start a valid escape (decodeURIComponent would throw). */
function decodePath(path: string): string | undefined {
  try {
    return decodeURIComponent(path);
  } catch {
    return undefined;
  }
}
