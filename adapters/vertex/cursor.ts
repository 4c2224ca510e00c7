/**
 * Cursors of this adapter (opaque to callers, base64url JSON): the Vertex AI page token where the
 * next page starts, plus how many entries of that Vertex page were already examined (a page of the
 * gateway can end inside a Vertex page, when a filter is applied after fetching). Bound to the query
 * they came from: a cursor of another filter or model is refused.
 */
import { InvalidInputError, decodeJsonCursor, encodeJsonCursor } from "../../src/core/index.js";

export { queryFingerprint } from "../../src/core/index.js";

const PREFIX = "vx1.";

export interface Cursor {
  /** Vertex AI page token of the page being read; absent for the first page. */
  token?: string;
  /** Entries of that page already examined. */
  skip: number;
}

export function encodeCursor(cursor: Cursor, fingerprint: string): string {
  const payload = { s: cursor.skip, f: fingerprint, ...(cursor.token === undefined ? {} : { t: cursor.token }) };
  return encodeJsonCursor(payload, PREFIX);
}

export function decodeCursor(cursor: string, fingerprint: string, backend: string): Cursor {
  const refuse = (why: string) =>
    new InvalidInputError(`after: not a cursor of this listing (${why}); pass a cursor from the previous page unchanged`, { backend, field: "after" });
  const decoded = decodeJsonCursor(cursor, PREFIX);
  if (!decoded.ok) throw refuse(decoded.why);
  const p = decoded.value as { s?: unknown; t?: unknown; f?: unknown } | null;
  if (typeof p !== "object" || p === null || typeof p.s !== "number" || !Number.isInteger(p.s) || p.s < 0) throw refuse("unreadable");
  if (p.t !== undefined && typeof p.t !== "string") throw refuse("unreadable");
  if (p.f !== fingerprint) throw refuse("it belongs to another query or filter");
  return { skip: p.s, ...(p.t === undefined ? {} : { token: p.t }) };
}
