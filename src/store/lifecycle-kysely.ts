/**
 * The lifecycle tables over a Kysely connection: SQL both SQLite and PostgreSQL accept (ON CONFLICT
 * upserts, `excluded.`). The caller supplies the transaction.
 */
import { sql, type Kysely, type Selectable } from "kysely";
import { ConflictError } from "../core/errors.js";
import type {
  DeploymentRolloutsTable,
  IdleAlertsTable,
  LifecycleDatabase,
  ShadowReportsTable,
  VersionLinksTable,
} from "./lifecycle-db-schema.js";
import type {
  IdleAlertRecord,
  LifecycleTx,
  RolloutPatch,
  RolloutPlan,
  RolloutRecord,
  RolloutStatus,
  ShadowReportRecord,
  UsageByCaller,
  UsageIncrement,
  UsageQuery,
  UsageSource,
  UsageSummary,
  VersionLinkRecord,
} from "./lifecycle-store.js";
import { isUniqueViolation } from "./workflow-kysely.js";

const iso = (d: Date): string => d.toISOString();
const date = (s: string): Date => new Date(s);
const OPEN: readonly RolloutStatus[] = ["RUNNING", "PAUSED"];

/** The start of the hour `at` falls in, as the fixed-width ISO text buckets are keyed by. */
export function hourBucket(at: Date): string {
  const d = new Date(at.getTime());
  d.setUTCMinutes(0, 0, 0);
  return d.toISOString();
}

function shadowFrom(row: Selectable<ShadowReportsTable>): ShadowReportRecord {
  return {
    id: row.id,
    backendId: row.backend_id,
    modelName: row.model_name,
    version: row.version,
    environment: row.environment,
    primaryVersion: row.primary_version,
    windowStart: date(row.window_start),
    windowEnd: date(row.window_end),
    requests: Number(row.requests),
    agreementRate: Number(row.agreement_rate),
    latencyP50Ms: row.latency_p50_ms === null ? null : Number(row.latency_p50_ms),
    latencyP95Ms: row.latency_p95_ms === null ? null : Number(row.latency_p95_ms),
    errorRate: Number(row.error_rate),
    evidence: row.evidence,
    notes: row.notes,
    recordedBy: row.recorded_by,
    at: date(row.at),
  };
}

function rolloutFrom(row: Selectable<DeploymentRolloutsTable>): RolloutRecord {
  return {
    id: row.id,
    deploymentId: row.deployment_id,
    revisionId: row.revision_id,
    fromRevisionId: row.from_revision_id,
    plan: JSON.parse(row.plan_json) as RolloutPlan,
    status: row.status as RolloutStatus,
    step: row.step,
    stepStartedAt: date(row.step_started_at),
    pausedReason: row.paused_reason,
    createdAt: date(row.created_at),
    updatedAt: date(row.updated_at),
  };
}

function idleFrom(row: Selectable<IdleAlertsTable>): IdleAlertRecord {
  return {
    id: row.id,
    backendId: row.backend_id,
    modelName: row.model_name,
    version: row.version,
    environment: row.environment,
    lastUsedAt: row.last_used_at === null ? null : date(row.last_used_at),
    raisedAt: date(row.raised_at),
    clearedAt: row.cleared_at === null ? null : date(row.cleared_at),
    auditEventId: row.audit_event_id,
  };
}

function linkFrom(row: Selectable<VersionLinksTable>): VersionLinkRecord {
  return {
    id: row.id,
    kind: row.kind as VersionLinkRecord["kind"],
    backendId: row.backend_id,
    modelName: row.model_name,
    version: row.version,
    fromBackendId: row.from_backend_id,
    fromModelName: row.from_model_name,
    fromVersion: row.from_version,
    requestId: row.request_id,
    createdAt: date(row.created_at),
  };
}

const idleKey = (r: Pick<IdleAlertRecord, "backendId" | "modelName" | "version" | "environment">) =>
  JSON.stringify([r.backendId, r.modelName, r.version, r.environment]);

export class KyselyLifecycleTx implements LifecycleTx {
  constructor(private readonly db: Kysely<LifecycleDatabase>) {}

  async addUsage(increments: readonly UsageIncrement[]): Promise<void> {
    for (const u of increments) {
      if (!(Number.isInteger(u.count) && u.count > 0)) continue;
      const at = iso(u.at);
      await this.db
        .insertInto("usage_buckets")
        .values({
          backend_id: u.backendId,
          model_name: u.modelName,
          version: u.version,
          environment: u.environment,
          caller: u.caller,
          source: u.source,
          bucket_start: hourBucket(u.at),
          count: u.count,
          last_at: at,
        })
        .onConflict((oc) =>
          oc.columns(["backend_id", "model_name", "version", "environment", "caller", "source", "bucket_start"]).doUpdateSet({
            count: sql<number>`usage_buckets.count + excluded.count`,
            last_at: sql<string>`case when excluded.last_at > usage_buckets.last_at then excluded.last_at else usage_buckets.last_at end`,
          }),
        )
        .execute();
      await this.db
        .insertInto("usage_last_seen")
        .values({ backend_id: u.backendId, model_name: u.modelName, version: u.version, environment: u.environment, source: u.source, last_at: at })
        .onConflict((oc) =>
          oc.columns(["backend_id", "model_name", "version", "environment", "source"]).doUpdateSet({
            last_at: sql<string>`case when excluded.last_at > usage_last_seen.last_at then excluded.last_at else usage_last_seen.last_at end`,
          }),
        )
        .execute();
    }
  }

  async usageSummary(q: UsageQuery): Promise<UsageSummary> {
    let last = this.db
      .selectFrom("usage_last_seen")
      .select(["source", (eb) => eb.fn.max("last_at").as("last_at")])
      .where("backend_id", "=", q.backendId)
      .where("model_name", "=", q.modelName)
      .where("version", "=", q.version);
    if (q.environment !== undefined) last = last.where("environment", "=", q.environment);
    let counts = this.db
      .selectFrom("usage_buckets")
      .select(["source", (eb) => eb.fn.sum<string | number>("count").as("total")])
      .where("backend_id", "=", q.backendId)
      .where("model_name", "=", q.modelName)
      .where("version", "=", q.version)
      .where("bucket_start", ">=", hourBucket(q.since));
    if (q.environment !== undefined) counts = counts.where("environment", "=", q.environment);
    const lastRows = await last.groupBy("source").execute();
    const countRows = await counts.groupBy("source").execute();
    const lastOf = (s: UsageSource) => {
      const v = lastRows.find((r) => r.source === s)?.last_at;
      return v === undefined || v === null ? null : date(v);
    };
    const countOf = (s: UsageSource) => Number(countRows.find((r) => r.source === s)?.total ?? 0);
    return { lastResolvedAt: lastOf("RESOLVE"), resolves: countOf("RESOLVE"), lastServedAt: lastOf("SERVED"), served: countOf("SERVED") };
  }

  async usageByCaller(q: UsageQuery, limit: number): Promise<UsageByCaller[]> {
    let query = this.db
      .selectFrom("usage_buckets")
      .select(["caller", "environment", "source", (eb) => eb.fn.sum<string | number>("count").as("total"), (eb) => eb.fn.max("last_at").as("last_at")])
      .where("backend_id", "=", q.backendId)
      .where("model_name", "=", q.modelName)
      .where("version", "=", q.version)
      .where("bucket_start", ">=", hourBucket(q.since));
    if (q.environment !== undefined) query = query.where("environment", "=", q.environment);
    const rows = await query.groupBy(["caller", "environment", "source"]).execute();
    return rows
      .map((r) => ({ caller: r.caller, environment: r.environment, source: r.source as UsageSource, count: Number(r.total), lastAt: date(r.last_at) }))
      .sort((a, b) => b.count - a.count || (a.caller < b.caller ? -1 : a.caller > b.caller ? 1 : 0))
      .slice(0, limit);
  }

  async lastUsed(backendId: string, modelName: string, version: string, environment: string): Promise<Date | null> {
    const row = await this.db
      .selectFrom("usage_last_seen")
      .select((eb) => eb.fn.max("last_at").as("last_at"))
      .where("backend_id", "=", backendId)
      .where("model_name", "=", modelName)
      .where("version", "=", version)
      .where("environment", "=", environment)
      .executeTakeFirst();
    return row?.last_at ? date(row.last_at) : null;
  }

  async pruneUsage(before: Date): Promise<number> {
    const result = await this.db.deleteFrom("usage_buckets").where("bucket_start", "<", hourBucket(before)).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async insertShadowReport(r: ShadowReportRecord): Promise<void> {
    await this.db
      .insertInto("shadow_reports")
      .values({
        id: r.id,
        backend_id: r.backendId,
        model_name: r.modelName,
        version: r.version,
        environment: r.environment,
        primary_version: r.primaryVersion,
        window_start: iso(r.windowStart),
        window_end: iso(r.windowEnd),
        requests: r.requests,
        agreement_rate: r.agreementRate,
        latency_p50_ms: r.latencyP50Ms,
        latency_p95_ms: r.latencyP95Ms,
        error_rate: r.errorRate,
        evidence: r.evidence,
        notes: r.notes,
        recorded_by: r.recordedBy,
        at: iso(r.at),
      })
      .execute();
  }

  async listShadowReports(backendId: string, modelName: string, version: string, environment?: string): Promise<ShadowReportRecord[]> {
    let q = this.db
      .selectFrom("shadow_reports")
      .selectAll()
      .where("backend_id", "=", backendId)
      .where("model_name", "=", modelName)
      .where("version", "=", version);
    if (environment !== undefined) q = q.where("environment", "=", environment);
    const rows = await q.orderBy("window_end", "desc").orderBy("at", "desc").orderBy("id", "desc").execute();
    return rows.map(shadowFrom);
  }

  async insertRolloutPlan(revisionId: string, plan: RolloutPlan, at: Date): Promise<void> {
    await this.db.insertInto("deployment_rollout_plans").values({ revision_id: revisionId, plan_json: JSON.stringify(plan), created_at: iso(at) }).execute();
  }

  async getRolloutPlan(revisionId: string): Promise<RolloutPlan | undefined> {
    const row = await this.db.selectFrom("deployment_rollout_plans").select("plan_json").where("revision_id", "=", revisionId).executeTakeFirst();
    return row === undefined ? undefined : (JSON.parse(row.plan_json) as RolloutPlan);
  }

  async insertRollout(r: RolloutRecord): Promise<void> {
    try {
      await this.db
        .insertInto("deployment_rollouts")
        .values({
          id: r.id,
          deployment_id: r.deploymentId,
          revision_id: r.revisionId,
          from_revision_id: r.fromRevisionId,
          plan_json: JSON.stringify(r.plan),
          status: r.status,
          step: r.step,
          step_started_at: iso(r.stepStartedAt),
          paused_reason: r.pausedReason,
          open_key: OPEN.includes(r.status) ? r.deploymentId : null,
          created_at: iso(r.createdAt),
          updated_at: iso(r.updatedAt),
        })
        .execute();
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      throw new ConflictError(`deployment ${r.deploymentId} already has an open rollout`, { cause: err });
    }
  }

  async getRollout(id: string): Promise<RolloutRecord | undefined> {
    const row = await this.db.selectFrom("deployment_rollouts").selectAll().where("id", "=", id).executeTakeFirst();
    return row === undefined ? undefined : rolloutFrom(row);
  }

  async openRollout(deploymentId: string): Promise<RolloutRecord | undefined> {
    const row = await this.db.selectFrom("deployment_rollouts").selectAll().where("open_key", "=", deploymentId).executeTakeFirst();
    return row === undefined ? undefined : rolloutFrom(row);
  }

  async listRollouts(deploymentId: string, limit: number): Promise<RolloutRecord[]> {
    const rows = await this.db
      .selectFrom("deployment_rollouts")
      .selectAll()
      .where("deployment_id", "=", deploymentId)
      .orderBy("created_at", "desc")
      .orderBy("id", "desc")
      .limit(limit)
      .execute();
    return rows.map(rolloutFrom);
  }

  async listOpenRollouts(): Promise<RolloutRecord[]> {
    const rows = await this.db.selectFrom("deployment_rollouts").selectAll().where("open_key", "is not", null).orderBy("created_at").orderBy("id").execute();
    return rows.map(rolloutFrom);
  }

  async updateRollout(id: string, expect: { status: RolloutStatus; step: number }, patch: RolloutPatch, at: Date): Promise<boolean> {
    const status = patch.status ?? expect.status;
    const result = await this.db
      .updateTable("deployment_rollouts")
      .set({
        status,
        ...(patch.step === undefined ? {} : { step: patch.step }),
        ...(patch.stepStartedAt === undefined ? {} : { step_started_at: iso(patch.stepStartedAt) }),
        ...(patch.pausedReason === undefined ? {} : { paused_reason: patch.pausedReason }),
        ...(OPEN.includes(status) ? {} : { open_key: null }),
        updated_at: iso(at),
      })
      .where("id", "=", id)
      .where("status", "=", expect.status)
      .where("step", "=", expect.step)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async insertIdleAlert(r: Omit<IdleAlertRecord, "clearedAt">): Promise<void> {
    try {
      await this.db
        .insertInto("idle_alerts")
        .values({
          id: r.id,
          backend_id: r.backendId,
          model_name: r.modelName,
          version: r.version,
          environment: r.environment,
          last_used_at: r.lastUsedAt === null ? null : iso(r.lastUsedAt),
          raised_at: iso(r.raisedAt),
          cleared_at: null,
          open_key: idleKey(r),
          audit_event_id: r.auditEventId,
        })
        .execute();
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      throw new ConflictError(`${r.backendId}/${r.modelName}@${r.version} already has an open idle alert in ${r.environment}`, { cause: err });
    }
  }

  async clearIdleAlert(id: string, at: Date): Promise<boolean> {
    const result = await this.db
      .updateTable("idle_alerts")
      .set({ cleared_at: iso(at), open_key: null })
      .where("id", "=", id)
      .where("open_key", "is not", null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async listOpenIdleAlerts(environment?: string): Promise<IdleAlertRecord[]> {
    let q = this.db.selectFrom("idle_alerts").selectAll().where("open_key", "is not", null);
    if (environment !== undefined) q = q.where("environment", "=", environment);
    return (await q.orderBy("raised_at").orderBy("id").execute()).map(idleFrom);
  }

  async insertVersionLink(r: VersionLinkRecord): Promise<void> {
    await this.db
      .insertInto("version_links")
      .values({
        id: r.id,
        kind: r.kind,
        backend_id: r.backendId,
        model_name: r.modelName,
        version: r.version,
        from_backend_id: r.fromBackendId,
        from_model_name: r.fromModelName,
        from_version: r.fromVersion,
        request_id: r.requestId,
        created_at: iso(r.createdAt),
      })
      .execute();
  }

  async linksTo(backendId: string, modelName: string, version: string): Promise<VersionLinkRecord[]> {
    const rows = await this.db
      .selectFrom("version_links")
      .selectAll()
      .where("backend_id", "=", backendId)
      .where("model_name", "=", modelName)
      .where("version", "=", version)
      .orderBy("created_at")
      .orderBy("id")
      .execute();
    return rows.map(linkFrom);
  }

  async linksFrom(backendId: string, modelName: string, version: string): Promise<VersionLinkRecord[]> {
    const rows = await this.db
      .selectFrom("version_links")
      .selectAll()
      .where("from_backend_id", "=", backendId)
      .where("from_model_name", "=", modelName)
      .where("from_version", "=", version)
      .orderBy("created_at")
      .orderBy("id")
      .execute();
    return rows.map(linkFrom);
  }
}
