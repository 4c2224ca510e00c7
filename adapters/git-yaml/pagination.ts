/**
 * Stable order and opaque cursors. A cursor is the base64url of the last key served, so a page
 * continues after that key even when entries were added or removed in between.
 */
import { InvalidInputError, decodeJsonCursor, encodeJsonCursor, type Page, type PageQuery } from "../../src/core/index.js";
import { NUMERIC_VERSION_RE } from "./entry-schema.js";

export function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Numeric versions first, by value; then string versions, by text. */
export function compareVersions(a: string, b: string): number {
  const an = NUMERIC_VERSION_RE.test(a);
  const bn = NUMERIC_VERSION_RE.test(b);
  if (an && bn) return a.length !== b.length ? a.length - b.length : compareNames(a, b);
  if (an !== bn) return an ? -1 : 1;
  return compareNames(a, b);
}

export function encodeCursor(key: string): string {
  return encodeJsonCursor({ k: key });
}

export function decodeCursor(cursor: string, backend: string): string {
  const decoded = decodeJsonCursor(cursor);
  if (decoded.ok && decoded.value !== null && typeof decoded.value === "object" && typeof (decoded.value as { k?: unknown }).k === "string") {
    return (decoded.value as { k: string }).k;
  }
  throw new InvalidInputError(`"after" is not a cursor this backend issued: ${JSON.stringify(cursor)}`, {
    backend,
    field: "after",
  });
}

/** One page of `sorted` (already in `compare` order of `keyOf`). */
export function paginate<T>(
  sorted: readonly T[],
  keyOf: (item: T) => string,
  compare: (a: string, b: string) => number,
  query: PageQuery,
  maxPageSize: number,
  backend: string,
): Page<T> {
  if (!Number.isInteger(query.first) || query.first < 1) {
    throw new InvalidInputError(`"first" must be a positive integer, got ${query.first}`, { backend, field: "first" });
  }
  const size = Math.min(query.first, maxPageSize);
  let start = 0;
  if (query.after !== undefined) {
    const after = decodeCursor(query.after, backend);
    start = sorted.findIndex((item) => compare(keyOf(item), after) > 0);
    if (start < 0) start = sorted.length;
  }
  const items = sorted.slice(start, start + size);
  const last = items[items.length - 1];
  return start + size < sorted.length && last !== undefined ? { items, nextCursor: encodeCursor(keyOf(last)) } : { items };
}
