/**
 * The one codec of opaque cursors, page tokens and ids: `prefix` + base64url of UTF-8 text, the
 * text often JSON. Each listing decides what its text holds and checks it after decoding; this
 * module only turns it into an opaque string and back, so every cursor the gateway hands out reads
 * the same way.
 */
import { createHash } from "node:crypto";

/** `prefix` (readable, e.g. a format version "c1.") followed by base64url of `text`. */
export function encodeOpaqueCursor(text: string, prefix = ""): string {
  return prefix + Buffer.from(text, "utf8").toString("base64url");
}

/** The text inside a cursor; undefined when the cursor does not start with `prefix`. */
export function decodeOpaqueCursor(cursor: string, prefix = ""): string | undefined {
  if (!cursor.startsWith(prefix)) return undefined;
  return Buffer.from(cursor.slice(prefix.length), "base64url").toString("utf8");
}

/** A cursor holding `value` as JSON. */
export function encodeJsonCursor(value: unknown, prefix = ""): string {
  return encodeOpaqueCursor(JSON.stringify(value), prefix);
}

/** What a JSON cursor holds, or why it holds nothing usable. */
export type DecodedJsonCursor = { ok: true; value: unknown } | { ok: false; why: "unknown format" | "unreadable" };

/** The JSON value inside a cursor: "unknown format" without `prefix`, "unreadable" when not JSON. */
export function decodeJsonCursor(cursor: string, prefix = ""): DecodedJsonCursor {
  const text = decodeOpaqueCursor(cursor, prefix);
  if (text === undefined) return { ok: false, why: "unknown format" };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, why: "unreadable" };
  }
}

/** Binds a cursor to its query (listing, model, filter, ...): a short hash of the parts, for the cursor to carry. */
export function queryFingerprint(...parts: readonly unknown[]): string {
  return createHash("sha256").update(JSON.stringify(parts)).digest("base64url").slice(0, 12);
}
