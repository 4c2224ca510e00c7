/**
 * Appending to the audit trail, dialect-neutral. The caller runs it inside a transaction that no
 * other append can interleave with (SQLite: BEGIN IMMEDIATE under the store's queue), so the head
 * read here is the head the new event is written on, and the chain never forks.
 */
import { randomUUID } from "node:crypto";
import type { Kysely } from "kysely";
import { GENESIS_PREV_HASH, auditEventHash } from "./audit-chain.js";
import { normalizeAuditInput } from "./audit-input.js";
import { eventFromRow } from "./audit-rows.js";
import type { AuditEventsTable, StoreDatabase } from "./db-schema.js";
import { StoreError } from "./errors.js";
import type { AuditEvent, AuditEventInput } from "./store.js";

/** The chain head: the event with the highest seq, if any. */
export async function readAuditHead(db: Kysely<StoreDatabase>): Promise<{ seq: number; hash: string } | undefined> {
  const head = await db
    .selectFrom("audit_events")
    .select(["seq", "hash"])
    .orderBy("seq", "desc")
    .limit(1)
    .executeTakeFirst();
  return head === undefined ? undefined : { seq: Number(head.seq), hash: head.hash };
}

function isoTimestamp(at: Date): string {
  const iso = Number.isNaN(at.getTime()) ? "" : at.toISOString();
  // Fixed-width ISO text sorts chronologically; years outside 0000-9999 would not.
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(iso)) {
    throw new StoreError(`the clock returned an unusable audit timestamp: ${String(at)}`);
  }
  return iso;
}

export async function appendAuditEvent(
  db: Kysely<StoreDatabase>,
  input: AuditEventInput,
  at: Date,
): Promise<AuditEvent> {
  const normalized = normalizeAuditInput(input);
  const head = await readAuditHead(db);
  const row: AuditEventsTable = {
    seq: head === undefined ? 1 : head.seq + 1,
    id: randomUUID(),
    at: isoTimestamp(at),
    actor: normalized.actor,
    action: normalized.action,
    target_type: normalized.targetType,
    target: normalized.target,
    backend_id: normalized.backendId ?? null,
    model_name: normalized.modelName ?? null,
    before_json: normalized.beforeJson ?? null,
    after_json: normalized.afterJson ?? null,
    reason: normalized.reason ?? null,
    outcome: normalized.outcome,
    error: normalized.error ?? null,
    request_id: normalized.requestId ?? null,
    prev_hash: head?.hash ?? GENESIS_PREV_HASH,
    hash: "",
  };
  // Hash the event exactly as it will be read back from the row.
  const event = eventFromRow(row);
  event.hash = auditEventHash(event.prevHash, event);
  row.hash = event.hash;
  await db.insertInto("audit_events").values(row).execute();
  return event;
}
