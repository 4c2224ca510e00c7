/**
 * Filters against a real MLflow server, with names and values that MLflow's filter language cannot
 * write exactly (LIKE wildcards, both quote styles): MLflow narrows, the adapter finishes exactly.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RegisteredModel } from "../../src/core/index.js";
import { ctx, deleteModelsWithPrefix, makeAdapter, mlflowRest, sharedMlflowUrl, uniquePrefix } from "../../test/mlflow/helpers.js";
import type { MlflowAdapter } from "./adapter.js";

const prefix = uniquePrefix("filters");
const n = (suffix: string) => `${prefix}-${suffix}`;
const NAMES = ["50%off", "50xoff", "a_b", "axb", "it's", `say "hi"`, `it's "both"`, "Café-Model", "plain"];
let adapter: MlflowAdapter;
let url: string;

async function all(nameContains: string | undefined, tags?: Record<string, string>, first = 100): Promise<string[]> {
  const names: string[] = [];
  let after: string | undefined;
  let pages = 0;
  do {
    const page = await adapter.listModels({ first, ...(after ? { after } : {}), filter: { ...(nameContains === undefined ? {} : { nameContains }), ...(tags ? { tags } : {}) } }, ctx());
    expect(page.items.length).toBeLessThanOrEqual(first);
    names.push(...page.items.map((m: RegisteredModel) => m.name));
    after = page.nextCursor;
    expect(++pages).toBeLessThan(50);
  } while (after);
  return names;
}

beforeAll(async () => {
  url = sharedMlflowUrl();
  adapter = makeAdapter({ pageSize: 3 });
  for (const [i, suffix] of NAMES.entries()) {
    await mlflowRest(url, "POST", "registered-models/create", {
      name: n(suffix),
      tags: [
        { key: "index", value: String(i) },
        { key: "quote", value: i % 2 === 0 ? `it's "quoted"` : "plain" },
        { key: "pct", value: i % 3 === 0 ? "100%" : "100x" },
      ],
    });
  }
});
afterAll(async () => {
  await adapter.close();
  await deleteModelsWithPrefix(url, prefix);
});

describe("model filters", () => {
  it("matches % and _ literally in nameContains, case-insensitively", async () => {
    expect(await all(`${prefix}-50%`)).toEqual([n("50%off")]);
    expect(await all(`${prefix}-A_B`)).toEqual([n("a_b")]);
    expect(await all("café-mod".replace(/^/, `${prefix}-`))).toEqual([n("Café-Model")]);
  });

  it("matches quotes in nameContains", async () => {
    expect(await all(`${prefix}-it's`)).toEqual([n("it's"), n(`it's "both"`)].sort());
    expect(await all(`"hi"`)).toEqual([n(`say "hi"`)]);
    expect(await all(`'s "b`)).toEqual([n(`it's "both"`)]);
  });

  it("pages a filtered listing in name order: each model once, pages never larger than asked", async () => {
    const listed = await all(`${prefix}-`, undefined, 2);
    expect(listed).toEqual(NAMES.map(n).sort());
    expect(await all(`${prefix}-`, undefined, 1)).toEqual(listed);
  });

  it("filters on tags exactly, including values with both quotes and LIKE wildcards", async () => {
    const quoted = await all(prefix, { quote: `it's "quoted"` });
    expect(quoted).toEqual(NAMES.filter((_, i) => i % 2 === 0).map(n).sort());
    const pct = await all(prefix, { pct: "100%" });
    expect(pct).toEqual(NAMES.filter((_, i) => i % 3 === 0).map(n).sort());
    expect(await all(prefix, { pct: "100%", quote: "plain" })).toEqual([n("axb")]);
    expect(await all(prefix, { "no such key": "x" })).toEqual([]);
    expect(await all(prefix, { "bad`key": "x" })).toEqual([]);
  });
});

describe("version filters", () => {
  it("filters a model's versions by tag, also for names MLflow cannot quote", async () => {
    const name = n(`it's "both"`);
    for (let i = 1; i <= 4; i++) {
      await adapter.registerVersion({ modelName: name, tags: { parity: i % 2 === 0 ? "even" : `o'd"d` } }, ctx());
    }
    const even = await adapter.listVersions(name, { first: 10, filter: { tags: { parity: "even" } } }, ctx());
    expect(even.items.map((v) => v.version)).toEqual(["2", "4"]);
    const odd = await adapter.listVersions(name, { first: 10, filter: { tags: { parity: `o'd"d` } } }, ctx());
    expect(odd.items.map((v) => v.version)).toEqual(["1", "3"]);
    // The similar name `it's` shares MLflow's LIKE pattern but none of its versions.
    await adapter.registerVersion({ modelName: n("it's"), tags: { parity: "even" } }, ctx());
    // Pages of at most pageSize (3) with a cursor, the similar model's version never among them.
    const first = await adapter.listVersions(name, { first: 10 }, ctx());
    expect(first.items.map((v) => `${v.modelName}@${v.version}`)).toEqual([1, 2, 3].map((i) => `${name}@${i}`));
    const rest = await adapter.listVersions(name, { first: 10, after: first.nextCursor as string }, ctx());
    expect(rest.items.map((v) => `${v.modelName}@${v.version}`)).toEqual([`${name}@4`]);
    expect(rest.nextCursor).toBeUndefined();
  });
});
