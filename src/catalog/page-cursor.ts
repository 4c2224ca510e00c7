/**
 * Cursors of the gateway's listings: per source (backend), the adapter cursor of the page being read
 * plus how many of its items were already returned. This gives every edge its own cursor even though
 * adapters only hand out page cursors. Opaque to clients (base64url JSON).
 */
import { InvalidInputError, decodeJsonCursor, encodeJsonCursor } from "../core/index.js";

export interface SourcePosition {
  /** Adapter cursor where the current page starts (absent: the first page). */
  c?: string;
  /** Items of that page already returned. */
  k: number;
  /** The source has no more items. */
  d?: true;
}

export type PageCursorState = Record<string, SourcePosition>;

const PREFIX = "c1.";

export function encodePageCursor(state: PageCursorState): string {
  return encodeJsonCursor(state, PREFIX);
}

export function decodePageCursor(cursor: string, sourceIds: readonly string[]): PageCursorState {
  const bad = () => new InvalidInputError("after: not a cursor of this listing (pass a cursor from pageInfo or an edge unchanged)", { field: "after" });
  const decoded = decodeJsonCursor(cursor, PREFIX);
  if (!decoded.ok) throw bad();
  const parsed = decoded.value;
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw bad();
  const keys = Object.keys(parsed);
  if (keys.some((k) => !sourceIds.includes(k))) throw bad();
  const state: PageCursorState = {};
  for (const id of sourceIds) {
    const pos = (parsed as Record<string, unknown>)[id];
    if (pos === undefined) {
      state[id] = { k: 0 };
      continue;
    }
    const p = pos as Partial<SourcePosition>;
    if (typeof p !== "object" || typeof p.k !== "number" || !Number.isInteger(p.k) || p.k < 0) throw bad();
    if (p.c !== undefined && typeof p.c !== "string") throw bad();
    state[id] = { k: p.k, ...(p.c === undefined ? {} : { c: p.c }), ...(p.d === true ? { d: true as const } : {}) };
  }
  return state;
}
