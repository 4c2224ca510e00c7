/**
 * Cross-registry copies end to end (docs/lifecycle.md#cross-registry-copies), through the real
 * gateway over HTTP against the real peers: MLflow → SageMaker (moto) and git-YAML → Vertex AI
 * (the fake), each checked in the target backend (artifact, metadata, generation config, stage)
 * and in the lineage graph (a COPIED_FROM edge both ways); a copy into a target whose policy needs
 * an approval waits for it; a copy whose stage write fails is undone (the registered version
 * removed from the fake) and ends FAILED with the reason. The only mock is that fault: the fake
 * cannot be told to refuse one stage write.
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { BUILT_IN_ADAPTERS, type FactoryMap } from "../../src/app/adapter-registry.js";
import { ForbiddenError, createCallContext, type AdapterFactory, type ModelVersion, type RegistryAdapter } from "../../src/core/index.js";
import { startVertexFake, type VertexFake } from "../peers/vertex/index.js";
import { TEST_CREDENTIALS } from "../sagemaker/helpers.js";
import { fakeBackendConfig } from "../vertex/harness.js";
import { EXAMPLE_SEED } from "../support/test-gateway.js";
import { APPROVE, TOKENS, auditActions, startWorkflowGateway, waitForStatus, type WorkflowGateway } from "../workflow/workflow-gateway.js";
import { captureIo } from "../../src/cli/capture-io.js";
import { runCli } from "../../src/cli/program.js";
import { readTrail } from "../../src/workflow/trail-reader.js";
import { approvedInto } from "../../src/workflow/trail-stages.js";

// Each test waits on several backends and the outbox under a loaded machine: generous deadlines.
vi.setConfig({ testTimeout: 180_000 });

const tag = randomBytes(3).toString("hex");
let fake: VertexFake;
let gw: WorkflowGateway;
/** Vertex models whose stage writes the injected fault refuses. */
const refuseStageOf = new Set<string>();

const COPY = `mutation($input: ModelVersionCopyInput!) {
  modelVersionCopy(input: $input) {
    replayed
    promotionRequest { id status toStage environment failure copy { from to version } policy { source approvals } gates { gate passed detail } }
    userErrors { field code message }
  }
}`;
const REQUEST = `query($id: ID!) { node(id: $id) { ... on PromotionRequest { status failure copy { from to version } } } }`;
const REGISTER = `mutation($input: ModelVersionRegisterInput!) { modelVersionRegister(input: $input) { modelVersion { version } userErrors { field code message } } }`;
const LINEAGE = `query($id: String!, $direction: LineageDirection) { lineage(id: $id, direction: $direction, depth: 1) { nodes { id } edges { from to kind } } }`;

/** The Vertex factory, with setStage refused (PERMISSION_DENIED) for the models in `refuseStageOf`. */
function faultyVertex(factories: FactoryMap): FactoryMap {
  const out = new Map(factories);
  const vertex = factories.get("vertex") as AdapterFactory<unknown>;
  out.set("vertex", {
    ...vertex,
    async create(id, config, ctx) {
      const adapter = await vertex.create(id, config, ctx);
      const wrapper = Object.create(adapter) as RegistryAdapter;
      wrapper.setStage = (model, version, stage, c, opts) => {
        if (refuseStageOf.has(model)) return Promise.reject(new ForbiddenError(`injected: the service account may not label ${model}@${version}`, { backend: id }));
        return adapter.setStage(model, version, stage, c, opts);
      };
      return wrapper;
    },
  });
  return out;
}

function testCtx() {
  return createCallContext({ timeoutMs: 30_000, actor: { id: "copy-test", roles: ["viewer"] } });
}

async function read(backend: string, model: string, version: string): Promise<ModelVersion> {
  return gw.gateway.services.catalog.backend(backend).getVersion(model, version, testCtx());
}

async function register(input: Record<string, unknown>): Promise<string> {
  const res = await gw.as<{ modelVersionRegister: { modelVersion: { version: string } | null; userErrors: unknown[] } }>("alice", REGISTER, { input });
  expect(res.errors).toBeUndefined();
  expect(res.data?.modelVersionRegister.userErrors).toEqual([]);
  return res.data!.modelVersionRegister.modelVersion!.version;
}

interface CopyResult {
  modelVersionCopy: {
    replayed: boolean;
    promotionRequest: { id: string; status: string; toStage: string; failure: string | null; copy: { from: string; to: string; version: string | null }; gates: { gate: string; passed: boolean }[] } | null;
    userErrors: { field: string[] | string; code: string; message: string }[];
  };
}

async function copy(input: Record<string, unknown>, who: "alice" | "pat" = "alice") {
  const res = await gw.as<CopyResult>(who, COPY, { input });
  expect(res.errors).toBeUndefined();
  return res.data!.modelVersionCopy;
}

async function finished(id: string): Promise<{ status: string; failure: string | null; copy: { version: string | null } }> {
  await waitForStatus(gw, id, ["APPLIED", "FAILED", "REJECTED"], 60_000);
  const res = await gw.as<{ node: { status: string; failure: string | null; copy: { version: string | null } } }>("vic", REQUEST, { id });
  return res.data!.node;
}

async function edges(id: string, direction: "UPSTREAM" | "DOWNSTREAM") {
  const res = await gw.as<{ lineage: { edges: { from: string; to: string; kind: string }[] } }>("vic", LINEAGE, { id, direction });
  expect(res.errors).toBeUndefined();
  return res.data!.lineage.edges.filter((e) => e.kind === "COPIED_FROM");
}

beforeAll(async () => {
  fake = await startVertexFake();
  const dir = await mkdtemp(join(tmpdir(), "modelgate-copy-"));
  gw = await startWorkflowGateway({
    dir,
    factories: faultyVertex(BUILT_IN_ADAPTERS),
    config: {
      environments: { production: { stage: "PRODUCTION" }, staging: { stage: "STAGING" } },
      backends: [
        { id: "git", kind: "git-yaml", repo: join(dir, "registry"), seedFrom: EXAMPLE_SEED },
        { id: "mlflow", kind: "mlflow", trackingUri: inject("mlflowUrl") },
        { id: "sagemaker", kind: "sagemaker", region: "eu-north-1", endpoint: inject("motoUrl"), credentials: TEST_CREDENTIALS },
        { id: "vertex", kind: "vertex", ...fakeBackendConfig(fake) },
      ],
      policies: {
        rules: [
          // Copies into SageMaker's staging go through on their own; into Vertex AI's NONE one approver must agree.
          { backend: "sagemaker", environment: "staging", toStages: ["STAGING"], gates: { approvals: 0 } },
          { backend: "vertex", toStages: ["NONE"], gates: { approvals: 1 } },
          { backend: "vertex", environment: "staging", toStages: ["STAGING"], gates: { approvals: 0 } },
          { backend: "git", environment: "staging", toStages: ["STAGING"], gates: { approvals: 0 } },
        ],
      },
    },
  });
}, 120_000);

afterAll(async () => {
  await gw?.stop();
  await fake?.stop();
});

describe("MLflow → SageMaker (moto)", () => {
  it("registers the same artifact and metadata in SageMaker, in staging, linked both ways", async () => {
    const model = `cp-${tag}-churn`;
    const version = await register({
      backend: "mlflow",
      model,
      artifactUri: `s3://models-${tag}/churn/3/`,
      description: "gradient boosted churn model",
      tags: [{ key: "team", value: "growth" }],
      params: { max_depth: 6 },
      metrics: [{ key: "auc", value: 0.91 }],
      lineage: { codeCommit: "4f2a9c1", datasetHash: `sha256:${tag}` },
    });
    const out = await copy({ from: `mlflow/${model}@${version}`, to: "sagemaker", environment: "staging", reason: "serve churn from SageMaker" });
    expect(out.userErrors).toEqual([]);
    const req = out.promotionRequest!;
    expect(req.toStage).toBe("STAGING");
    expect(req.copy).toEqual({ from: `mlflow/${model}@${version}`, to: `sagemaker/${model}`, version: null });
    const done = await finished(req.id);
    expect(done.failure).toBeNull();
    expect(done.status).toBe("APPLIED");
    const copied = done.copy.version!;
    expect(copied).toBe("1");

    const source = await read("mlflow", model, version);
    const target = await read("sagemaker", model, copied);
    expect(target).toMatchObject({
      artifactUri: `s3://models-${tag}/churn/3/`,
      description: "gradient boosted churn model",
      stage: "STAGING",
      metrics: { auc: 0.91 },
      lineage: { codeCommit: "4f2a9c1", datasetHash: `sha256:${tag}` },
    });
    // SageMaker keeps params as text (customer metadata): the same param, in the target's form.
    expect(source.params).toEqual({ max_depth: 6 });
    expect(target.params).toEqual({ max_depth: "6" });
    expect(target.tags).toMatchObject({ team: "growth" });

    // The lineage graph shows the copy from either end.
    expect(await edges(`sagemaker/${model}@${copied}`, "UPSTREAM")).toEqual([
      { from: `version:mlflow/${model}@${version}`, to: `version:sagemaker/${model}@${copied}`, kind: "COPIED_FROM" },
    ]);
    expect(await edges(`mlflow/${model}@${version}`, "DOWNSTREAM")).toEqual([
      { from: `version:mlflow/${model}@${version}`, to: `version:sagemaker/${model}@${copied}`, kind: "COPIED_FROM" },
    ]);

    // The trail: the request, its apply and the new version's registration (VERSION_REGISTERED).
    const registered = (await auditActions(gw, "model_version.register")).filter((e) => e.target === `sagemaker/${model}@${copied}`);
    expect(registered).toHaveLength(1);
    expect(registered[0]).toMatchObject({ actor: "modelgate:outbox", outcome: "SUCCESS", after: { copiedFrom: `mlflow/${model}@${version}`, stage: "STAGING" } });

    // The copy moved no stage of its source: the source's trail approves nothing from it.
    const { replay } = await readTrail(gw.gateway.services.store, gw.gateway.services.config.environments, "mlflow", model);
    expect(approvedInto(replay, version, "STAGING")).toBe(false);
    // The target's trail approves the copy into the stage it landed in: a drift check finds it in line
    // (it was flagged UNAPPROVED_IN_STAGE while copies were left out of every trail).
    const targetTrail = await readTrail(gw.gateway.services.store, gw.gateway.services.config.environments, "sagemaker", model);
    expect(approvedInto(targetTrail.replay, copied, "STAGING")).toBe(true);
    const check = await gw.as<{ driftCheck: { drifts: { kind: string; version: string }[] } }>(
      "alice",
      "mutation ($input: DriftCheckInput!) { driftCheck(input: $input) { drifts { kind version } } }",
      { input: { backend: "sagemaker", model } },
    );
    expect(check.errors).toBeUndefined();
    expect(check.data!.driftCheck.drifts).toEqual([]);

    // The same version is not copied into the same model twice.
    const again = await copy({ from: `mlflow/${model}@${version}`, to: `sagemaker/${model}`, reason: "again" });
    expect(again.userErrors).toEqual([
      expect.objectContaining({ code: "CONFLICT", field: ["input", "from"], message: expect.stringContaining(`already copied to sagemaker/${model}@${copied}`) }),
    ]);
  });
});

describe("git-YAML → Vertex AI (fake)", () => {
  it("waits for the approval the target's policy needs, then copies the generation config", async () => {
    const model = `cp-${tag}-chat`;
    const version = await register({
      backend: "git",
      model,
      artifactUri: `gs://models-${tag}/chat/`,
      description: "support chat prompt and model pin",
      tags: [{ key: "team", value: "support" }],
      lineage: { datasetHash: `sha256:chat${tag}` },
      generationConfig: { model: "gpt-5-mini-2026-06-10", params: { temperature: 0.2 } },
    });
    const out = await copy({ from: `git/${model}@${version}`, to: `vertex/${model}`, reason: "serve chat from Vertex AI" });
    expect(out.userErrors).toEqual([]);
    const req = out.promotionRequest!;
    expect(req.status).toBe("PENDING");
    expect(req.gates).toEqual([expect.objectContaining({ gate: "APPROVAL", passed: false })]);
    // Nothing is registered while the gate waits.
    await expect(read("vertex", model, "1")).rejects.toMatchObject({ code: "NOT_FOUND" });
    // Four eyes: the requester cannot approve it.
    const own = await gw.as<{ promotionApprove: { userErrors: { code: string }[] } }>("alice", APPROVE, { id: req.id });
    expect(own.data?.promotionApprove.userErrors.map((e) => e.code)).toEqual(["FORBIDDEN"]);

    const approved = await gw.as<{ promotionApprove: { userErrors: unknown[] } }>("bob", APPROVE, { id: req.id, comment: "ok to copy" });
    expect(approved.data?.promotionApprove.userErrors).toEqual([]);
    const done = await finished(req.id);
    expect(done.failure).toBeNull();
    expect(done.status).toBe("APPLIED");
    const copied = done.copy.version!;

    const target = await read("vertex", model, copied);
    expect(target).toMatchObject({
      artifactUri: `gs://models-${tag}/chat/`,
      description: "support chat prompt and model pin",
      stage: "NONE",
      lineage: { datasetHash: `sha256:chat${tag}` },
      generationConfig: { model: "gpt-5-mini-2026-06-10", params: { temperature: 0.2 } },
    });
    expect(target.tags).toMatchObject({ team: "support" });
    expect(await edges(`vertex/${model}@${copied}`, "UPSTREAM")).toEqual([
      { from: `version:git/${model}@${version}`, to: `version:vertex/${model}@${copied}`, kind: "COPIED_FROM" },
    ]);
    expect(await edges(`git/${model}@${version}`, "DOWNSTREAM")).toEqual([
      { from: `version:git/${model}@${version}`, to: `version:vertex/${model}@${copied}`, kind: "COPIED_FROM" },
    ]);
  });

  it("undoes a copy whose stage write fails: the registered version is removed and the request ends FAILED", async () => {
    const model = `cp-${tag}-undo`;
    const version = await register({
      backend: "git",
      model,
      artifactUri: `gs://models-${tag}/undo/`,
      generationConfig: { model: "gpt-5-mini-2026-06-10", params: { temperature: 0 } },
    });
    refuseStageOf.add(model);
    const out = await copy({ from: `git/${model}@${version}`, to: "vertex", environment: "staging", reason: "copy that cannot be labelled" });
    expect(out.userErrors).toEqual([]);
    const done = await finished(out.promotionRequest!.id);
    expect(done.status).toBe("FAILED");
    expect(done.failure).toContain("injected: the service account may not label");
    expect(done.failure).toMatch(new RegExp(`removed vertex/${model}@\\d+`));
    expect(done.copy.version).toBeNull();
    // Vertex AI kept nothing: the copy was the model's only version, so the model went with it.
    await expect(gw.gateway.services.catalog.backend("vertex").getModel(model, testCtx())).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await edges(`git/${model}@${version}`, "DOWNSTREAM")).toEqual([]);
    const applies = (await auditActions(gw, "promotion.apply")).filter((e) => String(e.target).startsWith(`git/${model}@${version}`));
    expect(applies).toEqual([expect.objectContaining({ outcome: "FAILURE", after: expect.objectContaining({ undone: [expect.stringMatching(/^removed vertex\//)] }) })]);
  });
});

describe("MLflow → git-YAML", () => {
  it("commits the copy as a new version entry of the model file, linked to its source", async () => {
    const model = `cp-${tag}-summarise`;
    const version = await register({
      backend: "mlflow",
      model,
      description: "summariser pin",
      tags: [{ key: "team", value: "docs" }],
      generationConfig: { model: "gpt-5-mini-2026-06-10", params: { temperature: 0.3 } },
    });
    const out = await copy({ from: `mlflow/${model}@${version}`, to: "git", environment: "staging", reason: "keep the pin in git" });
    expect(out.userErrors).toEqual([]);
    const done = await finished(out.promotionRequest!.id);
    expect(done.failure).toBeNull();
    expect(done.status).toBe("APPLIED");
    const target = await read("git", model, done.copy.version!);
    expect(target).toMatchObject({ stage: "STAGING", description: "summariser pin", generationConfig: { model: "gpt-5-mini-2026-06-10", params: { temperature: 0.3 } } });
    expect(target.tags).toMatchObject({ team: "docs" });
    const file = execFileSync("git", ["-C", join(gw.dir, "registry"), "show", `HEAD:models/${model}.yaml`], { encoding: "utf8" });
    expect(file).toContain("gpt-5-mini-2026-06-10");
    expect(await edges(`git/${model}@${done.copy.version!}`, "UPSTREAM")).toEqual([
      { from: `version:mlflow/${model}@${version}`, to: `version:git/${model}@${done.copy.version!}`, kind: "COPIED_FROM" },
    ]);
  });
});

describe("modelgate copy", () => {
  it("copies from the command line and follows the request with --wait", async () => {
    const model = `cp-${tag}-cli`;
    const version = await register({ backend: "git", model, artifactUri: `gs://models-${tag}/cli/`, generationConfig: { model: "gpt-5-mini-2026-06-10", params: {} } });
    const io = captureIo({ MODELGATE_URL: gw.url, MODELGATE_TOKEN: TOKENS.alice });
    const code = await runCli(["copy", `git/${model}@${version}`, "vertex", "--env", "staging", "--reason", "serve from Vertex AI", "--wait", "--interval", "0.1", "--timeout", "60"], io);
    expect(io.err()).toBe("");
    expect(code).toBe(0);
    expect(io.out()).toMatch(new RegExp(`^copy \\S+: git/${model}@${version} -> vertex/${model} \\(STAGING in staging\\): APPLIED, registered as vertex/${model}@1\n`));
    expect((await read("vertex", model, "1")).stage).toBe("STAGING");

    const refused = captureIo({ MODELGATE_URL: gw.url, MODELGATE_TOKEN: TOKENS.alice });
    expect(await runCli(["copy", `git/${model}`, "vertex", "--reason", "no version"], refused)).toBe(2);
    expect(refused.err()).toContain("is not \"backend/model@version\"");
  });
});

describe("refusals", () => {
  it("names what is wrong before anything is recorded", async () => {
    const cases: [Record<string, unknown>, string, string][] = [
      [{ from: "mlflow/x", to: "sagemaker" }, "from", "INVALID_INPUT"],
      [{ from: "mlflow/x@1", to: "nowhere/x" }, "to", "NOT_FOUND"],
      [{ from: "mlflow/x@1", to: "sagemaker", environment: "production" }, "environment", "INVALID_INPUT"],
      [{ from: "mlflow/x@1", to: "sagemaker", environment: "qa" }, "environment", "NOT_FOUND"],
      [{ from: "git/x@1", to: "git/x" }, "to", "INVALID_INPUT"],
    ];
    for (const [input, field, code] of cases) {
      const out = await copy({ ...input, reason: "test" });
      expect(out.userErrors.map((e) => [[e.field].flat().join("."), e.code]), JSON.stringify(input)).toEqual([[`input.${field}`, code]]);
      expect(out.promotionRequest).toBeNull();
    }
  });
});
