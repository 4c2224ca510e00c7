/**
 * The webhook tables over a Kysely connection (SQLite now; the SQL is portable to PostgreSQL).
 * The caller supplies the transaction: every method runs on the connection it is given.
 */
import { randomUUID } from "node:crypto";
import type { Kysely, Selectable } from "kysely";
import { decodeJsonCursor, encodeJsonCursor } from "../core/cursor.js";
import { AlreadyExistsError, ConflictError, InvalidInputError, NotFoundError } from "../core/errors.js";
import type { WebhookAttemptsTable, WebhookDatabase, WebhookDeliveriesTable, WebhookTargetsTable } from "./webhook-db-schema.js";
import type {
  NewWebhookDelivery,
  WebhookAttemptRecord,
  WebhookAttemptResult,
  WebhookDeliveryPage,
  WebhookDeliveryQuery,
  WebhookDeliveryRecord,
  WebhookDeliveryStatus,
  WebhookTargetOwner,
  WebhookTargetPatch,
  WebhookTargetRecord,
  WebhookTargetSpec,
  WebhookTx,
} from "./webhook-store.js";
import { isUniqueViolation } from "./workflow-kysely.js";

const iso = (d: Date): string => d.toISOString();
const optional = <T>(v: T | null): T | undefined => (v === null ? undefined : v);

function targetFrom(row: Selectable<WebhookTargetsTable>): WebhookTargetRecord {
  return {
    id: row.id,
    url: row.url,
    secret: row.secret,
    events: JSON.parse(row.events_json) as string[],
    filter: {
      ...(row.filter_backend === null ? {} : { backendId: row.filter_backend }),
      ...(row.filter_model === null ? {} : { modelName: row.filter_model }),
      ...(row.filter_environment === null ? {} : { environment: row.filter_environment }),
    },
    owner: row.owner as WebhookTargetOwner,
    cursorSeq: Number(row.cursor_seq),
    createdBy: row.created_by,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
  };
}

function deliveryFrom(row: Selectable<WebhookDeliveriesTable>): WebhookDeliveryRecord {
  return {
    id: row.id,
    targetId: row.target_id,
    position: Number(row.position),
    eventSeq: Number(row.event_seq),
    eventId: row.event_id,
    eventType: row.event_type,
    eventJson: row.event_json,
    copy: Number(row.copy),
    ...(row.redelivery_of === null ? {} : { redeliveryOf: row.redelivery_of }),
    status: row.status as WebhookDeliveryStatus,
    attemptCount: Number(row.attempt_count),
    roundAttempts: Number(row.round_attempts),
    ...(row.next_attempt_at === null ? {} : { nextAttemptAt: new Date(row.next_attempt_at) }),
    ...(row.last_status_code === null ? {} : { lastStatusCode: Number(row.last_status_code) }),
    ...(row.last_error === null ? {} : { lastError: row.last_error }),
    createdAt: new Date(row.created_at),
    ...(row.completed_at === null ? {} : { completedAt: new Date(row.completed_at) }),
  };
}

function attemptFrom(row: Selectable<WebhookAttemptsTable>): WebhookAttemptRecord {
  const statusCode = optional(row.status_code);
  const error = optional(row.error);
  return {
    deliveryId: row.delivery_id,
    number: Number(row.number),
    at: new Date(row.at),
    durationMs: Number(row.duration_ms),
    ...(statusCode === undefined ? {} : { statusCode: Number(statusCode) }),
    ...(error === undefined ? {} : { error }),
    success: Number(row.success) === 1,
  };
}

/** Delivery page cursors: base64url of JSON ["whd", position] of the page's last row. */
export function encodeWebhookDeliveryCursor(d: Pick<WebhookDeliveryRecord, "position">): string {
  return encodeJsonCursor(["whd", d.position]);
}

function decodeWebhookDeliveryCursor(cursor: string): number {
  const bad = () => new InvalidInputError("invalid webhook delivery cursor: pass the endCursor of a previous page unchanged", { field: "after" });
  const decoded = decodeJsonCursor(cursor);
  if (!decoded.ok) throw bad();
  const parts = decoded.value;
  if (!Array.isArray(parts) || parts.length !== 2 || parts[0] !== "whd" || !Number.isSafeInteger(parts[1]) || (parts[1] as number) < 1) throw bad();
  return parts[1] as number;
}

export class KyselyWebhookTx implements WebhookTx {
  constructor(private readonly db: Kysely<WebhookDatabase>) {}

  async createTarget(spec: WebhookTargetSpec, owner: WebhookTargetOwner, createdBy: string, at: Date): Promise<WebhookTargetRecord> {
    const head = await this.db
      .selectFrom("audit_events")
      .select((eb) => eb.fn.max("seq").as("head"))
      .executeTakeFirst();
    const row = {
      id: spec.id,
      url: spec.url,
      secret: spec.secret,
      events_json: JSON.stringify(spec.events),
      filter_backend: spec.filter.backendId ?? null,
      filter_model: spec.filter.modelName ?? null,
      filter_environment: spec.filter.environment ?? null,
      owner,
      cursor_seq: Number(head?.head ?? 0),
      lease_owner: null,
      lease_until: null,
      created_by: createdBy,
      created_at: iso(at),
      updated_at: iso(at),
    };
    try {
      await this.db.insertInto("webhook_targets").values(row).execute();
    } catch (err) {
      if (isUniqueViolation(err)) throw new AlreadyExistsError(`a webhook target "${spec.id}" already exists`, { field: "id", cause: err });
      throw err;
    }
    return targetFrom(row);
  }

  async updateTarget(id: string, patch: WebhookTargetPatch, at: Date): Promise<WebhookTargetRecord | undefined> {
    const set: Partial<WebhookTargetsTable> = { updated_at: iso(at) };
    if (patch.url !== undefined) set.url = patch.url;
    if (patch.secret !== undefined) set.secret = patch.secret;
    if (patch.events !== undefined) set.events_json = JSON.stringify(patch.events);
    if (patch.filter !== undefined) {
      set.filter_backend = patch.filter.backendId ?? null;
      set.filter_model = patch.filter.modelName ?? null;
      set.filter_environment = patch.filter.environment ?? null;
    }
    if (patch.owner !== undefined) set.owner = patch.owner;
    const result = await this.db.updateTable("webhook_targets").set(set).where("id", "=", id).executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) return undefined;
    return this.getTarget(id);
  }

  async deleteTarget(id: string): Promise<boolean> {
    const deliveries = this.db.selectFrom("webhook_deliveries").select("id").where("target_id", "=", id);
    await this.db.deleteFrom("webhook_attempts").where("delivery_id", "in", deliveries).execute();
    await this.db.deleteFrom("webhook_deliveries").where("target_id", "=", id).execute();
    const result = await this.db.deleteFrom("webhook_targets").where("id", "=", id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async getTarget(id: string): Promise<WebhookTargetRecord | undefined> {
    const row = await this.db.selectFrom("webhook_targets").selectAll().where("id", "=", id).executeTakeFirst();
    return row === undefined ? undefined : targetFrom(row);
  }

  async listTargets(): Promise<WebhookTargetRecord[]> {
    const rows = await this.db.selectFrom("webhook_targets").selectAll().orderBy("id", "asc").execute();
    return rows.map(targetFrom);
  }

  async acquireLease(targetId: string, owner: string, now: Date, until: Date): Promise<boolean> {
    const result = await this.db
      .updateTable("webhook_targets")
      .set({ lease_owner: owner, lease_until: iso(until) })
      .where("id", "=", targetId)
      .where((eb) => eb.or([eb("lease_owner", "is", null), eb("lease_owner", "=", owner), eb("lease_until", "is", null), eb("lease_until", "<", iso(now))]))
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async releaseLease(targetId: string, owner: string): Promise<void> {
    await this.db
      .updateTable("webhook_targets")
      .set({ lease_owner: null, lease_until: null })
      .where("id", "=", targetId)
      .where("lease_owner", "=", owner)
      .execute();
  }

  async #lastPosition(targetId: string): Promise<number> {
    const row = await this.db
      .selectFrom("webhook_deliveries")
      .select((eb) => eb.fn.max("position").as("last"))
      .where("target_id", "=", targetId)
      .executeTakeFirst();
    return Number(row?.last ?? 0);
  }

  async enqueueDeliveries(
    targetId: string,
    leaseOwner: string,
    fromSeq: number,
    toSeq: number,
    deliveries: NewWebhookDelivery[],
    at: Date,
  ): Promise<boolean> {
    const moved = await this.db
      .updateTable("webhook_targets")
      .set({ cursor_seq: toSeq })
      .where("id", "=", targetId)
      .where("lease_owner", "=", leaseOwner)
      .where("cursor_seq", "=", fromSeq)
      .executeTakeFirst();
    if (Number(moved.numUpdatedRows) !== 1) return false;
    let position = await this.#lastPosition(targetId);
    for (const d of deliveries) {
      const existing = await this.db
        .selectFrom("webhook_deliveries")
        .select("id")
        .where("target_id", "=", targetId)
        .where("event_seq", "=", d.eventSeq)
        .where("copy", "=", 0)
        .executeTakeFirst();
      if (existing !== undefined) continue;
      position += 1;
      await this.db
        .insertInto("webhook_deliveries")
        .values({
          id: randomUUID(),
          target_id: targetId,
          position,
          event_seq: d.eventSeq,
          event_id: d.eventId,
          event_type: d.eventType,
          event_json: d.eventJson,
          copy: 0,
          redelivery_of: null,
          status: "PENDING",
          attempt_count: 0,
          round_attempts: 0,
          next_attempt_at: iso(at),
          last_status_code: null,
          last_error: null,
          created_at: iso(at),
          completed_at: null,
        })
        .execute();
    }
    return true;
  }

  async headDelivery(targetId: string): Promise<WebhookDeliveryRecord | undefined> {
    const row = await this.db
      .selectFrom("webhook_deliveries")
      .selectAll()
      .where("target_id", "=", targetId)
      .where("status", "=", "PENDING")
      .orderBy("position", "asc")
      .limit(1)
      .executeTakeFirst();
    return row === undefined ? undefined : deliveryFrom(row);
  }

  async recordAttempt(deliveryId: string, leaseOwner: string, result: WebhookAttemptResult): Promise<WebhookDeliveryRecord | undefined> {
    const current = await this.db
      .selectFrom("webhook_deliveries")
      .innerJoin("webhook_targets", "webhook_targets.id", "webhook_deliveries.target_id")
      .selectAll("webhook_deliveries")
      .where("webhook_deliveries.id", "=", deliveryId)
      .where("webhook_deliveries.status", "=", "PENDING")
      .where("webhook_targets.lease_owner", "=", leaseOwner)
      .executeTakeFirst();
    if (current === undefined) return undefined;
    const { attempt } = result;
    const number = Number(current.attempt_count) + 1;
    await this.db
      .insertInto("webhook_attempts")
      .values({
        delivery_id: deliveryId,
        number,
        at: iso(attempt.at),
        duration_ms: Math.max(0, Math.round(attempt.durationMs)),
        status_code: attempt.statusCode ?? null,
        error: attempt.error ?? null,
        success: attempt.success ? 1 : 0,
      })
      .execute();
    const done = result.status !== "PENDING";
    await this.db
      .updateTable("webhook_deliveries")
      .set({
        status: result.status,
        attempt_count: number,
        round_attempts: Number(current.round_attempts) + 1,
        next_attempt_at: done ? null : iso(result.nextAttemptAt ?? attempt.at),
        last_status_code: attempt.statusCode ?? null,
        last_error: attempt.error ?? null,
        completed_at: done ? iso(attempt.at) : null,
      })
      .where("id", "=", deliveryId)
      .execute();
    return this.getDelivery(deliveryId);
  }

  async requeueDelivery(id: string, at: Date): Promise<WebhookDeliveryRecord> {
    const current = await this.getDelivery(id);
    if (current === undefined) throw new NotFoundError(`no webhook delivery ${id}`, { field: "id" });
    if (current.status === "PENDING") {
      await this.db.updateTable("webhook_deliveries").set({ round_attempts: 0, next_attempt_at: iso(at) }).where("id", "=", id).execute();
      return (await this.getDelivery(id))!;
    }
    const position = (await this.#lastPosition(current.targetId)) + 1;
    try {
      if (current.status === "FAILED") {
        await this.db
          .updateTable("webhook_deliveries")
          .set({ status: "PENDING", position, round_attempts: 0, next_attempt_at: iso(at), completed_at: null })
          .where("id", "=", id)
          .execute();
        return (await this.getDelivery(id))!;
      }
      const copy = await this.db
        .selectFrom("webhook_deliveries")
        .select((eb) => eb.fn.max("copy").as("last"))
        .where("target_id", "=", current.targetId)
        .where("event_seq", "=", current.eventSeq)
        .executeTakeFirst();
      const newId = randomUUID();
      await this.db
        .insertInto("webhook_deliveries")
        .values({
          id: newId,
          target_id: current.targetId,
          position,
          event_seq: current.eventSeq,
          event_id: current.eventId,
          event_type: current.eventType,
          event_json: current.eventJson,
          copy: Number(copy?.last ?? 0) + 1,
          redelivery_of: current.id,
          status: "PENDING",
          attempt_count: 0,
          round_attempts: 0,
          next_attempt_at: iso(at),
          last_status_code: null,
          last_error: null,
          created_at: iso(at),
          completed_at: null,
        })
        .execute();
      return (await this.getDelivery(newId))!;
    } catch (err) {
      if (isUniqueViolation(err)) {
        throw new ConflictError(`another writer queued a delivery for target ${current.targetId} at the same time; retry`, { field: "id", cause: err });
      }
      throw err;
    }
  }

  async getDelivery(id: string): Promise<WebhookDeliveryRecord | undefined> {
    const row = await this.db.selectFrom("webhook_deliveries").selectAll().where("id", "=", id).executeTakeFirst();
    return row === undefined ? undefined : deliveryFrom(row);
  }

  async listDeliveries(query: WebhookDeliveryQuery): Promise<WebhookDeliveryPage> {
    let q = this.db.selectFrom("webhook_deliveries").selectAll().where("target_id", "=", query.targetId);
    if (query.status !== undefined) q = q.where("status", "=", query.status);
    if (query.after !== undefined) q = q.where("position", "<", decodeWebhookDeliveryCursor(query.after));
    const rows = await q
      .orderBy("position", "desc")
      .limit(query.first + 1)
      .execute();
    const items = rows.slice(0, query.first).map(deliveryFrom);
    return rows.length > query.first ? { items, nextCursor: encodeWebhookDeliveryCursor(items.at(-1)!) } : { items };
  }

  async listAttempts(deliveryIds: readonly string[]): Promise<WebhookAttemptRecord[]> {
    if (deliveryIds.length === 0) return [];
    // Deliveries in their queue order (ids are random UUIDs), then attempts by number.
    const rows = await this.db
      .selectFrom("webhook_attempts as a")
      .innerJoin("webhook_deliveries as d", "d.id", "a.delivery_id")
      .selectAll("a")
      .where("a.delivery_id", "in", [...deliveryIds])
      .orderBy("d.target_id", "asc")
      .orderBy("d.position", "asc")
      .orderBy("a.number", "asc")
      .execute();
    return rows.map(attemptFrom);
  }
}
