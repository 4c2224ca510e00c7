/** Generation configs and the other fields MLflow has no column for, round-tripped through a real server. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GenerationConfig } from "../../src/core/index.js";
import { ctx, deleteModelsWithPrefix, makeAdapter, mlflowRest, sharedMlflowUrl, uniquePrefix } from "../../test/mlflow/helpers.js";
import type { MlflowAdapter } from "./adapter.js";
import { NO_ARTIFACT_SOURCE } from "./to-domain.js";

interface WireVersion {
  model_version: { source: string; run_id?: string; run_link?: string; tags?: { key: string; value: string }[] };
}

const prefix = uniquePrefix("genconf");
let adapter: MlflowAdapter;
let url: string;

const config: GenerationConfig = {
  model: "gpt-5-mini-2026-06-10",
  promptRef: "support-greeting@3",
  toolsRef: "support-tools@1",
  params: { temperature: 0.2, max_tokens: 512, stop: ["\n\n"], nested: { b: 1, a: [true, null] } },
  eval: { suite: "support-golden", score: 0.91, run: "2026-06-11", artifactUri: "s3://evals/support/11" },
  approvedBy: "alice",
};

async function rawTags(name: string, version: string): Promise<Record<string, string>> {
  const res = await mlflowRest<WireVersion>(url, "GET", "model-versions/get", { name, version });
  return Object.fromEntries((res.model_version.tags ?? []).map((t) => [t.key, t.value]));
}

beforeAll(() => {
  url = sharedMlflowUrl();
  adapter = makeAdapter();
});
afterAll(async () => {
  await adapter.close();
  await deleteModelsWithPrefix(url, prefix);
});

describe("generation configs on MLflow", () => {
  it("stores the config as canonical JSON in a version tag and reads it back unchanged", async () => {
    const name = `${prefix}-assistant`;
    const created = await adapter.registerVersion({ modelName: name, generationConfig: config }, ctx());
    expect(created.generationConfig).toEqual(config);
    expect((await adapter.getVersion(name, created.version, ctx())).generationConfig).toEqual(config);
    expect((await adapter.listVersions(name, { first: 10 }, ctx())).items[0]?.generationConfig).toEqual(config);
    expect(await adapter.getEvalResults(name, created.version, ctx())).toEqual([config.eval]);

    const tag = (await rawTags(name, created.version))["modelgate.generation_config"] as string;
    // Sorted keys at every level: the same config always gives the same text.
    expect(tag.indexOf('"approvedBy"')).toBeLessThan(tag.indexOf('"eval"'));
    expect(tag).toContain('"nested":{"a":[true,null],"b":1}');
    expect(JSON.parse(tag)).toEqual(config);
    // The adapter's own tags are typed fields, not tags.
    expect(Object.keys(created.tags).filter((k) => k.startsWith("modelgate."))).toEqual([]);
  });

  it("resolves through the production alias with its config", async () => {
    const name = `${prefix}-resolved`;
    await adapter.registerVersion({ modelName: name, generationConfig: config }, ctx());
    await adapter.setStage(name, "1", "PRODUCTION", ctx());
    const model = await adapter.getModel(name, ctx());
    expect(model.aliases).toEqual({ production: "1" });
    const v = await adapter.getVersionByAlias(name, "production", ctx());
    expect(v).toMatchObject({ version: "1", stage: "PRODUCTION", generationConfig: config });
  });

  it("keeps params, metrics, lineage, the author and an artifact-less source", async () => {
    const name = `${prefix}-fields`;
    const created = await adapter.registerVersion(
      {
        modelName: name,
        description: "with everything",
        tags: { team: "ml" },
        params: { lr: 0.01, layers: [64, 32] },
        metrics: { auc: 0.93, loss: 0.12 },
        lineage: { runId: "run-abc", runLink: "https://mlflow/#/runs/abc", codeCommit: "a1b2c3", datasetHash: "sha256:ff", parentModel: "base@2" },
      },
      ctx(),
      { reason: "nightly retrain" },
    );
    const read = await adapter.getVersion(name, created.version, ctx());
    for (const v of [created, read]) {
      expect(v).toMatchObject({
        description: "with everything",
        tags: { team: "ml" },
        params: { lr: 0.01, layers: [64, 32] },
        metrics: { auc: 0.93, loss: 0.12 },
        lineage: { runId: "run-abc", runLink: "https://mlflow/#/runs/abc", codeCommit: "a1b2c3", datasetHash: "sha256:ff", parentModel: "base@2" },
        createdBy: "mlflow-tester",
        stage: "NONE",
      });
      expect(v.artifactUri).toBeUndefined();
      expect(v.createdAt).toBeInstanceOf(Date);
    }
    const wire = await mlflowRest<WireVersion>(url, "GET", "model-versions/get", { name, version: created.version });
    expect(wire.model_version).toMatchObject({ source: NO_ARTIFACT_SOURCE, run_id: "run-abc", run_link: "https://mlflow/#/runs/abc" });
    expect(await rawTags(name, created.version)).toMatchObject({ team: "ml", "modelgate.reason": "nightly retrain", "modelgate.created_by": "mlflow-tester" });
  });

  it("refuses to serve a config whose tag was broken by hand, naming the tag; listings show it raw", async () => {
    const name = `${prefix}-broken`;
    await adapter.registerVersion({ modelName: name, generationConfig: config }, ctx());
    await mlflowRest(url, "POST", "model-versions/set-tag", { name, version: "1", key: "modelgate.generation_config", value: '{"params":{}}' });
    await expect(adapter.getVersion(name, "1", ctx())).rejects.toMatchObject({
      code: "INVALID_INPUT",
      field: "tags.modelgate.generation_config",
      message: expect.stringMatching(/version 1 of ".*-broken" has an invalid "modelgate.generation_config" tag: model: /),
    });
    const listed = (await adapter.listVersions(name, { first: 10 }, ctx())).items[0];
    expect(listed?.generationConfig).toBeUndefined();
    expect(listed?.tags["modelgate.generation_config"]).toBe('{"params":{}}');
  });

  it("refuses invalid input before writing anything", async () => {
    const name = `${prefix}-invalid`;
    const cases: [Parameters<MlflowAdapter["registerVersion"]>[0], string][] = [
      [{ modelName: name, generationConfig: { model: " padded ", params: {} } }, "generationConfig.model"],
      [{ modelName: name, generationConfig: { model: "m-2026", params: {}, promptRef: "no-version" } }, "generationConfig.promptRef"],
      [{ modelName: name, tags: { "modelgate.stage": "PRODUCTION" } }, "tags.modelgate.stage"],
      [{ modelName: name, tags: { "mlflow.prompt.is_prompt": "true" } }, "tags.mlflow.prompt.is_prompt"],
      [{ modelName: name, metrics: { auc: Number.NaN } }, "metrics.auc"],
      [{ modelName: "a/b" }, "modelName"],
    ];
    for (const [input, field] of cases) {
      await expect(adapter.registerVersion(input, ctx())).rejects.toMatchObject({ code: "INVALID_INPUT", field });
    }
    await expect(adapter.getModel(name, ctx())).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});
