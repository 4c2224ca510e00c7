/**
 * The store's tables as Kysely sees them: one shape for SQLite and PostgreSQL. Column types are the
 * ones both databases share (see ./migrations/0001_audit.ts for the DDL and the reasons).
 */

export interface AuditEventsTable {
  /** Gap-free 1, 2, 3 ... assigned by the store as the chain head's seq + 1. */
  seq: number;
  /** UUID, text. */
  id: string;
  /** ISO-8601 UTC with milliseconds, always 24 characters ("2026-01-02T03:04:05.006Z"). */
  at: string;
  actor: string;
  action: string;
  target_type: string;
  target: string;
  backend_id: string | null;
  model_name: string | null;
  /** RFC 8785 canonical JSON text; NULL when the event has no `before`. */
  before_json: string | null;
  after_json: string | null;
  reason: string | null;
  /** "SUCCESS" | "FAILURE" (a CHECK constraint keeps it so). */
  outcome: string;
  error: string | null;
  request_id: string | null;
  prev_hash: string;
  hash: string;
}

export interface StoreDatabase {
  audit_events: AuditEventsTable;
}
