/**
 * POST /hooks/mlflow/<backendId>: MLflow webhook deliveries from the MLflow server behind that
 * backend (`mlflowFacade.webhooks` in modelgate.yaml). A delivery must be signed with the
 * configured secret and recent (./signature.ts); it needs no gateway token, the signature is its
 * credential. An alias or a version tag changed in MLflow runs that model's drift check at once
 * (./drift-trigger.ts). MLflow keeps no delivery log and may deliver twice: deliveries are
 * deduplicated by id, and a lost one is caught by the background drift check.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { MlflowWebhookConfig } from "../../../config/schema.js";
import type { Logger } from "../../../logging.js";
import { readBody } from "../../body.js";
import { sendJson } from "../../respond.js";
import type { DriftTrigger } from "./drift-trigger.js";
import { verifyDelivery } from "./signature.js";

/** Entities whose changes can move a stage in MLflow (aliases, and the `modelgate.stage` tag). */
const DRIFT_ENTITIES = new Set(["model_version_alias", "model_version_tag"]);
const SEEN_DELIVERIES = 10_000;

export interface ReceiverOptions {
  bodyLimitBytes: number;
  clock?: () => number;
}

export class MlflowWebhookReceiver {
  readonly #hooks: Map<string, MlflowWebhookConfig>;
  /** Delivery ids already handled, oldest first (a bounded set). */
  readonly #seen = new Set<string>();
  readonly #clock: () => number;

  constructor(
    hooks: readonly MlflowWebhookConfig[],
    private readonly trigger: DriftTrigger,
    private readonly logger: Logger,
    private readonly opts: ReceiverOptions,
  ) {
    this.#hooks = new Map(hooks.map((h) => [h.backend, h]));
    this.#clock = opts.clock ?? Date.now;
  }

  async handle(req: IncomingMessage, res: ServerResponse, backendId: string, requestId: string): Promise<void> {
    const hook = this.#hooks.get(backendId);
    if (hook === undefined) {
      sendJson(res, 404, { error: { code: "NOT_FOUND", message: `no MLflow webhook is configured for backend "${backendId}" (mlflowFacade.webhooks)` } });
      return;
    }
    if (req.method !== "POST") {
      sendJson(res, 405, { error: { code: "METHOD_NOT_ALLOWED", message: "MLflow delivers webhooks with POST" } }, { Allow: "POST" });
      return;
    }
    const body = await readBody(req, this.opts.bodyLimitBytes);
    const verdict = verifyDelivery(req.headers, body, hook.secret, hook.toleranceSeconds, this.#clock());
    if (!verdict.ok) {
      this.logger.warn({ backend: backendId, reason: verdict.reason }, "MLflow webhook delivery refused");
      sendJson(res, verdict.status, { error: { code: verdict.status === 401 ? "UNAUTHENTICATED" : "BAD_REQUEST", message: verdict.reason } });
      return;
    }
    if (this.#seen.has(verdict.deliveryId)) {
      sendJson(res, 200, { status: "duplicate", deliveryId: verdict.deliveryId });
      return;
    }
    this.#remember(verdict.deliveryId);
    let event: { entity?: unknown; action?: unknown; data?: { name?: unknown } };
    try {
      event = JSON.parse(body) as typeof event;
    } catch {
      sendJson(res, 400, { error: { code: "BAD_REQUEST", message: "the delivery is not JSON" } });
      return;
    }
    const name = event.data?.name;
    const relevant = typeof event.entity === "string" && DRIFT_ENTITIES.has(event.entity) && typeof name === "string" && name !== "";
    this.logger.info({ backend: backendId, deliveryId: verdict.deliveryId, entity: event.entity, action: event.action, model: name, relevant }, "MLflow webhook delivery");
    if (relevant) this.trigger.check(backendId, name, requestId);
    sendJson(res, 200, { status: relevant ? "checking" : "ignored", deliveryId: verdict.deliveryId });
  }

  #remember(id: string): void {
    this.#seen.add(id);
    if (this.#seen.size > SEEN_DELIVERIES) {
      const oldest = this.#seen.values().next().value;
      if (oldest !== undefined) this.#seen.delete(oldest);
    }
  }
}
