/**
 * Drift detection through the real gateway over HTTP: a promotion applied by the workflow, then the
 * backend changed behind the gateway's back (a plain git commit, MLflow's REST API), detected once,
 * shown on the version, and resolved when the backend is back in line.
 */
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { DescribeModelPackageCommand, UpdateModelPackageCommand } from "@aws-sdk/client-sagemaker";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { expectGlobalId } from "../../src/graphql/global-id.js";
import { createLogger } from "../../src/logging.js";
import { DriftPoller } from "../../src/workflow/drift-poller.js";
import { deleteModelsWithPrefix, mlflowRest, sharedMlflowUrl, uniquePrefix } from "../mlflow/helpers.js";
import { TEST_CREDENTIALS, packageArn, rawClient, sharedMotoUrl, uniquePrefix as uniqueGroupPrefix } from "../sagemaker/helpers.js";
import { PROMOTE, auditActions, startWorkflowGateway, waitForStatus, type ParsedJson, type WorkflowGateway } from "./workflow-gateway.js";

let gw: WorkflowGateway | undefined;
afterEach(async () => {
  await gw?.stop();
  gw = undefined;
});

const NO_GATES = { policies: { rules: [{ gates: {} }] } };

const DRIFT_CHECK = `mutation($backend: String!, $model: String!) {
  driftCheck(input: { backend: $backend, model: $model }) {
    drifts { backend model version expectedStage actualStage detectedAt }
    detected { version expectedStage actualStage }
    resolved { version expectedStage actualStage }
    checkedVersions skipped
    userErrors { field code message }
  }
}`;
const VERSION_DRIFT = `query($backend: String!, $model: String!, $v: String!) {
  modelVersion(backend: $backend, model: $model, version: $v) { stage drift { backend model version expectedStage actualStage detectedAt } }
}`;
const DRIFTS_WITH_KIND = `{ drifts(first: 100) { nodes { kind backend model version expectedStage actualStage } } }`;
const DRIFTS = `query($first: Int, $after: String) {
  drifts(first: $first, after: $after) { nodes { backend model version expectedStage actualStage } pageInfo { hasNextPage endCursor } }
}`;

async function promote(g: WorkflowGateway, backend: string, model: string, version: string, toStage: string): Promise<Record<string, ParsedJson>> {
  const res = await g.as("pat", PROMOTE, { input: { backend, model, version, toStage, environment: "production", reason: `${version} to ${toStage}` } });
  expect(res.data?.promotionRequest.userErrors).toEqual([]);
  const done = await waitForStatus(g, res.data!.promotionRequest.promotionRequest.id);
  expect(done.status).toBe("APPLIED");
  return done;
}

async function driftCheck(g: WorkflowGateway, backend: string, model: string): Promise<Record<string, ParsedJson>> {
  const res = await g.as("alice", DRIFT_CHECK, { backend, model });
  expect(res.errors).toBeUndefined();
  expect(res.data?.driftCheck.userErrors).toEqual([]);
  return res.data!.driftCheck as Record<string, ParsedJson>;
}

/** Sets one version's `status` in the registry file and commits it with plain git (as a person would). */
function commitStatus(repo: string, version: string, status: string): void {
  const git = (...args: string[]) =>
    execFileSync("git", ["-C", repo, ...args], {
      encoding: "utf8",
      env: { ...process.env, GIT_AUTHOR_NAME: "someone", GIT_AUTHOR_EMAIL: "someone@example.com", GIT_COMMITTER_NAME: "someone", GIT_COMMITTER_EMAIL: "someone@example.com" },
    });
  const file = "models/support-triage.yaml";
  const text = git("show", `HEAD:${file}`);
  const block = new RegExp(`(- version: ${version}\\n(?:(?!  - version:)[\\s\\S])*?    status: )\\S+`);
  expect(block.test(text)).toBe(true);
  writeFileSync(join(repo, file), text.replace(block, `$1${status}`));
  git("add", file);
  git("commit", "-q", "-m", `set ${version} to ${status} by hand`);
}

describe("drift on git-YAML", () => {
  it("reports a hand-made commit once, shows both states on the version, and resolves when reverted", async () => {
    gw = await startWorkflowGateway({ config: NO_GATES });
    const promotion = await promote(gw, "example", "support-triage", "15", "PRODUCTION");
    expect(promotion.previousVersions).toEqual(["14"]);

    const clean = await driftCheck(gw, "example", "support-triage");
    expect(clean).toMatchObject({ drifts: [], detected: [], resolved: [], checkedVersions: 2, skipped: null });

    commitStatus(gw.repo, "15", "staging");
    const first = await driftCheck(gw, "example", "support-triage");
    expect(first.drifts).toEqual([
      { backend: "example", model: "support-triage", version: "15", expectedStage: "PRODUCTION", actualStage: "STAGING", detectedAt: expect.any(String) },
    ]);
    expect(first.detected).toEqual([{ version: "15", expectedStage: "PRODUCTION", actualStage: "STAGING" }]);

    const shown = await gw.as("vic", VERSION_DRIFT, { backend: "example", model: "support-triage", v: "15" });
    expect(shown.data?.modelVersion).toEqual({ stage: "STAGING", drift: first.drifts[0] });
    const inLine = await gw.as("vic", VERSION_DRIFT, { backend: "example", model: "support-triage", v: "14" });
    expect(inLine.data?.modelVersion).toEqual({ stage: "ARCHIVED", drift: null });

    // Checked again (and again): the same drift, recorded once.
    const second = await driftCheck(gw, "example", "support-triage");
    expect(second.drifts).toEqual(first.drifts);
    expect(second.detected).toEqual([]);
    await driftCheck(gw, "example", "support-triage");
    const events = await auditActions(gw, "OUT_OF_BAND_CHANGE");
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      actor: "modelgate:drift",
      target: "example/support-triage@15",
      before: { stage: "PRODUCTION", requestId: expectGlobalId(promotion.id as string, "PromotionRequest", 1)[0] },
      after: { stage: "STAGING" },
      outcome: "SUCCESS",
    });
    const listed = await gw.as("vic", DRIFTS, {});
    expect(listed.data?.drifts.nodes).toEqual([{ backend: "example", model: "support-triage", version: "15", expectedStage: "PRODUCTION", actualStage: "STAGING" }]);

    // Back in line: resolved, with an event of its own.
    commitStatus(gw.repo, "15", "production");
    const back = await driftCheck(gw, "example", "support-triage");
    expect(back).toMatchObject({ drifts: [], detected: [], resolved: [{ version: "15", expectedStage: "PRODUCTION", actualStage: "STAGING" }] });
    expect((await gw.as("vic", VERSION_DRIFT, { backend: "example", model: "support-triage", v: "15" })).data?.modelVersion).toEqual({ stage: "PRODUCTION", drift: null });
    expect((await gw.as("vic", DRIFTS, {})).data?.drifts.nodes).toEqual([]);
    expect(await auditActions(gw, "DRIFT_RESOLVED")).toEqual([
      expect.objectContaining({
        actor: "modelgate:drift",
        target: "example/support-triage@15",
        before: { stage: "STAGING" },
        after: { stage: "PRODUCTION", expected: "PRODUCTION", environment: "production" },
      }),
    ]);

    // A later drift is a new event: the demoted version put back in production by hand.
    commitStatus(gw.repo, "14", "production");
    const again = await driftCheck(gw, "example", "support-triage");
    expect(again.detected).toEqual([{ version: "14", expectedStage: "ARCHIVED", actualStage: "PRODUCTION" }]);
    expect((await auditActions(gw, "OUT_OF_BAND_CHANGE")).map((e) => e.target)).toEqual(["example/support-triage@15", "example/support-triage@14"]);
  });

  it("is recorded by the background poller", async () => {
    gw = await startWorkflowGateway({ config: NO_GATES });
    await promote(gw, "example", "support-triage", "16", "STAGING");
    commitStatus(gw.repo, "16", "draft");
    // The poller's passes, counted as they end.
    const passes = gw.gateway.services.drift.passes;
    let passesDone = 0;
    const counted = new Proxy(passes, {
      get(target, prop) {
        if (prop === "run") return (...args: Parameters<typeof passes.run>) => target.run(...args).finally(() => (passesDone += 1));
        const value: unknown = Reflect.get(target, prop);
        return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    const poller = new DriftPoller(counted, createLogger("silent"), { intervalMs: 50 });
    poller.start();
    try {
      const until = Date.now() + 60_000;
      const outOfBand = async () =>
        ((await gw!.as("vic", DRIFTS_WITH_KIND, {})).data?.drifts.nodes as ParsedJson[]).filter((n: ParsedJson) => n.kind === "OUT_OF_BAND_CHANGE");
      let nodes: ParsedJson[] = [];
      while (nodes.length === 0 && Date.now() < until) {
        await new Promise((r) => setTimeout(r, 50));
        nodes = await outOfBand();
      }
      // (The example registry's versions the trail never approved show as UNAPPROVED_IN_STAGE beside it.)
      expect(nodes).toEqual([{ kind: "OUT_OF_BAND_CHANGE", backend: "example", model: "support-triage", version: "16", expectedStage: "STAGING", actualStage: "NONE" }]);
      // Two more whole passes run (waited for, not guessed at); still one event.
      const seen = passesDone;
      const more = Date.now() + 60_000;
      while (passesDone < seen + 2) {
        if (Date.now() > more) throw new Error(`only ${passesDone - seen} more drift passes ended in 60 s`);
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(await auditActions(gw, "OUT_OF_BAND_CHANGE")).toHaveLength(1);
    } finally {
      await poller.stop();
    }
  });

  it("skips a model whose promotion is being applied (the backend is between two states the trail knows)", async () => {
    gw = await startWorkflowGateway({ config: NO_GATES });
    await promote(gw, "example", "support-triage", "16", "STAGING");
    await gw.close();
    // Queued, never applied: no worker runs in this gateway.
    gw = await startWorkflowGateway({ dir: gw.dir, config: NO_GATES, outbox: false });
    const res = await gw.as("pat", PROMOTE, { input: { backend: "example", model: "support-triage", version: "15", toStage: "PRODUCTION", environment: "production", reason: "ship" } });
    expect(res.data?.promotionRequest.promotionRequest.status).toBe("APPLYING");
    commitStatus(gw.repo, "16", "draft");
    const checked = await driftCheck(gw, "example", "support-triage");
    expect(checked).toMatchObject({ drifts: [], detected: [], checkedVersions: 0, skipped: expect.stringContaining("is being applied") });
    expect(await auditActions(gw, "OUT_OF_BAND_CHANGE")).toEqual([]);
  });

  it("needs the publisher role and a configured backend", async () => {
    // The configured poller runs here too (first pass after intervalSeconds) and stops with the gateway.
    gw = await startWorkflowGateway({ config: NO_GATES, drift: true });
    const viewer = await gw.as("vic", DRIFT_CHECK, { backend: "example", model: "support-triage" });
    expect(viewer.data?.driftCheck.userErrors).toEqual([{ field: null, code: "FORBIDDEN", message: expect.stringContaining("publisher") }]);
    const unknown = await gw.as("alice", DRIFT_CHECK, { backend: "nope", model: "support-triage" });
    expect(unknown.data?.driftCheck.userErrors).toEqual([{ field: ["input", "backend"], code: "NOT_FOUND", message: expect.stringContaining("unknown backend") }]);
    // A model the workflow never touched: its versions in governed stages were never approved there.
    expect(await driftCheck(gw, "example", "support-triage")).toMatchObject({
      drifts: [
        { backend: "example", model: "support-triage", version: "14", expectedStage: "NONE", actualStage: "PRODUCTION" },
        { backend: "example", model: "support-triage", version: "15", expectedStage: "NONE", actualStage: "STAGING" },
      ],
      checkedVersions: 2,
      skipped: null,
    });
  });
});

describe("drift on MLflow", () => {
  const prefix = uniquePrefix("drift");
  afterAll(async () => {
    await deleteModelsWithPrefix(sharedMlflowUrl(), prefix);
  });

  const REGISTER = `mutation($model: String!) {
    modelVersionRegister(input: { backend: "mlflow", model: $model, artifactUri: "s3://bucket/model" }) { modelVersion { version } userErrors { message } }
  }`;

  it("detects the production alias moved with MLflow's REST API, once, and resolves when it is moved back", async () => {
    const url = sharedMlflowUrl();
    gw = await startWorkflowGateway({ config: { ...NO_GATES, backends: [{ id: "mlflow", kind: "mlflow", trackingUri: url }] } });
    const model = `${prefix}-classifier`;
    for (const expected of ["1", "2"]) {
      expect((await gw.as("pat", REGISTER, { model })).data?.modelVersionRegister.modelVersion.version).toBe(expected);
    }
    await promote(gw, "mlflow", model, "1", "STAGING");
    await promote(gw, "mlflow", model, "1", "PRODUCTION");
    expect(await driftCheck(gw, "mlflow", model)).toMatchObject({ drifts: [], checkedVersions: 1 });

    // Someone moves the alias in MLflow itself.
    await mlflowRest(url, "POST", "registered-models/alias", { name: model, alias: "production", version: "2" });
    const first = await driftCheck(gw, "mlflow", model);
    // Both directions: the trail's version left production, and one it never approved holds it.
    expect(first.drifts).toEqual([
      { backend: "mlflow", model, version: "1", expectedStage: "PRODUCTION", actualStage: "NONE", detectedAt: expect.any(String) },
      { backend: "mlflow", model, version: "2", expectedStage: "NONE", actualStage: "PRODUCTION", detectedAt: expect.any(String) },
    ]);
    const second = await driftCheck(gw, "mlflow", model);
    expect(second).toMatchObject({ drifts: first.drifts, detected: [] });
    const events = await auditActions(gw, "OUT_OF_BAND_CHANGE");
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actor: "modelgate:drift", target: `mlflow/${model}@1`, before: { stage: "PRODUCTION" }, after: { stage: "NONE" } });
    expect((await gw.as("vic", VERSION_DRIFT, { backend: "mlflow", model, v: "1" })).data?.modelVersion).toEqual({ stage: "NONE", drift: first.drifts[0] });

    await mlflowRest(url, "POST", "registered-models/alias", { name: model, alias: "production", version: "1" });
    const back = await driftCheck(gw, "mlflow", model);
    expect(back).toMatchObject({
      drifts: [],
      resolved: [
        { version: "1", expectedStage: "PRODUCTION", actualStage: "NONE" },
        { version: "2", expectedStage: "NONE", actualStage: "PRODUCTION" },
      ],
    });
    expect(await auditActions(gw, "OUT_OF_BAND_CHANGE")).toHaveLength(1);
  });
});

describe("drift on SageMaker", () => {
  const REGION = "eu-south-1";

  it("detects a version approved with the AWS SDK directly (as in SageMaker's console), once", async () => {
    gw = await startWorkflowGateway({
      config: { ...NO_GATES, backends: [{ id: "sagemaker", kind: "sagemaker", region: REGION, endpoint: sharedMotoUrl(), credentials: { ...TEST_CREDENTIALS }, timeoutMs: 15_000 }] },
    });
    const model = `${uniqueGroupPrefix("drift")}-ranker`;
    const register = await gw.as("pat", `mutation($model: String!) {
      modelVersionRegister(input: { backend: "sagemaker", model: $model, artifactUri: "s3://bucket/model.tar.gz" }) { modelVersion { version } userErrors { message } }
    }`, { model });
    expect(register.data?.modelVersionRegister).toEqual({ modelVersion: { version: "1" }, userErrors: [] });
    await promote(gw, "sagemaker", model, "1", "STAGING");
    expect(await driftCheck(gw, "sagemaker", model)).toMatchObject({ drifts: [], checkedVersions: 1 });

    const raw = rawClient(REGION);
    const arn = packageArn(REGION, model, 1);
    // As SageMaker's console does: the status changes, the package's metadata stays (moto needs it sent again).
    const setStatus = async (status: "Approved" | "PendingManualApproval") => {
      const current = await raw.send(new DescribeModelPackageCommand({ ModelPackageName: arn }));
      await raw.send(new UpdateModelPackageCommand({ ModelPackageArn: arn, ModelApprovalStatus: status, CustomerMetadataProperties: current.CustomerMetadataProperties }));
    };
    try {
      await setStatus("Approved");
      const first = await driftCheck(gw, "sagemaker", model);
      expect(first.detected).toEqual([{ version: "1", expectedStage: "STAGING", actualStage: "PRODUCTION" }]);
      expect((await driftCheck(gw, "sagemaker", model)).detected).toEqual([]);
      const events = await auditActions(gw, "OUT_OF_BAND_CHANGE");
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ actor: "modelgate:drift", target: `sagemaker/${model}@1`, before: { stage: "STAGING" }, after: { stage: "PRODUCTION" } });
      expect((await gw.as("vic", VERSION_DRIFT, { backend: "sagemaker", model, v: "1" })).data?.modelVersion).toEqual({ stage: "PRODUCTION", drift: first.drifts[0] });

      await setStatus("PendingManualApproval");
      expect(await driftCheck(gw, "sagemaker", model)).toMatchObject({ drifts: [], resolved: [{ version: "1", expectedStage: "STAGING", actualStage: "PRODUCTION" }] });
    } finally {
      raw.destroy();
    }
  });
});
