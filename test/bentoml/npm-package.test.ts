/**
 * The adapter as a third party ships it, end to end: `npm pack` of packages/adapter-bentoml, installed
 * in a project next to modelgate.yaml (with modelgate as its peer, a second copy), a globally
 * installed gateway started with `modelgate serve` as its own process, and one config line
 * `kind: "npm:@modelgate/adapter-bentoml"`. Models saved by the real `bentoml` package appear in
 * `models`, `whatRunsInProduction` and a deployment; a promotion with an approval is applied through
 * the outbox as labels BentoML shows; a label changed with BentoML's API is drift; the audit trail has
 * it all and verifies.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { startChild, type Child } from "../../bench/processes.js";
import { sha256Hex } from "../../src/http/auth.js";
import { assembleInstallation } from "./install.js";
import { bentomlCli, python } from "./python.js";

type Json = ReturnType<typeof JSON.parse>;
const TOKENS = { alice: "alice-publisher-token-0123456789", bob: "bob-approver-token-0123456789" } as const;

let root: string;
let child: Child | undefined;
let url: string;
let home: string;
let fraud: string[];

async function gql<T = Json>(who: keyof typeof TOKENS, query: string, variables?: Record<string, unknown>): Promise<{ data?: T; errors?: Json[] }> {
  const res = await fetch(`${url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${TOKENS[who]}` },
    body: JSON.stringify({ query, ...(variables ? { variables } : {}) }),
  });
  return (await res.json()) as { data?: T; errors?: Json[] };
}

async function waitStatus(id: string, done: (status: string) => boolean): Promise<Json> {
  const until = Date.now() + 90_000;
  for (;;) {
    const res = await gql<{ node: Json }>("alice", `query($id: ID!) { node(id: $id) { ... on PromotionRequest { id status failure } } }`, { id });
    const node = res.data?.node;
    if (node && done(node.status as string)) return node;
    if (Date.now() > until) throw new Error(`request ${id} still ${String(node?.status)}; gateway output:\n${child?.output() ?? ""}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function approve(id: string): Promise<Json> {
  const res = await gql<{ promotionApprove: Json }>("bob", `mutation($id: ID!) { promotionApprove(input: { id: $id, comment: "looks good" }) { userErrors { code message } } }`, { id });
  expect(res.data?.promotionApprove.userErrors).toEqual([]);
  return waitStatus(id, (s) => s === "APPLIED" || s === "FAILED");
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "modelgate-npm-adapter-"));
  const { gatewayBin, app, adapterFiles } = await assembleInstallation(root);
  // The package ships its build and README, not its sources or tests.
  expect(adapterFiles).toContain("dist/index.js");
  expect(adapterFiles).toContain("README.md");
  expect(adapterFiles.filter((f) => !f.startsWith("dist/") && f !== "package.json" && f !== "README.md")).toEqual([]);

  home = join(app, "bentoml-home");
  fraud = await python<string[]>(
    home,
    `
import json, bentoml
out = []
for auc in (0.88, 0.93):
    with bentoml.models.create("fraud-detector", labels={"team": "risk"}, metadata={"auc": auc}) as m:
        open(m.path_of("weights.bin"), "wb").write(b"0" * 100)
    out.append(m.tag.version)
print(json.dumps(out))
`,
  );

  await writeFile(
    join(app, "modelgate.yaml"),
    stringify({
      logLevel: "info",
      dataDir: "./data",
      server: { host: "127.0.0.1", port: 0 },
      auth: {
        tokens: [
          { subject: "alice", sha256: sha256Hex(TOKENS.alice), roles: ["publisher"] },
          { subject: "bob", sha256: sha256Hex(TOKENS.bob), roles: ["approver"] },
        ],
      },
      // The one config line a user adds (plus the adapter's own keys): home is relative to this file.
      backends: [{ id: "bento", kind: "npm:@modelgate/adapter-bentoml", home: "./bentoml-home" }],
      policies: {
        rules: [
          { toStages: ["STAGING"], gates: { approvals: 0 } },
          { gates: { approvals: 1 } },
        ],
      },
      drift: { enabled: false },
      background: { outboxPollMs: 100 },
    }),
  );
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_PATH: "" };
  for (const key of Object.keys(env)) if (key.startsWith("MODELGATE_") || key === "BENTOML_HOME") delete env[key];
  // Started from elsewhere than the project: the config file's directory decides where packages are found.
  const started = await startChild("modelgate serve", [gatewayBin, "serve", "--config", join(app, "modelgate.yaml")], {
    cwd: root,
    env,
    ready: /"url":"(http:\/\/127\.0\.0\.1:\d+)\/graphql"/,
    timeoutMs: 120_000,
  });
  child = started.child;
  url = started.match[1]!;
}, 900_000);

afterAll(async () => {
  await child?.stop();
  if (root) await rm(root, { recursive: true, force: true });
});

describe("a third-party adapter package, loaded from config", () => {
  it("serves BentoML's models beside the built-in backends' shape, with typed errors", async () => {
    const res = await gql<{ backends: Json[]; models: Json }>(
      "alice",
      `{ backends { kind health { state } capabilities { writes aliases } }
         models(first: 10) { edges { node { name backendId latestVersion versions(first: 10) { edges { node { version stage metrics { key value } } } } } } } }`,
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.backends).toEqual([{ kind: "bentoml", health: { state: "UP" }, capabilities: { writes: true, aliases: true } }]);
    const model = res.data!.models.edges[0].node;
    expect(model).toMatchObject({ name: "fraud-detector", backendId: "bento", latestVersion: fraud[1] });
    expect(model.versions.edges.map((e: Json) => e.node.version)).toEqual(fraud);
    expect(model.versions.edges[1].node.metrics).toEqual([{ key: "auc", value: 0.93 }]);

    // NOT_FOUND from the adapter's own copy of modelgate/core arrives as NOT_FOUND, not a masked fault.
    const missing = await gql<{ aliasSet: Json }>("alice", `mutation { aliasSet(input: { backend: "bento", model: "fraud-detector", alias: "x", version: "nope" }) { userErrors { code message } } }`);
    expect(missing.data?.aliasSet.userErrors).toEqual([{ code: "NOT_FOUND", message: 'model "fraud-detector" has no version "nope"' }]);
  });

  it("promotes a BentoML version with an approval, applied through the outbox as labels BentoML shows", async () => {
    const version = fraud[1]!;
    for (const toStage of ["STAGING", "PRODUCTION"]) {
      const res = await gql<{ promotionRequest: Json }>(
        "alice",
        `mutation($input: PromotionRequestInput!) { promotionRequest(input: $input) { promotionRequest { id status } userErrors { code message } } }`,
        { input: { backend: "bento", model: "fraud-detector", version, toStage, environment: "production", reason: `${toStage.toLowerCase()} for December` } },
      );
      expect(res.data?.promotionRequest.userErrors).toEqual([]);
      const id = res.data!.promotionRequest.promotionRequest.id as string;
      const final = toStage === "STAGING" ? await waitStatus(id, (s) => s === "APPLIED" || s === "FAILED") : await approve(id);
      expect(final).toMatchObject({ status: "APPLIED" });
    }
    const got = JSON.parse(await bentomlCli(home, ["models", "get", `fraud-detector:${version}`, "-o", "json"])) as Json;
    expect(got.labels).toMatchObject({ team: "risk", "modelgate.stage": "production", "modelgate.approval.approved_by": "bob" });
    expect(got.labels["modelgate.approval.request_id"]).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("runs the version in a deployment, listed by whatRunsInProduction", async () => {
    const version = fraud[1]!;
    const created = await gql<{ deploymentRevisionCreate: Json }>(
      "alice",
      `mutation($input: DeploymentRevisionCreateInput!) { deploymentRevisionCreate(input: $input) { revision { number } userErrors { code message } } }`,
      { input: { name: "fraud-api", environment: "production", reason: "BentoML scorer", components: [{ role: "scorer", backend: "bento", model: "fraud-detector", version, weight: 100 }] } },
    );
    expect(created.data?.deploymentRevisionCreate.userErrors).toEqual([]);
    const promoted = await gql<{ deploymentPromote: Json }>(
      "alice",
      `mutation { deploymentPromote(input: { name: "fraud-api", environment: "production", revision: 1, reason: "ship" }) { promotionRequest { id } userErrors { code message } } }`,
    );
    expect(promoted.data?.deploymentPromote.userErrors).toEqual([]);
    expect(await approve(promoted.data!.deploymentPromote.promotionRequest.id as string)).toMatchObject({ status: "APPLIED" });

    const what = await gql<{ whatRunsInProduction: Json }>(
      "alice",
      `{ whatRunsInProduction { deployments { deployment { name } } versions { backendId modelName version usedBy { deployment role } approval { requestedBy approvedBy } } failedBackends { backendId } } }`,
    );
    expect(what.errors).toBeUndefined();
    expect(what.data!.whatRunsInProduction).toEqual({
      deployments: [{ deployment: { name: "fraud-api" } }],
      versions: [{ backendId: "bento", modelName: "fraud-detector", version, usedBy: [{ deployment: "fraud-api", role: "scorer" }], approval: { requestedBy: "alice", approvedBy: ["bob"] } }],
      failedBackends: [],
    });
  });

  it("reports a label changed with BentoML's own API as drift, and keeps it all in a trail that verifies", async () => {
    const version = fraud[1]!;
    await python(
      home,
      `
import json, bentoml
m = bentoml.models.get("fraud-detector:${version}")
m.info.labels["modelgate.stage"] = "staging"
m.flush()
print(json.dumps(True))
`,
    );
    const check = await gql<{ driftCheck: Json }>("alice", `mutation { driftCheck(input: { backend: "bento", model: "fraud-detector" }) { detected { version expectedStage actualStage } userErrors { message } } }`);
    expect(check.errors).toBeUndefined();
    expect(check.data!.driftCheck.detected).toEqual([{ version, expectedStage: "PRODUCTION", actualStage: "STAGING" }]);

    const trail = await gql<{ auditEvents: Json; auditVerification: Json }>(
      "alice",
      `{ auditEvents(first: 50, filter: { backend: "bento", order: ASC }) { edges { node { action actor target } } } auditVerification { ok } }`,
    );
    expect(trail.errors).toBeUndefined();
    const events = trail.data!.auditEvents.edges.map((e: Json) => `${e.node.actor} ${e.node.action}`);
    expect(events).toEqual(expect.arrayContaining(["alice promotion.request", "bob promotion.approve", "modelgate:drift OUT_OF_BAND_CHANGE"]));
    expect(events.at(-1)).toBe("modelgate:drift OUT_OF_BAND_CHANGE");
    expect(trail.data!.auditVerification.ok).toBe(true);
  });
});
