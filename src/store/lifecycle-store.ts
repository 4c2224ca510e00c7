/**
 * The lifecycle tables (docs/lifecycle.md), as the store exposes them inside a transaction
 * (`tx.lifecycle`) and outside one (`store.lifecycle`, each call its own transaction): usage
 * counts, shadow reports, rollout plans and rollouts, idle alerts and version links. The Kysely
 * implementation is ./lifecycle-kysely.ts; the DDL and its reasons ./migrations/0010_lifecycle.ts.
 */

export type UsageSource = "RESOLVE" | "SERVED";

/** Uses of one version in one environment by one caller, to add to the hour bucket of `at`. */
export interface UsageIncrement {
  backendId: string;
  modelName: string;
  version: string;
  environment: string;
  caller: string;
  source: UsageSource;
  count: number;
  /** When the newest of these uses happened. */
  at: Date;
}

export interface UsageSummary {
  lastResolvedAt: Date | null;
  resolves: number;
  lastServedAt: Date | null;
  served: number;
}

export interface UsageQuery {
  backendId: string;
  modelName: string;
  version: string;
  /** Only this environment (default: all). */
  environment?: string;
  /** Counts of buckets starting at or after this time (whole hours). */
  since: Date;
}

export interface UsageVersionRef {
  backendId: string;
  modelName: string;
  version: string;
}

export interface UsageByCaller {
  caller: string;
  environment: string;
  source: UsageSource;
  count: number;
  lastAt: Date;
}

export interface ShadowReportRecord {
  id: string;
  backendId: string;
  modelName: string;
  /** The shadow version. */
  version: string;
  environment: string;
  /** The version it was compared against, when the reporter says. */
  primaryVersion: string | null;
  windowStart: Date;
  windowEnd: Date;
  requests: number;
  /** Share of requests where the shadow agreed with the primary, 0..1. */
  agreementRate: number;
  latencyP50Ms: number | null;
  latencyP95Ms: number | null;
  /** Share of requests the shadow failed, 0..1. */
  errorRate: number;
  evidence: string | null;
  notes: string | null;
  recordedBy: string;
  at: Date;
}

/** One step of a guarded rollout: the share of traffic the new revision gets, and for how long. */
export interface RolloutStep {
  /** Percent of each role's live traffic the new revision serves (1..100). */
  weight: number;
  /** How long the step runs, with its evidence in, before the next one. */
  holdSeconds: number;
}

export interface RolloutPlan {
  steps: RolloutStep[];
  /** A canary result of a step with a higher error rate breaks the step. */
  maxErrorRate: number | null;
  /** A canary result of a step whose metric `name` is below `min` breaks the step. */
  metricFloor: { name: string; min: number } | null;
  /** A step's canary results must add up to at least this many requests before it may advance (null or absent: any result will do). */
  minRequests?: number | null;
  /** A step without any canary result this long after it started has missing evidence (default: its hold time). */
  evidenceTimeoutSeconds: number | null;
  /** What a broken threshold does. */
  onBreach: "ROLLBACK" | "PAUSE";
  /** What missing evidence does. */
  onMissingEvidence: "ROLLBACK" | "PAUSE";
}

export type RolloutStatus = "RUNNING" | "PAUSED" | "COMPLETED" | "ROLLED_BACK" | "SUPERSEDED";

export interface RolloutRecord {
  id: string;
  deploymentId: string;
  /** The revision being rolled out (the deployment's current revision while the rollout is open). */
  revisionId: string;
  /** The revision that ran before: it serves the rest of the traffic until the last step. */
  fromRevisionId: string | null;
  plan: RolloutPlan;
  status: RolloutStatus;
  /** Index into plan.steps of the step running now. */
  step: number;
  stepStartedAt: Date;
  pausedReason: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface RolloutPatch {
  status?: RolloutStatus;
  step?: number;
  stepStartedAt?: Date;
  pausedReason?: string | null;
}

export interface IdleAlertRecord {
  id: string;
  backendId: string;
  modelName: string;
  version: string;
  environment: string;
  /** The newest resolve or served report seen (null: never used). */
  lastUsedAt: Date | null;
  raisedAt: Date;
  clearedAt: Date | null;
  /** The IDLE_IN_PRODUCTION audit event that raised it. */
  auditEventId: string;
}

export type VersionLinkKind = "COPIED_FROM";

export interface VersionLinkRecord {
  id: string;
  kind: VersionLinkKind;
  /** The new version (the copy). */
  backendId: string;
  modelName: string;
  version: string;
  /** The version it was copied from. */
  fromBackendId: string;
  fromModelName: string;
  fromVersion: string;
  /** The copy request that made it. */
  requestId: string | null;
  createdAt: Date;
}

export interface LifecycleTx {
  /** Adds each increment to its hour bucket and moves the last-seen time forward. */
  addUsage(increments: readonly UsageIncrement[]): Promise<void>;
  usageSummary(query: UsageQuery): Promise<UsageSummary>;
  /**
   * usageSummary of many versions at once (one query per table and 500 model names), in the order
   * given; of one environment when given, else of all.
   */
  usageSummaries(versions: readonly UsageVersionRef[], since: Date, environment?: string): Promise<UsageSummary[]>;
  /** Counts since `since` per caller, environment and source, largest first (at most `limit`). */
  usageByCaller(query: UsageQuery, limit: number): Promise<UsageByCaller[]>;
  /** The newest use (either source) of a version in an environment, or null. */
  lastUsed(backendId: string, modelName: string, version: string, environment: string): Promise<Date | null>;
  /** Deletes buckets that started before `before`; returns how many. */
  pruneUsage(before: Date): Promise<number>;

  insertShadowReport(record: ShadowReportRecord): Promise<void>;
  /** Newest first (by window end, then record time). */
  listShadowReports(backendId: string, modelName: string, version: string, environment?: string): Promise<ShadowReportRecord[]>;

  /** Records the plan a revision was created with. */
  insertRolloutPlan(revisionId: string, plan: RolloutPlan, at: Date): Promise<void>;
  getRolloutPlan(revisionId: string): Promise<RolloutPlan | undefined>;
  /** Throws ConflictError when the deployment already has an open (RUNNING or PAUSED) rollout. */
  insertRollout(record: RolloutRecord): Promise<void>;
  getRollout(id: string): Promise<RolloutRecord | undefined>;
  /** The deployment's open rollout (RUNNING or PAUSED), if any. */
  openRollout(deploymentId: string): Promise<RolloutRecord | undefined>;
  /** The deployment's rollouts, newest first, at most `limit`. */
  listRollouts(deploymentId: string, limit: number): Promise<RolloutRecord[]>;
  /** Every open rollout, oldest first. */
  listOpenRollouts(): Promise<RolloutRecord[]>;
  /**
   * Changes a rollout only while it still has `expect`'s status and step (compare-and-set): false
   * when another writer moved it first. A status other than RUNNING or PAUSED closes it.
   */
  updateRollout(id: string, expect: { status: RolloutStatus; step: number }, patch: RolloutPatch, at: Date): Promise<boolean>;

  /** Throws ConflictError when the version already has an open alert in that environment. */
  insertIdleAlert(record: Omit<IdleAlertRecord, "clearedAt">): Promise<void>;
  /** Closes an open alert; false when it was not open. */
  clearIdleAlert(id: string, at: Date): Promise<boolean>;
  /** Open alerts, of one environment when given, oldest first. */
  listOpenIdleAlerts(environment?: string): Promise<IdleAlertRecord[]>;

  insertVersionLink(record: VersionLinkRecord): Promise<void>;
  /** Links whose new version is this one (what it was copied from). */
  linksTo(backendId: string, modelName: string, version: string): Promise<VersionLinkRecord[]>;
  /** Links whose source is this version (the copies made of it). */
  linksFrom(backendId: string, modelName: string, version: string): Promise<VersionLinkRecord[]>;
}
