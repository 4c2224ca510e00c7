/** The workflow tables as Kysely sees them (DDL and reasons in ./migrations/0002_workflow.ts). */
import type { Generated } from "kysely";

export interface PromotionRequestsTable {
  id: string;
  kind: string;
  backend_id: string;
  model_name: string;
  version: string;
  environment: string;
  from_stage: string;
  to_stage: string;
  demote_to: string;
  previous_versions_json: string;
  status: string;
  requested_by: string;
  reason: string;
  policy_json: string;
  idempotency_key: string | null;
  input_hash: string | null;
  lock_key: string | null;
  failure: string | null;
  created_at: string;
  updated_at: string;
  deployment_revision_id: string | null;
  /** DDL and reasons in ./migrations/0009_lifecycle.ts. */
  alias: string | null;
  rollout_step: number | null;
  copy_target: string | null;
  tags_json: string | null;
}

export interface PromotionGateResultsTable {
  request_id: string;
  gate: string;
  passed: number;
  detail: string;
  evidence_json: string | null;
  evaluated_at: string;
}

export interface PromotionApprovalsTable {
  id: string;
  request_id: string;
  actor: string;
  decision: string;
  comment: string | null;
  at: string;
}

export interface EvalRecordsTable {
  id: string;
  backend_id: string;
  model_name: string;
  version: string;
  suite: string;
  score: number;
  run: string | null;
  artifact_uri: string | null;
  recorded_by: string;
  at: string;
}

export interface CanaryResultsTable {
  id: string;
  backend_id: string;
  model_name: string;
  version: string;
  environment: string;
  clean: number;
  evidence: string | null;
  notes: string | null;
  recorded_by: string;
  at: string;
  /** Columns of ./migrations/0009_lifecycle.ts. */
  error_rate: number | null;
  requests: number | null;
  metrics_json: string | null;
}

export interface PromotionOutboxTable {
  id: string;
  request_id: string;
  status: string;
  attempts: number;
  steps_json: string;
  next_attempt_at: string;
  lease_until: string | null;
  last_error: string | null;
  created_at: string;
  updated_at: string;
  /** DDL and reasons in ./migrations/0007_outbox_fencing.ts. */
  lease_owner: string | null;
  /** Has a default: inserts may leave it out. */
  lease_token: Generated<number>;
}

export interface ProductionHistoryTable {
  id: string;
  backend_id: string;
  model_name: string;
  environment: string;
  version: string;
  request_id: string | null;
  since: string;
  until: string | null;
}

/** DDL and reasons in ./migrations/0003_drift.ts. */
export interface DriftObservationsTable {
  id: string;
  backend_id: string;
  model_name: string;
  version: string;
  expected_stage: string;
  actual_stage: string | null;
  open_key: string | null;
  detected_at: string;
  resolved_at: string | null;
  audit_event_id: string;
  /** ./migrations/0008_drift_kind.ts */
  kind: string;
}

export interface WorkflowDatabase {
  promotion_requests: PromotionRequestsTable;
  promotion_gate_results: PromotionGateResultsTable;
  promotion_approvals: PromotionApprovalsTable;
  eval_records: EvalRecordsTable;
  canary_results: CanaryResultsTable;
  promotion_outbox: PromotionOutboxTable;
  production_history: ProductionHistoryTable;
  drift_observations: DriftObservationsTable;
}
