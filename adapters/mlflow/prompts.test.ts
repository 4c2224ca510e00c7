/**
 * Prompts of MLflow's Prompt Registry, created with MLflow's own Python client (mlflow.genai):
 * served by getPrompt, never as models.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runMlflowFixture, type FixtureReport } from "../../test/mlflow/fixture.js";
import { ctx, deleteModelsWithPrefix, makeAdapter, mlflowRest, sharedMlflowUrl, uniquePrefix } from "../../test/mlflow/helpers.js";
import type { MlflowAdapter } from "./adapter.js";

const prefix = uniquePrefix("prompts");
let adapter: MlflowAdapter;
let report: FixtureReport;

beforeAll(async () => {
  report = await runMlflowFixture(sharedMlflowUrl(), prefix);
  adapter = makeAdapter();
}, 120_000);
afterAll(async () => {
  await adapter.close();
  await deleteModelsWithPrefix(sharedMlflowUrl(), prefix);
});

describe("MLflow prompts", () => {
  it("serves a prompt's template by version number and by alias", async () => {
    const name = report.prompt.name;
    for (const v of report.prompt.versions) {
      expect(await adapter.getPrompt(name, v.version, ctx())).toEqual({
        name,
        version: v.version,
        template: v.template,
        location: `prompts:/${name}/${v.version}`,
      });
    }
    const byAlias = await adapter.getPrompt(name, "production", ctx());
    expect(byAlias).toMatchObject({ version: report.prompt.production.version, template: report.prompt.production.template });
  });

  it("never lists or serves a prompt as a model", async () => {
    const listed = await adapter.listModels({ first: 100, filter: { nameContains: prefix } }, ctx());
    expect(listed.items.map((m) => m.name).sort()).toEqual(report.visible_models);
    expect(listed.items.map((m) => m.name)).not.toContain(report.prompt.name);
    // Even when the filter names the prompt tag (which makes MLflow's search return prompts).
    const tagged = await adapter.listModels({ first: 100, filter: { nameContains: prefix, tags: { "mlflow.prompt.is_prompt": "true" } } }, ctx());
    expect(tagged.items).toEqual([]);

    await expect(adapter.getModel(report.prompt.name, ctx())).rejects.toMatchObject({ code: "NOT_FOUND", message: expect.stringContaining("is a prompt") });
    await expect(adapter.getVersion(report.prompt.name, "1", ctx())).rejects.toMatchObject({ code: "NOT_FOUND", message: expect.stringContaining("prompt version") });
    await expect(adapter.getVersionByAlias(report.prompt.name, "production", ctx())).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(adapter.listVersions(report.prompt.name, { first: 10 }, ctx())).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("matches what MLflow's own search does: prompts are hidden unless the filter names the prompt tag", async () => {
    const plain = await mlflowRest<{ registered_models?: { name: string }[] }>(sharedMlflowUrl(), "GET", "registered-models/search", {
      filter: `name LIKE '${prefix}-%'`,
    });
    expect((plain.registered_models ?? []).map((m) => m.name)).not.toContain(report.prompt.name);
    const withTag = await mlflowRest<{ registered_models?: { name: string }[] }>(sharedMlflowUrl(), "GET", "registered-models/search", {
      filter: `name LIKE '${prefix}-%' AND tags.\`mlflow.prompt.is_prompt\` = 'true'`,
    });
    expect((withTag.registered_models ?? []).map((m) => m.name)).toEqual([report.prompt.name]);
  });

  it("refuses to register a model version under a prompt's name, and a prompt lookup on a model", async () => {
    await expect(adapter.registerVersion({ modelName: report.prompt.name }, ctx())).rejects.toMatchObject({
      code: "INVALID_INPUT",
      field: "modelName",
    });
    await expect(adapter.getPrompt(report.classifier.name, "1", ctx())).rejects.toMatchObject({
      code: "NOT_FOUND",
      message: expect.stringContaining("not a prompt"),
    });
    await expect(adapter.getPrompt(report.prompt.name, "99", ctx())).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(adapter.getPrompt(report.prompt.name, "no-such-alias", ctx())).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});
