/**
 * The same workflow on the real MLflow server: promotion applied as MLflow's native alias + tag,
 * the previous production version demoted, and MLflow's REST API agreeing.
 */
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { deleteModelsWithPrefix, mlflowRest, sharedMlflowUrl, uniquePrefix } from "../mlflow/helpers.js";
import { PROMOTE, auditActions, startWorkflowGateway, waitForStatus, type WorkflowGateway } from "./workflow-gateway.js";

const prefix = uniquePrefix("promo");
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
const STAGE = `query($model: String!, $v: String!) { modelVersion(backend: "mlflow", model: $model, version: $v) { stage aliases } }`;

describe("promotions on MLflow", () => {
  it("applies stages as MLflow aliases and tags and demotes the previous production version", async () => {
    gw = await startWorkflowGateway({
      config: { policies: { rules: [{ gates: {} }] }, backends: [{ id: "mlflow", kind: "mlflow", trackingUri: sharedMlflowUrl() }] },
    });
    const model = `${prefix}-classifier`;
    for (const expected of ["1", "2"]) {
      const res = await gw.as("pat", REGISTER, { model });
      expect(res.data?.modelVersionRegister.modelVersion.version).toBe(expected);
    }
    const promote = async (version: string, toStage: string) => {
      const res = await gw!.as("pat", PROMOTE, { input: { backend: "mlflow", model, version, toStage, environment: "production", reason: `${version} to ${toStage}` } });
      expect(res.data?.promotionRequest.userErrors).toEqual([]);
      return waitForStatus(gw!, res.data!.promotionRequest.promotionRequest.id);
    };
    expect((await promote("1", "STAGING")).status).toBe("APPLIED");
    expect((await promote("1", "PRODUCTION")).status).toBe("APPLIED");
    expect((await promote("2", "STAGING")).status).toBe("APPLIED");
    const second = await promote("2", "PRODUCTION");
    expect(second).toMatchObject({ status: "APPLIED", previousVersions: ["1"] });

    expect((await gw.as("vic", STAGE, { model, v: "2" })).data?.modelVersion.stage).toBe("PRODUCTION");
    expect((await gw.as("vic", STAGE, { model, v: "1" })).data?.modelVersion.stage).toBe("ARCHIVED");
    // MLflow itself, read directly: the production alias is on version 2.
    const direct = await mlflowRest<{ model_version: { version: string } }>(sharedMlflowUrl(), "GET", "registered-models/alias", { name: model, alias: "production" });
    expect(direct.model_version.version).toBe("2");
    expect((await auditActions(gw, "promotion.demote")).map((e) => e.target)).toEqual([`mlflow/${model}@1`]);
  });
});
