/**
 * Protected aliases on the real MLflow server (docs/lifecycle.md#protected-aliases): the move of
 * `champion` waits for its approval, is applied once as MLflow's own alias (MLflow's REST API
 * agrees), and shows in the trail with the previous target; the MLflow-compatible facade's
 * set-alias on the protected alias is refused in MLflow's error shape, an unprotected alias moves
 * directly through it.
 */
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { deleteModelsWithPrefix, mlflowRest, sharedMlflowUrl, uniquePrefix } from "../mlflow/helpers.js";
import { APPROVE, TOKENS, auditActions, startWorkflowGateway, waitForStatus, type WorkflowGateway } from "../workflow/workflow-gateway.js";

const prefix = uniquePrefix("protected");
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
const MOVE = `mutation($input: AliasMoveRequestInput!) {
  aliasMoveRequest(input: $input) { promotionRequest { id status alias previousVersions gates { gate passed detail } } userErrors { field code message } }
}`;
const SET = `mutation($input: AliasSetInput!) { aliasSet(input: $input) { previousVersion userErrors { field code message } } }`;

const mlflowAlias = async (model: string, alias: string): Promise<string | undefined> => {
  const res = await mlflowRest<{ registered_model: { aliases?: { alias: string; version: string }[] } }>(sharedMlflowUrl(), "GET", "registered-models/get", { name: model });
  return res.registered_model.aliases?.find((a) => a.alias === alias)?.version;
};

describe("protected aliases on MLflow", () => {
  it("moves champion only through an approved request, applied once as MLflow's alias; the facade refuses a direct move", async () => {
    gw = await startWorkflowGateway({
      config: {
        backends: [{ id: "mlflow", kind: "mlflow", trackingUri: sharedMlflowUrl() }],
        policies: { rules: [{ gates: { approvals: 1 } }], protectedAliases: [{ backend: "mlflow", models: `${prefix}-*`, aliases: ["champion"], environment: "production" }] },
      },
    });
    const model = `${prefix}-ranker`;
    for (const expected of ["1", "2"]) expect((await gw.as("pat", REGISTER, { model })).data?.modelVersionRegister.modelVersion.version).toBe(expected);

    const moveTo = async (version: string) => {
      const res = await gw!.as("alice", MOVE, { input: { backend: "mlflow", model, alias: "champion", version, reason: `champion -> ${version}` } });
      expect(res.data?.aliasMoveRequest.userErrors).toEqual([]);
      const req = res.data!.aliasMoveRequest.promotionRequest;
      expect(req).toMatchObject({ status: "PENDING", alias: "champion", gates: [{ gate: "APPROVAL", passed: false, detail: "0 of 1 approval(s)" }] });
      return req as { id: string; previousVersions: string[] };
    };

    const first = await moveTo("1");
    expect(first.previousVersions).toEqual([]);
    expect(await mlflowAlias(model, "champion")).toBeUndefined();
    expect((await gw.as("bob", APPROVE, { id: first.id })).data?.promotionApprove.userErrors).toEqual([]);
    expect((await waitForStatus(gw, first.id)).status).toBe("APPLIED");
    expect(await mlflowAlias(model, "champion")).toBe("1");

    // Direct moves are refused: GraphQL and the MLflow-compatible facade (MLflow's error shape).
    const direct = await gw.as("pat", SET, { input: { backend: "mlflow", model, alias: "champion", version: "2" } });
    expect(direct.data?.aliasSet.userErrors[0]).toMatchObject({ code: "FORBIDDEN", message: expect.stringContaining("aliasMoveRequest") });
    const facade = await fetch(`${gw.url}/mlflow/mlflow/api/2.0/mlflow/registered-models/alias`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKENS.pat}`, "content-type": "application/json" },
      body: JSON.stringify({ name: model, alias: "champion", version: "2" }),
    });
    expect(facade.status).toBe(403);
    expect(await facade.json()).toEqual({ error_code: "PERMISSION_DENIED", message: expect.stringContaining(`alias "champion" of mlflow/${model} is protected`) });
    expect(await mlflowAlias(model, "champion")).toBe("1");

    // An unprotected alias moves directly through the facade, as before.
    const challenger = await fetch(`${gw.url}/mlflow/mlflow/api/2.0/mlflow/registered-models/alias`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKENS.alice}`, "content-type": "application/json" },
      body: JSON.stringify({ name: model, alias: "challenger", version: "2" }),
    });
    expect(challenger.status).toBe(200);
    expect(await mlflowAlias(model, "challenger")).toBe("2");

    // The second move records the previous target and applies once.
    const second = await moveTo("2");
    expect(second.previousVersions).toEqual(["1"]);
    expect((await gw.as("bob", APPROVE, { id: second.id })).data?.promotionApprove.userErrors).toEqual([]);
    expect((await waitForStatus(gw, second.id)).status).toBe("APPLIED");
    expect(await mlflowAlias(model, "champion")).toBe("2");

    const applies = (await auditActions(gw, "promotion.apply")).filter((e) => e.after.alias === "champion");
    expect(applies.map((e) => [e.before.version, e.after.version, e.outcome])).toEqual([
      [null, "1", "SUCCESS"],
      ["1", "2", "SUCCESS"],
    ]);
    const sets = (await auditActions(gw, "alias.set")).filter((e) => e.target === `mlflow/${model}#champion`);
    expect(sets.map((e) => [e.actor, e.outcome, e.after?.version ?? null])).toEqual([
      ["modelgate:outbox", "SUCCESS", "1"],
      ["pat", "FAILURE", null],
      ["pat", "FAILURE", null],
      ["modelgate:outbox", "SUCCESS", "2"],
    ]);
  }, 120_000);
});
