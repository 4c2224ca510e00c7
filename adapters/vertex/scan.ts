/**
 * One page of the gateway over Vertex AI's pages: walks Vertex pages from a cursor, keeps what a
 * filter applied after fetching accepts, and stops once it has `first` items and has seen that one
 * more exists (so the last page never carries a cursor to an empty page).
 */
import { UnavailableError } from "../../src/core/index.js";
import type { Cursor } from "./cursor.js";
import type { ListPage } from "./rpc.js";

/** A guard against a backend that keeps answering with a next page token. */
const MAX_VERTEX_PAGES = 10_000;

export interface ScanResult<T> {
  items: T[];
  next?: Cursor;
}

export async function scanPage<T>(opts: {
  first: number;
  from?: Cursor;
  fetch: (token: string | undefined) => Promise<ListPage<T>>;
  keep?: (item: T) => boolean;
  backend: string;
  what: string;
}): Promise<ScanResult<T>> {
  const keep = opts.keep ?? (() => true);
  const items: T[] = [];
  let token = opts.from?.token;
  let skip = opts.from?.skip ?? 0;
  for (let pages = 0; pages < MAX_VERTEX_PAGES; pages++) {
    const page = await opts.fetch(token);
    // A page that shrank since the cursor was made (deletions) is simply read on from its end.
    for (let i = skip; i < page.items.length; i++) {
      const item = page.items[i] as T;
      if (!keep(item)) continue;
      if (items.length === opts.first) return { items, next: { skip: i, ...(token === undefined ? {} : { token }) } };
      items.push(item);
    }
    if (page.nextPageToken === undefined) return { items };
    token = page.nextPageToken;
    skip = 0;
  }
  throw new UnavailableError(`${opts.what}: Vertex AI returned more than ${MAX_VERTEX_PAGES} pages; giving up`, { backend: opts.backend });
}

/** Every item of every page. */
export async function fetchAll<T>(fetch: (token: string | undefined) => Promise<ListPage<T>>, backend: string, what: string): Promise<T[]> {
  const out: T[] = [];
  let token: string | undefined;
  for (let pages = 0; pages < MAX_VERTEX_PAGES; pages++) {
    const page = await fetch(token);
    out.push(...page.items);
    if (page.nextPageToken === undefined) return out;
    token = page.nextPageToken;
  }
  throw new UnavailableError(`${what}: Vertex AI returned more than ${MAX_VERTEX_PAGES} pages; giving up`, { backend });
}
