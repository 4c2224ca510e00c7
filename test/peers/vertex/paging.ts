/**
 * List pagination as AIP-158 and the proto describe it: `page_size` (0 → the default, above the
 * maximum → coerced to it, negative → INVALID_ARGUMENT), an opaque `page_token` valid only for the
 * same request (other fields unchanged), `next_page_token` empty on the last page. And `order_by`:
 * comma-separated fields, ascending unless followed by "desc".
 */
import { createHash } from "node:crypto";
import { invalidArgument } from "./rpc-error.js";

export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 100;

export interface PageRequest {
  page_size: number;
  page_token: string;
}

export interface Paged<T> {
  items: T[];
  next_page_token: string;
}

/** `identity` names the query (method, parent, filter, order): a token of another query is refused. */
export function paginate<T>(all: readonly T[], request: PageRequest, identity: readonly string[]): Paged<T> {
  const size = pageSize(request.page_size);
  const fingerprint = createHash("sha256").update(JSON.stringify(identity)).digest("base64url").slice(0, 16);
  const offset = request.page_token === "" ? 0 : decodeToken(request.page_token, fingerprint);
  const items = all.slice(offset, offset + size);
  const next = offset + size;
  return { items, next_page_token: next < all.length ? encodeToken(next, fingerprint) : "" };
}

function pageSize(requested: number): number {
  if (!Number.isInteger(requested) || requested < 0) throw invalidArgument(`page_size: ${requested} must not be negative`);
  if (requested === 0) return DEFAULT_PAGE_SIZE;
  return Math.min(requested, MAX_PAGE_SIZE);
}

function encodeToken(offset: number, fingerprint: string): string {
  return Buffer.from(JSON.stringify({ o: offset, f: fingerprint }), "utf8").toString("base64url");
}

function decodeToken(token: string, fingerprint: string): number {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
  } catch {
    throw invalidArgument(`page_token: "${token}" is not a page token of this service`);
  }
  const p = parsed as { o?: unknown; f?: unknown } | null;
  if (typeof p !== "object" || p === null || typeof p.o !== "number" || !Number.isInteger(p.o) || p.o < 0) {
    throw invalidArgument(`page_token: "${token}" is not a page token of this service`);
  }
  if (p.f !== fingerprint) throw invalidArgument("page_token: the token belongs to a request with other parameters (filter, order_by or parent changed)");
  return p.o;
}

export interface OrderKey {
  field: string;
  desc: boolean;
}

/** Parses `order_by`; `fields` maps the accepted names (snake_case and camelCase) to the canonical one. */
export function parseOrderBy(orderBy: string, fields: Readonly<Record<string, string>>): OrderKey[] {
  if (orderBy.trim() === "") return [];
  return orderBy.split(",").map((part) => {
    const words = part.trim().split(/\s+/);
    const [name, direction, extra] = words;
    const field = name === undefined ? undefined : fields[name];
    if (field === undefined || extra !== undefined || (direction !== undefined && direction !== "desc" && direction !== "asc")) {
      throw invalidArgument(`order_by: "${part.trim()}" is not one of ${[...new Set(Object.values(fields))].join(", ")} optionally followed by "desc"`);
    }
    return { field, desc: direction === "desc" };
  });
}

/** Sorts by the keys, then by `tiebreak` (creation order) so pages are stable. */
export function sortBy<T>(items: T[], keys: readonly OrderKey[], read: (item: T, field: string) => string | number, tiebreak: (item: T) => number): T[] {
  return items.sort((a, b) => {
    for (const key of keys) {
      const x = read(a, key.field);
      const y = read(b, key.field);
      if (x !== y) return (x < y ? -1 : 1) * (key.desc ? -1 : 1);
    }
    return tiebreak(a) - tiebreak(b);
  });
}
