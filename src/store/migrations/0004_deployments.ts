/**
 * 0004: deployments. A deployment is a named bundle per environment; each change to its bundle is a
 * new immutable revision (never updated, never deleted: the store offers no method to), whose
 * components are the model versions it runs with their traffic weights.
 *
 * Same rules as 0001 (types both SQLite and PostgreSQL share, timestamps as fixed-width ISO text).
 * Revision numbers count 1, 2, 3 ... per deployment; the unique index refuses a second writer
 * taking the same number. `content_hash` is the SHA-256 of the RFC 8785 canonical JSON of the
 * sorted components (./deployment-kysely.ts), so equal bundles have equal hashes.
 */
import { sql, type Kysely } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("deployments")
    .addColumn("id", "text", (c) => c.primaryKey().notNull())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("environment", "text", (c) => c.notNull())
    .addColumn("created_by", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("deployments_name_env_idx").on("deployments").columns(["name", "environment"]).unique().execute();
  await db.schema.createIndex("deployments_env_name_idx").on("deployments").columns(["environment", "name"]).execute();

  await db.schema
    .createTable("deployment_revisions")
    .addColumn("id", "text", (c) => c.primaryKey().notNull())
    .addColumn("deployment_id", "text", (c) => c.notNull().references("deployments.id"))
    .addColumn("number", "integer", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("content_hash", "text", (c) => c.notNull())
    .addColumn("created_by", "text", (c) => c.notNull())
    .addColumn("reason", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("audit_event_id", "text", (c) => c.notNull())
    .addCheckConstraint("deployment_revisions_number_check", sql`number >= 1`)
    .execute();
  await db.schema
    .createIndex("deployment_revisions_number_idx")
    .on("deployment_revisions")
    .columns(["deployment_id", "number"])
    .unique()
    .execute();

  await db.schema
    .createTable("deployment_revision_components")
    .addColumn("revision_id", "text", (c) => c.notNull().references("deployment_revisions.id"))
    .addColumn("position", "integer", (c) => c.notNull())
    .addColumn("role", "text", (c) => c.notNull())
    .addColumn("backend_id", "text", (c) => c.notNull())
    .addColumn("model_name", "text", (c) => c.notNull())
    .addColumn("version", "text", (c) => c.notNull())
    .addColumn("weight", "integer", (c) => c.notNull())
    .addColumn("shadow", "integer", (c) => c.notNull())
    .addPrimaryKeyConstraint("deployment_revision_components_pk", ["revision_id", "position"])
    .addCheckConstraint("deployment_revision_components_weight_check", sql`weight >= 0 and weight <= 100`)
    .addCheckConstraint("deployment_revision_components_shadow_check", sql`shadow in (0, 1)`)
    .execute();
  await db.schema
    .createIndex("deployment_revision_components_version_idx")
    .on("deployment_revision_components")
    .columns(["revision_id", "role", "backend_id", "model_name", "version"])
    .unique()
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("deployment_revision_components").execute();
  await db.schema.dropTable("deployment_revisions").execute();
  await db.schema.dropTable("deployments").execute();
}
