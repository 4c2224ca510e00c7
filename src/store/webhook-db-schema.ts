/** The webhook tables as Kysely sees them (DDL and reasons in ./migrations/0006_webhooks.ts). */
import type { AuditEventsTable } from "./db-schema.js";

export interface WebhookTargetsTable {
  id: string;
  url: string;
  secret: string;
  events_json: string;
  filter_backend: string | null;
  filter_model: string | null;
  filter_environment: string | null;
  owner: string;
  cursor_seq: number;
  lease_owner: string | null;
  lease_until: string | null;
  created_by: string;
  created_at: string;
  updated_at: string;
}

export interface WebhookDeliveriesTable {
  id: string;
  target_id: string;
  position: number;
  event_seq: number;
  event_id: string;
  event_type: string;
  event_json: string;
  copy: number;
  redelivery_of: string | null;
  status: string;
  attempt_count: number;
  round_attempts: number;
  next_attempt_at: string | null;
  last_status_code: number | null;
  last_error: string | null;
  created_at: string;
  completed_at: string | null;
}

export interface WebhookAttemptsTable {
  delivery_id: string;
  number: number;
  at: string;
  duration_ms: number;
  status_code: number | null;
  error: string | null;
  success: number;
}

export interface WebhookDatabase {
  webhook_targets: WebhookTargetsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_attempts: WebhookAttemptsTable;
  /** Read only: the head seq a new target's cursor starts at. */
  audit_events: AuditEventsTable;
}
