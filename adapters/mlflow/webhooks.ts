/**
 * The gateway's webhook in the MLflow server (MLflow >= 3.3, SQL backend stores): one webhook per
 * backend, found by name, created or brought up to date (url, events, secret, ACTIVE) on every
 * call, so running it at each start is idempotent. Replicas starting together may each create one:
 * the newest duplicates are deleted again, the oldest stays.
 *
 * Over REST, events are enum names (`{"entity": "MODEL_VERSION_ALIAS", "action": "CREATED"}`).
 */
import { InvalidInputError, type CallContext } from "../../src/core/index.js";
import type { BackendContext } from "./backend-context.js";

export interface WebhookSpec {
  /** The webhook's name in MLflow: how the gateway finds its own again. */
  name: string;
  /** Where MLflow delivers (the gateway's /hooks/mlflow/<backendId>). */
  url: string;
  /** HMAC-SHA256 key MLflow signs deliveries with. */
  secret: string;
  /** `entity.action` events, e.g. "model_version_alias.created". */
  events: readonly string[];
  description?: string;
}

export interface WebhookRegistration {
  id: string;
  /** What this call did. */
  action: "created" | "updated";
  /** Duplicates of the same name removed (replicas that raced). */
  removedDuplicates: number;
}

interface WireWebhook {
  webhook_id: string;
  name: string;
  url?: string;
  creation_timestamp?: number | string;
}

interface ListWebhooksResponse {
  webhooks?: WireWebhook[];
  next_page_token?: string;
}

function wireEvents(b: BackendContext, events: readonly string[]): { entity: string; action: string }[] {
  return events.map((e) => {
    const match = /^([a-z_]+)\.([a-z_]+)$/.exec(e);
    if (!match) throw new InvalidInputError(`webhook event "${e}" is not "entity.action" (e.g. model_version_alias.created)`, { backend: b.backend, field: "events" });
    return { entity: (match[1] as string).toUpperCase(), action: (match[2] as string).toUpperCase() };
  });
}

async function listNamed(b: BackendContext, name: string, ctx: CallContext): Promise<WireWebhook[]> {
  const found: WireWebhook[] = [];
  let token: string | undefined;
  do {
    const page = await b.http.call<ListWebhooksResponse>(
      { method: "GET", path: "webhooks", query: { max_results: 100, ...(token ? { page_token: token } : {}) }, subject: "webhooks" },
      ctx,
    );
    for (const w of page.webhooks ?? []) if (w.name === name) found.push(w);
    token = page.next_page_token || undefined;
  } while (token !== undefined);
  return found.sort((x, y) => Number(x.creation_timestamp ?? 0) - Number(y.creation_timestamp ?? 0) || (x.webhook_id < y.webhook_id ? -1 : 1));
}

export async function ensureWebhook(b: BackendContext, spec: WebhookSpec, ctx: CallContext): Promise<WebhookRegistration> {
  const body = {
    name: spec.name,
    url: spec.url,
    events: wireEvents(b, spec.events),
    secret: spec.secret,
    status: "ACTIVE",
    ...(spec.description ? { description: spec.description } : {}),
  };
  let existing = await listNamed(b, spec.name, ctx);
  let action: WebhookRegistration["action"] = "updated";
  if (existing.length === 0) {
    await b.http.call({ method: "POST", path: "webhooks", body, subject: `webhook "${spec.name}"` }, ctx);
    action = "created";
    existing = await listNamed(b, spec.name, ctx);
  }
  const [keep, ...duplicates] = existing;
  if (keep === undefined) throw new InvalidInputError(`MLflow did not keep webhook "${spec.name}"`, { backend: b.backend });
  if (action === "updated") {
    await b.http.call({ method: "PATCH", path: `webhooks/${encodeURIComponent(keep.webhook_id)}`, body, subject: `webhook "${spec.name}"` }, ctx);
  }
  for (const d of duplicates) {
    await b.http.call({ method: "DELETE", path: `webhooks/${encodeURIComponent(d.webhook_id)}`, subject: `webhook "${spec.name}"` }, ctx);
  }
  b.logger.info({ backend: b.backend, webhook: keep.webhook_id, url: spec.url, action, removedDuplicates: duplicates.length }, "MLflow webhook registered");
  return { id: keep.webhook_id, action, removedDuplicates: duplicates.length };
}
