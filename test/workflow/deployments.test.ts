/** Deployment revisions through the real gateway over HTTP: validation, bundles, immutability, roles, audit. */
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { deleteModelsWithPrefix, sharedMlflowUrl, uniquePrefix } from "../mlflow/helpers.js";
import { EXAMPLE_SEED } from "../support/test-gateway.js";
import { auditActions, startWorkflowGateway, type ParsedJson, type WorkflowGateway } from "./workflow-gateway.js";

let gw: WorkflowGateway | undefined;
afterEach(async () => {
  await gw?.stop();
  gw = undefined;
});

const REVISION_FIELDS = `id number status contentHash createdBy reason
  components { role backendId modelName version weight shadow serving modelVersion { id stage version } }
  deployment { id name environment }`;
const CREATE = `mutation($input: DeploymentRevisionCreateInput!) {
  deploymentRevisionCreate(input: $input) {
    deployment { id name environment }
    revision { ${REVISION_FIELDS} }
    unchanged
    userErrors { field code message }
  }
}`;
const DEPLOYMENT = `query($name: String!, $env: String!) {
  deployment(name: $name, environment: $env) {
    id name environment createdBy
    latestRevision { number contentHash }
    revisions { ${REVISION_FIELDS} }
  }
}`;
const LIST = `query($env: String, $first: Int, $after: String) {
  deployments(environment: $env, first: $first, after: $after) { nodes { name environment } pageInfo { hasNextPage endCursor } }
}`;
const NODE = `query($id: ID!) { node(id: $id) { __typename ... on DeploymentRevision { number contentHash } ... on Deployment { name environment } } }`;

type Component = { role: string; backend?: string; model: string; version: string; weight: number; shadow?: boolean };

/** The support bot: triage classifier with a 90/10 split, the embedder, the reply drafter and its shadow candidate. */
const BUNDLE: Component[] = [
  { role: "classifier", model: "support-triage", version: "14", weight: 90 },
  { role: "classifier", model: "support-triage", version: "15", weight: 10 },
  { role: "retriever", model: "ticket-embedder", version: "2", weight: 100 },
  { role: "generation", model: "reply-drafter", version: "3", weight: 100 },
  { role: "generation", model: "reply-drafter", version: "4", weight: 0, shadow: true },
];

const input = (components: Component[], extra: Record<string, unknown> = {}) => ({
  input: {
    name: "support-bot",
    environment: "production",
    reason: "first bundle",
    components: components.map((c) => ({ backend: "example", shadow: false, ...c })),
    ...extra,
  },
});

async function create(who: "alice" | "vic" | "pat", components: Component[], extra: Record<string, unknown> = {}): Promise<Record<string, ParsedJson>> {
  const res = await gw!.as(who, CREATE, input(components, extra));
  expect(res.errors).toBeUndefined();
  return res.data!.deploymentRevisionCreate as Record<string, ParsedJson>;
}

describe("deploymentRevisionCreate over the example git-YAML registry", () => {
  it("records a bundle as revision 1 with its components resolved to model versions, and an audit event", async () => {
    gw = await startWorkflowGateway({ outbox: false });
    const out = await create("alice", BUNDLE);
    expect(out.userErrors).toEqual([]);
    expect(out.unchanged).toBe(false);
    const rev = out.revision;
    expect(rev).toMatchObject({ number: 1, status: "DRAFT", createdBy: "alice", reason: "first bundle", deployment: { name: "support-bot", environment: "production" } });
    expect(rev.contentHash).toMatch(/^[0-9a-f]{64}$/);
    // Sorted by role, backend, model, version; the shadow component never serves.
    expect(rev.components.map((c: ParsedJson) => [c.role, c.modelName, c.version, c.weight, c.shadow, c.serving])).toEqual([
      ["classifier", "support-triage", "14", 90, false, true],
      ["classifier", "support-triage", "15", 10, false, true],
      ["generation", "reply-drafter", "3", 100, false, true],
      ["generation", "reply-drafter", "4", 0, true, false],
      ["retriever", "ticket-embedder", "2", 100, false, true],
    ]);
    expect(rev.components.map((c: ParsedJson) => c.modelVersion.stage)).toEqual(["PRODUCTION", "STAGING", "PRODUCTION", "SHADOW", "PRODUCTION"]);

    const read = await gw.as("vic", DEPLOYMENT, { name: "support-bot", env: "production" });
    expect(read.data?.deployment).toMatchObject({ id: out.deployment.id, createdBy: "alice", latestRevision: { number: 1, contentHash: rev.contentHash } });
    expect(read.data?.deployment.revisions).toEqual([rev]);
    expect((await gw.as("vic", DEPLOYMENT, { name: "support-bot", env: "staging" })).data?.deployment).toBeNull();

    expect((await gw.as("vic", NODE, { id: rev.id })).data?.node).toEqual({ __typename: "DeploymentRevision", number: 1, contentHash: rev.contentHash });
    expect((await gw.as("vic", NODE, { id: out.deployment.id })).data?.node).toEqual({ __typename: "Deployment", name: "support-bot", environment: "production" });

    const events = await auditActions(gw, "deployment.revision_create");
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actor: "alice", target: "support-bot@production#1", outcome: "SUCCESS", reason: "first bundle", before: null });
    expect(events[0]!.after).toMatchObject({ revision: 1, status: "DRAFT", contentHash: rev.contentHash });
    expect(events[0]!.after.components).toHaveLength(5);
  });

  it("keeps revisions immutable: a change is a new revision, equal content hashes equal, a repeat of the latest records nothing", async () => {
    gw = await startWorkflowGateway({ outbox: false });
    const first = (await create("alice", BUNDLE)).revision;
    // Same content in another order: nothing new.
    const again = await create("alice", [...BUNDLE].reverse(), { reason: "retry" });
    expect(again).toMatchObject({ unchanged: true, userErrors: [], revision: { id: first.id, number: 1, reason: "first bundle" } });

    const canary = BUNDLE.map((c) => (c.version === "14" ? { ...c, weight: 50 } : c.version === "15" ? { ...c, weight: 50 } : c));
    const second = (await create("pat", canary, { reason: "canary to 50%" })).revision;
    expect(second).toMatchObject({ number: 2, createdBy: "pat", reason: "canary to 50%" });
    expect(second.contentHash).not.toBe(first.contentHash);

    const back = (await create("alice", BUNDLE, { reason: "back to 90/10" })).revision;
    expect(back).toMatchObject({ number: 3, contentHash: first.contentHash });
    expect(back.id).not.toBe(first.id);

    const read = await gw.as("vic", DEPLOYMENT, { name: "support-bot", env: "production" });
    const revisions = read.data?.deployment.revisions as ParsedJson[];
    expect(revisions.map((r) => r.number)).toEqual([3, 2, 1]);
    expect(revisions[2]).toEqual(first);
    expect((await auditActions(gw, "deployment.revision_create")).map((e) => e.target)).toEqual([
      "support-bot@production#1",
      "support-bot@production#2",
      "support-bot@production#3",
    ]);
  });

  it("reports weight, role and shape problems as user errors naming the field, recording nothing", async () => {
    gw = await startWorkflowGateway({ outbox: false });
    const cases: [Component[], Record<string, unknown>, string[], string][] = [
      [[BUNDLE[0]!, BUNDLE[1]!, { ...BUNDLE[2]!, weight: 99 }], {}, ["input", "components", "2", "weight"], 'role "retriever" sum to 99'],
      [[BUNDLE[0]!, { ...BUNDLE[1]!, weight: 20 }], {}, ["input", "components", "1", "weight"], 'role "classifier" sum to 110'],
      [[{ ...BUNDLE[2]!, weight: 101 }], {}, ["input", "components", "0", "weight"], "from 0 to 100"],
      [[{ ...BUNDLE[2]!, weight: -1 }], {}, ["input", "components", "0", "weight"], "from 0 to 100"],
      [[{ ...BUNDLE[4]! }], {}, ["input", "components", "0", "shadow"], "only shadow components"],
      [[{ ...BUNDLE[2]!, role: "Retriever" }], {}, ["input", "components", "0", "role"], "is not a role"],
      [[BUNDLE[2]!, { ...BUNDLE[2]!, weight: 0 }], {}, ["input", "components", "1", "version"], "already in role"],
      [[BUNDLE[2]!], { environment: "moon" }, ["input", "environment"], 'unknown environment "moon"'],
      [[BUNDLE[2]!], { name: "Support Bot" }, ["input", "name"], "not a deployment name"],
      [[BUNDLE[2]!], { reason: "  " }, ["input", "reason"], "must not be empty"],
      [[], {}, ["input", "components"], "at least one component"],
    ];
    for (const [components, extra, field, message] of cases) {
      const out = await create("alice", components, extra);
      expect(out.revision).toBeNull();
      expect(out.userErrors).toEqual([{ field, code: "INVALID_INPUT", message: expect.stringContaining(message) }]);
    }
    expect((await gw.as("vic", LIST, {})).data?.deployments.nodes).toEqual([]);
    expect(await auditActions(gw, "deployment.revision_create")).toEqual([]);
  });

  it("refuses unknown versions and backends as NOT_FOUND user errors", async () => {
    gw = await startWorkflowGateway({ outbox: false });
    const missing = await create("alice", [BUNDLE[0]!, { ...BUNDLE[1]!, version: "99" }]);
    expect(missing.userErrors).toEqual([{ field: ["input", "components", "1", "version"], code: "NOT_FOUND", message: expect.stringContaining("example/support-triage@99 does not exist") }]);
    const backend = await create("alice", [{ ...BUNDLE[2]!, backend: "nowhere" }]);
    expect(backend.userErrors).toEqual([{ field: ["input", "components", "0", "backend"], code: "NOT_FOUND", message: expect.stringContaining('unknown backend "nowhere"') }]);
    expect(await auditActions(gw, "deployment.revision_create")).toEqual([]);
  });

  it("lets publishers create revisions and viewers only read", async () => {
    gw = await startWorkflowGateway({ outbox: false });
    const refused = await create("vic", BUNDLE);
    expect(refused.revision).toBeNull();
    expect(refused.userErrors).toEqual([{ field: null, code: "FORBIDDEN", message: expect.stringContaining("publisher") }]);
    expect(await auditActions(gw, "deployment.revision_create")).toEqual([]);
    expect((await create("alice", BUNDLE)).userErrors).toEqual([]);
  });

  it("lists deployments by environment then name, in pages", async () => {
    gw = await startWorkflowGateway({ outbox: false });
    for (const [name, environment] of [["b-bot", "production"], ["a-bot", "production"], ["c-bot", "staging"]]) {
      expect((await create("alice", [BUNDLE[2]!], { name, environment })).userErrors).toEqual([]);
    }
    const page1 = await gw.as("vic", LIST, { env: "production", first: 1 });
    expect(page1.data?.deployments).toMatchObject({ nodes: [{ name: "a-bot", environment: "production" }], pageInfo: { hasNextPage: true } });
    const page2 = await gw.as("vic", LIST, { env: "production", first: 1, after: page1.data?.deployments.pageInfo.endCursor });
    expect(page2.data?.deployments).toMatchObject({ nodes: [{ name: "b-bot" }], pageInfo: { hasNextPage: false } });
    expect((await gw.as("vic", LIST, {})).data?.deployments.nodes.map((n: ParsedJson) => `${n.environment}/${n.name}`)).toEqual([
      "production/a-bot",
      "production/b-bot",
      "staging/c-bot",
    ]);
  });
});

describe("a bundle across git-YAML and MLflow", () => {
  const prefix = uniquePrefix("deploy");
  afterAll(async () => {
    await deleteModelsWithPrefix(sharedMlflowUrl(), prefix);
  });

  it("takes an MLflow fallback classifier next to git-YAML components", async () => {
    const dir = await mkdtemp(join(tmpdir(), "modelgate-deploy-"));
    gw = await startWorkflowGateway({
      dir,
      outbox: false,
      config: {
        backends: [
          { id: "example", kind: "git-yaml", repo: join(dir, "registry"), seedFrom: EXAMPLE_SEED },
          { id: "mlflow", kind: "mlflow", trackingUri: sharedMlflowUrl() },
        ],
      },
    });
    const model = `${prefix}-fallback`;
    const reg = await gw.as("pat", `mutation($model: String!) {
      modelVersionRegister(input: { backend: "mlflow", model: $model, artifactUri: "s3://bucket/fallback" }) { modelVersion { version } userErrors { message } }
    }`, { model });
    expect(reg.data?.modelVersionRegister.userErrors).toEqual([]);
    const out = await create("alice", [BUNDLE[2]!, { role: "fallback", backend: "mlflow", model, version: "1", weight: 100 }]);
    expect(out.userErrors).toEqual([]);
    expect(out.revision.components.map((c: ParsedJson) => [c.role, c.backendId, c.modelName, c.modelVersion.version])).toEqual([
      ["fallback", "mlflow", model, "1"],
      ["retriever", "example", "ticket-embedder", "2"],
    ]);
    const missing = await create("alice", [{ role: "fallback", backend: "mlflow", model, version: "7", weight: 100 }]);
    expect(missing.userErrors).toMatchObject([{ field: ["input", "components", "0", "version"], code: "NOT_FOUND" }]);
  });
});
