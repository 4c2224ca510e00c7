/**
 * A deployment bundling one component from each landed backend — git-YAML, a real MLflow server,
 * SageMaker on a real moto server and the Vertex AI fake — promoted through the outbox (the
 * components' own promotions included), resolved over GraphQL and HTTP, listed by
 * whatRunsInProduction, and degraded when a component leaves production outside the workflow.
 */
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createCallContext } from "../../src/core/index.js";
import { startVertexFake, type VertexFake } from "../peers/vertex/index.js";
import { TEST_CREDENTIALS } from "../sagemaker/helpers.js";
import { fakeBackendConfig } from "../vertex/harness.js";
import { EXAMPLE_SEED, startTestGateway, type TestGateway } from "../support/test-gateway.js";

const prefix = `dep${randomBytes(3).toString("hex")}`;
const REMOTE = ["mlflow", "sagemaker", "vertex"] as const;
let fake: VertexFake;
let gw: TestGateway;

type Json = ReturnType<typeof JSON.parse>;

async function waitApplied(id: string): Promise<Json> {
  const until = Date.now() + 30_000;
  for (;;) {
    const res = await gw.gql<{ node: Json }>(`query($id: ID!) { node(id: $id) { ... on PromotionRequest { status failure } } }`, { id });
    const node = res.data?.node;
    if (node?.status === "APPLIED" || node?.status === "FAILED") return node;
    if (Date.now() > until) throw new Error(`request ${id} still ${String(node?.status)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  fake = await startVertexFake();
  gw = await startTestGateway({
    config: {
      backends: [
        { id: "git", kind: "git-yaml", repo: join("registry"), seedFrom: EXAMPLE_SEED },
        { id: "mlflow", kind: "mlflow", trackingUri: inject("mlflowUrl") },
        { id: "sagemaker", kind: "sagemaker", region: "ap-northeast-1", endpoint: inject("motoUrl"), credentials: TEST_CREDENTIALS },
        { id: "vertex", kind: "vertex", ...fakeBackendConfig(fake) },
      ],
      // Development mode has one (anonymous) caller, who may not approve their own requests: no approvals here.
      policies: { rules: [{ gates: { approvals: 0 } }] },
    },
  });
  // A version in each remote backend, put in production through the promotion outbox.
  for (const backend of REMOTE) {
    const reg = await gw.gql<{ modelVersionRegister: { modelVersion: { version: string } | null; userErrors: unknown[] } }>(
      `mutation($input: ModelVersionRegisterInput!) { modelVersionRegister(input: $input) { modelVersion { version } userErrors { field code message } } }`,
      { input: { backend, model: `${prefix}-${backend}`, artifactUri: backend === "vertex" ? "gs://bucket/model/" : "s3://bucket/model/" } },
    );
    expect(reg.data?.modelVersionRegister.userErrors, backend).toEqual([]);
    // NONE -> STAGING -> PRODUCTION: the default transitions.
    for (const toStage of ["STAGING", "PRODUCTION"]) {
      const req = await gw.gql<{ promotionRequest: { promotionRequest: { id: string } | null; userErrors: unknown[] } }>(
        `mutation($input: PromotionRequestInput!) { promotionRequest(input: $input) { promotionRequest { id } userErrors { field code message } } }`,
        { input: { backend, model: `${prefix}-${backend}`, version: reg.data!.modelVersionRegister.modelVersion!.version, toStage, environment: "production", reason: "component" } },
      );
      expect(req.data?.promotionRequest.userErrors, `${backend} ${toStage}`).toEqual([]);
      expect(await waitApplied(req.data!.promotionRequest.promotionRequest!.id), `${backend} ${toStage}`).toMatchObject({ status: "APPLIED" });
    }
  }
}, 180_000);

afterAll(async () => {
  await gw?.stop();
  await fake?.stop();
});

const components = () => [
  { role: "classifier", backend: "git", model: "support-triage", version: "14", weight: 100, shadow: false },
  { role: "generation", backend: "git", model: "reply-drafter", version: "3", weight: 100, shadow: false },
  { role: "generation", backend: "git", model: "reply-drafter", version: "4", weight: 0, shadow: true },
  { role: "ranker", backend: "sagemaker", model: `${prefix}-sagemaker`, version: "1", weight: 100, shadow: false },
  { role: "retriever", backend: "vertex", model: `${prefix}-vertex`, version: "1", weight: 100, shadow: false },
  { role: "fallback", backend: "mlflow", model: `${prefix}-mlflow`, version: "1", weight: 100, shadow: false },
];

describe("a deployment across git-YAML, MLflow, SageMaker and Vertex AI", () => {
  it("enters production, resolves to the whole bundle, shows in whatRunsInProduction, and degrades when a component is archived outside the workflow", async () => {
    const created = await gw.gql<{ deploymentRevisionCreate: { revision: { number: number; contentHash: string } | null; userErrors: unknown[] } }>(
      `mutation($input: DeploymentRevisionCreateInput!) { deploymentRevisionCreate(input: $input) { revision { number contentHash } userErrors { field code message } } }`,
      { input: { name: `${prefix}-bot`, environment: "production", reason: "all backends", components: components() } },
    );
    expect(created.data?.deploymentRevisionCreate.userErrors).toEqual([]);
    const hash = created.data!.deploymentRevisionCreate.revision!.contentHash;

    const promoted = await gw.gql<{ deploymentPromote: { promotionRequest: { id: string } | null; userErrors: unknown[] } }>(
      `mutation($input: DeploymentPromoteInput!) { deploymentPromote(input: $input) { promotionRequest { id } userErrors { field code message } } }`,
      { input: { name: `${prefix}-bot`, environment: "production", revision: 1, reason: "ship" } },
    );
    expect(promoted.data?.deploymentPromote.userErrors).toEqual([]);
    expect(await waitApplied(promoted.data!.deploymentPromote.promotionRequest!.id)).toMatchObject({ status: "APPLIED" });

    const resolved = await gw.gql<{ resolve: Json }>(
      `query($name: String!) { resolve(name: $name, environment: "production") {
        registryVersion etag ... on ResolvedDeployment { components { role serving registryVersion version { stage artifactUri } } } } }`,
      { name: `${prefix}-bot` },
    );
    expect(resolved.errors).toBeUndefined();
    expect(resolved.data!.resolve.etag).toBe(`"${hash}"`);
    expect(resolved.data!.resolve.components.map((c: Json) => [c.role, c.registryVersion, c.serving, c.version.stage])).toEqual([
      ["classifier", "git/support-triage@14", true, "PRODUCTION"],
      ["fallback", `mlflow/${prefix}-mlflow@1`, true, "PRODUCTION"],
      ["generation", "git/reply-drafter@3", true, "PRODUCTION"],
      ["generation", "git/reply-drafter@4", false, "SHADOW"],
      ["ranker", `sagemaker/${prefix}-sagemaker@1`, true, "PRODUCTION"],
      ["retriever", `vertex/${prefix}-vertex@1`, true, "PRODUCTION"],
    ]);
    const http = await fetch(`${gw.url}/v1/resolve/${prefix}-bot?env=production`);
    expect(http.status).toBe(200);
    expect(((await http.json()) as Json).components.map((c: Json) => c.backend)).toEqual(["git", "mlflow", "git", "git", "sagemaker", "vertex"]);

    const what = await gw.gql<{ whatRunsInProduction: Json }>(
      `{ whatRunsInProduction { deployments { deployment { name } } versions { backendId modelName version usedBy { deployment role } approval { requestedBy } } failedBackends { backendId } } }`,
    );
    expect(what.data!.whatRunsInProduction.failedBackends).toEqual([]);
    expect(what.data!.whatRunsInProduction.deployments.map((d: Json) => d.deployment.name)).toContain(`${prefix}-bot`);
    for (const backend of REMOTE) {
      const v = what.data!.whatRunsInProduction.versions.find((x: Json) => x.backendId === backend && x.modelName === `${prefix}-${backend}`);
      // Promoted through the gateway: the trail knows who asked.
      expect(v, backend).toMatchObject({ version: "1", approval: { requestedBy: "anonymous" } });
      expect(v.usedBy, backend).toEqual([{ deployment: `${prefix}-bot`, role: { mlflow: "fallback", sagemaker: "ranker", vertex: "retriever" }[backend] }]);
    }

    // Someone archives the SageMaker ranker without going through the gateway's workflow.
    await gw.gateway.services.catalog.backend("sagemaker").setStage(`${prefix}-sagemaker`, "1", "ARCHIVED", createCallContext({ timeoutMs: 30_000, actor: { id: "someone-by-hand", roles: [] } }), { reason: "by hand" });
    const health = await gw.gql<{ deployment: { health: Json } }>(
      `query($name: String!) { deployment(name: $name, environment: "production") { health { status problems { code message component { role backendId } } } } }`,
      { name: `${prefix}-bot` },
    );
    expect(health.data!.deployment.health.status).toBe("DEGRADED");
    expect(health.data!.deployment.health.problems).toEqual([
      {
        code: "STAGE_NOT_ACCEPTED",
        message: `ranker sagemaker/${prefix}-sagemaker@1 is ARCHIVED; a serving component needs PRODUCTION`,
        component: { role: "ranker", backendId: "sagemaker" },
      },
    ]);
  }, 120_000);
});
