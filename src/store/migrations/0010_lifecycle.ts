/**
 * 0010: lifecycle automation (docs/lifecycle.md).
 *
 * - `usage_buckets`: resolves and served requests per version, environment, caller and source
 *   (`RESOLVE`: the gateway answered resolve; `SERVED`: a serving system reported requests with
 *   usageReport), counted per hour (`bucket_start`). The usage recorder adds to a bucket with one
 *   upsert per key and flush; buckets older than `lifecycle.usage.retentionDays` are pruned.
 * - `usage_last_seen`: the newest use per version, environment and source, never pruned, so an
 *   idle check still knows when a version was last used after its buckets are gone.
 * - `shadow_reports`: what a shadow version did against the primary over a window (requests,
 *   agreement rate, latency p50/p95, error rate), the evidence of the SHADOW gate.
 * - `deployment_rollout_plans`: the rollout plan a revision was created with (immutable, as the
 *   revision is). `deployment_rollouts`: one guarded rollout of a revision after it entered its
 *   environment: its step, status and why it paused. `open_key` (the deployment id while RUNNING or
 *   PAUSED, NULL after) has a unique index: one open rollout per deployment.
 * - `idle_alerts`: a production version nobody resolved or served for the configured time
 *   (IDLE_IN_PRODUCTION), open until it is used again or leaves production; `open_key` makes it
 *   unique while open, so two checks (or two replicas) record it once.
 * - `version_links`: `COPIED_FROM` links of cross-registry copies, readable both ways.
 * - `promotion_requests`: `alias` (a protected alias move: the alias the request points at
 *   `version`), `rollout_step` (the step of a guarded rollout the request applies), `copy_target`
 *   ("backend/model": a cross-registry copy of `version` into that model), `tags_json` (version
 *   tags the apply writes with the stage, e.g. `modelgate.archived-by: policy`). NULL for
 *   ordinary requests.
 * - `canary_results`: optional `error_rate`, `requests` and `metrics_json` (name -> number), the
 *   evidence a guarded rollout's thresholds are checked against.
 * - `promotion_gate_results.gate` also takes SHADOW (and the provenance gates SIGNATURE and
 *   LINEAGE, which 0009_provenance added).
 *   PostgreSQL swaps the CHECK constraint; SQLite cannot alter a CHECK, so the table is rebuilt
 *   (nothing references it).
 *
 * Same rules as 0001: types both SQLite and PostgreSQL share, timestamps as fixed-width ISO text.
 */
import { sql, type Kysely } from "kysely";
import { dialectOf } from "../dialect.js";

const GATES_ALL = sql`gate in ('EVAL', 'CANARY', 'APPROVAL', 'SIGNATURE', 'LINEAGE', 'SHADOW')`;
/** What 0009_provenance allowed, restored by `down`. */
const GATES_0009 = sql`gate in ('EVAL', 'CANARY', 'APPROVAL', 'SIGNATURE', 'LINEAGE')`;

async function setGateCheck(db: Kysely<unknown>, check: typeof GATES_ALL): Promise<void> {
  if (dialectOf(db) === "postgres") {
    await sql`alter table promotion_gate_results drop constraint if exists promotion_gate_results_gate_check`.execute(db);
    await sql`alter table promotion_gate_results add constraint promotion_gate_results_gate_check check (${check})`.execute(db);
    return;
  }
  await db.schema
    .createTable("promotion_gate_results_rebuilt")
    .addColumn("request_id", "text", (c) => c.notNull().references("promotion_requests.id"))
    .addColumn("gate", "text", (c) => c.notNull().check(check))
    .addColumn("passed", "integer", (c) => c.notNull().check(sql`passed in (0, 1)`))
    .addColumn("detail", "text", (c) => c.notNull())
    .addColumn("evidence_json", "text")
    .addColumn("evaluated_at", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("promotion_gate_results_pkey", ["request_id", "gate"])
    .execute();
  await sql`insert into promotion_gate_results_rebuilt (request_id, gate, passed, detail, evidence_json, evaluated_at)
    select request_id, gate, passed, detail, evidence_json, evaluated_at from promotion_gate_results`.execute(db);
  await db.schema.dropTable("promotion_gate_results").execute();
  await sql`alter table promotion_gate_results_rebuilt rename to promotion_gate_results`.execute(db);
}

export async function up(db: Kysely<unknown>): Promise<void> {
  const real = dialectOf(db) === "postgres" ? "double precision" : "real";
  await db.schema
    .createTable("usage_buckets")
    .addColumn("backend_id", "text", (c) => c.notNull())
    .addColumn("model_name", "text", (c) => c.notNull())
    .addColumn("version", "text", (c) => c.notNull())
    .addColumn("environment", "text", (c) => c.notNull())
    .addColumn("caller", "text", (c) => c.notNull())
    .addColumn("source", "text", (c) => c.notNull().check(sql`source in ('RESOLVE', 'SERVED')`))
    .addColumn("bucket_start", "text", (c) => c.notNull())
    .addColumn("count", "integer", (c) => c.notNull().check(sql`count >= 0`))
    .addColumn("last_at", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("usage_buckets_pkey", ["backend_id", "model_name", "version", "environment", "caller", "source", "bucket_start"])
    .execute();
  await db.schema.createIndex("usage_buckets_start_idx").on("usage_buckets").column("bucket_start").execute();

  await db.schema
    .createTable("usage_last_seen")
    .addColumn("backend_id", "text", (c) => c.notNull())
    .addColumn("model_name", "text", (c) => c.notNull())
    .addColumn("version", "text", (c) => c.notNull())
    .addColumn("environment", "text", (c) => c.notNull())
    .addColumn("source", "text", (c) => c.notNull().check(sql`source in ('RESOLVE', 'SERVED')`))
    .addColumn("last_at", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("usage_last_seen_pkey", ["backend_id", "model_name", "version", "environment", "source"])
    .execute();

  await db.schema
    .createTable("shadow_reports")
    .addColumn("id", "text", (c) => c.primaryKey().notNull())
    .addColumn("backend_id", "text", (c) => c.notNull())
    .addColumn("model_name", "text", (c) => c.notNull())
    .addColumn("version", "text", (c) => c.notNull())
    .addColumn("environment", "text", (c) => c.notNull())
    .addColumn("primary_version", "text")
    .addColumn("window_start", "text", (c) => c.notNull())
    .addColumn("window_end", "text", (c) => c.notNull())
    .addColumn("requests", "integer", (c) => c.notNull().check(sql`requests >= 0`))
    .addColumn("agreement_rate", real, (c) => c.notNull().check(sql`agreement_rate >= 0 and agreement_rate <= 1`))
    .addColumn("latency_p50_ms", real, (c) => c.check(sql`latency_p50_ms >= 0`))
    .addColumn("latency_p95_ms", real, (c) => c.check(sql`latency_p95_ms >= 0`))
    .addColumn("error_rate", real, (c) => c.notNull().check(sql`error_rate >= 0 and error_rate <= 1`))
    .addColumn("evidence", "text")
    .addColumn("notes", "text")
    .addColumn("recorded_by", "text", (c) => c.notNull())
    .addColumn("at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("shadow_reports_version_idx")
    .on("shadow_reports")
    .columns(["backend_id", "model_name", "version", "environment", "at"])
    .execute();

  await db.schema
    .createTable("deployment_rollout_plans")
    .addColumn("revision_id", "text", (c) => c.primaryKey().notNull().references("deployment_revisions.id"))
    .addColumn("plan_json", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("deployment_rollouts")
    .addColumn("id", "text", (c) => c.primaryKey().notNull())
    .addColumn("deployment_id", "text", (c) => c.notNull().references("deployments.id"))
    .addColumn("revision_id", "text", (c) => c.notNull().references("deployment_revisions.id"))
    .addColumn("from_revision_id", "text", (c) => c.references("deployment_revisions.id"))
    .addColumn("plan_json", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull().check(sql`status in ('RUNNING', 'PAUSED', 'COMPLETED', 'ROLLED_BACK', 'SUPERSEDED')`))
    .addColumn("step", "integer", (c) => c.notNull().check(sql`step >= 0`))
    .addColumn("step_started_at", "text", (c) => c.notNull())
    .addColumn("paused_reason", "text")
    .addColumn("open_key", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("deployment_rollouts_open_idx").on("deployment_rollouts").column("open_key").unique().execute();
  await db.schema.createIndex("deployment_rollouts_deployment_idx").on("deployment_rollouts").columns(["deployment_id", "created_at"]).execute();

  await db.schema
    .createTable("idle_alerts")
    .addColumn("id", "text", (c) => c.primaryKey().notNull())
    .addColumn("backend_id", "text", (c) => c.notNull())
    .addColumn("model_name", "text", (c) => c.notNull())
    .addColumn("version", "text", (c) => c.notNull())
    .addColumn("environment", "text", (c) => c.notNull())
    .addColumn("last_used_at", "text")
    .addColumn("raised_at", "text", (c) => c.notNull())
    .addColumn("cleared_at", "text")
    .addColumn("open_key", "text")
    .addColumn("audit_event_id", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("idle_alerts_open_idx").on("idle_alerts").column("open_key").unique().execute();
  await db.schema.createIndex("idle_alerts_version_idx").on("idle_alerts").columns(["backend_id", "model_name", "version"]).execute();

  await db.schema
    .createTable("version_links")
    .addColumn("id", "text", (c) => c.primaryKey().notNull())
    .addColumn("kind", "text", (c) => c.notNull().check(sql`kind in ('COPIED_FROM')`))
    .addColumn("backend_id", "text", (c) => c.notNull())
    .addColumn("model_name", "text", (c) => c.notNull())
    .addColumn("version", "text", (c) => c.notNull())
    .addColumn("from_backend_id", "text", (c) => c.notNull())
    .addColumn("from_model_name", "text", (c) => c.notNull())
    .addColumn("from_version", "text", (c) => c.notNull())
    .addColumn("request_id", "text", (c) => c.references("promotion_requests.id"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("version_links_to_idx").on("version_links").columns(["backend_id", "model_name", "version"]).execute();
  await db.schema.createIndex("version_links_from_idx").on("version_links").columns(["from_backend_id", "from_model_name", "from_version"]).execute();

  await db.schema.alterTable("promotion_requests").addColumn("alias", "text").execute();
  await db.schema.alterTable("promotion_requests").addColumn("rollout_step", "integer").execute();
  await db.schema.alterTable("promotion_requests").addColumn("copy_target", "text").execute();
  await db.schema.alterTable("promotion_requests").addColumn("tags_json", "text").execute();

  await db.schema.alterTable("canary_results").addColumn("error_rate", real).execute();
  await db.schema.alterTable("canary_results").addColumn("requests", "integer").execute();
  await db.schema.alterTable("canary_results").addColumn("metrics_json", "text").execute();

  await setGateCheck(db, GATES_ALL);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`delete from promotion_gate_results where gate = 'SHADOW'`.execute(db);
  await setGateCheck(db, GATES_0009);
  for (const column of ["metrics_json", "requests", "error_rate"]) await db.schema.alterTable("canary_results").dropColumn(column).execute();
  for (const column of ["tags_json", "copy_target", "rollout_step", "alias"]) await db.schema.alterTable("promotion_requests").dropColumn(column).execute();
  for (const table of ["version_links", "idle_alerts", "deployment_rollouts", "deployment_rollout_plans", "shadow_reports", "usage_last_seen", "usage_buckets"]) {
    await db.schema.dropTable(table).execute();
  }
}
