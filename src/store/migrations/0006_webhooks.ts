/**
 * 0006: outbound webhooks.
 *
 * - `webhook_targets`: where events go. `events_json` is a JSON array of registry event types
 *   (empty: all). `cursor_seq` is the last audit seq the dispatcher turned into deliveries for the
 *   target. `lease_owner`/`lease_until` say which dispatcher works on the target; a conditional
 *   UPDATE takes it, so one process at a time delivers a target, on SQLite and on PostgreSQL.
 * - `webhook_deliveries`: one row per (target, event, copy); copy 0 is the event's first delivery,
 *   redeliveries of a succeeded one are copies 1, 2 ... The unique (target_id, event_seq, copy)
 *   makes enqueueing idempotent; `position` (unique per target) is the delivery order.
 * - `webhook_attempts`: every attempt with its HTTP status or error and its duration.
 *
 * Same rules as 0001: types both SQLite and PostgreSQL share, timestamps as fixed-width ISO text.
 */
import { sql, type Kysely } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("webhook_targets")
    .addColumn("id", "text", (c) => c.primaryKey().notNull())
    .addColumn("url", "text", (c) => c.notNull())
    .addColumn("secret", "text", (c) => c.notNull())
    .addColumn("events_json", "text", (c) => c.notNull())
    .addColumn("filter_backend", "text")
    .addColumn("filter_model", "text")
    .addColumn("filter_environment", "text")
    .addColumn("owner", "text", (c) => c.notNull())
    .addColumn("cursor_seq", "integer", (c) => c.notNull())
    .addColumn("lease_owner", "text")
    .addColumn("lease_until", "text")
    .addColumn("created_by", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addCheckConstraint("webhook_targets_owner_check", sql`"owner" in ('CONFIG', 'API')`)
    .addCheckConstraint("webhook_targets_cursor_check", sql`"cursor_seq" >= 0`)
    .execute();

  await db.schema
    .createTable("webhook_deliveries")
    .addColumn("id", "text", (c) => c.primaryKey().notNull())
    .addColumn("target_id", "text", (c) => c.notNull().references("webhook_targets.id"))
    .addColumn("position", "integer", (c) => c.notNull())
    .addColumn("event_seq", "integer", (c) => c.notNull())
    .addColumn("event_id", "text", (c) => c.notNull())
    .addColumn("event_type", "text", (c) => c.notNull())
    .addColumn("event_json", "text", (c) => c.notNull())
    .addColumn("copy", "integer", (c) => c.notNull())
    .addColumn("redelivery_of", "text")
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("attempt_count", "integer", (c) => c.notNull())
    .addColumn("round_attempts", "integer", (c) => c.notNull())
    .addColumn("next_attempt_at", "text")
    .addColumn("last_status_code", "integer")
    .addColumn("last_error", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("completed_at", "text")
    .addCheckConstraint("webhook_deliveries_status_check", sql`"status" in ('PENDING', 'SUCCEEDED', 'FAILED')`)
    .addCheckConstraint("webhook_deliveries_position_check", sql`"position" >= 1`)
    .execute();
  await db.schema.createIndex("webhook_deliveries_event_idx").on("webhook_deliveries").columns(["target_id", "event_seq", "copy"]).unique().execute();
  await db.schema.createIndex("webhook_deliveries_position_idx").on("webhook_deliveries").columns(["target_id", "position"]).unique().execute();
  await db.schema.createIndex("webhook_deliveries_status_idx").on("webhook_deliveries").columns(["target_id", "status", "position"]).execute();

  await db.schema
    .createTable("webhook_attempts")
    .addColumn("delivery_id", "text", (c) => c.notNull().references("webhook_deliveries.id"))
    .addColumn("number", "integer", (c) => c.notNull())
    .addColumn("at", "text", (c) => c.notNull())
    .addColumn("duration_ms", "integer", (c) => c.notNull())
    .addColumn("status_code", "integer")
    .addColumn("error", "text")
    .addColumn("success", "integer", (c) => c.notNull())
    .addPrimaryKeyConstraint("webhook_attempts_pk", ["delivery_id", "number"])
    .addCheckConstraint("webhook_attempts_success_check", sql`"success" in (0, 1)`)
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("webhook_attempts").execute();
  await db.schema.dropTable("webhook_deliveries").execute();
  await db.schema.dropTable("webhook_targets").execute();
}
