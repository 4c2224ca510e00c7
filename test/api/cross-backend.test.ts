/**
 * One gateway over all four kinds of backend at once — git-YAML, a real MLflow server, a real moto
 * (SageMaker) server and the Vertex AI fake — answering one models query, with the backends called
 * in parallel.
 */
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { BUILT_IN_ADAPTERS } from "../../src/app/adapter-registry.js";
import { startVertexFake, type VertexFake } from "../peers/vertex/index.js";
import { TEST_CREDENTIALS } from "../sagemaker/helpers.js";
import { fakeBackendConfig } from "../vertex/harness.js";
import { concurrencyProbe, delayedFactories } from "../support/delayed-adapter.js";
import { EXAMPLE_SEED, startTestGateway, type TestGateway } from "../support/test-gateway.js";

const prefix = `xb${randomBytes(3).toString("hex")}`;
const probe = concurrencyProbe();
let fake: VertexFake;
let gw: TestGateway;

beforeAll(async () => {
  fake = await startVertexFake();
  const backends = [
    { id: "git", kind: "git-yaml", repo: join("registry"), seedFrom: EXAMPLE_SEED },
    { id: "mlflow", kind: "mlflow", trackingUri: inject("mlflowUrl") },
    { id: "sagemaker", kind: "sagemaker", region: "ap-southeast-2", endpoint: inject("motoUrl"), credentials: TEST_CREDENTIALS },
    { id: "vertex", kind: "vertex", ...fakeBackendConfig(fake) },
  ];
  // Every backend answers 150 ms late; the probe counts calls in flight across them.
  const delays = Object.fromEntries(backends.map((b) => [b.id, 150]));
  gw = await startTestGateway({ config: { backends }, factories: delayedFactories(BUILT_IN_ADAPTERS, delays, probe) });
  for (const backend of ["git", "mlflow", "sagemaker", "vertex"]) {
    const res = await gw.gql<{ modelVersionRegister: { userErrors: unknown[] } }>(
      `mutation($input: ModelVersionRegisterInput!) { modelVersionRegister(input: $input) { userErrors { field code message } } }`,
      {
        input: {
          backend,
          model: `${prefix}-${backend}`,
          artifactUri: backend === "vertex" ? "gs://bucket/model/" : "s3://bucket/model/",
          generationConfig: { model: "gpt-5-mini-2026-06-10", params: { temperature: 0.1 } },
        },
      },
    );
    expect(res.errors, backend).toBeUndefined();
    expect(res.data?.modelVersionRegister.userErrors, backend).toEqual([]);
  }
}, 120_000);

afterAll(async () => {
  await gw?.stop();
  await fake?.stop();
});

describe("one query across MLflow, SageMaker, Vertex AI and git-YAML", () => {
  it("lists every backend's models, merged by name, calling the backends in parallel", async () => {
    probe.peak = 0;
    probe.seen.clear();
    const res = await gw.gql<{ models: { nodes: { name: string; backendId: string; backend: { kind: string } }[]; failedBackends: unknown[] } }>(
      `{ models(first: 100, filter: { nameContains: "${prefix}" }) { nodes { name backendId backend { kind } } failedBackends { backendId } } }`,
    );
    expect(res.errors).toBeUndefined();
    expect(res.data?.models.failedBackends).toEqual([]);
    expect(res.data?.models.nodes.map((n) => [n.name.toLowerCase(), n.backendId, n.backend.kind])).toEqual([
      [`${prefix}-git`, "git", "git-yaml"],
      [`${prefix}-mlflow`, "mlflow", "mlflow"],
      [`${prefix}-sagemaker`, "sagemaker", "sagemaker"],
      [`${prefix}-vertex`, "vertex", "vertex"],
    ]);
    // All four listModels calls were in flight at once: the query waits for the slowest backend, not the sum.
    expect(probe.peak).toBe(4);
    expect(probe.seen).toEqual(new Set(["git", "mlflow", "sagemaker", "vertex"]));
  });

  it("resolves an entry from each backend by name", async () => {
    for (const backend of ["git", "mlflow", "sagemaker", "vertex"]) {
      const set = await gw.gql<{ aliasSet: { userErrors: unknown[] } }>(
        `mutation { aliasSet(input: { backend: "${backend}", model: "${prefix}-${backend}", alias: "staging", version: "1" }) { userErrors { code message } } }`,
      );
      expect(set.data?.aliasSet.userErrors, backend).toEqual([]);
      const res = await gw.gql<{ resolve: { backendId: string; selectedBy: string; version: { generationConfig: { model: string } } } }>(
        `{ resolve(name: "${prefix}-${backend}", environment: "staging") { ... on ResolvedEntry { backendId selectedBy version { generationConfig { model } } } } }`,
      );
      expect(res.errors, backend).toBeUndefined();
      expect(res.data?.resolve, backend).toEqual({ backendId: backend, selectedBy: "ALIAS", version: { generationConfig: { model: "gpt-5-mini-2026-06-10" } } });
    }
  });
});
