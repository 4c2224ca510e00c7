/** The stage projection against a real MLflow server: alias + tag written, the alias wins on read. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ctx, deleteModelsWithPrefix, makeAdapter, mlflowRest, sharedMlflowUrl, uniquePrefix } from "../../test/mlflow/helpers.js";
import type { MlflowAdapter } from "./adapter.js";

interface WireVersion {
  model_version: { version: string; current_stage: string; aliases?: string[]; tags?: { key: string; value: string }[] };
}

const prefix = uniquePrefix("stage");
let adapter: MlflowAdapter;
let url: string;

async function native(name: string, version: string) {
  const res = await mlflowRest<WireVersion>(url, "GET", "model-versions/get", { name, version });
  const tags = Object.fromEntries((res.model_version.tags ?? []).map((t) => [t.key, t.value]));
  return { aliases: res.model_version.aliases ?? [], stageTag: tags["modelgate.stage"], currentStage: res.model_version.current_stage };
}

async function model(suffix: string, versions: number): Promise<string> {
  const name = `${prefix}-${suffix}`;
  for (let i = 0; i < versions; i++) await adapter.registerVersion({ modelName: name, artifactUri: `s3://bucket/${suffix}/${i + 1}` }, ctx());
  return name;
}

beforeAll(() => {
  url = sharedMlflowUrl();
  adapter = makeAdapter();
});
afterAll(async () => {
  await adapter.close();
  await deleteModelsWithPrefix(url, prefix);
});

describe("stage projection on MLflow", () => {
  it("writes PRODUCTION as the production alias plus the modelgate.stage tag, never MLflow's legacy stage", async () => {
    const name = await model("write", 2);
    const written = await adapter.setStage(name, "1", "PRODUCTION", ctx());
    expect(written).toMatchObject({ version: "1", stage: "PRODUCTION", nativeStage: "None", aliases: ["production"] });
    expect(await native(name, "1")).toEqual({ aliases: ["production"], stageTag: "PRODUCTION", currentStage: "None" });

    // Promoting v2 moves the alias (MLflow moves it atomically); v1's tag is now stale and reads NONE.
    await adapter.setStage(name, "2", "PRODUCTION", ctx());
    expect(await native(name, "2")).toMatchObject({ aliases: ["production"], stageTag: "PRODUCTION" });
    expect(await native(name, "1")).toMatchObject({ aliases: [], stageTag: "PRODUCTION" });
    expect((await adapter.getVersion(name, "1", ctx())).stage).toBe("NONE");
    expect((await adapter.getVersion(name, "2", ctx())).stage).toBe("PRODUCTION");
    const production = await adapter.listVersions(name, { first: 10, filter: { stage: "PRODUCTION" } }, ctx());
    expect(production.items.map((v) => v.version)).toEqual(["2"]);
  });

  it("lets the alias win when it was moved in MLflow directly (as MLflow clients resolve it)", async () => {
    const name = await model("ui-move", 2);
    await adapter.setStage(name, "2", "PRODUCTION", ctx());
    // Someone moves the alias back to v1 in MLflow's UI: v1 has no modelgate.stage tag saying so.
    await mlflowRest(url, "POST", "registered-models/alias", { name, alias: "production", version: "1" });
    expect((await adapter.getVersion(name, "1", ctx())).stage).toBe("PRODUCTION");
    expect((await adapter.getVersion(name, "2", ctx())).stage).toBe("NONE");
    const all = await adapter.listVersions(name, { first: 10 }, ctx());
    expect(all.items.map((v) => [v.version, v.stage])).toEqual([
      ["1", "PRODUCTION"],
      ["2", "NONE"],
    ]);
    expect((await adapter.listVersions(name, { first: 10, filter: { stage: "PRODUCTION" } }, ctx())).items.map((v) => v.version)).toEqual(["1"]);
    expect((await adapter.listVersions(name, { first: 10, filter: { stage: "NONE" } }, ctx())).items.map((v) => v.version)).toEqual(["2"]);
  });

  it("moves a version between aliased stages without leaving the old stage alias behind", async () => {
    const name = await model("promote", 1);
    await adapter.setStage(name, "1", "STAGING", ctx());
    await adapter.setAlias(name, "champion", "1", ctx());
    const promoted = await adapter.setStage(name, "1", "SHADOW", ctx());
    expect(promoted.aliases).toEqual(["champion", "shadow"]);
    expect((await native(name, "1")).aliases.sort()).toEqual(["champion", "shadow"]);
    const model1 = await adapter.getModel(name, ctx());
    expect(model1.aliases).toEqual({ champion: "1", shadow: "1" });
  });

  it("archives by tag, dropping the stage alias; the stage filters find it", async () => {
    const name = await model("archive", 3);
    await adapter.setStage(name, "1", "PRODUCTION", ctx());
    await adapter.setStage(name, "2", "ARCHIVED", ctx());
    const archived = await adapter.setStage(name, "1", "ARCHIVED", ctx());
    expect(archived).toMatchObject({ stage: "ARCHIVED", aliases: [] });
    expect(await native(name, "1")).toMatchObject({ aliases: [], stageTag: "ARCHIVED" });
    const listed = await adapter.listVersions(name, { first: 10, filter: { stage: "ARCHIVED" } }, ctx());
    expect(listed.items.map((v) => v.version)).toEqual(["1", "2"]);
    const none = await adapter.listVersions(name, { first: 10, filter: { stage: "NONE" } }, ctx());
    expect(none.items.map((v) => v.version)).toEqual(["3"]);
    // A version tagged ARCHIVED that holds a stage alias is in that stage, not archived.
    await mlflowRest(url, "POST", "registered-models/alias", { name, alias: "staging", version: "2" });
    expect((await adapter.listVersions(name, { first: 10, filter: { stage: "ARCHIVED" } }, ctx())).items.map((v) => v.version)).toEqual(["1"]);
    expect((await adapter.listVersions(name, { first: 10, filter: { stage: "STAGING" } }, ctx())).items.map((v) => v.version)).toEqual(["2"]);
  });

  it("shows MLflow's legacy stage read-only as nativeStage", async () => {
    const name = await model("legacy", 1);
    await mlflowRest(url, "POST", "model-versions/transition-stage", { name, version: "1", stage: "Production", archive_existing_versions: false });
    const v = await adapter.getVersion(name, "1", ctx());
    expect(v).toMatchObject({ stage: "NONE", nativeStage: "Production" });
    const written = await adapter.setStage(name, "1", "STAGING", ctx());
    expect(written).toMatchObject({ stage: "STAGING", nativeStage: "Production" });
    expect((await native(name, "1")).currentStage).toBe("Production");
  });

  it("writes the configured alias names", async () => {
    const custom = makeAdapter({ stageAliases: { PRODUCTION: "live" } }, "mlflow-custom");
    try {
      const name = await model("custom", 1);
      const v = await custom.setStage(name, "1", "PRODUCTION", ctx());
      expect(v.aliases).toEqual(["live"]);
      expect((await adapter.getVersion(name, "1", ctx())).stage).toBe("NONE");
      expect((await custom.getVersion(name, "1", ctx())).stage).toBe("PRODUCTION");
    } finally {
      await custom.close();
    }
  });

  it("refuses PRODUCTION for a generation config on a floating model id", async () => {
    const name = `${prefix}-floating`;
    await adapter.registerVersion({ modelName: name, generationConfig: { model: "gpt-5-mini-latest", params: {} } }, ctx());
    await expect(adapter.setStage(name, "1", "PRODUCTION", ctx())).rejects.toMatchObject({
      code: "INVALID_INPUT",
      field: "stage",
      message: expect.stringContaining('floating model id "gpt-5-mini-latest"'),
    });
    await expect(adapter.setAlias(name, "production", "1", ctx())).rejects.toMatchObject({ code: "INVALID_INPUT" });
    expect((await native(name, "1")).aliases).toEqual([]);
    expect((await adapter.setStage(name, "1", "STAGING", ctx())).stage).toBe("STAGING");
  });
});
