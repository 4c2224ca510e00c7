/**
 * 0005: deployments enter environments.
 *
 * - `promotion_requests.deployment_revision_id`: a request that puts a whole deployment revision in
 *   its environment (through the same gates and approvals as a model promotion) names the revision
 *   here; NULL for model-version requests. Such a request keeps `kind` PROMOTION (deploymentPromote)
 *   or ROLLBACK (deploymentRollback), `model_name` is the deployment's name, `version` the revision
 *   number and `backend_id` is empty.
 * - `deployment_activations`: which revision an environment runs, as history. A revision row stays
 *   immutable; activating one closes the open activation (deactivated_at, open_key cleared) and
 *   inserts a new open one. `open_key` is 'open' while open and NULL after; its unique index with
 *   the deployment lets at most one activation be open per deployment in both databases (NULLs never
 *   collide). `asOf` questions are answered from this table.
 *
 * Same rules as 0001: types both SQLite and PostgreSQL share, timestamps as fixed-width ISO text.
 */
import { sql, type Kysely } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("promotion_requests").addColumn("deployment_revision_id", "text").execute();
  await db.schema.createIndex("promotion_requests_deployment_revision_idx").on("promotion_requests").column("deployment_revision_id").execute();
  await db.schema
    .createTable("deployment_activations")
    .addColumn("id", "text", (c) => c.primaryKey().notNull())
    .addColumn("deployment_id", "text", (c) => c.notNull().references("deployments.id"))
    .addColumn("revision_id", "text", (c) => c.notNull().references("deployment_revisions.id"))
    // The APPLIED request that activated it.
    .addColumn("request_id", "text", (c) => c.notNull())
    .addColumn("open_key", "text")
    .addColumn("activated_at", "text", (c) => c.notNull())
    .addColumn("deactivated_at", "text")
    .addCheckConstraint("deployment_activations_open_check", sql`(open_key is null) = (deactivated_at is not null)`)
    .execute();
  await db.schema.createIndex("deployment_activations_open_idx").on("deployment_activations").columns(["deployment_id", "open_key"]).unique().execute();
  await db.schema.createIndex("deployment_activations_history_idx").on("deployment_activations").columns(["deployment_id", "activated_at"]).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("deployment_activations").execute();
  await db.schema.dropIndex("promotion_requests_deployment_revision_idx").execute();
  await db.schema.alterTable("promotion_requests").dropColumn("deployment_revision_id").execute();
}
