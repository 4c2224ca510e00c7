/**
 * A cross-registry copy applies exactly once when the gateway stops at the worst moment: after the
 * target's register call returned and before the outbox saved its answer (docs/lifecycle.md,
 * "A crash mid-copy"). The registries are the real peers (git-YAML, the mlflow server, SageMaker on
 * moto, the Vertex AI fake); the faults are what no peer produces on cue, injected around them:
 *
 * - the save of the registered version refused as a lost lease (a wrapper around the store's outbox
 *   write, armed by the adapter's register call returning), as when another replica takes the row;
 * - the gateway stopped from inside the register call, just after it returned, and a new gateway
 *   started on the same directory;
 * - the register's answer lost after it landed (the call made, then an error instead of its answer);
 * - a stage write refused, so the copy fails after adopting its version and must undo it.
 *
 * After each, the target holds exactly one copy (or none after an undo), marked with its request,
 * linked once (COPIED_FROM) and audited once; the adapter saw one register call.
 */
import { randomBytes } from "node:crypto";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { BUILT_IN_ADAPTERS, type FactoryMap } from "../../src/app/adapter-registry.js";
import {
  ConflictError,
  ForbiddenError,
  UnavailableError,
  createCallContext,
  type AdapterFactory,
  type ModelVersion,
  type RegisterVersionInput,
  type RegistryAdapter,
} from "../../src/core/index.js";
import { expectGlobalId } from "../../src/graphql/global-id.js";
import { openSqliteStore } from "../../src/store/sqlite-store.js";
import type { Store } from "../../src/store/store.js";
import { OutboxLeaseLostError, type OutboxLease, type OutboxPatch, type WorkflowTx } from "../../src/store/workflow-store.js";
import { startVertexFake, type VertexFake } from "../peers/vertex/index.js";
import { TEST_CREDENTIALS } from "../sagemaker/helpers.js";
import { fakeBackendConfig } from "../vertex/harness.js";
import { EXAMPLE_SEED } from "../support/test-gateway.js";
import { auditActions, startWorkflowGateway, waitForStatus, type WorkflowGateway } from "../workflow/workflow-gateway.js";

// Several backends and the outbox on a loaded machine: generous deadlines, no timing assertions.
vi.setConfig({ testTimeout: 120_000 });

const tag = randomBytes(3).toString("hex");

/** What the faults see and do, by target model name. */
const faults = {
  /** Register calls that reached the real backend, as "backend/model". */
  registers: [] as string[],
  /** The next outbox save of the version a register of one of these models returned is refused as a lost lease (once per model). */
  loseLeaseAfterRegister: new Set<string>(),
  /** Armed by a register of a model above: the version whose save is refused. */
  pendingLoss: undefined as { model: string; version: string } | undefined,
  /** Saves refused by the injected lease loss, as "model@version". */
  leasesLost: [] as string[],
  /** A register of these models lands, then answers with this error instead of the version (once per model). */
  answerLost: new Map<string, () => Error>(),
  /** Stage writes of these models are refused. */
  refuseStageOf: new Set<string>(),
  /** Called when a register of one of these models has returned (once per model): the test stops the gateway there. */
  stopAfterRegister: new Map<string, () => void>(),
};

/** Every built-in adapter kind, wrapped so the faults above can act on its register and stage writes. */
function faultyAdapters(): FactoryMap {
  const out = new Map<string, AdapterFactory<unknown>>();
  for (const [kind, factory] of BUILT_IN_ADAPTERS) {
    out.set(kind, {
      ...factory,
      async create(id, config, ctx): Promise<RegistryAdapter> {
        const inner = await factory.create(id, config, ctx);
        return new Proxy(inner, {
          get(target, prop) {
            const value: unknown = Reflect.get(target, prop);
            if (typeof value !== "function") return value;
            const method = (value as (...a: unknown[]) => unknown).bind(target);
            if (prop === "registerVersion") {
              return async (...args: unknown[]) => {
                const model = (args[0] as RegisterVersionInput).modelName;
                faults.registers.push(`${id}/${model}`);
                const created = (await method(...args)) as ModelVersion;
                if (faults.loseLeaseAfterRegister.delete(model)) faults.pendingLoss = { model, version: created.version };
                const stop = faults.stopAfterRegister.get(model);
                if (stop !== undefined) {
                  faults.stopAfterRegister.delete(model);
                  stop();
                }
                const lost = faults.answerLost.get(model);
                if (lost !== undefined) {
                  faults.answerLost.delete(model);
                  throw lost();
                }
                return created;
              };
            }
            if (prop === "setStage") {
              return (model: string, version: string, ...rest: unknown[]) =>
                faults.refuseStageOf.has(model)
                  ? Promise.reject(new ForbiddenError(`injected: ${id} may not set the stage of ${model}@${version}`, { backend: id }))
                  : method(model, version, ...rest);
            }
            return method;
          },
        });
      },
    });
  }
  return out;
}

/**
 * The SQLite store, with the outbox save of the version `faults.pendingLoss` names refused once, as
 * a lost lease: the lease is given up for real (as if it had run out, so the row can be taken up at
 * once, as another replica would) and the save refused.
 */
async function leaseLosingStore(dir: string): Promise<Store> {
  const store = await openSqliteStore({ file: join(dir, "modelgate.db") });
  const workflow = new Proxy(store.workflow, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop);
      if (typeof value !== "function") return value;
      const method = (value as (...a: unknown[]) => unknown).bind(target);
      if (prop !== "updateOutbox") return method;
      return async (lease: OutboxLease, patch: OutboxPatch, at: Date) => {
        const version = patch.steps?.copiedVersion ?? null;
        const loss = faults.pendingLoss;
        if (version !== null && loss !== undefined && version === loss.version) {
          faults.pendingLoss = undefined;
          faults.leasesLost.push(`${loss.model}@${version}`);
          await method(lease, { release: true }, at);
          throw new OutboxLeaseLostError(lease, "injected: the lease ran out between the register call and saving its answer");
        }
        return method(lease, patch, at);
      };
    },
  }) as WorkflowTx;
  return new Proxy(store, {
    get(target, prop) {
      if (prop === "workflow") return workflow;
      const value: unknown = Reflect.get(target, prop);
      return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

const COPY = `mutation($input: ModelVersionCopyInput!) {
  modelVersionCopy(input: $input) { promotionRequest { id status } userErrors { field code message } }
}`;
const REQUEST = `query($id: ID!) { node(id: $id) { ... on PromotionRequest { status failure copy { version } } } }`;
const REGISTER = `mutation($input: ModelVersionRegisterInput!) { modelVersionRegister(input: $input) { modelVersion { version } userErrors { field code message } } }`;
const LINEAGE = `query($id: String!) { lineage(id: $id, direction: DOWNSTREAM, depth: 1) { edges { from to kind } } }`;

function testCtx() {
  return createCallContext({ timeoutMs: 30_000, actor: { id: "copy-crash-test", roles: ["viewer"] } });
}

async function register(gw: WorkflowGateway, input: Record<string, unknown>): Promise<string> {
  const res = await gw.as<{ modelVersionRegister: { modelVersion: { version: string } | null; userErrors: unknown[] } }>("alice", REGISTER, { input });
  expect(res.errors).toBeUndefined();
  expect(res.data?.modelVersionRegister.userErrors).toEqual([]);
  return res.data!.modelVersionRegister.modelVersion!.version;
}

/** Opens the copy request (no gates: it is queued at once); returns its id. */
async function copy(gw: WorkflowGateway, input: Record<string, unknown>): Promise<string> {
  const res = await gw.as<{ modelVersionCopy: { promotionRequest: { id: string } | null; userErrors: unknown[] } }>("alice", COPY, { input });
  expect(res.errors).toBeUndefined();
  expect(res.data?.modelVersionCopy.userErrors).toEqual([]);
  return res.data!.modelVersionCopy.promotionRequest!.id;
}

async function finished(gw: WorkflowGateway, id: string): Promise<{ status: string; failure: string | null; copy: { version: string | null } }> {
  await waitForStatus(gw, id, ["APPLIED", "FAILED"], 60_000);
  const res = await gw.as<{ node: { status: string; failure: string | null; copy: { version: string | null } } }>("vic", REQUEST, { id });
  return res.data!.node;
}

/** Every version of a model in a backend, as the backend serves them now ([] when the model is missing). */
async function versionsIn(gw: WorkflowGateway, backend: string, model: string): Promise<ModelVersion[]> {
  try {
    return (await gw.gateway.services.catalog.backend(backend).listVersions(model, { first: 100 }, testCtx())).items;
  } catch (err) {
    if ((err as { code?: string }).code === "NOT_FOUND") return [];
    throw err;
  }
}

async function copiedFromEdges(gw: WorkflowGateway, source: string) {
  const res = await gw.as<{ lineage: { edges: { from: string; to: string; kind: string }[] } }>("vic", LINEAGE, { id: source });
  expect(res.errors).toBeUndefined();
  return res.data!.lineage.edges.filter((e) => e.kind === "COPIED_FROM");
}

/** The store's id of a PromotionRequest's global id. */
function storeId(id: string): string {
  return expectGlobalId(id, "PromotionRequest", 1)[0]!;
}

/** The copy's outcome in the target: one version, the request's, linked and audited once. */
async function expectOneCopy(gw: WorkflowGateway, id: string, source: string, backend: string, model: string): Promise<void> {
  const requestId = storeId(id);
  const done = await finished(gw, id);
  expect(done.failure).toBeNull();
  expect(done.status).toBe("APPLIED");
  const versions = await versionsIn(gw, backend, model);
  expect(versions.map((v) => v.version)).toEqual([done.copy.version]);
  const copied = versions[0]!;
  expect(copied.copyRequestId).toBe(requestId);
  // The marker is the adapter's own: it never shows as a tag.
  expect(Object.entries(copied.tags).filter(([k, v]) => k.includes("copy") || v === requestId)).toEqual([]);
  expect(faults.registers.filter((r) => r === `${backend}/${model}`)).toHaveLength(1);
  expect(await copiedFromEdges(gw, source)).toEqual([{ from: `version:${source}`, to: `version:${backend}/${model}@${copied.version}`, kind: "COPIED_FROM" }]);
  const registered = (await auditActions(gw, "model_version.register")).filter((e) => String(e.target).startsWith(`${backend}/${model}@`));
  expect(registered).toEqual([expect.objectContaining({ actor: "modelgate:outbox", target: `${backend}/${model}@${copied.version}`, outcome: "SUCCESS" })]);
}

const POLICIES = { rules: [{ gates: {} }] };
const ENVIRONMENTS = { production: { stage: "PRODUCTION" }, staging: { stage: "STAGING" } };

describe("a lost lease or a lost answer between the register call and its save", () => {
  let fake: VertexFake;
  let gw: WorkflowGateway;

  beforeAll(async () => {
    fake = await startVertexFake();
    const dir = await mkdtemp(join(tmpdir(), "modelgate-copy-crash-"));
    gw = await startWorkflowGateway({
      dir,
      factories: faultyAdapters(),
      openStore: leaseLosingStore,
      outbox: { pollMs: 20, baseBackoffMs: 20, maxAttempts: 3 },
      config: {
        environments: ENVIRONMENTS,
        policies: POLICIES,
        backends: [
          { id: "git", kind: "git-yaml", repo: join(dir, "registry"), seedFrom: EXAMPLE_SEED },
          { id: "mlflow", kind: "mlflow", trackingUri: inject("mlflowUrl") },
          { id: "sagemaker", kind: "sagemaker", region: "eu-north-1", endpoint: inject("motoUrl"), credentials: TEST_CREDENTIALS },
          { id: "vertex", kind: "vertex", ...fakeBackendConfig(fake) },
        ],
      },
    });
  }, 120_000);

  afterAll(async () => {
    await gw?.stop();
    await fake?.stop();
  });

  it("adopts the version a worker registered before losing its lease, in every kind of target: one copy each", async () => {
    const targets = [
      { backend: "mlflow", from: "git", artifactUri: `s3://models-${tag}/to-mlflow/` },
      { backend: "git", from: "mlflow", artifactUri: `s3://models-${tag}/to-git/` },
      { backend: "sagemaker", from: "git", artifactUri: `s3://models-${tag}/to-sagemaker/` },
      { backend: "vertex", from: "git", artifactUri: `gs://models-${tag}/to-vertex/` },
    ];
    const copies = [];
    for (const t of targets) {
      const model = `cc-${tag}-${t.backend}`;
      const version = await register(gw, { backend: t.from, model, artifactUri: t.artifactUri, description: "copied once", tags: [{ key: "team", value: "growth" }] });
      faults.loseLeaseAfterRegister.add(model);
      const id = await copy(gw, { from: `${t.from}/${model}@${version}`, to: t.backend, environment: "staging", reason: "crash-safe copy" });
      copies.push({ ...t, model, source: `${t.from}/${model}@${version}`, id });
    }
    for (const c of copies) {
      await expectOneCopy(gw, c.id, c.source, c.backend, c.model);
      const [copied] = await versionsIn(gw, c.backend, c.model);
      expect(copied).toMatchObject({ stage: "STAGING", artifactUri: c.artifactUri, tags: { team: "growth" } });
      // The fault did strike: the save of that very version was refused once.
      expect(faults.leasesLost).toContain(`${c.model}@${copied!.version}`);
    }
    expect(faults.pendingLoss).toBeUndefined();
  });

  it("adopts the version whose answer was lost, on the retry, instead of registering it again", async () => {
    const model = `cc-${tag}-answer`;
    const version = await register(gw, { backend: "git", model, artifactUri: `s3://models-${tag}/answer/` });
    faults.answerLost.set(model, () => new UnavailableError("injected: the connection dropped before the answer arrived", { backend: "mlflow" }));
    const id = await copy(gw, { from: `git/${model}@${version}`, to: "mlflow", reason: "answer lost" });
    await expectOneCopy(gw, id, `git/${model}@${version}`, "mlflow", model);
    // Applied on a later attempt than the one whose answer was lost.
    const applies = (await auditActions(gw, "promotion.apply")).filter((e) => String(e.target).startsWith(`git/${model}@`));
    expect(applies).toEqual([expect.objectContaining({ outcome: "SUCCESS" })]);
    expect(Number((applies[0]!.after as { attempts: number }).attempts)).toBeGreaterThanOrEqual(2);
  });

  it("removes the adopted version when the copy fails later, and says the model it created is left empty", async () => {
    const model = `cc-${tag}-undo`;
    const version = await register(gw, { backend: "mlflow", model, artifactUri: `s3://models-${tag}/undo/` });
    faults.loseLeaseAfterRegister.add(model);
    faults.refuseStageOf.add(model);
    const id = await copy(gw, { from: `mlflow/${model}@${version}`, to: "git", environment: "staging", reason: "copy that cannot be staged" });
    const done = await finished(gw, id);
    expect(done.status).toBe("FAILED");
    expect(done.failure).toContain("injected: git may not set the stage");
    expect(done.failure).toContain(`removed git/${model}@1`);
    expect(done.failure).toContain(`left the model git/${model}, which the copy created, without versions`);
    expect(faults.leasesLost).toContain(`${model}@1`);
    expect(faults.registers.filter((r) => r === `git/${model}`)).toHaveLength(1);
    expect(await versionsIn(gw, "git", model)).toEqual([]);
    expect(await copiedFromEdges(gw, `mlflow/${model}@${version}`)).toEqual([]);
  });

  it("finds and removes a version registered by a call that failed for good after it landed", async () => {
    const model = `cc-${tag}-final`;
    const version = await register(gw, { backend: "git", model, artifactUri: `s3://models-${tag}/final/` });
    faults.answerLost.set(model, () => new ConflictError("injected: the backend answered with an error after registering", { backend: "mlflow" }));
    const id = await copy(gw, { from: `git/${model}@${version}`, to: "mlflow", reason: "answer was an error" });
    const done = await finished(gw, id);
    expect(done.status).toBe("FAILED");
    expect(done.failure).toContain("injected: the backend answered with an error after registering");
    expect(done.failure).toContain(`removed mlflow/${model}@1`);
    // MLflow keeps the registered model: the undo says so rather than delete it (its delete takes every version).
    expect(done.failure).toContain(`left the model mlflow/${model}, which the copy created, without versions`);
    expect(await versionsIn(gw, "mlflow", model)).toEqual([]);
    expect(await copiedFromEdges(gw, `git/${model}@${version}`)).toEqual([]);
  });
});

describe("a gateway stopped between the register call and its save", () => {
  let first: WorkflowGateway | undefined;
  let second: WorkflowGateway | undefined;

  afterAll(async () => {
    await first?.close();
    await first?.gateway.close();
    await second?.stop();
  });

  it("is finished by the next gateway with the version the stopped one registered: one copy in MLflow", async () => {
    const dir = await mkdtemp(join(tmpdir(), "modelgate-copy-stop-"));
    // A stopped worker hands its row back, takeable after the lease margin: a short one.
    const options = () => ({
      dir,
      factories: faultyAdapters(),
      outbox: { pollMs: 20, baseBackoffMs: 20, leaseMs: 2_000, leaseMarginMs: 200 },
      config: {
        environments: ENVIRONMENTS,
        policies: POLICIES,
        backends: [
          { id: "git", kind: "git-yaml", repo: join(dir, "registry"), seedFrom: EXAMPLE_SEED },
          { id: "mlflow", kind: "mlflow", trackingUri: inject("mlflowUrl") },
        ],
      },
    });
    first = await startWorkflowGateway(options());
    const model = `cc-${tag}-stop`;
    const version = await register(first, { backend: "git", model, artifactUri: `s3://models-${tag}/stop/` });
    let stopped: Promise<void> | undefined;
    const gateway = first.gateway;
    faults.stopAfterRegister.set(model, () => {
      stopped = gateway.close();
    });
    const id = await copy(first, { from: `git/${model}@${version}`, to: `mlflow/${model}`, environment: "staging", reason: "copy across a crash" });
    const deadline = Date.now() + 60_000;
    while (stopped === undefined && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(stopped, "the gateway was stopped inside the register call").toBeDefined();
    await stopped;
    await first.close();

    // Stopped in the window: MLflow holds the version, the outbox row says only that the register was under way.
    const store = await openSqliteStore({ file: join(dir, "modelgate.db") });
    try {
      const row = await store.workflow.getOutboxByRequest(storeId(id));
      expect(row).toMatchObject({ status: "PENDING", steps: { copyRegistering: true, copyCreatedModel: true } });
      expect(row!.steps.copiedVersion ?? null).toBeNull();
      expect((await store.workflow.getRequest(storeId(id)))?.status).toBe("APPLYING");
    } finally {
      await store.close();
    }

    second = await startWorkflowGateway(options());
    await expectOneCopy(second, id, `git/${model}@${version}`, "mlflow", model);
    expect((await versionsIn(second, "mlflow", model))[0]).toMatchObject({ stage: "STAGING", artifactUri: `s3://models-${tag}/stop/` });
  });
});
