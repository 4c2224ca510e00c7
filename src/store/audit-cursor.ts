/**
 * Opaque audit page cursors: base64url of "audit:<order>:<seq>", the seq of the last event of the
 * page. A cursor is only valid for the order it was issued in.
 */
import { decodeOpaqueCursor, encodeOpaqueCursor } from "../core/cursor.js";
import { InvalidInputError } from "../core/errors.js";

export type AuditOrder = "desc" | "asc";

export function encodeAuditCursor(seq: number, order: AuditOrder): string {
  return encodeOpaqueCursor(`audit:${order}:${seq}`);
}

/** The seq a cursor points after. Throws InvalidInputError (field "after") for a bad cursor. */
export function decodeAuditCursor(cursor: string, order: AuditOrder): number {
  const match = /^audit:(desc|asc):([1-9][0-9]{0,14})$/.exec(decodeOpaqueCursor(cursor) ?? "");
  if (match === null || encodeAuditCursor(Number(match[2]), match[1] as AuditOrder) !== cursor) {
    throw new InvalidInputError("invalid audit cursor: pass the nextCursor of a previous page unchanged", {
      field: "after",
    });
  }
  if (match[1] !== order) {
    throw new InvalidInputError(`the audit cursor was issued for order "${match[1]}", not "${order}"`, {
      field: "after",
    });
  }
  return Number(match[2]);
}
