/**
 * The BentoML adapter package against the real `bentoml` package (Python, from the peers' venv), in a
 * gateway loading it as `kind: "npm:<module>"`: models saved with `bentoml.models.create` are listed
 * through the gateway; what the gateway writes (a version, a promotion, an alias) is what
 * `bentoml.models.get` and `bentoml models get` load; a label changed with BentoML's own API behind
 * the gateway's back shows as drift.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestGateway, type TestGateway } from "../support/test-gateway.js";
import { bentomlCli, DUMP_MODEL, python } from "./python.js";

type Json = ReturnType<typeof JSON.parse>;
const PACKAGE_ENTRY = pathToFileURL(resolve(import.meta.dirname, "../../packages/adapter-bentoml/src/index.ts")).href;

let home: string;
let gw: TestGateway;
/** Version ids BentoML generated, by model. */
let created: { fraud: string[]; churn: string[] };

async function waitApplied(id: string): Promise<Json> {
  const until = Date.now() + 60_000;
  for (;;) {
    const res = await gw.gql<{ node: Json }>(`query($id: ID!) { node(id: $id) { ... on PromotionRequest { status failure } } }`, { id });
    const node = res.data?.node;
    if (node?.status === "APPLIED" || node?.status === "FAILED") return node;
    if (Date.now() > until) throw new Error(`request ${id} still ${String(node?.status)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function promote(model: string, version: string, toStage: string): Promise<Json> {
  const res = await gw.gql<{ promotionRequest: { promotionRequest: { id: string } | null; userErrors: unknown[] } }>(
    `mutation($input: PromotionRequestInput!) { promotionRequest(input: $input) { promotionRequest { id } userErrors { field code message } } }`,
    { input: { backend: "bento", model, version, toStage, environment: "production", reason: `to ${toStage}` } },
  );
  expect(res.data?.promotionRequest.userErrors).toEqual([]);
  return waitApplied(res.data!.promotionRequest.promotionRequest!.id);
}

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), "modelgate-bentoml-home-"));
  // Models as a BentoML user saves them: generated version ids, labels, metadata, files.
  created = await python(
    home,
    `
import json, bentoml
out = {"fraud": [], "churn": []}
for auc in (0.88, 0.91):
    with bentoml.models.create("fraud-detector", labels={"team": "risk", "owner": "ann"}, metadata={"auc": auc, "dataset": "tx-2026-11", "lr": 0.01}) as m:
        open(m.path_of("weights.bin"), "wb").write(b"0" * 1000)
    out["fraud"].append(m.tag.version)
with bentoml.models.create("churn", labels={"team": "growth"}, metadata={"params": {"max_depth": 6}}) as m:
    pass
out["churn"].append(m.tag.version)
print(json.dumps(out))
`,
  );
  gw = await startTestGateway({
    config: {
      backends: [{ id: "bento", kind: `npm:${PACKAGE_ENTRY}`, home }],
      policies: { rules: [{ gates: { approvals: 0 } }] },
      drift: { enabled: false },
    },
  });
}, 300_000);

afterAll(async () => {
  await gw?.stop();
  if (home) await rm(home, { recursive: true, force: true });
});

describe("BentoML models through the gateway", () => {
  it("lists models saved with bentoml.models.create, their versions in creation order and the latest pointer", async () => {
    const res = await gw.gql<{ models: Json }>(`{
      models(first: 10, backend: "bento") {
        edges { node { name latestVersion tags { key value } aliases { name version }
          versions(first: 10) { edges { node { version stage metrics { key value } params tags { key value } } } } } }
      }
    }`);
    expect(res.errors).toBeUndefined();
    const byName = Object.fromEntries(res.data!.models.edges.map((e: Json) => [e.node.name, e.node]));
    expect(Object.keys(byName).sort()).toEqual(["churn", "fraud-detector"]);
    const fraud = byName["fraud-detector"];
    expect(fraud.latestVersion).toBe(created.fraud[1]);
    expect(fraud.aliases).toEqual([{ name: "latest", version: created.fraud[1] }]);
    expect(fraud.tags).toEqual(expect.arrayContaining([{ key: "team", value: "risk" }, { key: "owner", value: "ann" }]));
    const versions = fraud.versions.edges.map((e: Json) => e.node);
    expect(versions.map((v: Json) => v.version)).toEqual(created.fraud);
    expect(versions[1].metrics).toEqual(expect.arrayContaining([{ key: "auc", value: 0.91 }, { key: "lr", value: 0.01 }]));
    expect(versions[1].params).toEqual({ dataset: "tx-2026-11" });
    expect(versions[1].tags).toEqual(expect.arrayContaining([{ key: "bentoml.tag", value: `fraud-detector:${created.fraud[1]}` }]));
    expect(byName["churn"].versions.edges[0].node.params).toEqual({ max_depth: 6 });
  });

  it("registers a version BentoML loads, lists and orders after its own", async () => {
    const res = await gw.gql<{ modelVersionRegister: Json }>(
      `mutation($input: ModelVersionRegisterInput!) { modelVersionRegister(input: $input) { modelVersion { version stage } userErrors { field code message } } }`,
      {
        input: {
          backend: "bento",
          model: "fraud-detector",
          description: "retrained on December data",
          artifactUri: "s3://models/fraud/3",
          tags: [{ key: "team", value: "risk" }, { key: "flag", value: "yes" }],
          params: { max_depth: 8, dataset: "tx-2026-12" },
          metrics: [{ key: "auc", value: 0.93 }],
          lineage: { runId: "2e77", codeCommit: "0123abc" },
          reason: "December retrain",
        },
      },
    );
    expect(res.data?.modelVersionRegister).toEqual({ modelVersion: { version: "3", stage: "NONE" }, userErrors: [] });
    const loaded = await python<Json>(
      home,
      `${DUMP_MODEL}
import json, bentoml
print(json.dumps({"v3": dump("fraud-detector:3"), "latest": dump("fraud-detector:latest")["tag"], "all": [str(m.tag) for m in bentoml.models.list("fraud-detector")]}))
`,
    );
    expect(loaded.v3).toMatchObject({
      tag: "fraud-detector:3",
      labels: { team: "risk", flag: "yes", "modelgate.created_by": "anonymous", "modelgate.description": "retrained on December data", "modelgate.artifact_uri": "s3://models/fraud/3" },
      metadata: { params: { max_depth: 8, dataset: "tx-2026-12" }, metrics: { auc: 0.93 }, lineage: { run_id: "2e77", code_commit: "0123abc" } },
      module: "",
    });
    expect(loaded.latest).toBe("fraud-detector:3");
    expect([...loaded.all].sort()).toEqual([...created.fraud.map((v) => `fraud-detector:${v}`), "fraud-detector:3"].sort());
    const listing = await bentomlCli(home, ["models", "list", "-o", "json"]);
    expect((JSON.parse(listing) as Json[]).map((m) => m.tag)).toContain("fraud-detector:3");
  });

  it("applies a promotion as the modelgate.stage label, visible to `bentoml models get`", async () => {
    const version = created.fraud[1]!;
    expect(await promote("fraud-detector", version, "STAGING")).toMatchObject({ status: "APPLIED" });
    expect(await promote("fraud-detector", version, "PRODUCTION")).toMatchObject({ status: "APPLIED" });
    const got = JSON.parse(await bentomlCli(home, ["models", "get", `fraud-detector:${version}`, "-o", "json"])) as Json;
    // No approvals needed here (policy gates.approvals: 0), so no approval labels: see npm-package.test.ts.
    expect(got.labels).toEqual({ team: "risk", owner: "ann", "modelgate.stage": "production" });
    expect(got.metadata).toEqual({ auc: 0.91, dataset: "tx-2026-11", lr: 0.01 });

    const aliased = await gw.gql<{ aliasSet: Json }>(
      `mutation { aliasSet(input: { backend: "bento", model: "fraud-detector", alias: "champion", version: "${version}", reason: "best auc" }) { userErrors { message } } }`,
    );
    expect(aliased.data?.aliasSet.userErrors).toEqual([]);
    const labels = (JSON.parse(await bentomlCli(home, ["models", "get", `fraud-detector:${version}`, "-o", "json"])) as Json).labels;
    expect(labels["modelgate.alias.champion"]).toMatch(/^\d{4}-\d\d-\d\dT/);

    const prod = await gw.gql<{ whatRunsInProduction: Json }>(`{ whatRunsInProduction { versions { backendId modelName version } failedBackends { backendId } } }`);
    expect(prod.data!.whatRunsInProduction.versions).toEqual([{ backendId: "bento", modelName: "fraud-detector", version }]);
  });

  it("shows a label changed with BentoML's own API as drift on the next check", async () => {
    const version = created.fraud[1]!;
    await python(
      home,
      `
import json, bentoml
m = bentoml.models.get("fraud-detector:${version}")
m.info.labels["modelgate.stage"] = "archived"
m.flush()
print(json.dumps(bentoml.models.get("fraud-detector:${version}").info.labels["modelgate.stage"]))
`,
    );
    const check = await gw.gql<{ driftCheck: Json }>(
      `mutation { driftCheck(input: { backend: "bento", model: "fraud-detector" }) { detected { version expectedStage actualStage } drifts { version } userErrors { message } } }`,
    );
    expect(check.errors).toBeUndefined();
    expect(check.data!.driftCheck.detected).toEqual([{ version, expectedStage: "PRODUCTION", actualStage: "ARCHIVED" }]);
    const trail = await gw.gql<{ auditEvents: Json }>(
      `{ auditEvents(first: 20, filter: { backend: "bento", model: "fraud-detector" }) { edges { node { action actor target outcome } } } }`,
    );
    const actions = trail.data!.auditEvents.edges.map((e: Json) => e.node.action);
    expect(actions).toEqual(expect.arrayContaining(["OUT_OF_BAND_CHANGE"]));
    expect(trail.data!.auditEvents.edges[0].node).toMatchObject({ action: "OUT_OF_BAND_CHANGE", actor: "modelgate:drift" });
  });
});
