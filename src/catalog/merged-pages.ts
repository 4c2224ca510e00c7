/**
 * Reads one page across several paged sources at once: every source is called in parallel, their
 * pages are merged by `compare` (each source's own order is kept), and each returned item carries a
 * cursor that resumes right after it. A source that fails with a typed error is reported in
 * `failures` and resumes where it was on the next page; the others' items still come back.
 */
import { isRegistryError, type Page } from "../core/index.js";
import { decodePageCursor, encodePageCursor, type PageCursorState, type SourcePosition } from "./page-cursor.js";

export interface PagedSource<T> {
  id: string;
  /** Largest page the source serves. */
  maxPageSize: number;
  fetch(first: number, after: string | undefined): Promise<Page<T>>;
}

export interface SourceFailure {
  sourceId: string;
  error: Error;
}

export interface MergedEdge<T> {
  item: T;
  cursor: string;
}

export interface MergedPage<T> {
  edges: MergedEdge<T>[];
  hasNextPage: boolean;
  /** Cursor after the last edge (or the unchanged position when the page is empty). */
  endCursor: string;
  failures: SourceFailure[];
}

interface Buffered<T> {
  source: PagedSource<T>;
  /** Adapter cursor of the page in `buffer` (absent: the first page). */
  pageStart?: string;
  /** Items of that page skipped before `buffer` begins. */
  skip: number;
  buffer: T[];
  taken: number;
  next?: string;
}

export async function readMergedPage<T>(
  sources: readonly PagedSource<T>[],
  first: number,
  after: string | undefined,
  compare: (a: T, b: T) => number,
): Promise<MergedPage<T>> {
  const ids = sources.map((s) => s.id);
  const state: PageCursorState =
    after === undefined ? Object.fromEntries(ids.map((id) => [id, { k: 0 }])) : decodePageCursor(after, ids);

  const failures: SourceFailure[] = [];
  const attempt = async <R>(source: PagedSource<T>, work: () => Promise<R>): Promise<R | undefined> => {
    try {
      return await work();
    } catch (err) {
      if (!isRegistryError(err)) throw err;
      failures.push({ sourceId: source.id, error: err });
      return undefined;
    }
  };

  const buffered = await Promise.all(
    sources.filter((s) => !state[s.id]?.d).map((s) => attempt(s, () => fill(s, state[s.id] ?? { k: 0 }, first))),
  );
  const live = buffered.filter((b): b is Buffered<T> => b !== undefined);
  const frozen: PageCursorState = {};

  const edges: MergedEdge<T>[] = [];
  while (edges.length < first) {
    // A source whose buffer ran dry while it has more pages reads its next page before comparing.
    const dry = live.filter((b) => b.taken === b.buffer.length && b.next !== undefined);
    if (dry.length > 0) {
      const refilled = await Promise.all(dry.map((b) => attempt(b.source, () => refill(b, first - edges.length))));
      dry.forEach((b, i) => {
        if (refilled[i] !== undefined) return;
        // Everything it returned so far stays returned: it resumes at its next page.
        frozen[b.source.id] = position(b);
        live.splice(live.indexOf(b), 1);
      });
      continue;
    }
    let best: Buffered<T> | undefined;
    for (const b of live) {
      const head = b.buffer[b.taken];
      if (head === undefined) continue;
      if (best === undefined || compare(head, best.buffer[best.taken] as T) < 0) best = b;
    }
    if (best === undefined) break;
    const item = best.buffer[best.taken] as T;
    best.taken += 1;
    edges.push({ item, cursor: encodePageCursor(snapshot(state, frozen, live)) });
  }

  const end = snapshot(state, frozen, live);
  return {
    edges,
    hasNextPage: ids.some((id) => !end[id]?.d),
    endCursor: encodePageCursor(end),
    failures,
  };
}

async function fill<T>(source: PagedSource<T>, start: SourcePosition, first: number): Promise<Buffered<T>> {
  let cursor = start.c;
  let skip = start.k;
  for (;;) {
    const page = await source.fetch(Math.max(1, Math.min(source.maxPageSize, skip + first)), cursor);
    if (skip >= page.items.length && page.nextCursor !== undefined) {
      // Everything on this page was returned before: move to the next one.
      skip -= page.items.length;
      cursor = page.nextCursor;
      continue;
    }
    return {
      source,
      skip,
      buffer: page.items.slice(skip),
      taken: 0,
      ...(cursor === undefined ? {} : { pageStart: cursor }),
      ...(page.nextCursor === undefined ? {} : { next: page.nextCursor }),
    };
  }
}

/** Replaces a consumed buffer with the source's next page. Returns the buffer (undefined never). */
async function refill<T>(b: Buffered<T>, wanted: number): Promise<Buffered<T>> {
  const cursor = b.next as string;
  const page = await b.source.fetch(Math.max(1, Math.min(b.source.maxPageSize, wanted)), cursor);
  b.pageStart = cursor;
  b.skip = 0;
  b.buffer = page.items;
  b.taken = 0;
  if (page.nextCursor === undefined) delete b.next;
  else b.next = page.nextCursor;
  return b;
}

function position<T>(b: Buffered<T>): SourcePosition {
  if (b.taken < b.buffer.length) return { k: b.skip + b.taken, ...(b.pageStart === undefined ? {} : { c: b.pageStart }) };
  if (b.next !== undefined) return { c: b.next, k: 0 };
  return { k: 0, d: true };
}

function snapshot<T>(state: PageCursorState, frozen: PageCursorState, live: readonly Buffered<T>[]): PageCursorState {
  const next: PageCursorState = { ...state, ...frozen };
  for (const b of live) next[b.source.id] = position(b);
  return next;
}
