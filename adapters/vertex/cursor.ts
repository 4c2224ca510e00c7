/**
 * Cursors of this adapter (opaque to callers, base64url JSON): the Vertex AI page token where the
 * next page starts, plus how many entries of that Vertex page were already examined (a page of the
 * gateway can end inside a Vertex page, when a filter is applied after fetching). Bound to the query
 * they came from: a cursor of another filter or model is refused.
 */
import { createHash } from "node:crypto";
import { InvalidInputError } from "../../src/core/index.js";

const PREFIX = "vx1.";

export interface Cursor {
  /** Vertex AI page token of the page being read; absent for the first page. */
  token?: string;
  /** Entries of that page already examined. */
  skip: number;
}

export function queryFingerprint(...parts: readonly (string | undefined)[]): string {
  return createHash("sha256").update(JSON.stringify(parts)).digest("base64url").slice(0, 12);
}

export function encodeCursor(cursor: Cursor, fingerprint: string): string {
  const payload = { s: cursor.skip, f: fingerprint, ...(cursor.token === undefined ? {} : { t: cursor.token }) };
  return PREFIX + Buffer.from(JSON.stringify(payload), "utf8").toString("base64url");
}

export function decodeCursor(cursor: string, fingerprint: string, backend: string): Cursor {
  const refuse = (why: string) =>
    new InvalidInputError(`after: not a cursor of this listing (${why}); pass a cursor from the previous page unchanged`, { backend, field: "after" });
  if (!cursor.startsWith(PREFIX)) throw refuse("unknown format");
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor.slice(PREFIX.length), "base64url").toString("utf8"));
  } catch {
    throw refuse("unreadable");
  }
  const p = parsed as { s?: unknown; t?: unknown; f?: unknown } | null;
  if (typeof p !== "object" || p === null || typeof p.s !== "number" || !Number.isInteger(p.s) || p.s < 0) throw refuse("unreadable");
  if (p.t !== undefined && typeof p.t !== "string") throw refuse("unreadable");
  if (p.f !== fingerprint) throw refuse("it belongs to another query or filter");
  return { skip: p.s, ...(p.t === undefined ? {} : { token: p.t }) };
}
