/**
 * The MLflow-compatible facade: MLflow's Model Registry REST API over any backend, so existing
 * MLflow clients and `models:/` URIs work against the gateway by changing their registry URI.
 *
 *   /mlflow/<backendId>/api/2.0/mlflow/...        one MLflow registry per backend
 *   /api/2.0/mlflow/...                           `mlflowFacade.defaultBackend`, at the root
 *   (/ajax-api/2.0/mlflow/... the same, as MLflow's web UI spells it)
 *   /hooks/mlflow/<backendId>                     MLflow webhook deliveries (./hooks/receiver.ts)
 *
 * Reads and writes go through the gateway's services (catalog, RegistryWrites, PromotionService),
 * never straight to an adapter: every write is audited, and stage moves pass the promotion gates
 * (./governed.ts). Callers authenticate as MLflow's client does: Basic (any username, the gateway
 * token as password: MLFLOW_TRACKING_USERNAME / MLFLOW_TRACKING_PASSWORD) or Bearer
 * (MLFLOW_TRACKING_TOKEN). Errors are MLflow's `{error_code, message}` (./errors.ts).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { createCallContext, type Actor } from "../../core/index.js";
import { hasRole } from "../../core/roles.js";
import type { Gateway } from "../../app/gateway.js";
import type { Logger } from "../../logging.js";
import { AuthenticationError, type Authenticator } from "../auth.js";
import { BodyTooLargeError, readBody } from "../body.js";
import { sendJson } from "../respond.js";
import { MlflowApiError, sendMlflowError, toMlflowError } from "./errors.js";
import { Governance } from "./governed.js";
import { DriftTrigger } from "./hooks/drift-trigger.js";
import { MlflowWebhookReceiver } from "./hooks/receiver.js";
import { WebhookRegistrations } from "./hooks/registration.js";
import { MODEL_VERSION_ROUTES } from "./model-versions.js";
import { Params } from "./params.js";
import { ALIAS_ROUTES, REGISTERED_MODEL_ROUTES } from "./registered-models.js";
import { RetryLedger } from "./retry-ledger.js";
import type { Route } from "./route.js";
import { RegistryView } from "./view.js";

/** How long a create whose answer was lost is remembered for the client's retry (its retries span about a minute). */
const RETRY_LEDGER_TTL_MS = 10 * 60_000;
const API_RE = /^\/(?:api|ajax-api)\/2\.0\/mlflow\/(.+)$/;
const BACKEND_RE = /^\/mlflow\/([^/]+)(\/.*)?$/;
const HOOK_RE = /^\/hooks\/mlflow\/([^/]+)\/?$/;

const ROUTES: Readonly<Record<string, Route>> = { ...REGISTERED_MODEL_ROUTES, ...MODEL_VERSION_ROUTES };

export interface MlflowFacade {
  /** Serves the request when its path is the facade's or a webhook's; false to let the server go on. */
  handle(req: IncomingMessage, res: ServerResponse, url: URL, requestId: string, log: Logger, signal: AbortSignal | (() => AbortSignal)): Promise<boolean>;
  /** Stops webhook registration retries and waits for drift checks under way. */
  close(): Promise<void>;
}

/** `Basic base64(user:token)` as MLflow's client sends MLFLOW_TRACKING_USERNAME/PASSWORD: the password is the token. */
export function bearerOf(authorization: string | undefined): string | undefined {
  if (authorization === undefined) return undefined;
  const basic = /^Basic\s+(\S+)\s*$/i.exec(authorization);
  if (!basic) return authorization;
  const decoded = Buffer.from(basic[1] as string, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  const password = colon < 0 ? "" : decoded.slice(colon + 1);
  if (password === "") throw new AuthenticationError("Basic credentials carry no password: send the gateway token as the password (MLFLOW_TRACKING_PASSWORD)");
  return `Bearer ${password}`;
}

export function createMlflowFacade(gateway: Gateway, authenticator: Authenticator): MlflowFacade {
  const { services } = gateway;
  const { config } = services;
  const facade = config.mlflowFacade;
  const log = gateway.logger.child({ component: "mlflow-facade" });
  const governance = new Governance(facade.applyWaitMs);
  const ledger = new RetryLedger(RETRY_LEDGER_TTL_MS);
  const trigger = new DriftTrigger(services.drift, log);
  const receiver = new MlflowWebhookReceiver(facade.webhooks, trigger, log, { bodyLimitBytes: config.server.bodyLimitBytes });
  const registrations = new WebhookRegistrations(services.catalog, log);
  registrations.start(facade.webhooks);
  const mask = config.server.mode === "production";

  async function authenticate(req: IncomingMessage): Promise<Actor> {
    return authenticator.authenticate(bearerOf(req.headers.authorization));
  }

  async function serveApi(req: IncomingMessage, res: ServerResponse, backendId: string | undefined, endpoint: string, url: URL, requestId: string, reqLog: Logger, signal: AbortSignal | (() => AbortSignal)): Promise<void> {
    const method = req.method ?? "GET";
    let actor: Actor;
    try {
      actor = await authenticate(req);
    } catch (err) {
      if (!(err instanceof AuthenticationError)) throw err;
      reqLog.info({ reason: err.message }, "authentication failed");
      sendMlflowError(res, new MlflowApiError("UNAUTHENTICATED", err.message), { "WWW-Authenticate": 'Basic realm="modelgate", Bearer realm="modelgate"' });
      return;
    }
    try {
      if (backendId === undefined) {
        throw new MlflowApiError("ENDPOINT_NOT_FOUND", "no default backend is served at the root: set mlflowFacade.defaultBackend, or use the registry URI http(s)://<gateway>/mlflow/<backendId>");
      }
      if (!services.catalog.has(backendId)) {
        throw new MlflowApiError("ENDPOINT_NOT_FOUND", `no backend "${backendId}"; registry URIs are http(s)://<gateway>/mlflow/<backendId> with one of: ${services.catalog.backendIds().join(", ")}`);
      }
      const route = endpoint === "registered-models/alias" ? ALIAS_ROUTES[method] : ROUTES[endpoint];
      if (route === undefined || !route.methods.includes(method)) {
        const known = endpoint === "registered-models/alias" || ROUTES[endpoint] !== undefined;
        throw new MlflowApiError(
          "ENDPOINT_NOT_FOUND",
          known ? `${method} is not allowed on ${endpoint}` : `${endpoint} is not served by modelgate's MLflow-compatible registry (docs/mlflow-facade.md lists the endpoints)`,
          known ? 405 : 404,
        );
      }
      if (!hasRole(actor, "viewer")) throw new MlflowApiError("PERMISSION_DENIED", `${actor.id} holds no modelgate role`);
      if (route.write && !hasRole(actor, "publisher")) {
        throw new MlflowApiError("PERMISSION_DENIED", `${actor.id} may not call ${endpoint}: that needs the publisher role (it holds ${actor.roles.join(", ") || "none"})`);
      }
      const params = method === "GET" || method === "HEAD" ? Params.fromQuery(url.searchParams) : Params.fromBody(await readBody(req, config.server.bodyLimitBytes));
      const call = createCallContext({ timeoutMs: config.server.requestTimeoutMs, actor, requestId, signal });
      const view = new RegistryView(services, backendId, call, facade.maxVersionsPerModel);
      const body = await route.handle({ view, params, governance, ledger, res, endpoint, maxVersions: facade.maxVersionsPerModel });
      sendJson(res, 200, body);
    } catch (err) {
      const e = err instanceof BodyTooLargeError ? new MlflowApiError("BAD_REQUEST", err.message, 413) : toMlflowError(err, mask);
      if (e.errorCode === "INTERNAL_ERROR") reqLog.error({ err, endpoint }, "MLflow facade request failed");
      else reqLog.info({ endpoint, errorCode: e.errorCode, message: e.message }, "MLflow facade request refused");
      if (!res.headersSent) sendMlflowError(res, e);
      else res.end();
    }
  }

  return {
    async handle(req, res, url, requestId, reqLog, signal) {
      const path = url.pathname;
      const hook = HOOK_RE.exec(path);
      if (hook) {
        await receiver.handle(req, res, decodeURIComponent(hook[1] as string), requestId);
        return true;
      }
      if (!facade.enabled) return false;
      const scoped = BACKEND_RE.exec(path);
      const rest = scoped ? (scoped[2] ?? "/") : path;
      const api = API_RE.exec(rest);
      if (scoped === null && api === null) return false;
      if (api === null) {
        // Under /mlflow/<backend>/ but not the registry API (server-info, artifacts, the UI): not served.
        sendMlflowError(res, new MlflowApiError("ENDPOINT_NOT_FOUND", `${rest} is not served by modelgate's MLflow-compatible registry: only /api/2.0/mlflow/ (the Model Registry)`));
        return true;
      }
      const backendId = scoped ? decodeURIComponent(scoped[1] as string) : facade.defaultBackend;
      await serveApi(req, res, backendId, api[1] as string, url, requestId, reqLog, signal);
      return true;
    },
    async close() {
      await registrations.close();
      await trigger.close();
    },
  };
}
