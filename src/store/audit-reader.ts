/** Reading the audit trail, dialect-neutral: filters, keyset pagination over seq, lookup by id. */
import type { Kysely } from "kysely";
import { InvalidInputError } from "../core/errors.js";
import { decodeAuditCursor, encodeAuditCursor, type AuditOrder } from "./audit-cursor.js";
import { eventFromRow } from "./audit-rows.js";
import type { StoreDatabase } from "./db-schema.js";
import type { AuditEvent, AuditPage, AuditQuery } from "./store.js";

/** Largest page `listAudit` returns; a larger `first` is capped to it. */
export const MAX_AUDIT_PAGE_SIZE = 100;

function pageSize(first: unknown): number {
  if (typeof first !== "number" || !Number.isInteger(first) || first < 1) {
    throw new InvalidInputError(`first must be a whole number of at least 1, got ${String(first)}`, { field: "first" });
  }
  return Math.min(first, MAX_AUDIT_PAGE_SIZE);
}

function order(value: unknown): AuditOrder {
  if (value === undefined) return "desc";
  if (value === "desc" || value === "asc") return value;
  throw new InvalidInputError(`order must be "desc" or "asc", got ${JSON.stringify(value)}`, { field: "order" });
}

function timeBound(value: Date | undefined, field: "from" | "to"): string | undefined {
  if (value === undefined) return undefined;
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
    throw new InvalidInputError(`filter.${field} must be a valid date`, { field: `filter.${field}` });
  }
  const year = value.getUTCFullYear();
  if (year < 0 || year > 9999) {
    throw new InvalidInputError(`filter.${field} must be between the years 0 and 9999`, { field: `filter.${field}` });
  }
  return value.toISOString();
}

export async function listAuditEvents(db: Kysely<StoreDatabase>, query: AuditQuery): Promise<AuditPage> {
  const first = pageSize(query.first);
  const direction = order(query.order);
  const filter = query.filter ?? {};
  const from = timeBound(filter.from, "from");
  const to = timeBound(filter.to, "to");

  let select = db.selectFrom("audit_events").selectAll();
  if (filter.actor !== undefined) select = select.where("actor", "=", filter.actor);
  if (filter.action !== undefined) select = select.where("action", "=", filter.action);
  if (filter.backendId !== undefined) select = select.where("backend_id", "=", filter.backendId);
  if (filter.modelName !== undefined) select = select.where("model_name", "=", filter.modelName);
  if (from !== undefined) select = select.where("at", ">=", from);
  if (to !== undefined) select = select.where("at", "<", to);
  if (query.after !== undefined) {
    const afterSeq = decodeAuditCursor(query.after, direction);
    select = select.where("seq", direction === "desc" ? "<" : ">", afterSeq);
  }
  const rows = await select
    .orderBy("seq", direction)
    .limit(first + 1)
    .execute();

  const items = rows.slice(0, first).map(eventFromRow);
  const last = items.at(-1);
  return rows.length > first && last !== undefined
    ? { items, nextCursor: encodeAuditCursor(last.seq, direction) }
    : { items };
}

export async function getAuditEvent(db: Kysely<StoreDatabase>, id: string): Promise<AuditEvent | undefined> {
  const row = await db.selectFrom("audit_events").selectAll().where("id", "=", id).executeTakeFirst();
  return row === undefined ? undefined : eventFromRow(row);
}
