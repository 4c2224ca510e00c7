/**
 * Cursors of this adapter (opaque to callers, base64url JSON): SageMaker's NextToken of the server
 * page being read, plus how many of that page's entries were already examined. A page of ours can
 * end inside a page of SageMaker's (filters applied after fetching, or a smaller `first`), so the
 * token alone cannot say where to go on. Bound to the query: a cursor of one model or filter is
 * refused by another.
 */
import { InvalidInputError, decodeJsonCursor, encodeJsonCursor } from "../../src/core/index.js";

/** Binds a cursor to its query (listing, model, filter, page size asked of SageMaker). */
export { queryFingerprint } from "../../src/core/index.js";

const PREFIX = "sm1.";

export interface Position {
  /** SageMaker's NextToken of the page being read; absent: the first page. */
  token?: string;
  /** Entries of that page already examined. */
  skip: number;
}

export const START: Position = { skip: 0 };

export function encodeCursor(position: Position, fingerprint: string): string {
  const payload = { s: position.skip, f: fingerprint, ...(position.token === undefined ? {} : { t: position.token }) };
  return encodeJsonCursor(payload, PREFIX);
}

function refuse(backend: string, why: string): InvalidInputError {
  return new InvalidInputError(`after: not a cursor of this listing (${why}); pass a cursor from the previous page unchanged`, {
    backend,
    field: "after",
  });
}

export function decodeCursor(cursor: string | undefined, fingerprint: string, backend: string): Position {
  if (cursor === undefined) return START;
  const decoded = decodeJsonCursor(cursor, PREFIX);
  if (!decoded.ok) throw refuse(backend, decoded.why);
  const parsed = decoded.value;
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw refuse(backend, "unreadable");
  const p = parsed as Record<string, unknown>;
  if (p["f"] !== fingerprint) throw refuse(backend, "it belongs to another query or filter");
  const skip = p["s"];
  const token = p["t"];
  if (typeof skip !== "number" || !Number.isInteger(skip) || skip < 0) throw refuse(backend, "unreadable");
  if (token !== undefined && (typeof token !== "string" || token === "")) throw refuse(backend, "unreadable");
  return token === undefined ? { skip } : { token, skip };
}
