import { describe, expect, it } from "vitest";
import { InvalidInputError, UnavailableError, type Page } from "../core/index.js";
import { readMergedPage, type PagedSource } from "./merged-pages.js";

/** A paged source over a sorted array, paging with numeric offsets as cursors (like MLflow's tokens). */
function arraySource(id: string, items: string[], pageSize: number, fail?: { on: Set<number> }): PagedSource<string> & { calls: number } {
  const source = {
    id,
    maxPageSize: pageSize,
    calls: 0,
    async fetch(first: number, after: string | undefined): Promise<Page<string>> {
      source.calls += 1;
      if (fail?.on.has(source.calls)) throw new UnavailableError(`${id} down`, { backend: id });
      const start = after === undefined ? 0 : Number(after);
      const n = Math.min(first, pageSize);
      const slice = items.slice(start, start + n);
      const next = start + n < items.length ? String(start + n) : undefined;
      return { items: slice, ...(next === undefined ? {} : { nextCursor: next }) };
    },
  };
  return source;
}

async function readAll(sources: PagedSource<string>[], first: number): Promise<string[]> {
  const seen: string[] = [];
  let after: string | undefined;
  for (let guard = 0; guard < 1000; guard++) {
    const page = await readMergedPage(sources, first, after, (a, b) => (a < b ? -1 : a > b ? 1 : 0));
    // Pages are full except the last one.
    if (page.hasNextPage) expect(page.edges.length).toBe(first);
    else expect(page.edges.length).toBeLessThanOrEqual(first);
    seen.push(...page.edges.map((e) => e.item));
    if (!page.hasNextPage) return seen;
    after = page.endCursor;
  }
  throw new Error("pagination did not end");
}

describe("readMergedPage", () => {
  const a = ["a01", "a05", "c02", "m10", "z00"];
  const b = ["b01", "b02", "c01", "c03", "d00", "x99", "y00"];
  const c = ["aa", "zz"];
  const all = [...a, ...b, ...c].sort();

  for (const first of [1, 2, 3, 5, 100]) {
    for (const pageSize of [1, 2, 4, 1000]) {
      it(`visits every item once in merged order (first=${first}, backend page=${pageSize})`, async () => {
        const seen = await readAll([arraySource("a", a, pageSize), arraySource("b", b, pageSize), arraySource("c", c, pageSize)], first);
        expect(seen).toEqual(all);
      });
    }
  }

  it("gives every edge a cursor that resumes right after it", async () => {
    const sources = () => [arraySource("a", a, 2), arraySource("b", b, 3)];
    const page = await readMergedPage(sources(), 6, undefined, (x, y) => (x < y ? -1 : 1));
    const third = page.edges[2];
    expect(third).toBeDefined();
    const resumed = await readMergedPage(sources(), 2, third!.cursor, (x, y) => (x < y ? -1 : 1));
    expect(resumed.edges.map((e) => e.item)).toEqual(page.edges.slice(3, 5).map((e) => e.item));
  });

  it("reports a failing source and still returns the others, resuming the failed one later", async () => {
    const failing = arraySource("b", b, 100, { on: new Set([1]) });
    const first = await readMergedPage([arraySource("a", a, 100), failing], 100, undefined, (x, y) => (x < y ? -1 : 1));
    expect(first.failures.map((f) => f.sourceId)).toEqual(["b"]);
    expect(first.edges.map((e) => e.item)).toEqual(a);
    expect(first.hasNextPage).toBe(true);
    const second = await readMergedPage([arraySource("a", a, 100), failing], 100, first.endCursor, (x, y) => (x < y ? -1 : 1));
    expect(second.failures).toEqual([]);
    expect(second.edges.map((e) => e.item)).toEqual(b);
    expect(second.hasNextPage).toBe(false);
  });

  it("a source failing while reading its next page keeps what it returned and resumes after it", async () => {
    const failing = arraySource("b", b, 2, { on: new Set([2]) });
    const page = await readMergedPage([arraySource("a", a, 100), failing], 100, undefined, (x, y) => (x < y ? -1 : 1));
    expect(page.failures.map((f) => f.sourceId)).toEqual(["b"]);
    const returnedFromB = page.edges.map((e) => e.item).filter((i) => b.includes(i));
    expect(returnedFromB).toEqual(b.slice(0, 2));
    const rest = await readMergedPage([arraySource("a", a, 100), failing], 100, page.endCursor, (x, y) => (x < y ? -1 : 1));
    expect(rest.edges.map((e) => e.item)).toEqual(b.slice(2));
  });

  it("calls sources in parallel", async () => {
    let running = 0;
    let peak = 0;
    const slow = (id: string): PagedSource<string> => ({
      id,
      maxPageSize: 10,
      async fetch() {
        running += 1;
        peak = Math.max(peak, running);
        await new Promise((r) => setTimeout(r, 20));
        running -= 1;
        return { items: [id] };
      },
    });
    await readMergedPage([slow("a"), slow("b"), slow("c")], 10, undefined, () => 0);
    expect(peak).toBe(3);
  });

  it("rejects a cursor that is not its own", async () => {
    await expect(readMergedPage([arraySource("a", a, 2)], 2, "nonsense", () => 0)).rejects.toBeInstanceOf(InvalidInputError);
    const other = await readMergedPage([arraySource("x", a, 2)], 2, undefined, () => 0);
    await expect(readMergedPage([arraySource("a", a, 2)], 2, other.endCursor, () => 0)).rejects.toBeInstanceOf(InvalidInputError);
  });

  it("rethrows errors that are not typed registry errors (bugs are not partial results)", async () => {
    const broken: PagedSource<string> = { id: "a", maxPageSize: 5, fetch: () => Promise.reject(new TypeError("bug")) };
    await expect(readMergedPage([broken], 5, undefined, () => 0)).rejects.toBeInstanceOf(TypeError);
  });
});
