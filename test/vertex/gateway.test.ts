/**
 * A real gateway (HTTP, GraphQL) over a Vertex AI backend: the built-in "vertex" kind configured
 * like any other backend in modelgate.yaml, pointed at the in-process ModelService fake.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestGateway, type TestGateway } from "../support/test-gateway.js";
import { startVertexFake, type VertexFake } from "../peers/vertex/index.js";
import { createFakeAdapter, ctx, fakeBackendConfig } from "./harness.js";

let fake: VertexFake;
let gw: TestGateway;

const PINNED = { model: "gpt-x-2026-06-10", params: { temperature: 0.1, max_tokens: 512 }, eval: { suite: "golden", score: 0.93 } };

beforeAll(async () => {
  fake = await startVertexFake();
  // Seeded through a second adapter on the same fake, as another writer of the registry would.
  const seeder = await createFakeAdapter(fake, { id: "seeder" });
  try {
    await seeder.registerVersion({ modelName: "Support-Assistant", description: "first try", generationConfig: { model: "gpt-x-2026-01-01", params: {} } }, ctx());
    await seeder.registerVersion({ modelName: "Support-Assistant", description: "pinned", tags: { team: "support" }, generationConfig: PINNED }, ctx());
    await seeder.setStage("Support-Assistant", "2", "PRODUCTION", ctx());
    await seeder.registerVersion({ modelName: "churn", artifactUri: "gs://models/churn/1", tags: { team: "growth" } }, ctx());
  } finally {
    await seeder.close();
  }
  gw = await startTestGateway({ config: { backends: [{ id: "vertex", kind: "vertex", ...fakeBackendConfig(fake) }] } });
});

afterAll(async () => {
  await gw?.stop();
  await fake?.stop();
});

describe("a gateway with a Vertex AI backend", () => {
  it("reports the backend with its kind, health and capabilities", async () => {
    const res = await gw.gql<{ backends: { backendId: string; kind: string; health: { state: string }; capabilities: Record<string, unknown> }[] }>(
      "{ backends { backendId kind health { state } capabilities { asOf aliases prompts generationConfigs writes maxPageSize } } }",
    );
    expect(res.errors).toBeUndefined();
    expect(res.data?.backends).toEqual([
      {
        backendId: "vertex",
        kind: "vertex",
        health: { state: "UP" },
        capabilities: { asOf: false, aliases: true, prompts: false, generationConfigs: true, writes: true, maxPageSize: 100 },
      },
    ]);
  });

  it("lists its models with their aliases, tags and versions", async () => {
    const res = await gw.gql<{ models: { nodes: { name: string; latestVersion: string; aliases: { name: string; version: string }[]; tags: { key: string; value: string }[] }[] } }>(
      '{ models(first: 10, backend: "vertex") { nodes { name latestVersion aliases { name version } tags { key value } } } }',
    );
    expect(res.errors).toBeUndefined();
    expect(res.data?.models.nodes).toEqual([
      { name: "Support-Assistant", latestVersion: "2", aliases: [{ name: "default", version: "1" }], tags: [] },
      { name: "churn", latestVersion: "1", aliases: [{ name: "default", version: "1" }], tags: [{ key: "team", value: "growth" }] },
    ]);
  });

  it("resolves the production entry of a Vertex-backed LLM application with its generation config", async () => {
    const res = await gw.gql<{ resolve: { name: string; backendId: string; registryVersion: string; selectedBy: string; etag: string; version: Record<string, unknown> } }>(
      `query($name: String!) { resolve(name: $name, environment: "production") {
        name registryVersion etag ... on ResolvedEntry { backendId selectedBy
        version { version stage serving description tags { key value } generationConfig { model params eval { suite score } } } } } }`,
      { name: "vertex/Support-Assistant" },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data?.resolve).toMatchObject({
      name: "Support-Assistant",
      backendId: "vertex",
      registryVersion: "vertex/Support-Assistant@2",
      selectedBy: "STAGE",
      version: {
        version: "2",
        stage: "PRODUCTION",
        serving: true,
        description: "pinned",
        tags: [{ key: "team", value: "support" }],
        generationConfig: { model: PINNED.model, params: PINNED.params, eval: PINNED.eval },
      },
    });
    expect(res.data?.resolve.etag).toMatch(/^"[A-Za-z0-9_-]{32}"$/);
  });

  it("reads a version by alias, and reports a model the backend does not hold as NOT_FOUND", async () => {
    const byAlias = await gw.gql<{ modelVersion: { version: string; aliases: string[] } }>(
      '{ modelVersion(backend: "vertex", model: "support-assistant", alias: "default") { version aliases } }',
    );
    expect(byAlias.errors).toBeUndefined();
    expect(byAlias.data?.modelVersion).toEqual({ version: "1", aliases: ["default"] });

    const missing = await gw.gql('{ resolve(name: "vertex/no-such-model", environment: "production") { name } }');
    expect(missing.errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
    expect(missing.errors?.[0]?.message).toMatch(/model "no-such-model" not found in Vertex AI backend "vertex"/);
  });
});
