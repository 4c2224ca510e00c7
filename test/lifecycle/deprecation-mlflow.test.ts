/**
 * The deprecation policy on the real MLflow server: old unused versions are archived through the
 * workflow as MLflow's native ARCHIVED projection with the `modelgate.archived-by=policy` version
 * tag (read back from MLflow's own REST API), the production version is kept, nothing is deleted,
 * and a rerun archives nothing twice.
 */
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { deleteModelsWithPrefix, mlflowRest, sharedMlflowUrl, uniquePrefix } from "../mlflow/helpers.js";
import { PROMOTE, auditActions, startWorkflowGateway, waitForStatus, type ParsedJson, type WorkflowGateway } from "../workflow/workflow-gateway.js";

const prefix = uniquePrefix("deprecate");
let gw: WorkflowGateway | undefined;
afterEach(async () => {
  await gw?.stop();
  gw = undefined;
});
afterAll(async () => {
  await deleteModelsWithPrefix(sharedMlflowUrl(), prefix);
});

const REGISTER = `mutation($model: String!) {
  modelVersionRegister(input: { backend: "mlflow", model: $model, artifactUri: "s3://bucket/model" }) { modelVersion { version } userErrors { message } }
}`;
const APPLY = `mutation($input: LifecyclePlanApplyInput) { lifecyclePlanApply(input: $input) {
  plan { toArchive kept { version why } }
  results { candidate { version reason } outcome promotionRequest { id } }
  userErrors { field code message }
} }`;

interface MlflowVersion {
  model_version: { version: string; current_stage?: string; tags?: { key: string; value: string }[]; aliases?: string[] };
}

describe("deprecation policy on MLflow", () => {
  it("archives old unused versions as MLflow's ARCHIVED with the policy tag, keeps production, once", async () => {
    const model = `${prefix}-ranker`;
    gw = await startWorkflowGateway({
      config: {
        backends: [{ id: "mlflow", kind: "mlflow", trackingUri: sharedMlflowUrl() }],
        policies: {
          rules: [{ gates: {} }],
          deprecation: { rules: [{ backend: "mlflow", models: `${prefix}-*`, keepNewest: 2, archiveAfterDays: 0 }], maxArchiveShare: 1 },
        },
      },
    });
    for (const expected of ["1", "2", "3", "4", "5"]) {
      const res = await gw.as("pat", REGISTER, { model });
      expect(res.data?.modelVersionRegister.modelVersion.version).toBe(expected);
    }
    // 1 runs in production (through the gateway); 4 and 5 are the newest two.
    for (const toStage of ["STAGING", "PRODUCTION"]) {
      const res = await gw.as("pat", PROMOTE, { input: { backend: "mlflow", model, version: "1", toStage, environment: "production", reason: `1 to ${toStage}` } });
      expect(res.data?.promotionRequest.userErrors).toEqual([]);
      expect((await waitForStatus(gw, res.data!.promotionRequest.promotionRequest.id)).status).toBe("APPLIED");
    }

    const applied = await gw.as("alice", APPLY, { input: { filter: { backend: "mlflow", model } } });
    const payload = applied.data!.lifecyclePlanApply as Record<string, ParsedJson>;
    expect(payload.userErrors).toEqual([]);
    expect(payload.plan.kept).toEqual([{ version: "1", why: "ENVIRONMENT" }]);
    expect(payload.results.map((r: ParsedJson) => [r.candidate.version, r.outcome])).toEqual([
      ["3", "QUEUED"],
      ["2", "QUEUED"],
    ]);
    for (const r of payload.results) expect(await waitForStatus(gw, r.promotionRequest.id)).toMatchObject({ status: "APPLIED", failure: null });

    // MLflow itself, read directly: archived, tagged, still there.
    for (const version of ["2", "3"]) {
      const direct = await mlflowRest<MlflowVersion>(sharedMlflowUrl(), "GET", "model-versions/get", { name: model, version });
      const tags = Object.fromEntries((direct.model_version.tags ?? []).map((t) => [t.key, t.value]));
      expect(tags["modelgate.archived-by"], version).toBe("policy");
      const read = await gw.as("vic", `query($m: String!, $v: String!) { modelVersion(backend: "mlflow", model: $m, version: $v) { stage } }`, { m: model, v: version });
      expect(read.data?.modelVersion.stage, version).toBe("ARCHIVED");
    }
    const production = await mlflowRest<MlflowVersion>(sharedMlflowUrl(), "GET", "registered-models/alias", { name: model, alias: "production" });
    expect(production.model_version.version).toBe("1");
    const all = await mlflowRest<{ model_versions?: unknown[] }>(sharedMlflowUrl(), "GET", "model-versions/search", { filter: `name='${model}'` });
    expect(all.model_versions).toHaveLength(5);

    // The trail: the applies record the tags written.
    const applies = (await auditActions(gw, "promotion.apply")).filter((e) => e.after?.stage === "ARCHIVED");
    expect(applies.map((e) => [e.outcome, e.after.tagsWritten])).toEqual([
      ["SUCCESS", true],
      ["SUCCESS", true],
    ]);

    // A rerun: nothing more.
    const again = await gw.as("alice", APPLY, { input: { filter: { backend: "mlflow", model } } });
    expect(again.data?.lifecyclePlanApply).toMatchObject({ plan: { toArchive: 0 }, results: [], userErrors: [] });
  }, 180_000);
});
