/**
 * GET /metrics: the gateway's metrics in Prometheus text format, under the rule of /readyz's
 * details (they name backends, webhook targets and operations): callers with the admin role, and
 * the scrape tokens of `metrics.tokens`, which open /metrics and nothing else, so a Prometheus
 * server never holds a token that can read or change the registries. Without auth (development
 * mode, loopback only) every caller is an admin.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { MetricsConfig } from "../config/schema.js";
import { hasRole } from "../core/roles.js";
import type { Logger } from "../logging.js";
import type { GatewayMetrics } from "../observability/metrics.js";
import { AuthenticationError, sha256Hex, type Authenticator } from "./auth.js";
import { sendJson } from "./respond.js";

export type MetricsHandler = (req: IncomingMessage, res: ServerResponse, log: Logger) => Promise<void>;

export function metricsEndpoint(metrics: GatewayMetrics, config: MetricsConfig, authenticator: Authenticator): MetricsHandler {
  const scrapeTokens = new Map(config.tokens.map((t) => [t.sha256, t.subject]));
  return async (req, res, log) => {
    if (req.method !== "GET" && req.method !== "HEAD") {
      sendJson(res, 405, { error: { code: "METHOD_NOT_ALLOWED", message: "GET /metrics" } }, { Allow: "GET, HEAD" });
      return;
    }
    const authorization = req.headers.authorization;
    const bearer = authorization === undefined ? undefined : /^Bearer\s+(\S+)\s*$/i.exec(authorization)?.[1];
    if (bearer === undefined || !scrapeTokens.has(sha256Hex(bearer))) {
      let isAdmin: boolean;
      try {
        isAdmin = hasRole(await authenticator.authenticate(authorization), "admin");
      } catch (err) {
        if (!(err instanceof AuthenticationError)) throw err;
        log.info({ reason: err.message }, "metrics scrape refused");
        sendJson(res, 401, { error: { code: "UNAUTHENTICATED", message: `${err.message} (a token of metrics.tokens, or an admin's)` } }, { "WWW-Authenticate": 'Bearer realm="modelgate"' });
        return;
      }
      if (!isAdmin) {
        sendJson(res, 403, { error: { code: "FORBIDDEN", message: "/metrics needs the admin role or a token listed in metrics.tokens" } });
        return;
      }
    }
    const { contentType, body } = await metrics.render();
    res.writeHead(200, { "Content-Type": contentType, "Cache-Control": "no-store", "Content-Length": Buffer.byteLength(body) });
    res.end(req.method === "HEAD" ? undefined : body);
  };
}
