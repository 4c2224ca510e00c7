/**
 * One page of ours read from SageMaker's pages: starting at a position, examining server entries in
 * chunks no larger than what is still missing (so details are fetched only for entries that may be
 * served), until the page is full or SageMaker has no more. Filters SageMaker cannot apply are
 * applied by `convert`, which returns undefined for an entry that does not match.
 */
import { UnavailableError, ensureCallActive, type CallContext } from "../../src/core/index.js";
import type { Position } from "./cursor.js";

export interface ServerPage<S> {
  items: S[];
  next?: string;
}

export interface ScanOptions<S, T> {
  backend: string;
  /** What is listed, for messages: "model package groups". */
  what: string;
  start: Position;
  first: number;
  fetch(token: string | undefined): Promise<ServerPage<S>>;
  convert(chunk: S[]): Promise<(T | undefined)[]>;
}

export interface ScanResult<T> {
  items: T[];
  /** Where the next page starts; absent when SageMaker has no more. */
  next?: Position;
}

export async function scanPages<S, T>(opts: ScanOptions<S, T>, ctx: CallContext): Promise<ScanResult<T>> {
  const out: T[] = [];
  let token = opts.start.token;
  let skip = opts.start.skip;
  const seen = new Set<string>();
  for (;;) {
    ensureCallActive(ctx, opts.backend, `listing ${opts.what}`);
    const page = await opts.fetch(token);
    // Entries may have gone since the cursor was made: resume at the page's end then.
    let at = Math.min(skip, page.items.length);
    while (at < page.items.length && out.length < opts.first) {
      const chunk = page.items.slice(at, at + (opts.first - out.length));
      for (const item of await opts.convert(chunk)) if (item !== undefined) out.push(item);
      at += chunk.length;
    }
    if (out.length >= opts.first) {
      if (at < page.items.length) return { items: out, next: token === undefined ? { skip: at } : { token, skip: at } };
      return page.next === undefined ? { items: out } : { items: out, next: { token: page.next, skip: 0 } };
    }
    if (page.next === undefined) return { items: out };
    if (page.next === token || seen.has(page.next)) {
      throw new UnavailableError(`SageMaker returned a page token it had returned before while listing ${opts.what}: the listing would not end`, {
        backend: opts.backend,
      });
    }
    seen.add(page.next);
    token = page.next;
    skip = 0;
  }
}
