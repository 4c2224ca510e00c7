/**
 * Managing webhook targets through the API: validation, the config-owned guard, and an audit event
 * for each change in the change's transaction (a target change is a security-relevant change: it
 * decides where registry events go). The secret is write-only: views carry its last 4 characters.
 * A URL whose host resolves to a loopback, private or link-local address is refused (naming the
 * address) unless `webhookEgress.allowPrivateTargets` allows it; deliveries check again, see
 * ./webhook-transport.ts.
 */
import { z } from "zod";
import { AlreadyExistsError, ConflictError, InvalidInputError, NotFoundError } from "../core/errors.js";
import { checkInput } from "../core/input-check.js";
import type { Store } from "../store/store.js";
import type { WebhookDeliveryRecord, WebhookTargetFilter, WebhookTargetPatch, WebhookTargetRecord } from "../store/webhook-store.js";
import { REGISTRY_EVENT_TYPES } from "./registry-event.js";
import { TargetGuard, TargetRefusedError } from "./webhook-transport.js";

export const WEBHOOK_ID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,62}$/;

const httpUrl = z
  .string()
  .trim()
  .max(2048, "must be at most 2048 characters")
  .refine((u) => {
    try {
      return /^https?:$/.test(new URL(u).protocol);
    } catch {
      return false;
    }
  }, "must be an absolute http:// or https:// URL");
const secret = z.string().min(16, "must be at least 16 characters").max(512, "must be at most 512 characters");
const events = z.array(z.enum(REGISTRY_EVENT_TYPES)).max(REGISTRY_EVENT_TYPES.length);
const filterPart = z.string().trim().min(1, "must not be empty").max(256, "must be at most 256 characters").nullish();
const filter = z.object({ backend: filterPart, model: filterPart, environment: filterPart }).nullish();

const createSchema = z.object({
  id: z.string().regex(WEBHOOK_ID_PATTERN, "must be lower-case letters, digits, '-' or '_' (at most 63), starting with a letter or digit"),
  url: httpUrl,
  secret,
  events: events.nullish(),
  filter,
});

const updateSchema = z.object({
  id: z.string().min(1, "must not be empty"),
  url: httpUrl.nullish(),
  secret: secret.nullish(),
  events: events.nullish(),
  filter,
});

export interface WebhookTargetFilterInput {
  backend?: string | null;
  model?: string | null;
  environment?: string | null;
}

export interface WebhookTargetInput {
  id: string;
  url?: string | null;
  secret?: string | null;
  events?: readonly string[] | null;
  filter?: WebhookTargetFilterInput | null;
}

export interface WebhookActor {
  actor: string;
  requestId?: string;
}

/** A target as the API shows it: no secret, its last 4 characters instead. */
export type WebhookTargetView = Omit<WebhookTargetRecord, "secret"> & { secretHint: string };

export function targetView(t: WebhookTargetRecord): WebhookTargetView {
  const { secret: value, ...rest } = t;
  return { ...rest, secretHint: value.slice(-4) };
}

/** What the audit trail records of a target (never the secret). */
function auditView(t: WebhookTargetRecord): Record<string, unknown> {
  return { id: t.id, url: t.url, events: t.events, filter: t.filter, owner: t.owner, secretHint: t.secret.slice(-4) };
}

function toFilter(f: WebhookTargetFilterInput | null | undefined): WebhookTargetFilter {
  if (f == null) return {};
  return {
    ...(f.backend == null ? {} : { backendId: f.backend.trim() }),
    ...(f.model == null ? {} : { modelName: f.model.trim() }),
    ...(f.environment == null ? {} : { environment: f.environment.trim() }),
  };
}

export class WebhookTargets {
  constructor(
    private readonly store: Store,
    /** Where targets may point (config webhookEgress); default: public addresses only. */
    private readonly guard: TargetGuard = new TargetGuard(),
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** Refuses, as a user error on `url`, a URL whose host resolves to an address the guard refuses. */
  async #checkTarget(url: string): Promise<void> {
    try {
      await this.guard.check(url);
    } catch (err) {
      if (err instanceof TargetRefusedError) throw new InvalidInputError(`url: ${err.message}`, { field: "url" });
      throw err;
    }
  }

  async create(input: WebhookTargetInput, who: WebhookActor): Promise<WebhookTargetRecord> {
    const checked = checkInput(createSchema, input);
    // Resolved before the transaction: DNS may be slow, and holds no lock here.
    await this.#checkTarget(checked.url);
    const at = this.clock();
    return this.store.transaction(async (tx) => {
      if ((await tx.webhooks.getTarget(checked.id)) !== undefined) {
        throw new AlreadyExistsError(`a webhook target "${checked.id}" already exists`, { field: "id" });
      }
      const spec = { id: checked.id, url: checked.url, secret: checked.secret, events: [...(checked.events ?? [])], filter: toFilter(checked.filter) };
      // The audit event first: the new target's cursor starts after it.
      await tx.appendAudit({
        actor: who.actor,
        action: "webhook_target.create",
        targetType: "webhook_target",
        target: spec.id,
        after: auditView({ ...spec, owner: "API", cursorSeq: 0, createdBy: who.actor, createdAt: at, updatedAt: at }),
        outcome: "SUCCESS",
        ...(who.requestId === undefined ? {} : { requestId: who.requestId }),
      });
      return tx.webhooks.createTarget(spec, "API", who.actor, at);
    });
  }

  async update(input: WebhookTargetInput, who: WebhookActor): Promise<WebhookTargetRecord> {
    const checked = checkInput(updateSchema, input);
    if (checked.url != null) await this.#checkTarget(checked.url);
    const at = this.clock();
    return this.store.transaction(async (tx) => {
      const before = await this.#apiOwned(tx.webhooks.getTarget(checked.id), checked.id);
      const patch: WebhookTargetPatch = {
        ...(checked.url == null ? {} : { url: checked.url }),
        ...(checked.secret == null ? {} : { secret: checked.secret }),
        ...(checked.events == null ? {} : { events: [...checked.events] }),
        ...(checked.filter === undefined ? {} : { filter: toFilter(checked.filter) }),
      };
      const after = (await tx.webhooks.updateTarget(checked.id, patch, at))!;
      await tx.appendAudit({
        actor: who.actor,
        action: "webhook_target.update",
        targetType: "webhook_target",
        target: checked.id,
        before: auditView(before),
        after: { ...auditView(after), secretChanged: checked.secret != null },
        outcome: "SUCCESS",
        ...(who.requestId === undefined ? {} : { requestId: who.requestId }),
      });
      return after;
    });
  }

  async delete(id: string, who: WebhookActor): Promise<string> {
    return this.store.transaction(async (tx) => {
      const before = await this.#apiOwned(tx.webhooks.getTarget(id), id);
      await tx.webhooks.deleteTarget(id);
      await tx.appendAudit({
        actor: who.actor,
        action: "webhook_target.delete",
        targetType: "webhook_target",
        target: id,
        before: auditView(before),
        outcome: "SUCCESS",
        ...(who.requestId === undefined ? {} : { requestId: who.requestId }),
      });
      return id;
    });
  }

  /** Re-queues a delivery (see WebhookTx.requeueDelivery); the dispatcher is woken by the audit append. */
  async redeliver(id: string, who: WebhookActor): Promise<WebhookDeliveryRecord> {
    const at = this.clock();
    return this.store.transaction(async (tx) => {
      const queued = await tx.webhooks.requeueDelivery(id, at);
      await tx.appendAudit({
        actor: who.actor,
        action: "webhook_delivery.redeliver",
        targetType: "webhook_delivery",
        target: `${queued.targetId}/${id}`,
        after: { deliveryId: queued.id, eventSeq: queued.eventSeq, eventId: queued.eventId, position: queued.position },
        outcome: "SUCCESS",
        ...(who.requestId === undefined ? {} : { requestId: who.requestId }),
      });
      return queued;
    });
  }

  async #apiOwned(found: Promise<WebhookTargetRecord | undefined>, id: string): Promise<WebhookTargetRecord> {
    const target = await found;
    if (target === undefined) throw new NotFoundError(`no webhook target "${id}"`, { field: "id" });
    if (target.owner === "CONFIG") {
      throw new ConflictError(`webhook target "${id}" is defined in modelgate.yaml; change it there (the config wins at every start)`, { field: "id" });
    }
    return target;
  }
}
