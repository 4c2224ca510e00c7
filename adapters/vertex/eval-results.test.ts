/** getEvalResults: the generation config's own eval, then the version's Vertex AI model evaluations. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { codeOf, createFakeAdapter, ctx, modelPath, startFakeAdapter, type FakeHarness } from "../../test/vertex/harness.js";
import { fakeClient } from "../../test/peers/vertex/test-client.js";
import type { ModelServiceClient } from "./client.js";
import { toProtoValue } from "./protobuf-value.js";

let h: FakeHarness;
let raw: ModelServiceClient;

beforeAll(async () => {
  h = await startFakeAdapter();
  raw = fakeClient(h.fake);
});
afterAll(async () => {
  await raw.close();
  await h.close();
});
beforeEach(() => h.fake.reset());

async function importEvaluation(parent: string, displayName: string, metrics: Record<string, unknown>, metadata?: Record<string, unknown>): Promise<string> {
  const [evaluation] = await raw.importModelEvaluation({
    parent,
    modelEvaluation: {
      displayName,
      metrics: toProtoValue(metrics as never),
      ...(metadata ? { metadata: toProtoValue(metadata as never) } : {}),
    },
  });
  return (evaluation.name ?? "").split("/").pop() ?? "";
}

describe("eval results", () => {
  it("are the version's evaluations: a `score` metric as one result, else one result per numeric metric", async () => {
    await h.adapter.registerVersion({ modelName: "churn" }, ctx());
    await h.adapter.registerVersion({ modelName: "churn" }, ctx());
    const scored = await importEvaluation(modelPath("churn", "2"), "support-evals", { score: 0.87, notes: "n/a" });
    await importEvaluation(
      modelPath("churn", "2"),
      "holdout",
      { auRoc: 0.93, logLoss: 0.21, confidenceMetrics: [{ recall: 1 }] },
      { pipeline_job_id: "projects/p/locations/l/pipelineJobs/eval-42", row_based_metrics_path: "gs://bucket/eval-42/rows" },
    );
    await importEvaluation(modelPath("churn", "1"), "other-version", { score: 0.1 });

    expect(await h.adapter.getEvalResults("churn", "2", ctx())).toEqual([
      { suite: "support-evals", score: 0.87, run: scored },
      { suite: "holdout/auRoc", score: 0.93, run: "projects/p/locations/l/pipelineJobs/eval-42", artifactUri: "gs://bucket/eval-42/rows" },
      { suite: "holdout/logLoss", score: 0.21, run: "projects/p/locations/l/pipelineJobs/eval-42", artifactUri: "gs://bucket/eval-42/rows" },
    ]);
  });

  it("start with the eval the version's generation config records", async () => {
    await h.adapter.registerVersion(
      { modelName: "assistant", generationConfig: { model: "gpt-x-2026-01-01", params: {}, eval: { suite: "golden-set", score: 0.9, run: "r1" } } },
      ctx(),
    );
    await importEvaluation(modelPath("assistant", "1"), "vertex-side", { score: 0.8 });
    const results = await h.adapter.getEvalResults("assistant", "1", ctx());
    expect(results.map((r) => [r.suite, r.score])).toEqual([
      ["golden-set", 0.9],
      ["vertex-side", 0.8],
    ]);
  });

  it("walk every page of evaluations", async () => {
    const small = await createFakeAdapter(h.fake, { config: { pageSize: 2 } });
    try {
      await small.registerVersion({ modelName: "churn" }, ctx());
      for (let i = 1; i <= 5; i++) await importEvaluation(modelPath("churn", "1"), `suite-${i}`, { score: i / 10 });
      const before = h.fake.calls("ListModelEvaluations");
      const results = await small.getEvalResults("churn", "1", ctx());
      expect(results.map((r) => r.suite)).toEqual(["suite-1", "suite-2", "suite-3", "suite-4", "suite-5"]);
      expect(h.fake.calls("ListModelEvaluations") - before).toBe(3);
    } finally {
      await small.close();
    }
  });

  it("answer NOT_FOUND for an unknown model or version", async () => {
    await h.adapter.registerVersion({ modelName: "churn" }, ctx());
    expect((await codeOf(h.adapter.getEvalResults("churn", "5", ctx()))).code).toBe("NOT_FOUND");
    expect((await codeOf(h.adapter.getEvalResults("nope", "1", ctx()))).code).toBe("NOT_FOUND");
  });
});
