/**
 * Search page tokens: an offset into the query's ordered results, bound to the query (filter, order,
 * backend) so a token is not replayed against another one. Like MLflow's own, pages are not a
 * snapshot: what changes between pages may shift them.
 */
import { canonicalSha256, decodeJsonCursor, encodeJsonCursor } from "../../core/index.js";
import { invalidParameter } from "./errors.js";

function queryHash(query: unknown): string {
  return canonicalSha256(query).slice(0, 16);
}

export function encodePageToken(offset: number, query: unknown): string {
  return encodeJsonCursor({ o: offset, q: queryHash(query) });
}

/** The offset a token resumes at (0 without one); INVALID_PARAMETER_VALUE for a token of another query. */
export function decodePageToken(token: string | undefined, query: unknown): number {
  if (token === undefined || token === "") return 0;
  const decoded = decodeJsonCursor(token);
  if (!decoded.ok) throw invalidParameter(`Invalid page token '${token}': it was not given by this search`);
  const { o, q } = (decoded.value ?? {}) as { o?: unknown; q?: unknown };
  if (typeof o !== "number" || !Number.isSafeInteger(o) || o < 0 || typeof q !== "string") {
    throw invalidParameter(`Invalid page token '${token}': it was not given by this search`);
  }
  if (q !== queryHash(query)) throw invalidParameter("Invalid page token: it belongs to a search with another filter or order");
  return o;
}
