/**
 * Cross-check: MLflow's own Python client arranges models, versions, tags, aliases, a legacy stage
 * and a prompt on the shared real server (test/peers/mlflow-fixture.py) and reports what it reads
 * back; the gateway, with an mlflow backend and over GraphQL, must answer the same. And the other way:
 * what the gateway writes, MLflow's client reads as the gateway reported it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestGateway, type TestGateway } from "../support/test-gateway.js";
import { readWithMlflowClient, runMlflowFixture, type FixtureReport, type FixtureVersion } from "./fixture.js";
import { deleteModelsWithPrefix, sharedMlflowUrl, uniquePrefix } from "./helpers.js";

const prefix = uniquePrefix("xcheck");
let report: FixtureReport;
let gw: TestGateway;

interface GqlVersion {
  version: string;
  stage: string;
  nativeStage: string | null;
  artifactUri: string | null;
  description: string | null;
  tags: { key: string; value: string }[];
  aliases: string[];
  lineage: { runId: string | null; runLink: string | null };
  createdAt: string | null;
  updatedAt: string | null;
  generationConfig: { model: string; params: Record<string, unknown>; promptRef: string | null } | null;
}

interface GqlModel {
  name: string;
  description: string | null;
  tags: { key: string; value: string }[];
  aliases: { name: string; version: string }[];
  createdAt: string | null;
  updatedAt: string | null;
  latestVersion: string | null;
  versions: { nodes: GqlVersion[]; pageInfo: { hasNextPage: boolean } };
}

const VERSION_FIELDS = `version stage nativeStage artifactUri description tags { key value } aliases
  lineage { runId runLink } createdAt updatedAt generationConfig { model params promptRef }`;
const MODEL_QUERY = `query M($name: String!) {
  model(backend: "mlflow", name: $name) {
    name description tags { key value } aliases { name version } createdAt updatedAt latestVersion
    versions(first: 100) { nodes { ${VERSION_FIELDS} } pageInfo { hasNextPage } }
  }
}`;

const iso = (ms: number) => new Date(ms).toISOString();
const tagList = (tags: Record<string, string>) =>
  Object.entries(tags)
    .filter(([k]) => !k.startsWith("modelgate."))
    .map(([key, value]) => ({ key, value }))
    .sort((a, b) => (a.key < b.key ? -1 : 1));
const sortTags = (tags: { key: string; value: string }[]) => [...tags].sort((a, b) => (a.key < b.key ? -1 : 1));

async function model(name: string): Promise<GqlModel> {
  const res = await gw.gql<{ model: GqlModel }>(MODEL_QUERY, { name });
  expect(res.errors).toBeUndefined();
  return res.data!.model;
}

function expectSameVersion(gql: GqlVersion | undefined, mlflow: FixtureVersion, stage: string) {
  expect(gql).toBeDefined();
  expect({ ...gql!, tags: sortTags(gql!.tags) }).toMatchObject({
    version: mlflow.version,
    stage,
    nativeStage: mlflow.current_stage,
    artifactUri: mlflow.source,
    description: mlflow.description,
    tags: tagList(mlflow.tags),
    aliases: mlflow.aliases,
    lineage: { runId: mlflow.run_id, runLink: mlflow.run_link },
    createdAt: iso(mlflow.creation_timestamp),
    updatedAt: iso(mlflow.last_updated_timestamp),
  });
}

beforeAll(async () => {
  report = await runMlflowFixture(sharedMlflowUrl(), prefix);
  gw = await startTestGateway({ config: { backends: [{ id: "mlflow", kind: "mlflow", trackingUri: sharedMlflowUrl() }] } });
}, 120_000);
afterAll(async () => {
  await gw?.stop();
  await deleteModelsWithPrefix(sharedMlflowUrl(), prefix);
});

describe("the gateway and MLflow's own client agree", () => {
  it("on a model: description, tags, aliases, timestamps and every version", async () => {
    const fixture = report.classifier;
    const m = await model(fixture.name);
    expect({ ...m, tags: sortTags(m.tags) }).toMatchObject({
      name: fixture.name,
      description: fixture.description,
      tags: tagList(fixture.tags),
      aliases: Object.entries(fixture.aliases)
        .map(([name, version]) => ({ name, version }))
        .sort((a, b) => (a.name < b.name ? -1 : 1)),
      createdAt: iso(fixture.creation_timestamp),
      updatedAt: iso(fixture.last_updated_timestamp),
      latestVersion: "3",
    });
    expect(m.versions.pageInfo.hasNextPage).toBe(false);
    expect(m.versions.nodes.map((v) => v.version)).toEqual(fixture.versions.map((v) => v.version));
    const [v1, v2, v3] = fixture.versions as [FixtureVersion, FixtureVersion, FixtureVersion];
    // v1: real run lineage; its legacy stage (Archived) is shown read-only, the gateway stage is NONE.
    expectSameVersion(m.versions.nodes[0], v1, "NONE");
    expect(v1.run_id).toBe(report.run_id);
    expect(v1.current_stage).toBe("Archived");
    expectSameVersion(m.versions.nodes[1], v2, "NONE");
    // v3 holds the production alias: the gateway's PRODUCTION.
    expectSameVersion(m.versions.nodes[2], v3, "PRODUCTION");
  });

  it("on versions read one at a time, by number and by alias", async () => {
    const fixture = report.classifier;
    const res = await gw.gql<{ byNumber: GqlVersion; champion: GqlVersion; production: GqlVersion }>(
      `query V($name: String!) {
        byNumber: modelVersion(backend: "mlflow", model: $name, version: "1") { ${VERSION_FIELDS} }
        champion: modelVersion(backend: "mlflow", model: $name, alias: "champion") { ${VERSION_FIELDS} }
        production: modelVersion(backend: "mlflow", model: $name, alias: "production") { ${VERSION_FIELDS} }
      }`,
      { name: fixture.name },
    );
    expect(res.errors).toBeUndefined();
    expectSameVersion(res.data!.byNumber, fixture.versions[0]!, "NONE");
    expectSameVersion(res.data!.champion, fixture.versions[1]!, "NONE");
    expectSameVersion(res.data!.production, fixture.versions[2]!, "PRODUCTION");
  });

  it("on which models exist: the prompt is not one", async () => {
    const res = await gw.gql<{ models: { nodes: { name: string; backendId: string }[] } }>(
      `query L($f: ModelFilter) { models(backend: "mlflow", first: 100, filter: $f) { nodes { name backendId } } }`,
      { f: { nameContains: prefix } },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.models.nodes.map((n) => n.name)).toEqual(report.visible_models);
    expect(res.data!.models.nodes.map((n) => n.name)).not.toContain(report.prompt.name);
  });

  it("on an LLM entry: resolve returns its generation config with MLflow's prompt inlined", async () => {
    const res = await gw.gql<{
      resolve: {
        registryVersion: string;
        selectedBy: string;
        version: GqlVersion;
        prompt: { name: string; version: string; template: string; location: string };
        etag: string;
      };
    }>(
      `query R($name: String!) { resolve(name: $name, environment: "production") {
        registryVersion etag ... on ResolvedEntry { selectedBy version { ${VERSION_FIELDS} } prompt { name version template location } }
      } }`,
      { name: report.assistant.name },
    );
    expect(res.errors).toBeUndefined();
    const entry = res.data!.resolve;
    expect(entry.registryVersion).toBe(`mlflow/${report.assistant.name}@1`);
    expect(entry.selectedBy).toBe("ALIAS");
    expect(entry.version.generationConfig).toEqual({ ...report.generation_config });
    expectSameVersion(entry.version, report.assistant.versions[0]!, "PRODUCTION");
    const promptVersion = report.prompt.versions.find((p) => p.version === "2")!;
    expect(entry.prompt).toEqual({
      name: report.prompt.name,
      version: "2",
      template: promptVersion.template,
      location: `prompts:/${report.prompt.name}/2`,
    });
    expect(entry.etag).toMatch(/^"[\w-]{32}"$/);
  });

  it("on what the gateway writes: MLflow's client reads back the registered version and its aliases", async () => {
    const name = `${prefix}-written`;
    const registered = await gw.gql<{ modelVersionRegister: { modelVersion: GqlVersion; userErrors: unknown[] } }>(
      `mutation R($input: ModelVersionRegisterInput!) { modelVersionRegister(input: $input) { modelVersion { ${VERSION_FIELDS} } userErrors { code message } } }`,
      {
        input: {
          backend: "mlflow",
          model: name,
          artifactUri: "s3://models/written/1",
          description: "registered through the gateway",
          tags: [{ key: "team", value: "ml" }],
          lineage: { runId: "run-42", runLink: "https://mlflow/#/runs/run-42" },
          generationConfig: { model: "gpt-5-mini-2026-06-10", params: { temperature: 0.1 }, promptRef: `${report.prompt.name}@1` },
          reason: "cross-check",
        },
      },
    );
    expect(registered.errors).toBeUndefined();
    expect(registered.data!.modelVersionRegister.userErrors).toEqual([]);
    const written = registered.data!.modelVersionRegister.modelVersion;
    const aliased = await gw.gql<{ aliasSet: { modelVersion: GqlVersion; userErrors: unknown[] } }>(
      `mutation A { aliasSet(input: { backend: "mlflow", model: "${name}", alias: "production", version: "1" }) { modelVersion { ${VERSION_FIELDS} } userErrors { code message } } }`,
    );
    expect(aliased.data!.aliasSet.userErrors).toEqual([]);

    const mlflow = await readWithMlflowClient(sharedMlflowUrl(), name);
    expect(mlflow.aliases).toEqual({ production: "1" });
    const [v1] = mlflow.versions as [FixtureVersion];
    expect(v1).toMatchObject({ version: "1", source: "s3://models/written/1", run_id: "run-42", run_link: "https://mlflow/#/runs/run-42", current_stage: "None" });
    expect(JSON.parse(v1.tags["modelgate.generation_config"] as string)).toEqual(written.generationConfig);
    expect(v1.tags).toMatchObject({ team: "ml", "modelgate.reason": "cross-check", "modelgate.stage": "NONE" });
    expectSameVersion(aliased.data!.aliasSet.modelVersion, v1, "PRODUCTION");
    expect(written).toMatchObject({ version: "1", stage: "NONE", description: "registered through the gateway" });
  });
});
