/**
 * 0002: the promotion workflow: requests, gate results, approvals, eval and canary evidence, the
 * outbox of backend writes, and the production history per model and environment.
 *
 * Same rules as 0001 (types both SQLite and PostgreSQL share, timestamps as fixed-width ISO text,
 * JSON as text). Concurrency is enforced by the database, not by the service:
 * - `promotion_requests.lock_key` is set while a request is open (PENDING or APPLYING) and cleared
 *   when it ends; its unique index lets exactly one open request exist per backend/model/environment
 *   (NULLs never collide, in both databases).
 * - `promotion_requests.idempotency_key` is unique: a replayed key finds the first request.
 * - `promotion_outbox.request_id` is unique: a request is applied through one outbox row.
 */
import { sql, type Kysely } from "kysely";
import { dialectOf } from "../dialect.js";

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("promotion_requests")
    .addColumn("id", "text", (c) => c.primaryKey().notNull())
    .addColumn("kind", "text", (c) => c.notNull().check(sql`kind in ('PROMOTION', 'ROLLBACK')`))
    .addColumn("backend_id", "text", (c) => c.notNull())
    .addColumn("model_name", "text", (c) => c.notNull())
    .addColumn("version", "text", (c) => c.notNull())
    .addColumn("environment", "text", (c) => c.notNull())
    .addColumn("from_stage", "text", (c) => c.notNull())
    .addColumn("to_stage", "text", (c) => c.notNull())
    .addColumn("demote_to", "text", (c) => c.notNull())
    .addColumn("previous_versions_json", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) =>
      c.notNull().check(sql`status in ('PENDING', 'APPLYING', 'APPLIED', 'FAILED', 'REJECTED')`),
    )
    .addColumn("requested_by", "text", (c) => c.notNull())
    .addColumn("reason", "text", (c) => c.notNull())
    .addColumn("policy_json", "text", (c) => c.notNull())
    .addColumn("idempotency_key", "text")
    .addColumn("input_hash", "text")
    .addColumn("lock_key", "text")
    .addColumn("failure", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("promotion_requests_lock_key_idx").on("promotion_requests").column("lock_key").unique().execute();
  await db.schema
    .createIndex("promotion_requests_idempotency_key_idx")
    .on("promotion_requests")
    .column("idempotency_key")
    .unique()
    .execute();
  await db.schema
    .createIndex("promotion_requests_status_created_idx")
    .on("promotion_requests")
    .columns(["status", "created_at", "id"])
    .execute();
  await db.schema.createIndex("promotion_requests_created_idx").on("promotion_requests").columns(["created_at", "id"]).execute();

  await db.schema
    .createTable("promotion_gate_results")
    .addColumn("request_id", "text", (c) => c.notNull().references("promotion_requests.id"))
    .addColumn("gate", "text", (c) => c.notNull().check(sql`gate in ('EVAL', 'CANARY', 'APPROVAL')`))
    .addColumn("passed", "integer", (c) => c.notNull().check(sql`passed in (0, 1)`))
    .addColumn("detail", "text", (c) => c.notNull())
    .addColumn("evidence_json", "text")
    .addColumn("evaluated_at", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("promotion_gate_results_pkey", ["request_id", "gate"])
    .execute();

  await db.schema
    .createTable("promotion_approvals")
    .addColumn("id", "text", (c) => c.primaryKey().notNull())
    .addColumn("request_id", "text", (c) => c.notNull().references("promotion_requests.id"))
    .addColumn("actor", "text", (c) => c.notNull())
    .addColumn("decision", "text", (c) => c.notNull().check(sql`decision in ('APPROVED', 'REJECTED')`))
    .addColumn("comment", "text")
    .addColumn("at", "text", (c) => c.notNull())
    .addUniqueConstraint("promotion_approvals_request_actor_key", ["request_id", "actor"])
    .execute();

  await db.schema
    .createTable("eval_records")
    .addColumn("id", "text", (c) => c.primaryKey().notNull())
    .addColumn("backend_id", "text", (c) => c.notNull())
    .addColumn("model_name", "text", (c) => c.notNull())
    .addColumn("version", "text", (c) => c.notNull())
    .addColumn("suite", "text", (c) => c.notNull())
    // SQLite's REAL is 8 bytes; PostgreSQL's `real` is 4 and would round scores, so it gets its 8-byte type.
    .addColumn("score", dialectOf(db) === "postgres" ? "double precision" : "real", (c) => c.notNull())
    .addColumn("run", "text")
    .addColumn("artifact_uri", "text")
    .addColumn("recorded_by", "text", (c) => c.notNull())
    .addColumn("at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("eval_records_version_idx")
    .on("eval_records")
    .columns(["backend_id", "model_name", "version", "at"])
    .execute();

  await db.schema
    .createTable("canary_results")
    .addColumn("id", "text", (c) => c.primaryKey().notNull())
    .addColumn("backend_id", "text", (c) => c.notNull())
    .addColumn("model_name", "text", (c) => c.notNull())
    .addColumn("version", "text", (c) => c.notNull())
    .addColumn("environment", "text", (c) => c.notNull())
    .addColumn("clean", "integer", (c) => c.notNull().check(sql`clean in (0, 1)`))
    .addColumn("evidence", "text")
    .addColumn("notes", "text")
    .addColumn("recorded_by", "text", (c) => c.notNull())
    .addColumn("at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("canary_results_version_idx")
    .on("canary_results")
    .columns(["backend_id", "model_name", "version", "environment", "at"])
    .execute();

  await db.schema
    .createTable("promotion_outbox")
    .addColumn("id", "text", (c) => c.primaryKey().notNull())
    .addColumn("request_id", "text", (c) => c.notNull().references("promotion_requests.id"))
    .addColumn("status", "text", (c) => c.notNull().check(sql`status in ('PENDING', 'DONE')`))
    .addColumn("attempts", "integer", (c) => c.notNull())
    .addColumn("steps_json", "text", (c) => c.notNull())
    .addColumn("next_attempt_at", "text", (c) => c.notNull())
    .addColumn("lease_until", "text")
    .addColumn("last_error", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addUniqueConstraint("promotion_outbox_request_id_key", ["request_id"])
    .execute();
  await db.schema
    .createIndex("promotion_outbox_status_next_idx")
    .on("promotion_outbox")
    .columns(["status", "next_attempt_at"])
    .execute();

  await db.schema
    .createTable("production_history")
    .addColumn("id", "text", (c) => c.primaryKey().notNull())
    .addColumn("backend_id", "text", (c) => c.notNull())
    .addColumn("model_name", "text", (c) => c.notNull())
    .addColumn("environment", "text", (c) => c.notNull())
    .addColumn("version", "text", (c) => c.notNull())
    .addColumn("request_id", "text")
    .addColumn("since", "text", (c) => c.notNull())
    .addColumn("until", "text")
    .execute();
  await db.schema
    .createIndex("production_history_slot_idx")
    .on("production_history")
    .columns(["backend_id", "model_name", "environment", "since"])
    .execute();
  await db.schema.createIndex("production_history_env_idx").on("production_history").columns(["environment", "since"]).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    "production_history",
    "promotion_outbox",
    "canary_results",
    "eval_records",
    "promotion_approvals",
    "promotion_gate_results",
    "promotion_requests",
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
