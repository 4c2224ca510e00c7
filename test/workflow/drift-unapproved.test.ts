/**
 * Truth in both directions: a version put in production behind the gateway's back, which the
 * promotion trail never approved, against real peers (MLflow's REST API moving the `production`
 * alias, SageMaker's approval status changed as its console does on moto, a plain git commit). It
 * is recorded once as UNAPPROVED_IN_STAGE (with the environment, so webhooks and subscriptions can
 * filter on it), flagged on whatRunsInProduction, resolve (GraphQL and the X-Modelgate-Drift header)
 * and a deployment's health, and an environment with `resolveFrom: trail` keeps serving the version
 * the trail approved.
 */
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { DescribeModelPackageCommand, UpdateModelPackageCommand } from "@aws-sdk/client-sagemaker";
import { createClient } from "graphql-ws";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { deleteModelsWithPrefix, mlflowRest, sharedMlflowUrl, uniquePrefix } from "../mlflow/helpers.js";
import { TEST_CREDENTIALS, packageArn, rawClient, sharedMotoUrl, uniquePrefix as uniqueGroupPrefix } from "../sagemaker/helpers.js";
import { PROMOTE, TOKENS, auditActions, startWorkflowGateway, waitForStatus, type ParsedJson, type WorkflowGateway } from "./workflow-gateway.js";

let gw: WorkflowGateway | undefined;
afterEach(async () => {
  await gw?.stop();
  gw = undefined;
});

const NO_GATES = { policies: { rules: [{ gates: {} }] } };
/** The same environments, production pinned to what the trail approved. */
const TRAIL_ENVIRONMENTS = { environments: { production: { stage: "PRODUCTION", resolveFrom: "trail" }, staging: { stage: "STAGING" } } };

const FLAG = "kind version trailStage backendStage message detectedAt";
const DRIFT_CHECK = `mutation($backend: String!, $model: String!) {
  driftCheck(input: { backend: $backend, model: $model }) {
    drifts { kind version expectedStage actualStage }
    detected { kind version expectedStage actualStage }
    userErrors { field code message }
  }
}`;
const WHAT_RUNS = `{ whatRunsInProduction { versions { backendId modelName version approval { requestedBy } drift { ${FLAG} } } } }`;
const RESOLVE = `query($name: String!) {
  resolve(name: $name, environment: "production") {
    kind registryVersion etag drift { ${FLAG} }
    ... on ResolvedEntry { selectedBy servedFrom backendVersion trailVersion version { version stage } }
  }
}`;

async function promote(g: WorkflowGateway, backend: string, model: string, version: string, toStage: string): Promise<void> {
  const res = await g.as("pat", PROMOTE, { input: { backend, model, version, toStage, environment: "production", reason: `${version} to ${toStage}` } });
  expect(res.data?.promotionRequest.userErrors).toEqual([]);
  expect((await waitForStatus(g, res.data!.promotionRequest.promotionRequest.id)).status).toBe("APPLIED");
}

async function register(g: WorkflowGateway, backend: string, model: string, artifactUri: string): Promise<string> {
  const res = await g.as("pat", `mutation($backend: String!, $model: String!, $uri: String!) {
    modelVersionRegister(input: { backend: $backend, model: $model, artifactUri: $uri }) { modelVersion { version } userErrors { message } }
  }`, { backend, model, uri: artifactUri });
  expect(res.data?.modelVersionRegister.userErrors).toEqual([]);
  return res.data!.modelVersionRegister.modelVersion.version as string;
}

/** The first registry event matching `filter` whose action is `action`, read over the graphql-ws subscription from the start of the trail. */
async function firstEvent(g: WorkflowGateway, filter: Record<string, unknown>, action: string): Promise<ParsedJson> {
  const client = createClient({
    url: `${g.url.replace(/^http/, "ws")}/graphql`,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    connectionParams: { authorization: `Bearer ${TOKENS.vic}` },
  });
  try {
    const events = client.iterate<{ registryEvents: ParsedJson }>({
      query: `subscription($filter: RegistryEventFilter) { registryEvents(filter: $filter, afterSeq: 0) { type action target backendId modelName environment before after } }`,
      variables: { filter },
    });
    // The trail so far is replayed in seq order; the wanted event is among its first few.
    for (let i = 0; i < 20; i++) {
      const next = await events.next();
      expect(next.done).toBe(false);
      expect(next.value?.errors).toBeUndefined();
      const event = next.value?.data?.registryEvents;
      if (event?.action === action) {
        await events.return?.();
        return event;
      }
    }
    throw new Error(`no ${action} event among the first 20 matching ${JSON.stringify(filter)}`);
  } finally {
    await client.dispose();
  }
}

async function resolveOverHttp(g: WorkflowGateway, name: string, ifNoneMatch?: string): Promise<Response> {
  return fetch(`${g.url}/v1/resolve/${encodeURIComponent(name)}?env=production`, {
    headers: { authorization: `Bearer ${TOKENS.vic}`, ...(ifNoneMatch === undefined ? {} : { "if-none-match": ifNoneMatch }) },
  });
}

interface Case {
  backend: string;
  model: string;
  /** The version put in production behind the gateway's back. */
  unapproved: string;
  /** The version the trail approved into production. */
  approved: string;
}

/**
 * Everything a user of the gateway sees once the backend holds `unapproved` in production: the
 * observation (recorded once, with its environment), the flags on whatRunsInProduction and resolve
 * (GraphQL, HTTP header, also on a 304), and the DRIFT event on the subscription.
 */
async function expectFlagged(g: WorkflowGateway, c: Case, alsoDetected: ParsedJson[] = []): Promise<void> {
  const checked = await g.as("alice", DRIFT_CHECK, { backend: c.backend, model: c.model });
  expect(checked.data?.driftCheck.userErrors).toEqual([]);
  const mine = { kind: "UNAPPROVED_IN_STAGE", version: c.unapproved, expectedStage: "NONE", actualStage: "PRODUCTION" };
  expect(checked.data?.driftCheck.detected).toEqual(expect.arrayContaining([mine, ...alsoDetected]));
  // Checked again: nothing new, one event.
  const again = await g.as("alice", DRIFT_CHECK, { backend: c.backend, model: c.model });
  expect(again.data?.driftCheck.detected).toEqual([]);
  expect(again.data?.driftCheck.drifts).toContainEqual(mine);
  const events = await auditActions(g, "UNAPPROVED_IN_STAGE");
  expect(events).toHaveLength(1);
  expect(events[0]).toMatchObject({
    actor: "modelgate:drift",
    target: `${c.backend}/${c.model}@${c.unapproved}`,
    before: { stage: null, requestId: null },
    after: { stage: "PRODUCTION", environment: "production" },
    outcome: "SUCCESS",
  });
  expect(events[0]!.reason).toContain("never approved it into PRODUCTION");

  // whatRunsInProduction: the approved version unflagged, the other flagged with when it was recorded.
  const what = await g.as("vic", WHAT_RUNS);
  expect(what.errors).toBeUndefined();
  const mineRunning = (what.data?.whatRunsInProduction.versions as ParsedJson[]).filter((v: ParsedJson) => v.backendId === c.backend && v.modelName === c.model);
  const byVersion = new Map(mineRunning.map((v: ParsedJson) => [v.version as string, v]));
  expect(byVersion.get(c.unapproved)).toMatchObject({
    approval: null,
    drift: { kind: "UNAPPROVED_IN_STAGE", version: c.unapproved, trailStage: null, backendStage: "PRODUCTION", detectedAt: expect.any(String) },
  });
  if (byVersion.has(c.approved)) expect(byVersion.get(c.approved)).toMatchObject({ approval: { requestedBy: "pat" }, drift: null });

  // resolve (the backend's answer by default): served, and flagged.
  const name = `${c.backend}/${c.model}`;
  const resolved = await g.as("vic", RESOLVE, { name });
  expect(resolved.errors).toBeUndefined();
  expect(resolved.data?.resolve).toMatchObject({
    kind: "MODEL",
    servedFrom: "BACKEND",
    backendVersion: c.unapproved,
    trailVersion: c.approved,
    version: { version: c.unapproved, stage: "PRODUCTION" },
    drift: { kind: "UNAPPROVED_IN_STAGE", version: c.unapproved, backendStage: "PRODUCTION", detectedAt: expect.any(String) },
  });
  const http = await resolveOverHttp(g, name);
  expect(http.status).toBe(200);
  expect(http.headers.get("x-modelgate-drift")).toBe("UNAPPROVED_IN_STAGE");
  expect(http.headers.get("x-modelgate-served-from")).toBe("BACKEND");
  const body = (await http.json()) as ParsedJson;
  expect(body).toMatchObject({ version: c.unapproved, servedFrom: "BACKEND", drift: { kind: "UNAPPROVED_IN_STAGE", version: c.unapproved } });
  const notModified = await resolveOverHttp(g, name, body.etag as string);
  expect(notModified.status).toBe(304);
  expect(notModified.headers.get("x-modelgate-drift")).toBe("UNAPPROVED_IN_STAGE");

  // Subscriptions (and webhooks, which read the same feed): a DRIFT event naming the environment.
  expect(await firstEvent(g, { types: ["DRIFT"], environment: "production", model: c.model }, "UNAPPROVED_IN_STAGE")).toMatchObject({
    type: "DRIFT",
    action: "UNAPPROVED_IN_STAGE",
    target: `${c.backend}/${c.model}@${c.unapproved}`,
    environment: "production",
  });
}

/** With `resolveFrom: trail`, resolve keeps serving the approved version, says so, and still flags the backend's. */
async function expectTrailServed(g: WorkflowGateway, c: Case): Promise<void> {
  expect((await g.as("vic", `{ environments { name stage resolveFrom } }`)).data?.environments).toEqual([
    { name: "production", stage: "PRODUCTION", resolveFrom: "TRAIL" },
    { name: "staging", stage: "STAGING", resolveFrom: "BACKEND" },
  ]);
  const name = `${c.backend}/${c.model}`;
  const resolved = await g.as("vic", RESOLVE, { name });
  expect(resolved.errors).toBeUndefined();
  expect(resolved.data?.resolve).toMatchObject({
    selectedBy: "TRAIL",
    servedFrom: "TRAIL",
    backendVersion: c.unapproved,
    trailVersion: c.approved,
    version: { version: c.approved },
    registryVersion: `${c.backend}/${c.model}@${c.approved}`,
    drift: { kind: "UNAPPROVED_IN_STAGE", version: c.unapproved },
  });
  const http = await resolveOverHttp(g, name);
  expect(http.status).toBe(200);
  expect(http.headers.get("x-modelgate-served-from")).toBe("TRAIL");
  expect(http.headers.get("x-modelgate-drift")).toBe("UNAPPROVED_IN_STAGE");
  expect((await http.json()) as ParsedJson).toMatchObject({ version: c.approved, selectedBy: "TRAIL", servedFrom: "TRAIL", trailVersion: c.approved, backendVersion: c.unapproved });
}

/** Restarts the gateway on the same directory (SQLite trail, git repo) with production resolving from the trail. */
async function reopenWithTrail(g: WorkflowGateway, config: Record<string, unknown>): Promise<WorkflowGateway> {
  await g.close();
  return startWorkflowGateway({ dir: g.dir, config: { ...config, ...TRAIL_ENVIRONMENTS } });
}

describe("an MLflow client moves the production alias from v1 to v2", () => {
  const prefix = uniquePrefix("unapproved");
  afterAll(async () => {
    await deleteModelsWithPrefix(sharedMlflowUrl(), prefix);
  });

  it("records v2 as UNAPPROVED_IN_STAGE, flags it everywhere, and resolveFrom: trail keeps serving v1", async () => {
    const url = sharedMlflowUrl();
    const config = { ...NO_GATES, backends: [{ id: "mlflow", kind: "mlflow", trackingUri: url }] };
    gw = await startWorkflowGateway({ config });
    const model = `${prefix}-classifier`;
    expect(await register(gw, "mlflow", model, "s3://bucket/v1")).toBe("1");
    expect(await register(gw, "mlflow", model, "s3://bucket/v2")).toBe("2");
    await promote(gw, "mlflow", model, "1", "STAGING");
    await promote(gw, "mlflow", model, "1", "PRODUCTION");

    // As an MLflow client does: the alias moves, no gateway involved.
    await mlflowRest(url, "POST", "registered-models/alias", { name: model, alias: "production", version: "2" });
    const c = { backend: "mlflow", model, unapproved: "2", approved: "1" };
    // The other direction is recorded too: v1 left the stage the trail put it in.
    await expectFlagged(gw, c, [{ kind: "OUT_OF_BAND_CHANGE", version: "1", expectedStage: "PRODUCTION", actualStage: "NONE" }]);
    const what = await gw.as("vic", WHAT_RUNS);
    expect((what.data?.whatRunsInProduction.versions as ParsedJson[]).filter((v: ParsedJson) => v.modelName === model).map((v: ParsedJson) => v.version)).toEqual(["2"]);

    gw = await reopenWithTrail(gw, config);
    await expectTrailServed(gw, c);
  }, 120_000);
});

describe("a SageMaker package the gateway never staged is approved in the console", () => {
  const REGION = "ap-south-1";

  it("records it as UNAPPROVED_IN_STAGE, flags it everywhere, and resolveFrom: trail keeps serving the approved one", async () => {
    const config = {
      ...NO_GATES,
      backends: [{ id: "sagemaker", kind: "sagemaker", region: REGION, endpoint: sharedMotoUrl(), credentials: { ...TEST_CREDENTIALS }, timeoutMs: 15_000 }],
    };
    gw = await startWorkflowGateway({ config });
    const model = `${uniqueGroupPrefix("unapproved")}-ranker`;
    expect(await register(gw, "sagemaker", model, "s3://bucket/v1.tar.gz")).toBe("1");
    expect(await register(gw, "sagemaker", model, "s3://bucket/v2.tar.gz")).toBe("2");
    await promote(gw, "sagemaker", model, "1", "STAGING");
    await promote(gw, "sagemaker", model, "1", "PRODUCTION");

    // As SageMaker's console does: the status changes, the package's metadata stays (moto needs it sent again).
    const raw = rawClient(REGION);
    try {
      const arn = packageArn(REGION, model, 2);
      const current = await raw.send(new DescribeModelPackageCommand({ ModelPackageName: arn }));
      await raw.send(new UpdateModelPackageCommand({ ModelPackageArn: arn, ModelApprovalStatus: "Approved", CustomerMetadataProperties: current.CustomerMetadataProperties }));
    } finally {
      raw.destroy();
    }
    const c = { backend: "sagemaker", model, unapproved: "2", approved: "1" };
    await expectFlagged(gw, c);

    gw = await reopenWithTrail(gw, config);
    await expectTrailServed(gw, c);
  }, 120_000);
});

/** Sets versions' `status` in registry files and commits them with plain git (as a person would). */
function commitStatuses(repo: string, changes: { model: string; version: string; status: string }[]): void {
  const git = (...args: string[]) =>
    execFileSync("git", ["-C", repo, ...args], {
      encoding: "utf8",
      env: { ...process.env, GIT_AUTHOR_NAME: "someone", GIT_AUTHOR_EMAIL: "someone@example.com", GIT_COMMITTER_NAME: "someone", GIT_COMMITTER_EMAIL: "someone@example.com" },
    });
  for (const { model, version, status } of changes) {
    const file = `models/${model}.yaml`;
    const text = git("show", `HEAD:${file}`);
    const block = new RegExp(`(- version: ${version}\\n(?:(?!  - version:)[\\s\\S])*?    status: )\\S+`);
    expect(block.test(text)).toBe(true);
    writeFileSync(join(repo, file), text.replace(block, `$1${status}`));
    git("add", file);
  }
  git("commit", "-q", "-m", "by hand");
}

describe("a git commit sets a never-staged v16 to production", () => {
  it("records it as UNAPPROVED_IN_STAGE, flags it everywhere, and resolveFrom: trail keeps serving v15", async () => {
    gw = await startWorkflowGateway({ config: NO_GATES });
    await promote(gw, "example", "support-triage", "15", "PRODUCTION");
    const inLine = await resolveOverHttp(gw, "example/support-triage");
    expect(inLine.headers.get("x-modelgate-drift")).toBeNull();
    commitStatuses(gw.repo, [{ model: "support-triage", version: "16", status: "production" }]);
    // Flagged from the first read, before any drift check ran: judged against the trail on the spot.
    const flaggedNow = await resolveOverHttp(gw, "example/support-triage");
    expect(flaggedNow.headers.get("x-modelgate-drift")).toBe("UNAPPROVED_IN_STAGE");
    expect(((await flaggedNow.json()) as ParsedJson).drift).toMatchObject({ version: "16", detectedAt: null });
    const c = { backend: "example", model: "support-triage", unapproved: "16", approved: "15" };
    await expectFlagged(gw, c);
    // Recorded since: the answer (and so its ETag) says when.
    expect((await resolveOverHttp(gw, "example/support-triage")).headers.get("etag")).not.toBe(flaggedNow.headers.get("etag"));

    gw = await reopenWithTrail(gw, NO_GATES);
    await expectTrailServed(gw, c);
    // Pinned to the trail, a model nothing was approved into production for resolves to nothing.
    const unapprovedOnly = await resolveOverHttp(gw, "example/ticket-embedder");
    expect(unapprovedOnly.status).toBe(404);
    expect(((await unapprovedOnly.json()) as ParsedJson).error.message).toBe(
      '"example/ticket-embedder" has no version the promotion trail approved into PRODUCTION for environment "production" (resolveFrom: trail); the backend has 2, which the trail never approved there',
    );
  }, 120_000);

  it("flags a deployment component put in a governed stage its activation did not approve, in health and in resolve once recorded", async () => {
    gw = await startWorkflowGateway({ config: NO_GATES });
    await promote(gw, "example", "support-triage", "15", "PRODUCTION");
    const created = await gw.as("alice", `mutation($input: DeploymentRevisionCreateInput!) { deploymentRevisionCreate(input: $input) { revision { number } userErrors { message } } }`, {
      input: {
        name: "triage-bot",
        environment: "production",
        reason: "bundle",
        components: [
          { backend: "example", role: "classifier", model: "support-triage", version: "15", weight: 100, shadow: false },
          { backend: "example", role: "generation", model: "reply-drafter", version: "3", weight: 100, shadow: false },
          { backend: "example", role: "generation", model: "reply-drafter", version: "4", weight: 0, shadow: true },
        ],
      },
    });
    expect(created.data?.deploymentRevisionCreate.userErrors).toEqual([]);
    const promoted = await gw.as("alice", `mutation { deploymentPromote(input: { name: "triage-bot", environment: "production", revision: 1, reason: "ship" }) { promotionRequest { id } userErrors { message } } }`);
    expect(promoted.data?.deploymentPromote.userErrors).toEqual([]);
    expect((await waitForStatus(gw, promoted.data!.deploymentPromote.promotionRequest.id)).status).toBe("APPLIED");
    const HEALTH = `{ deployment(name: "triage-bot", environment: "production") { health { status problems { code message component { role modelName version } } } } }`;
    // The activation approved its components where they are: reply-drafter@3 never went through a promotion, yet it is in line.
    expect((await gw.as("vic", HEALTH)).data?.deployment.health).toEqual({ status: "HEALTHY", problems: [] });

    // The shadow candidate is made to serve by hand: production takes it, nothing approved it there.
    commitStatuses(gw.repo, [{ model: "reply-drafter", version: "4", status: "production" }]);
    expect((await gw.as("vic", HEALTH)).data?.deployment.health).toEqual({
      status: "DEGRADED",
      problems: [
        {
          code: "UNAPPROVED_IN_STAGE",
          message: expect.stringContaining("never approved it into PRODUCTION"),
          component: { role: "generation", modelName: "reply-drafter", version: "4" },
        },
      ],
    });
    // resolve of the deployment reads recorded drift only (a 304 reads no backend): flagged once a check has seen it.
    const http = async (etag?: string) =>
      fetch(`${gw!.url}/v1/resolve/triage-bot?env=production`, { headers: { authorization: `Bearer ${TOKENS.vic}`, ...(etag === undefined ? {} : { "if-none-match": etag }) } });
    const before = await http();
    expect(before.headers.get("x-modelgate-drift")).toBeNull();
    const checked = await gw.as("alice", DRIFT_CHECK, { backend: "example", model: "reply-drafter" });
    expect(checked.data?.driftCheck.detected).toContainEqual({ kind: "UNAPPROVED_IN_STAGE", version: "4", expectedStage: "NONE", actualStage: "PRODUCTION" });
    const after = await http();
    expect(after.headers.get("x-modelgate-drift")).toBe("UNAPPROVED_IN_STAGE");
    const body = (await after.json()) as ParsedJson;
    expect(body.drift).toMatchObject({ kind: "UNAPPROVED_IN_STAGE", version: "4", backendStage: "PRODUCTION" });
    expect((await http(body.etag as string)).headers.get("x-modelgate-drift")).toBe("UNAPPROVED_IN_STAGE");

    // Put back: the health is in line again, and the next check resolves the observation.
    commitStatuses(gw.repo, [{ model: "reply-drafter", version: "4", status: "shadow" }]);
    expect((await gw.as("vic", HEALTH)).data?.deployment.health).toEqual({ status: "HEALTHY", problems: [] });
    await gw.as("alice", DRIFT_CHECK, { backend: "example", model: "reply-drafter" });
    expect(await auditActions(gw, "DRIFT_RESOLVED")).toEqual([
      expect.objectContaining({ target: "example/reply-drafter@4", after: { stage: "SHADOW", expected: null, environment: "production" } }),
    ]);
    expect((await http()).headers.get("x-modelgate-drift")).toBeNull();
  }, 120_000);
});
