/**
 * Cursors of this adapter (opaque to callers, base64url JSON), bound to the query they came from:
 *
 * - models: MLflow's page token where the page starts plus how many of that page's entries were
 *   already served. MLflow offers no keyset filter on names (`name > 'x'` is refused), and its tokens
 *   are offsets: a model created or deleted before the position between two pages shifts what follows.
 * - versions: the last version number examined; the next page asks `version_number > N`, which
 *   stays exact whatever is created or deleted in between. It may also name the listing's snapshot
 *   of the model (its aliases as of the first page: ./request-cache.ts).
 */
import { InvalidInputError, decodeJsonCursor, encodeJsonCursor } from "../../src/core/index.js";

export { queryFingerprint } from "../../src/core/index.js";

const PREFIX = "mlf1.";

export interface ModelCursor {
  kind: "models";
  /** MLflow page token of the page being read (absent: the first page). */
  token?: string;
  /** Entries of that page already examined. */
  skip: number;
}

export interface VersionCursor {
  kind: "versions";
  /** Highest version number already examined. */
  after: number;
  /** The listing's snapshot of the model (./request-cache.ts), while it lasts. */
  snapshot?: string;
}

type Cursor = ModelCursor | VersionCursor;

export function encodeCursor(cursor: Cursor, fingerprint: string): string {
  const payload =
    cursor.kind === "models"
      ? { m: 1, s: cursor.skip, f: fingerprint, ...(cursor.token === undefined ? {} : { t: cursor.token }) }
      : { v: cursor.after, f: fingerprint, ...(cursor.snapshot === undefined ? {} : { s: cursor.snapshot }) };
  return encodeJsonCursor(payload, PREFIX);
}

function refuse(backend: string, why: string): InvalidInputError {
  return new InvalidInputError(`after: not a cursor of this listing (${why}); pass a cursor from the previous page unchanged`, {
    backend,
    field: "after",
  });
}

function decodePayload(cursor: string, fingerprint: string, backend: string): Record<string, unknown> {
  const decoded = decodeJsonCursor(cursor, PREFIX);
  if (!decoded.ok) throw refuse(backend, decoded.why);
  const parsed = decoded.value;
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw refuse(backend, "unreadable");
  const payload = parsed as Record<string, unknown>;
  if (payload["f"] !== fingerprint) throw refuse(backend, "it belongs to another query or filter");
  return payload;
}

export function decodeModelCursor(cursor: string, fingerprint: string, backend: string): ModelCursor {
  const p = decodePayload(cursor, fingerprint, backend);
  const skip = p["s"];
  const token = p["t"];
  if (p["m"] !== 1 || typeof skip !== "number" || !Number.isInteger(skip) || skip < 0) throw refuse(backend, "not a model cursor");
  if (token !== undefined && typeof token !== "string") throw refuse(backend, "not a model cursor");
  return { kind: "models", skip, ...(token === undefined ? {} : { token }) };
}

export function decodeVersionCursor(cursor: string, fingerprint: string, backend: string): VersionCursor {
  const p = decodePayload(cursor, fingerprint, backend);
  const after = p["v"];
  const snapshot = p["s"];
  if (typeof after !== "number" || !Number.isInteger(after) || after < 0) throw refuse(backend, "not a version cursor");
  if (snapshot !== undefined && typeof snapshot !== "string") throw refuse(backend, "not a version cursor");
  return { kind: "versions", after, ...(snapshot === undefined ? {} : { snapshot }) };
}
