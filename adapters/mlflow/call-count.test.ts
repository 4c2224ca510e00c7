/**
 * No N+1: MLflow's version search carries no aliases, so each listing takes them from the registered
 * model. Counted with an interceptor on the adapter's own axios client, against the real server.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ctx, deleteModelsWithPrefix, makeAdapter, mlflowRest, sharedMlflowUrl, uniquePrefix } from "../../test/mlflow/helpers.js";
import type { MlflowAdapter } from "./adapter.js";

const prefix = uniquePrefix("calls");
const big = `${prefix}-hundred`;
const small = [1, 2, 3, 4, 5].map((i) => `${prefix}-small-${i}`);
let url: string;

/** Runs `work` with at most `limit` in flight. */
async function pooled<T>(items: T[], limit: number, work: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) await work(items[next++] as T);
    }),
  );
}

function counted(adapter: MlflowAdapter) {
  const seen: string[] = [];
  let inFlight = 0;
  let most = 0;
  adapter.http.axios.interceptors.request.use((config) => {
    seen.push(`${config.method?.toUpperCase()} ${config.url}`);
    inFlight++;
    most = Math.max(most, inFlight);
    return config;
  });
  adapter.http.axios.interceptors.response.use(
    (res) => {
      inFlight--;
      return res;
    },
    (err: unknown) => {
      inFlight--;
      return Promise.reject(err);
    },
  );
  return {
    get calls() {
      return seen.length;
    },
    get most() {
      return most;
    },
    seen,
    reset() {
      seen.length = 0;
      most = 0;
    },
  };
}

beforeAll(async () => {
  url = sharedMlflowUrl();
  await mlflowRest(url, "POST", "registered-models/create", { name: big });
  await pooled(
    Array.from({ length: 100 }, (_, i) => i + 1),
    8,
    (i) => mlflowRest(url, "POST", "model-versions/create", { name: big, source: `s3://bucket/hundred/${i}`, tags: [{ key: "i", value: String(i) }] }),
  );
  await mlflowRest(url, "POST", "registered-models/alias", { name: big, alias: "production", version: "50" });
  await mlflowRest(url, "POST", "registered-models/alias", { name: big, alias: "champion", version: "7" });
  for (const name of small) {
    await mlflowRest(url, "POST", "registered-models/create", { name });
    for (let v = 1; v <= 3; v++) await mlflowRest(url, "POST", "model-versions/create", { name, source: `s3://bucket/${v}` });
    await mlflowRest(url, "POST", "registered-models/alias", { name, alias: "staging", version: "2" });
  }
}, 120_000);
afterAll(async () => {
  await deleteModelsWithPrefix(url, prefix);
});

describe("MLflow calls per listing", () => {
  it("lists a page of 100 versions, aliases and stages included, in 2 calls", async () => {
    const adapter = makeAdapter({ pageSize: 100 });
    const count = counted(adapter);
    try {
      const page = await adapter.listVersions(big, { first: 100 }, ctx());
      expect(count.calls).toBe(2);
      expect(count.seen.sort()).toEqual(["GET model-versions/search", "GET registered-models/get"]);
      expect(page.items).toHaveLength(100);
      expect(page.items.map((v) => v.version)).toEqual(Array.from({ length: 100 }, (_, i) => String(i + 1)));
      expect(page.nextCursor).toBeUndefined();
      expect(page.items[49]).toMatchObject({ version: "50", aliases: ["production"], stage: "PRODUCTION" });
      expect(page.items[6]).toMatchObject({ version: "7", aliases: ["champion"], stage: "NONE" });
      expect(page.items.filter((v) => v.aliases.length > 0)).toHaveLength(2);

      // Filtering by stage after fetching costs no more.
      count.reset();
      const none = await adapter.listVersions(big, { first: 100, filter: { stage: "NONE" } }, ctx());
      expect(none.items).toHaveLength(99);
      expect(count.calls).toBe(2);
      count.reset();
      const production = await adapter.listVersions(big, { first: 100, filter: { stage: "PRODUCTION" } }, ctx());
      expect(production.items.map((v) => v.version)).toEqual(["50"]);
      expect(count.calls).toBe(2);
    } finally {
      await adapter.close();
    }
  });

  it("fetches each model once per request, however many pages of its versions the request reads", async () => {
    const adapter = makeAdapter({ pageSize: 100 });
    const count = counted(adapter);
    try {
      const request = ctx(20_000, "request-paging");
      const seen: string[] = [];
      let after: string | undefined;
      do {
        const page = await adapter.listVersions(big, { first: 30, ...(after ? { after } : {}) }, request);
        seen.push(...page.items.map((v) => v.version));
        after = page.nextCursor;
      } while (after);
      expect(seen).toHaveLength(100);
      expect(new Set(seen).size).toBe(100);
      // 4 searches (30 + 30 + 30 + 10) and one registered-models/get.
      expect(count.seen.filter((c) => c.endsWith("registered-models/get"))).toHaveLength(1);
      expect(count.calls).toBe(5);
    } finally {
      await adapter.close();
    }
  });

  it("lists several models and their versions without a call per model for aliases", async () => {
    const adapter = makeAdapter({ pageSize: 100, concurrency: 3 });
    const count = counted(adapter);
    try {
      // As a GraphQL request `models { nodes { versions { nodes { aliases stage } } } }` does it.
      const request = ctx(20_000, "request-graph");
      const models = await adapter.listModels({ first: 10, filter: { nameContains: `${prefix}-small-` } }, request);
      expect(models.items.map((m) => m.name)).toEqual(small);
      const pages = await Promise.all(models.items.map((m) => adapter.listVersions(m.name, { first: 10 }, request)));
      for (const page of pages) {
        expect(page.items.map((v) => [v.version, v.stage])).toEqual([
          ["1", "NONE"],
          ["2", "STAGING"],
          ["3", "NONE"],
        ]);
      }
      // One model search (which carries every model's aliases) and one version search per model.
      expect(count.calls).toBe(1 + small.length);
      expect(count.seen.filter((c) => c.endsWith("registered-models/get"))).toEqual([]);
      expect(count.most).toBeLessThanOrEqual(3);

      // Another request does not see this one's cache: one get per model, never more than 3 at once.
      count.reset();
      const other = ctx(20_000, "request-other");
      await Promise.all(small.map((name) => adapter.listVersions(name, { first: 10 }, other)));
      expect(count.calls).toBe(2 * small.length);
      expect(count.most).toBeLessThanOrEqual(3);
    } finally {
      await adapter.close();
    }
  });
});
