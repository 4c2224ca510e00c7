/** Mapping between audit events and `audit_events` rows. */
import { StoreError } from "./errors.js";
import type { AuditEventsTable } from "./db-schema.js";
import type { AuditEvent, AuditOutcome } from "./store.js";

function parseJsonColumn(row: AuditEventsTable, column: "before_json" | "after_json"): unknown {
  const text = row[column];
  if (text === null) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new StoreError(`audit event ${row.seq}: column ${column} does not hold valid JSON (was the row edited?)`, {
      cause: err,
    });
  }
}

export function eventFromRow(row: AuditEventsTable): AuditEvent {
  const at = new Date(row.at);
  if (Number.isNaN(at.getTime())) {
    throw new StoreError(`audit event ${row.seq}: column at does not hold a timestamp: "${row.at}"`);
  }
  const event: AuditEvent = {
    seq: Number(row.seq),
    id: row.id,
    at,
    actor: row.actor,
    action: row.action,
    targetType: row.target_type,
    target: row.target,
    outcome: row.outcome as AuditOutcome,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
  if (row.backend_id !== null) event.backendId = row.backend_id;
  if (row.model_name !== null) event.modelName = row.model_name;
  const before = parseJsonColumn(row, "before_json");
  if (before !== undefined) event.before = before;
  const after = parseJsonColumn(row, "after_json");
  if (after !== undefined) event.after = after;
  if (row.reason !== null) event.reason = row.reason;
  if (row.error !== null) event.error = row.error;
  if (row.request_id !== null) event.requestId = row.request_id;
  return event;
}
