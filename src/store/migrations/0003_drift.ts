/**
 * 0003: drift observations: a version whose native stage in its backend differs from what the
 * promotion trail says it should be (someone changed it outside the gateway).
 *
 * Same rules as 0001 (types both SQLite and PostgreSQL share, timestamps as fixed-width ISO text).
 * `open_key` holds the observed stage while the observation is open and is cleared when it is
 * resolved; its unique index (with backend, model and version) lets one drift to one stage be
 * recorded once however many checks see it, in both databases (NULLs never collide), while the same
 * drift coming back after it was resolved is a new row.
 */
import { sql, type Kysely } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("drift_observations")
    .addColumn("id", "text", (c) => c.primaryKey().notNull())
    .addColumn("backend_id", "text", (c) => c.notNull())
    .addColumn("model_name", "text", (c) => c.notNull())
    .addColumn("version", "text", (c) => c.notNull())
    .addColumn("expected_stage", "text", (c) => c.notNull())
    // NULL: the version no longer exists in the backend.
    .addColumn("actual_stage", "text")
    .addColumn("open_key", "text")
    .addColumn("detected_at", "text", (c) => c.notNull())
    .addColumn("resolved_at", "text")
    .addColumn("audit_event_id", "text", (c) => c.notNull())
    .addCheckConstraint("drift_observations_open_check", sql`(open_key is null) = (resolved_at is not null)`)
    .execute();
  await db.schema
    .createIndex("drift_observations_open_idx")
    .on("drift_observations")
    .columns(["backend_id", "model_name", "version", "open_key"])
    .unique()
    .execute();
  await db.schema.createIndex("drift_observations_detected_idx").on("drift_observations").columns(["resolved_at", "detected_at", "id"]).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("drift_observations").execute();
}
