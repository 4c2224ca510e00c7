/** Reads against a real MLflow server: mapping, keyset paging of versions, cursors, `latest`, asOf. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ctx, deleteModelsWithPrefix, makeAdapter, mlflowRest, sharedMlflowUrl, uniquePrefix } from "../../test/mlflow/helpers.js";
import type { MlflowAdapter } from "./adapter.js";

const prefix = uniquePrefix("reads");
let adapter: MlflowAdapter;
let url: string;

beforeAll(() => {
  url = sharedMlflowUrl();
  adapter = makeAdapter();
});
afterAll(async () => {
  await adapter.close();
  await deleteModelsWithPrefix(url, prefix);
});

describe("MLflow reads", () => {
  it("maps a registered model and its versions field by field", async () => {
    const name = `${prefix}-mapped`;
    await mlflowRest(url, "POST", "registered-models/create", { name, description: "desc", tags: [{ key: "team", value: "ml" }] });
    await mlflowRest(url, "POST", "model-versions/create", {
      name,
      source: "s3://bucket/m/1",
      run_id: "r-1",
      run_link: "http://mlflow/#/runs/r-1",
      description: "v1",
      tags: [{ key: "k", value: "v" }],
    });
    await mlflowRest(url, "POST", "model-versions/create", { name, source: "gs://bucket/m/2" });
    await mlflowRest(url, "POST", "registered-models/alias", { name, alias: "champion", version: "1" });
    const wire = await mlflowRest<{ registered_model: { creation_timestamp: number; last_updated_timestamp: number } }>(url, "GET", "registered-models/get", { name });

    expect(await adapter.getModel(name, ctx())).toEqual({
      backendId: "mlflow-test",
      name,
      description: "desc",
      tags: { team: "ml" },
      aliases: { champion: "1" },
      createdAt: new Date(wire.registered_model.creation_timestamp),
      updatedAt: new Date(wire.registered_model.last_updated_timestamp),
      latestVersion: "2",
    });
    const v1 = await adapter.getVersion(name, "1", ctx());
    expect(v1).toMatchObject({
      backendId: "mlflow-test",
      modelName: name,
      version: "1",
      stage: "NONE",
      nativeStage: "None",
      artifactUri: "s3://bucket/m/1",
      description: "v1",
      tags: { k: "v" },
      params: {},
      metrics: {},
      lineage: { runId: "r-1", runLink: "http://mlflow/#/runs/r-1" },
      aliases: ["champion"],
    });
    expect(v1.createdAt).toBeInstanceOf(Date);
    const listed = await adapter.listVersions(name, { first: 10 }, ctx());
    expect(listed.items[0]).toEqual(v1);
    expect(listed.items[1]).toMatchObject({ version: "2", artifactUri: "gs://bucket/m/2", aliases: [], lineage: {} });
    expect(listed.items[1]?.description).toBeUndefined();
  });

  it("pages versions by version number, exact when versions are created and deleted between pages", async () => {
    const name = `${prefix}-keyset`;
    await mlflowRest(url, "POST", "registered-models/create", { name });
    for (let i = 1; i <= 5; i++) await mlflowRest(url, "POST", "model-versions/create", { name, source: `s3://b/${i}` });
    const first = await adapter.listVersions(name, { first: 3 }, ctx());
    expect(first.items.map((v) => v.version)).toEqual(["1", "2", "3"]);

    await mlflowRest(url, "DELETE", "model-versions/delete", { name, version: "2" });
    await mlflowRest(url, "DELETE", "model-versions/delete", { name, version: "4" });
    for (let i = 6; i <= 7; i++) await mlflowRest(url, "POST", "model-versions/create", { name, source: `s3://b/${i}` });

    const second = await adapter.listVersions(name, { first: 3, after: first.nextCursor as string }, ctx());
    expect(second.items.map((v) => v.version)).toEqual(["5", "6", "7"]);
    expect(second.nextCursor).toBeUndefined();
  });

  it("refuses a cursor of another query, and garbage, as INVALID_INPUT on `after`", async () => {
    const name = `${prefix}-cursor`;
    for (let i = 0; i < 3; i++) await adapter.registerVersion({ modelName: name, tags: { i: String(i) } }, ctx());
    const page = await adapter.listVersions(name, { first: 1 }, ctx());
    const cursor = page.nextCursor as string;
    const refused = { code: "INVALID_INPUT", field: "after", backend: "mlflow-test" };
    await expect(adapter.listVersions(name, { first: 1, after: cursor, filter: { tags: { i: "1" } } }, ctx())).rejects.toMatchObject(refused);
    await expect(adapter.listVersions(`${prefix}-other`, { first: 1, after: cursor }, ctx())).rejects.toMatchObject(refused);
    await expect(adapter.listModels({ first: 1, after: cursor }, ctx())).rejects.toMatchObject(refused);
    await expect(adapter.listVersions(name, { first: 1, after: "garbage" }, ctx())).rejects.toMatchObject(refused);
    await expect(adapter.listVersions(name, { first: 1, after: "mlf1.!!!" }, ctx())).rejects.toMatchObject(refused);
  });

  it("resolves MLflow's reserved `latest` alias to the highest version", async () => {
    const name = `${prefix}-latest`;
    for (let i = 0; i < 3; i++) await adapter.registerVersion({ modelName: name }, ctx());
    expect((await adapter.getVersionByAlias(name, "latest", ctx())).version).toBe("3");
    await expect(adapter.setAlias(name, "latest", "1", ctx())).rejects.toMatchObject({ code: "INVALID_INPUT", field: "alias" });
    await expect(adapter.setAlias(name, "v1", "1", ctx())).rejects.toMatchObject({ code: "INVALID_INPUT", field: "alias" });
    await expect(adapter.setAlias(name, "bad alias", "1", ctx())).rejects.toMatchObject({ code: "INVALID_INPUT", field: "alias" });
    await expect(adapter.setAlias(name, "ok", "9", ctx())).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("refuses asOf reads: MLflow keeps no history", async () => {
    const asOf = new Date(Date.now() - 60_000);
    await expect(adapter.getModel(`${prefix}-latest`, ctx(), { asOf })).rejects.toMatchObject({ code: "UNSUPPORTED", field: "asOf" });
    await expect(adapter.listModels({ first: 1, asOf }, ctx())).rejects.toMatchObject({ code: "UNSUPPORTED" });
    expect(adapter.capabilities()).toEqual({ asOf: false, generationConfigs: true, prompts: true, aliases: true, maxPageSize: 100, writes: true, stageAliases: { STAGING: "staging", SHADOW: "shadow", PRODUCTION: "production" } });
  });
});
