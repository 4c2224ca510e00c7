/**
 * Gateway pages over Vertex AI pages: with Vertex pages of 2, filters applied after fetching (name
 * substring, the NONE stage) still give every match exactly once, a page never beyond `first`, and
 * no cursor on the last page. Cursors are bound to their query.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { ModelVersion, Page, RegisteredModel } from "../../src/core/index.js";
import { codeOf, ctx, startFakeAdapter, type FakeHarness } from "../../test/vertex/harness.js";

let h: FakeHarness;

beforeAll(async () => {
  h = await startFakeAdapter({ config: { pageSize: 2 } });
});
afterAll(() => h.close());
beforeEach(() => h.fake.reset());

async function walk<T>(list: (after?: string) => Promise<Page<T>>, first: number): Promise<T[][]> {
  const pages: T[][] = [];
  let after: string | undefined;
  do {
    const page = await list(after);
    expect(page.items.length).toBeLessThanOrEqual(first);
    pages.push(page.items);
    after = page.nextCursor;
    expect(pages.length).toBeLessThan(50);
  } while (after !== undefined);
  return pages;
}

describe("model pages", () => {
  it("filter names after fetching, across Vertex pages, each match exactly once", async () => {
    for (const name of ["a1", "b1", "b2", "a2", "b3", "a3", "b4", "b5", "a4", "a5"]) await h.adapter.registerVersion({ modelName: name }, ctx());
    const pages = await walk<RegisteredModel>((after) => h.adapter.listModels({ first: 2, filter: { nameContains: "A" }, ...(after ? { after } : {}) }, ctx()), 2);
    expect(pages.map((p) => p.map((m) => m.name))).toEqual([["a1", "a2"], ["a3", "a4"], ["a5"]]);
  });

  it("serve at most the backend's page size whatever `first` asks", async () => {
    for (const name of ["a1", "a2", "a3"]) await h.adapter.registerVersion({ modelName: name }, ctx());
    const page = await h.adapter.listModels({ first: 50 }, ctx());
    expect(page.items.map((m) => m.name)).toEqual(["a1", "a2"]);
    expect(page.nextCursor).toBeDefined();
  });

  it("refuse a cursor of another query or one that is not a cursor", async () => {
    for (const name of ["a1", "a2", "a3"]) await h.adapter.registerVersion({ modelName: name }, ctx());
    const { nextCursor } = await h.adapter.listModels({ first: 1, filter: { nameContains: "a" } }, ctx());
    expect(nextCursor).toBeDefined();
    expect(await codeOf(h.adapter.listModels({ first: 1, after: nextCursor! }, ctx()))).toMatchObject({ code: "INVALID_INPUT", field: "after" });
    expect(await codeOf(h.adapter.listModels({ first: 1, after: "garbage" }, ctx()))).toMatchObject({ code: "INVALID_INPUT", field: "after" });
  });
});

describe("version pages", () => {
  it("keep NONE versions (filtered after fetching) exactly once across Vertex pages", async () => {
    for (let i = 0; i < 7; i++) await h.adapter.registerVersion({ modelName: "churn" }, ctx());
    for (const v of ["2", "3", "6"]) await h.adapter.setStage("churn", v, "STAGING", ctx());
    const none = await walk<ModelVersion>((after) => h.adapter.listVersions("churn", { first: 2, filter: { stage: "NONE" }, ...(after ? { after } : {}) }, ctx()), 2);
    expect(none.map((p) => p.map((v) => v.version))).toEqual([["1", "4"], ["5", "7"]]);
    const staging = await walk<ModelVersion>((after) => h.adapter.listVersions("churn", { first: 2, filter: { stage: "STAGING" }, ...(after ? { after } : {}) }, ctx()), 2);
    expect(staging.map((p) => p.map((v) => v.version))).toEqual([["2", "3"], ["6"]]);
  });

  it("refuse a cursor of another model", async () => {
    for (let i = 0; i < 3; i++) await h.adapter.registerVersion({ modelName: "churn" }, ctx());
    await h.adapter.registerVersion({ modelName: "fraud" }, ctx());
    const { nextCursor } = await h.adapter.listVersions("churn", { first: 1 }, ctx());
    expect(await codeOf(h.adapter.listVersions("fraud", { first: 1, after: nextCursor! }, ctx()))).toMatchObject({ code: "INVALID_INPUT", field: "after" });
  });

  it("answer NOT_FOUND for a model that does not exist, whatever the filter", async () => {
    expect((await codeOf(h.adapter.listVersions("nope", { first: 2 }, ctx()))).code).toBe("NOT_FOUND");
    expect((await codeOf(h.adapter.listVersions("nope", { first: 2, filter: { tags: { Bad: "x" } } }, ctx()))).code).toBe("NOT_FOUND");
  });
});
