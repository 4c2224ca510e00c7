/**
 * Concurrent alias moves and stage writes on one model are serialised by the adapter (MLflow is
 * last-writer-wins with no compare-and-set): they apply one at a time, in call order.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ctx, deleteModelsWithPrefix, makeAdapter, mlflowRest, sharedMlflowUrl, uniquePrefix } from "../../test/mlflow/helpers.js";
import type { MlflowAdapter } from "./adapter.js";

const prefix = uniquePrefix("serial");
let adapter: MlflowAdapter;
let url: string;
/** Alias and tag writes in flight per model, and the most ever seen at once. */
let inFlight = 0;
let most = 0;

async function versions(name: string, count: number): Promise<void> {
  await mlflowRest(url, "POST", "registered-models/create", { name });
  for (let i = 1; i <= count; i++) await mlflowRest(url, "POST", "model-versions/create", { name, source: `s3://b/${i}` });
}

beforeAll(() => {
  url = sharedMlflowUrl();
  adapter = makeAdapter({ concurrency: 16 });
  const isWrite = (method: string | undefined) => method !== undefined && method.toUpperCase() !== "GET";
  adapter.http.axios.interceptors.request.use((config) => {
    if (isWrite(config.method)) most = Math.max(most, ++inFlight);
    return config;
  });
  adapter.http.axios.interceptors.response.use((res) => {
    if (isWrite(res.config.method)) inFlight--;
    return res;
  });
});
afterAll(async () => {
  await adapter.close();
  await deleteModelsWithPrefix(url, prefix);
});

describe("serialised writes per model", () => {
  it("applies concurrent alias moves one at a time, in call order: the last call wins", async () => {
    const name = `${prefix}-alias`;
    await versions(name, 8);
    most = 0;
    const order = ["3", "1", "8", "2", "6", "4", "7", "5"];
    const results = await Promise.all(order.map((v) => adapter.setAlias(name, "champion", v, ctx())));
    expect(most).toBe(1);
    expect(results.map((r) => r.version)).toEqual(order);
    for (const r of results) expect(r.aliases).toContain("champion");
    expect((await adapter.getModel(name, ctx())).aliases).toEqual({ champion: "5" });
    const holders = (await adapter.listVersions(name, { first: 100 }, ctx())).items.filter((v) => v.aliases.includes("champion"));
    expect(holders.map((v) => v.version)).toEqual(["5"]);
  });

  it("leaves one PRODUCTION version with a consistent tag when stage writes race", async () => {
    const name = `${prefix}-stage`;
    await versions(name, 5);
    most = 0;
    await Promise.all(["1", "2", "3", "4", "5"].map((v) => adapter.setStage(name, v, "PRODUCTION", ctx())));
    expect(most).toBe(1);
    const listed = (await adapter.listVersions(name, { first: 100 }, ctx())).items;
    expect(listed.filter((v) => v.stage === "PRODUCTION").map((v) => v.version)).toEqual(["5"]);
    const wire = await mlflowRest<{ model_version: { tags?: { key: string; value: string }[] } }>(url, "GET", "model-versions/get", { name, version: "5" });
    expect(wire.model_version.tags).toContainEqual({ key: "modelgate.stage", value: "PRODUCTION" });
  });

  it("serialises per model only: writes to different models run side by side", async () => {
    const names = [1, 2, 3].map((i) => `${prefix}-side-${i}`);
    for (const name of names) await versions(name, 1);
    most = 0;
    await Promise.all(names.flatMap((name) => [adapter.setAlias(name, "a", "1", ctx()), adapter.setAlias(name, "b", "1", ctx())]));
    expect(most).toBeGreaterThan(1);
    expect(most).toBeLessThanOrEqual(3);
    for (const name of names) expect((await adapter.getModel(name, ctx())).aliases).toEqual({ a: "1", b: "1" });
  });
});
