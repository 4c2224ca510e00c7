/**
 * MLflow's own Python client (the peers' venv) against the facade of a git-YAML backend and of a
 * SageMaker backend (moto): registering versions, aliases, searches, latest versions, and a
 * transition to Production that opens a promotion request, approved with the CLI, then read back.
 * `mlflow.pyfunc.load_model("models:/<name>@production")` loads a real pyfunc model through it.
 */
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { EXAMPLE_SEED } from "../support/test-gateway.js";
import { TEST_CREDENTIALS } from "../sagemaker/helpers.js";
import { startVertexFake, type VertexFake } from "../peers/vertex/index.js";
import { fakeBackendConfig } from "../vertex/harness.js";
import { TOKENS, cli, mlflowEnv, requestIdIn, startFacadeGateway, type FacadeGateway } from "./harness.js";
import { pythonSession } from "./python-session.js";

process.env["AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED"] ??= "true";

const suffix = randomBytes(3).toString("hex");
// Every script in one interpreter: mlflow is imported once for the file, not once per script.
const py = pythonSession();
const python = py.run.bind(py);
let gw: FacadeGateway;
let vertex: VertexFake;

beforeAll(async () => {
  const dir = await import("node:os").then((os) => os.tmpdir());
  vertex = await startVertexFake();
  gw = await startFacadeGateway({
    config: {
      backends: [
        { id: "git", kind: "git-yaml", repo: join(dir, `modelgate-facade-git-${suffix}`), seedFrom: EXAMPLE_SEED },
        { id: "sm", kind: "sagemaker", region: "ca-central-1", endpoint: inject("motoUrl"), credentials: { ...TEST_CREDENTIALS }, timeoutMs: 20_000 },
        { id: "vx", kind: "vertex", ...fakeBackendConfig(vertex) },
      ],
      policies: {
        rules: [
          // The pyfunc model's alias writes that move a stage apply at once (still through the outbox, audited).
          { models: "adder-*", gates: { approvals: 0 } },
          { toStages: ["PRODUCTION"], gates: { approvals: 1 } },
          { gates: { approvals: 0 } },
        ],
      },
      mlflowFacade: { defaultBackend: "git" },
    },
  });
}, 120_000);

afterAll(async () => {
  await py.close();
  await gw?.stop();
  await vertex?.stop();
});

interface Mv {
  name: string;
  version: string;
  current_stage: string;
  source: string;
  aliases: string[];
  tags: Record<string, string>;
  status: string;
}
interface MlflowError {
  error_code: string;
  message: string;
}

const PHASE_ONE = `
name = os.environ["MODEL"]
v1 = mlflow.register_model("s3://models/credit-risk/1", name)
v2 = mlflow.register_model("s3://models/credit-risk/2", name)
out["registered"] = [mv(v1), mv(v2)]
client.set_registered_model_alias(name, "challenger", v2.version)
out["by_alias"] = mv(client.get_model_version_by_alias(name, "challenger"))
out["v2_aliases"] = mv(client.get_model_version(name, v2.version))["aliases"]
client.set_model_version_tag(name, v1.version, "team", "risk")
out["search"] = [mv(v) for v in client.search_model_versions(f"name = '{name}' AND tags.team = 'risk'")]
out["search_all"] = sorted(v.version for v in client.search_model_versions(f"name='{name}'"))
client.delete_registered_model_alias(name, "challenger")
out["alias_gone"] = error_of(lambda: client.get_model_version_by_alias(name, "challenger"))
out["staged"] = mv(client.transition_model_version_stage(name, v1.version, "Staging"))
out["latest_staging"] = [mv(v) for v in client.get_latest_versions(name, stages=["Staging"])]
out["jump"] = error_of(lambda: client.transition_model_version_stage(name, v2.version, "Production"))
out["to_production"] = error_of(lambda: client.transition_model_version_stage(name, v1.version, "Production"))
out["retried"] = error_of(lambda: client.transition_model_version_stage(name, v1.version, "Production"))
out["still"] = mv(client.get_model_version(name, v1.version))
out["native_write"] = error_of(lambda: client.set_model_version_tag(name, v1.version, "modelgate.native.x", "y"))
`;

const PHASE_TWO = `
name = os.environ["MODEL"]
deadline = time.time() + 60
v = client.get_model_version(name, "1")
while v.current_stage != "Production" and time.time() < deadline:
    time.sleep(0.2)
    v = client.get_model_version(name, "1")
out["v1"] = mv(v)
out["v2"] = mv(client.get_model_version(name, "2"))
out["prod_alias"] = mv(client.get_model_version_by_alias(name, "production"))
out["latest_prod"] = [mv(x) for x in client.get_latest_versions(name, stages=["Production"])]
out["model"] = as_json(client.get_registered_model(name))
`;

describe.each([
  { backend: "git", scheme: "basic" as const },
  { backend: "sm", scheme: "bearer" as const },
])("MLflow's client against the facade of backend $backend ($scheme auth)", ({ backend, scheme }) => {
  const model = `credit-risk-${backend}-${suffix}`;

  it("registers with an s3:// source, moves aliases and tags, searches, and stages directly where the policy allows", async () => {
    const { result } = await python<{
      registered: Mv[];
      by_alias: Mv;
      v2_aliases: string[];
      search: Mv[];
      search_all: string[];
      alias_gone: MlflowError;
      staged: Mv;
      latest_staging: Mv[];
      jump: MlflowError;
      to_production: MlflowError;
      retried: MlflowError;
      still: Mv;
      native_write: MlflowError;
    }>(PHASE_ONE, { ...mlflowEnv(gw.registryUri(backend), "alice", scheme), MODEL: model });

    expect(result.registered.map((v) => [v.version, v.source, v.status])).toEqual([
      ["1", "s3://models/credit-risk/1", "READY"],
      ["2", "s3://models/credit-risk/2", "READY"],
    ]);
    expect(result.registered[0]?.tags).toMatchObject({ "modelgate.stage": "NONE" });
    expect(result.by_alias).toMatchObject({ version: "2", aliases: ["challenger"] });
    expect(result.v2_aliases).toEqual(["challenger"]);
    expect(result.search.map((v) => v.version)).toEqual(["1"]);
    expect(result.search[0]?.tags).toMatchObject({ team: "risk" });
    expect(result.search_all).toEqual(["1", "2"]);
    expect(result.alias_gone).toEqual({ error_code: "INVALID_PARAMETER_VALUE", message: "INVALID_PARAMETER_VALUE: Registered model alias challenger not found." });
    // STAGING needs no approval under this policy: applied through the outbox before the answer.
    expect(result.staged).toMatchObject({ version: "1", current_stage: "Staging", tags: { "modelgate.stage": "STAGING" } });
    expect(result.latest_staging.map((v) => v.version)).toEqual(["1"]);
    // The policy's transitions hold: None -> Production is refused, naming the allowed ones.
    expect(result.jump).toMatchObject({ error_code: "INVALID_PARAMETER_VALUE", message: expect.stringContaining("a version in NONE cannot go to PRODUCTION; allowed from NONE: STAGING, ARCHIVED") });
    // PRODUCTION needs an approval: the answer names the request and how to approve it.
    expect(result.to_production.error_code).toBe("PERMISSION_DENIED");
    expect(result.to_production.message).toMatch(/needs approval: modelgate opened promotion request [A-Za-z0-9_-]+/);
    const id = requestIdIn(result.to_production.message);
    // Asking again (a user re-running the script, a client retry) names the same request, opens no second one.
    expect(requestIdIn(result.retried.message)).toBe(id);
    expect(result.still.current_stage).toBe("Staging");
    expect(result.native_write).toMatchObject({ error_code: "INVALID_PARAMETER_VALUE", message: expect.stringContaining("read-only") });

    // The approver approves with the CLI; the outbox applies; MLflow's client reads the result back.
    const approved = await cli(["approve", id, "--comment", "looks good"], gw.url, "bob");
    expect(approved.stdout).toContain(id);
    const { result: after } = await python<{ v2: Mv; v1: Mv; prod_alias: Mv; latest_prod: Mv[]; model: { aliases: { alias: string; version: string }[]; latest_versions: { version: string; current_stage: string }[] } }>(
      PHASE_TWO,
      { ...mlflowEnv(gw.registryUri(backend), "vic", scheme), MODEL: model },
    );
    expect(after.v1).toMatchObject({ current_stage: "Production", aliases: ["production"], tags: { "modelgate.stage": "PRODUCTION" } });
    expect(after.v2).toMatchObject({ current_stage: "None", aliases: [] });
    expect(after.prod_alias.version).toBe("1");
    expect(after.latest_prod.map((v) => v.version)).toEqual(["1"]);
    expect(after.model.aliases).toEqual([{ alias: "production", version: "1" }]);
    expect(after.model.latest_versions.map((v) => [v.version, v.current_stage])).toEqual([
      ["1", "Production"],
      ["2", "None"],
    ]);

    // Everything went through the trail, under the MLflow caller's name.
    const events = await gw.gateway.services.store.listAudit({ filter: { backendId: backend, modelName: model }, first: 100, order: "asc" });
    const actions = events.items.map((e) => `${e.actor}:${e.action}`);
    expect(actions).toEqual(
      expect.arrayContaining([
        "alice:model.create",
        "alice:model_version.register",
        "alice:alias.set",
        "alice:model_version.update",
        "alice:alias.remove",
        "alice:promotion.request",
        "bob:promotion.approve",
      ]),
    );
    expect(events.items.filter((e) => e.action === "promotion.apply").map((e) => e.outcome)).toEqual(["SUCCESS", "SUCCESS"]);
  }, 240_000);
});

describe("models:/ URIs", () => {
  it("loads a pyfunc model registered with a file:// source by models:/name@production", async () => {
    const model = `adder-${suffix}`;
    const { result } = await python<{ version: string; alias: { version: string; current_stage: string }; uri: string; prediction: number[] }>(
      `
import mlflow.pyfunc

class AddSeven(mlflow.pyfunc.PythonModel):
    def predict(self, context, model_input, params=None):
        return [x + 7 for x in model_input]

path = os.path.join(os.getcwd(), "adder")
mlflow.pyfunc.save_model(path, python_model=AddSeven())
name = os.environ["MODEL"]
v = mlflow.register_model("file://" + path, name)
out["version"] = v.version
client.transition_model_version_stage(name, v.version, "Staging")
client.set_registered_model_alias(name, "production", v.version)
out["alias"] = mv(client.get_model_version_by_alias(name, "production"))
out["uri"] = client.get_model_version_download_uri(name, v.version)
loaded = mlflow.pyfunc.load_model(f"models:/{name}@production")
out["prediction"] = [int(x) for x in loaded.predict([1, 2, 3])]
`,
      { ...mlflowEnv(gw.registryUri("git"), "alice"), MODEL: model },
      300_000,
    );
    expect(result.alias).toMatchObject({ version: result.version, current_stage: "Production" });
    expect(result.uri).toMatch(/^file:\/\/.*\/adder$/);
    expect(result.prediction).toEqual([8, 9, 10]);
    const applied = await gw.gateway.services.store.listAudit({ filter: { backendId: "git", modelName: model }, first: 50, order: "asc" });
    expect(applied.items.filter((e) => e.action === "promotion.apply").map((e) => e.actor)).toHaveLength(2);
  }, 360_000);
});

describe("what each backend keeps, through MLflow's client and GraphQL", () => {
  it("shows SageMaker's native fields as read-only modelgate.native.* tags and as GraphQL native; refuses what SageMaker cannot change", async () => {
    const model = `native-${suffix}`;
    const { result } = await python<{ tags: Record<string, string>; description: MlflowError; model_tags: Record<string, string>; git_description: string }>(
      `
name = os.environ["MODEL"]
mlflow.register_model("s3://models/native/1", name)
out["tags"] = mv(client.get_model_version(name, "1"))["tags"]
out["description"] = error_of(lambda: client.update_model_version(name, "1", description="new words"))
client.set_registered_model_tag(name, "owner", "risk-team")
out["model_tags"] = client.get_registered_model(name).tags
`,
      { ...mlflowEnv(gw.registryUri("sm"), "alice", "bearer"), MODEL: model },
    );
    expect(result.tags["modelgate.native.ModelPackageArn"]).toMatch(new RegExp(`^arn:aws:sagemaker:ca-central-1:\\d{12}:model-package/${model}/1$`));
    expect(result.tags["modelgate.native.ModelPackageStatus"]).toBeDefined();
    expect(result.description).toMatchObject({ error_code: "NOT_IMPLEMENTED", message: expect.stringContaining("SageMaker cannot change the description") });
    expect(result.model_tags).toMatchObject({ owner: "risk-team", "modelgate.native.ModelPackageGroupArn": expect.stringContaining(`model-package-group/${model}`) });

    const res = await fetch(`${gw.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${TOKENS.vic}` },
      body: JSON.stringify({ query: `{ model(backend: "sm", name: "${model}") { native } modelVersion(backend: "sm", model: "${model}", version: "1") { native } }` }),
    });
    const body = (await res.json()) as { data: { model: { native: Record<string, unknown> }; modelVersion: { native: Record<string, unknown> } } };
    expect(body.data.modelVersion.native["ModelPackageArn"]).toBe(result.tags["modelgate.native.ModelPackageArn"]);
    expect(body.data.model.native).toEqual({ ModelPackageGroupArn: result.model_tags["modelgate.native.ModelPackageGroupArn"] });
  }, 180_000);
});

describe("a backend that holds no model without a version (Vertex AI)", () => {
  it("registers through create + create-version, moves aliases and stages, and refuses tags it cannot keep", async () => {
    const model = `churn-${suffix}`;
    const { result } = await python<{ version: Mv; alias: Mv; staged: Mv; tag: MlflowError; model: { name: string; aliases: { alias: string; version: string }[] } }>(
      `
name = os.environ["MODEL"]
out["version"] = mv(mlflow.register_model("gs://models/churn/1", name))
client.set_registered_model_alias(name, "challenger", "1")
out["alias"] = mv(client.get_model_version_by_alias(name, "challenger"))
out["staged"] = mv(client.transition_model_version_stage(name, "1", "Staging"))
out["tag"] = error_of(lambda: client.set_model_version_tag(name, "1", "team", "growth"))
out["model"] = as_json(client.get_registered_model(name))
`,
      { ...mlflowEnv(gw.registryUri("vx"), "alice"), MODEL: model },
    );
    expect(result.version).toMatchObject({ version: "1", source: "gs://models/churn/1", status: "READY" });
    expect(result.alias).toMatchObject({ version: "1", aliases: expect.arrayContaining(["challenger"]) });
    expect(result.staged).toMatchObject({ current_stage: "Staging", aliases: expect.arrayContaining(["challenger", "staging"]) });
    expect(result.tag).toMatchObject({ error_code: "NOT_IMPLEMENTED", message: expect.stringContaining("cannot change a version's description or tags") });
    expect(result.model.aliases).toEqual(expect.arrayContaining([{ alias: "challenger", version: "1" }, { alias: "staging", version: "1" }]));
  }, 180_000);
});

describe("the facade's HTTP surface", () => {
  it("refuses a missing or wrong token with MLflow's UNAUTHENTICATED, and a viewer's write with PERMISSION_DENIED", async () => {
    const url = `${gw.registryUri("git")}/api/2.0/mlflow/registered-models/search`;
    const none = await fetch(url);
    expect(none.status).toBe(401);
    expect(await none.json()).toMatchObject({ error_code: "UNAUTHENTICATED" });
    const wrong = await fetch(url, { headers: { authorization: `Basic ${Buffer.from("alice:not-the-token").toString("base64")}` } });
    expect(wrong.status).toBe(401);
    const write = await fetch(`${gw.registryUri("git")}/api/2.0/mlflow/registered-models/create`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKENS.vic}`, "content-type": "application/json" },
      body: JSON.stringify({ name: "nope" }),
    });
    expect(write.status).toBe(403);
    expect(await write.json()).toMatchObject({ error_code: "PERMISSION_DENIED", message: expect.stringContaining("publisher") });
  });

  it("serves the default backend at the root, and answers unknown endpoints and backends with ENDPOINT_NOT_FOUND", async () => {
    const auth = { authorization: `Bearer ${TOKENS.vic}` };
    const root = await fetch(`${gw.url}/api/2.0/mlflow/registered-models/get?name=support-triage`, { headers: auth });
    expect(root.status).toBe(200);
    expect(await root.json()).toMatchObject({ registered_model: { name: "support-triage" } });
    const unknown = await fetch(`${gw.url}/mlflow/nope/api/2.0/mlflow/registered-models/search`, { headers: auth });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error_code: "ENDPOINT_NOT_FOUND", message: expect.stringContaining('no backend "nope"') });
    const endpoint = await fetch(`${gw.registryUri("git")}/api/2.0/mlflow/experiments/search`, { headers: auth });
    expect(endpoint.status).toBe(404);
    expect(await endpoint.json()).toMatchObject({ error_code: "ENDPOINT_NOT_FOUND" });
  });
});
