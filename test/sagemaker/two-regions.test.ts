/**
 * Two SageMaker backends in one gateway: the same moto server, two regions (two registries). Each
 * backend's models stay its own, and health tells which region and account each one serves.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestGateway, type TestGateway } from "../support/test-gateway.js";
import { TEST_CREDENTIALS, sharedMotoUrl, uniquePrefix } from "./helpers.js";

const prefix = uniquePrefix("two");
let gw: TestGateway;

beforeAll(async () => {
  const backend = (id: string, region: string) => ({ id, kind: "sagemaker", region, endpoint: sharedMotoUrl(), credentials: { ...TEST_CREDENTIALS }, timeoutMs: 15_000 });
  gw = await startTestGateway({ config: { backends: [backend("sm-sao-paulo", "sa-east-1"), backend("sm-mumbai", "ap-south-1")] } });
});
afterAll(async () => {
  await gw?.stop();
});

const REGISTER = `mutation($input: ModelVersionRegisterInput!) {
  modelVersionRegister(input: $input) { modelVersion { backendId modelName version } userErrors { message } }
}`;

async function register(backend: string, model: string, description: string): Promise<void> {
  const res = await gw.gql<{ modelVersionRegister: { modelVersion: { version: string } | null; userErrors: { message: string }[] } }>(REGISTER, {
    input: { backend, model, description, artifactUri: `s3://${backend}/${model}/model.tar.gz` },
  });
  expect(res.errors).toBeUndefined();
  expect(res.data?.modelVersionRegister.userErrors).toEqual([]);
}

describe("two SageMaker regions in one gateway", () => {
  it("keeps each backend's models to itself", async () => {
    await register("sm-sao-paulo", `${prefix}-shared`, "from Sao Paulo");
    await register("sm-sao-paulo", `${prefix}-only-sa`, "from Sao Paulo");
    await register("sm-mumbai", `${prefix}-shared`, "from Mumbai");
    await register("sm-mumbai", `${prefix}-shared`, "from Mumbai, again");

    const perBackend = async (backend: string) => {
      const res = await gw.gql<{ models: { nodes: { name: string; backendId: string }[] } }>(
        `query($b: String!, $p: String!) { models(backend: $b, first: 50, filter: { nameContains: $p }) { nodes { name backendId } } }`,
        { b: backend, p: prefix },
      );
      expect(res.errors).toBeUndefined();
      return res.data!.models.nodes;
    };
    expect(await perBackend("sm-sao-paulo")).toEqual([
      { name: `${prefix}-only-sa`, backendId: "sm-sao-paulo" },
      { name: `${prefix}-shared`, backendId: "sm-sao-paulo" },
    ]);
    expect(await perBackend("sm-mumbai")).toEqual([{ name: `${prefix}-shared`, backendId: "sm-mumbai" }]);

    const versions = async (backend: string) => {
      const res = await gw.gql<{ model: { versions: { nodes: { version: string; description: string; artifactUri: string }[] } } }>(
        `query($b: String!, $m: String!) { model(backend: $b, name: $m) { versions(first: 10) { nodes { version description artifactUri } } } }`,
        { b: backend, m: `${prefix}-shared` },
      );
      expect(res.errors).toBeUndefined();
      return res.data!.model.versions.nodes;
    };
    expect(await versions("sm-sao-paulo")).toEqual([{ version: "1", description: "from Sao Paulo", artifactUri: `s3://sm-sao-paulo/${prefix}-shared/model.tar.gz` }]);
    expect(await versions("sm-mumbai")).toEqual([
      { version: "1", description: "from Mumbai", artifactUri: `s3://sm-mumbai/${prefix}-shared/model.tar.gz` },
      { version: "2", description: "from Mumbai, again", artifactUri: `s3://sm-mumbai/${prefix}-shared/model.tar.gz` },
    ]);
  });

  it("names region and account in each backend's health", async () => {
    const res = await gw.gql<{ backends: { backendId: string; kind: string; health: { state: string; message: string } }[] }>(
      `{ backends { backendId kind health { state message } } }`,
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.backends).toEqual([
      { backendId: "sm-sao-paulo", kind: "sagemaker", health: { state: "UP", message: "SageMaker in sa-east-1 (account 123456789012) answers" } },
      { backendId: "sm-mumbai", kind: "sagemaker", health: { state: "UP", message: "SageMaker in ap-south-1 (account 123456789012) answers" } },
    ]);
  });
});
