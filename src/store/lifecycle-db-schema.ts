/** The lifecycle tables as Kysely sees them (DDL and reasons in ./migrations/0010_lifecycle.ts). */

export interface UsageBucketsTable {
  backend_id: string;
  model_name: string;
  version: string;
  environment: string;
  caller: string;
  source: string;
  bucket_start: string;
  count: number;
  last_at: string;
}

export interface UsageLastSeenTable {
  backend_id: string;
  model_name: string;
  version: string;
  environment: string;
  source: string;
  last_at: string;
}

export interface ShadowReportsTable {
  id: string;
  backend_id: string;
  model_name: string;
  version: string;
  environment: string;
  primary_version: string | null;
  window_start: string;
  window_end: string;
  requests: number;
  agreement_rate: number;
  latency_p50_ms: number | null;
  latency_p95_ms: number | null;
  error_rate: number;
  evidence: string | null;
  notes: string | null;
  recorded_by: string;
  at: string;
}

export interface DeploymentRolloutPlansTable {
  revision_id: string;
  plan_json: string;
  created_at: string;
}

export interface DeploymentRolloutsTable {
  id: string;
  deployment_id: string;
  revision_id: string;
  from_revision_id: string | null;
  plan_json: string;
  status: string;
  step: number;
  step_started_at: string;
  paused_reason: string | null;
  open_key: string | null;
  created_at: string;
  updated_at: string;
}

export interface IdleAlertsTable {
  id: string;
  backend_id: string;
  model_name: string;
  version: string;
  environment: string;
  last_used_at: string | null;
  raised_at: string;
  cleared_at: string | null;
  open_key: string | null;
  audit_event_id: string;
}

export interface VersionLinksTable {
  id: string;
  kind: string;
  backend_id: string;
  model_name: string;
  version: string;
  from_backend_id: string;
  from_model_name: string;
  from_version: string;
  request_id: string | null;
  created_at: string;
}

export interface LifecycleDatabase {
  usage_buckets: UsageBucketsTable;
  usage_last_seen: UsageLastSeenTable;
  shadow_reports: ShadowReportsTable;
  deployment_rollout_plans: DeploymentRolloutPlansTable;
  deployment_rollouts: DeploymentRolloutsTable;
  idle_alerts: IdleAlertsTable;
  version_links: VersionLinksTable;
}
