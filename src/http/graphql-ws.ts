/**
 * GraphQL over WebSocket (the graphql-transport-ws protocol of `graphql-ws`) on the HTTP server's
 * /graphql path: subscriptions only (queries and mutations stay on HTTP, behind Apollo's CSRF
 * prevention), with the HTTP path's authentication, roles, validation limits and error policy.
 *
 * A client authenticates with `connectionParams.authorization` ("Bearer <token>") or the upgrade
 * request's Authorization header. With auth configured, a connection without a valid token or
 * without a role is closed with 4403 Forbidden; an invalid Authorization header on the upgrade
 * request is refused with 401 before the upgrade. In development mode (no auth: every caller is
 * admin) browsers' cross-origin upgrades are refused, since WebSockets have no CORS.
 */
import { randomUUID } from "node:crypto";
import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import {
  GraphQLError,
  Kind,
  NoSchemaIntrospectionCustomRule,
  getOperationAST,
  parse,
  validate,
  type DocumentNode,
  type ExecutionArgs,
  type GraphQLFormattedError,
  type GraphQLSchema,
  type ValidationRule,
} from "graphql";
import { useServer } from "graphql-ws/use/ws";
import { WebSocketServer } from "ws";
import { createCallContext, type Actor } from "../core/index.js";
import type { EventFeed } from "../events/event-feed.js";
import type { GatewayServices } from "../app/services.js";
import { createFormatError } from "../graphql/errors.js";
import { createLoaders } from "../graphql/loaders.js";
import type { QueryLimits } from "../graphql/limits.js";
import { safeSpecifiedRules } from "../graphql/subscription-rules.js";
import { SUBSCRIPTION_ERROR_CODES, type SubscriptionContext } from "../graphql/resolvers/registry-event.resolver.js";
import type { Logger } from "../logging.js";
import { hasRole } from "../core/roles.js";
import { AuthenticationError, isLoopbackHostHeader, notLoopbackHostMessage, type Authenticator } from "./auth.js";
import { requestIdOf } from "./request-id.js";

export interface WebSocketTransportOptions {
  schema: GraphQLSchema;
  authenticator: Authenticator;
  services: GatewayServices;
  events: EventFeed;
  logger: Logger;
  mode: "development" | "production";
  introspection: boolean;
  /** The query limits, the same set the HTTP transport applies (createQueryLimits). */
  limits: QueryLimits;
  /** Largest message accepted, as the HTTP body limit. */
  maxPayloadBytes: number;
  /** Deadline of each operation's call context (as an HTTP request's). */
  requestTimeoutMs: number;
  /** How long closing waits for clients to finish the close handshake before dropping them. */
  shutdownGraceMs: number;
  /** True while the server drains: new upgrades are refused with 503. */
  draining(): boolean;
}

export interface WebSocketTransport {
  /** Closes every socket (1001 Going away), completing their subscriptions. */
  close(): Promise<void>;
}

/** Subscriptions one socket may run at once. */
export const MAX_SUBSCRIPTIONS_PER_SOCKET = 100;

type SocketExtra = {
  actor: Actor;
  requestId: string;
  logger: Logger;
  closed: AbortController;
};

const PUBLIC_STREAM_CODES = new Set<string>(SUBSCRIPTION_ERROR_CODES);

function refuse(socket: Duplex, status: number, reason: string, extraHeaders: Record<string, string> = {}): void {
  const body = JSON.stringify({ errors: [{ message: reason }] });
  const headers = { "Content-Type": "application/json", "Content-Length": String(Buffer.byteLength(body)), Connection: "close", ...extraHeaders };
  socket.end(`HTTP/1.1 ${status} ${status === 401 ? "Unauthorized" : status === 403 ? "Forbidden" : status === 404 ? "Not Found" : "Service Unavailable"}\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}`).join("\r\n")}\r\n\r\n${body}`);
}

/** A browser's upgrade from another origin (a page the user happened to open) is refused. */
function crossOrigin(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  // Non-browser clients send no Origin; an opaque origin ("null") is never the gateway's own.
  if (origin === undefined) return false;
  try {
    return new URL(origin).host !== req.headers.host;
  } catch {
    return true;
  }
}

function authorizationOf(connectionParams: Readonly<Record<string, unknown>> | undefined): string | undefined {
  const value = connectionParams?.["authorization"] ?? connectionParams?.["Authorization"];
  if (typeof value !== "string") return undefined;
  return /^Bearer\s/i.test(value) ? value : `Bearer ${value}`;
}

export function attachGraphQLWebSocket(http: Server, opts: WebSocketTransportOptions): WebSocketTransport {
  const { schema, authenticator, services, events, logger } = opts;
  const { limits } = opts;
  // Apollo's order on HTTP: graphql's rules, the introspection switch, then the limits.
  const rules: ValidationRule[] = [...safeSpecifiedRules, ...(opts.introspection ? [] : [NoSchemaIntrospectionCustomRule]), ...limits.rules];
  const formatError = createFormatError({ mask: opts.mode === "production" });
  const format = (error: GraphQLError, log: Logger): GraphQLFormattedError => {
    const code = error.extensions["code"];
    if (typeof code === "string" && PUBLIC_STREAM_CODES.has(code)) return { message: error.message, extensions: error.extensions };
    // A variable value that does not fit its type (as Apollo's UserInputError on HTTP), not a fault.
    const node = error.nodes?.length === 1 ? error.nodes[0] : undefined;
    const badVariable = code === undefined && node?.kind === Kind.VARIABLE_DEFINITION && error.message.startsWith(`Variable "$${node.variable.name.value}" `);
    const json = error.toJSON();
    const formatted = formatError(badVariable ? { ...json, extensions: { ...json.extensions, code: "BAD_USER_INPUT" } } : json, error);
    const outCode = formatted.extensions?.["code"];
    if (outCode === "INTERNAL_SERVER_ERROR") log.error({ err: error.originalError ?? error, path: error.path }, "unexpected error");
    else log.debug({ err: error.originalError ?? error, path: error.path, code: outCode }, "request error");
    return formatted;
  };

  const wss = new WebSocketServer({ noServer: true, maxPayload: opts.maxPayloadBytes });
  const upgradeActors = new WeakMap<IncomingMessage, Actor>();

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    void (async () => {
      const path = new URL(req.url ?? "/", "http://localhost").pathname;
      if (path !== "/graphql") return refuse(socket, 404, `no WebSocket endpoint at ${path}; subscriptions are served at /graphql`);
      if (opts.draining()) return refuse(socket, 503, "the server is shutting down");
      // Without auth every caller is admin: a page in the developer's browser must not get that.
      // (With auth, a browser page cannot present a token it does not have: there are no cookies.)
      if (!authenticator.enabled && crossOrigin(req)) return refuse(socket, 403, "cross-origin WebSocket connections are not allowed without auth");
      if (!authenticator.enabled && !isLoopbackHostHeader(req.headers.host)) return refuse(socket, 403, notLoopbackHostMessage(req.headers.host));
      if (req.headers.authorization !== undefined) {
        try {
          upgradeActors.set(req, await authenticator.authenticate(req.headers.authorization));
        } catch (err) {
          if (!(err instanceof AuthenticationError)) throw err;
          logger.info({ reason: err.message }, "WebSocket authentication failed");
          return refuse(socket, 401, err.message, { "WWW-Authenticate": 'Bearer realm="modelgate"' });
        }
      }
      wss.handleUpgrade(req, socket, head, (ws) => wss.emit("connection", ws, req));
    })().catch((err: unknown) => {
      logger.error({ err }, "WebSocket upgrade failed");
      socket.destroy();
    });
  };
  http.on("upgrade", onUpgrade);

  const disposable = useServer<Record<string, unknown> | undefined, SocketExtra>(
    {
      schema,
      isProd: opts.mode === "production",
      async onConnect(ctx) {
        const { request, socket } = ctx.extra;
        const requestId = requestIdOf(request);
        const log = logger.child({ reqId: requestId });
        const fromParams = authorizationOf(ctx.connectionParams);
        let actor: Actor;
        try {
          const upgradeActor = upgradeActors.get(request);
          actor = fromParams === undefined && upgradeActor !== undefined ? upgradeActor : await authenticator.authenticate(fromParams ?? request.headers.authorization);
        } catch (err) {
          if (!(err instanceof AuthenticationError)) throw err;
          log.info({ reason: err.message }, "WebSocket authentication failed");
          return false;
        }
        if (!hasRole(actor, "viewer")) {
          log.info({ actor: actor.id }, "WebSocket refused: the actor holds no modelgate role");
          return false;
        }
        const closed = new AbortController();
        socket.once("close", () => closed.abort(new Error("the WebSocket closed")));
        Object.assign(ctx.extra, { actor, requestId, logger: log, closed } satisfies SocketExtra);
        log.info({ actor: actor.id }, "WebSocket connected");
        return true;
      },
      onClose(ctx, code) {
        if (ctx.extra.logger !== undefined) ctx.extra.logger.info({ code }, "WebSocket closed");
      },
      onSubscribe(ctx, id, payload): ExecutionArgs | readonly GraphQLError[] {
        const { actor, logger: log, closed } = ctx.extra;
        if (actor === undefined || log === undefined || closed === undefined) throw new Error("subscribe before the connection was acknowledged");
        if (Object.keys(ctx.subscriptions).length > MAX_SUBSCRIPTIONS_PER_SOCKET) {
          return [new GraphQLError(`a socket may run at most ${MAX_SUBSCRIPTIONS_PER_SOCKET} subscriptions at once`, { extensions: { code: "BAD_REQUEST" } })];
        }
        // The query limits first, before graphql-js's rules (src/graphql/limits.ts).
        const refusals = limits.precheck(payload.query);
        if (refusals.length > 0) return refusals;
        let document: DocumentNode;
        try {
          document = parse(payload.query, limits.parseOptions);
        } catch (err) {
          if (!(err instanceof GraphQLError)) throw err;
          const refusal = limits.fromParseError(err);
          if (refusal !== err) return [refusal];
          return [new GraphQLError(err.message, { nodes: err.nodes ?? null, source: err.source ?? null, positions: err.positions ?? null, extensions: { code: "GRAPHQL_PARSE_FAILED" } })];
        }
        const invalid = validate(schema, document, rules, { hideSuggestions: limits.hideSuggestions });
        if (invalid.length > 0) {
          return invalid.map((e) => (e.extensions["code"] === undefined ? new GraphQLError(e.message, { nodes: e.nodes ?? null, extensions: { code: "GRAPHQL_VALIDATION_FAILED" } }) : e));
        }
        const operation = getOperationAST(document, payload.operationName);
        if (operation == null) {
          return [new GraphQLError("could not determine which operation to run: name it with operationName", { extensions: { code: "OPERATION_RESOLUTION_FAILURE" } })];
        }
        if (operation.operation !== "subscription") {
          return [
            new GraphQLError(`only subscriptions are served over WebSocket; send ${operation.operation === "query" ? "queries" : "mutations"} over HTTP POST /graphql`, {
              extensions: { code: "BAD_REQUEST" },
            }),
          ];
        }
        const requestId = `${ctx.extra.requestId ?? randomUUID()}:${id}`;
        const call = createCallContext({ timeoutMs: opts.requestTimeoutMs, actor, requestId, signal: closed.signal });
        const contextValue: SubscriptionContext = {
          requestId,
          actor,
          logger: log.child({ operationId: id }),
          call,
          services,
          loaders: createLoaders(services.catalog, call, services.store),
          partialErrors: [],
          events,
        };
        return {
          schema,
          document,
          contextValue,
          hideSuggestions: limits.hideSuggestions,
          ...(payload.operationName == null ? {} : { operationName: payload.operationName }),
          ...(payload.variables == null ? {} : { variableValues: payload.variables }),
        };
      },
      onNext(ctx, _id, _payload, _args, result) {
        if (result.errors === undefined || result.errors.length === 0) return undefined;
        const log = ctx.extra.logger ?? logger;
        return { ...result, errors: result.errors.map((e) => format(e, log)) };
      },
      onError(ctx, _id, _payload, errors) {
        const log = ctx.extra.logger ?? logger;
        return errors.map((e) => format(e, log));
      },
    },
    wss,
  );

  let closing: Promise<void> | undefined;
  return {
    close() {
      closing ??= (async () => {
        http.off("upgrade", onUpgrade);
        const disposed = disposable.dispose();
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([disposed, new Promise<void>((resolve) => (timer = setTimeout(resolve, opts.shutdownGraceMs)))]);
        clearTimeout(timer);
        // Clients that did not answer the close handshake in time.
        for (const client of wss.clients) client.terminate();
        await disposed;
      })();
      return closing;
    },
  };
}
