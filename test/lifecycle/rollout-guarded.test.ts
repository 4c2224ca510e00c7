/**
 * Guarded rollouts through a real gateway (HTTP, git-YAML backend, SQLite store, the leader's
 * rollout pass and the outbox): a rollout that completes on good canary evidence, one that pauses on
 * missing evidence (then resume, a manual pause, abort), one that rolls back by itself on a bad
 * canary result, resolve's weights and ETag at every step, and a gateway stopped between a queued
 * step and its apply that resumes without skipping or repeating a step. Short holds and polling; no
 * timing assertions.
 */
import { afterEach, describe, expect, it } from "vitest";
import { registryEventType } from "../../src/events/registry-event.js";
import { APPROVE, TOKENS, auditActions, startWorkflowGateway, waitForStatus, type ParsedJson, type WorkflowGateway } from "../workflow/workflow-gateway.js";

let gw: WorkflowGateway | undefined;
afterEach(async () => {
  await gw?.stop();
  gw = undefined;
});

const ENV = "staging";
const FAST = { background: { rolloutPollMs: 50 } };

const CREATE = `mutation($input: DeploymentRevisionCreateInput!) {
  deploymentRevisionCreate(input: $input) { revision { number contentHash } unchanged userErrors { field code message } }
}`;
const PROMOTE = `mutation($input: DeploymentPromoteInput!) {
  deploymentPromote(input: $input) { promotionRequest { id status } userErrors { field code message } }
}`;
const CANARY = `mutation($input: CanaryResultRecordInput!) {
  canaryResultRecord(input: $input) { canaryResult { clean errorRate requests metrics { key value } } userErrors { field code message } }
}`;
const ROLLOUT = `query {
  deployment(name: "support-bot", environment: "${ENV}") {
    currentRevision { number }
    rollout { status step weight weights { version weight serving } plan { steps { weight holdSeconds } maxErrorRate onBreach onMissingEvidence }
              nextAt pausedReason revision { number } fromRevision { number } }
  }
}`;
const CONTROL = (op: string) => `mutation($input: DeploymentRolloutControlInput!) {
  ${op}(input: $input) { rollout { status step weight pausedReason } promotionRequest { id kind } userErrors { field code message } }
}`;

const triage = (version: string) => [{ role: "classifier", backend: "example", model: "support-triage", version, weight: 100, shadow: false }];

async function revision(version: string, rollout?: Record<string, unknown>): Promise<{ number: number; contentHash: string }> {
  const res = await gw!.as("alice", CREATE, { input: { name: "support-bot", environment: ENV, reason: `triage ${version}`, components: triage(version), ...(rollout ? { rollout } : {}) } });
  expect(res.errors).toBeUndefined();
  expect(res.data?.deploymentRevisionCreate.userErrors).toEqual([]);
  return res.data!.deploymentRevisionCreate.revision as { number: number; contentHash: string };
}

/** Promotes a revision (approving when its policy asks) and waits until it runs. */
async function ship(number: number): Promise<void> {
  const res = await gw!.as("alice", PROMOTE, { input: { name: "support-bot", environment: ENV, revision: number, reason: `ship #${number}` } });
  expect(res.data?.deploymentPromote.userErrors).toEqual([]);
  const request = res.data!.deploymentPromote.promotionRequest as { id: string; status: string };
  if (request.status === "PENDING") expect((await gw!.as("bob", APPROVE, { id: request.id })).data?.promotionApprove.userErrors).toEqual([]);
  expect((await waitForStatus(gw!, request.id)).status).toBe("APPLIED");
}

async function rollout(): Promise<Record<string, ParsedJson>> {
  const res = await gw!.as("vic", ROLLOUT);
  expect(res.errors).toBeUndefined();
  return res.data!.deployment as Record<string, ParsedJson>;
}

/** Polls the deployment until `done` holds for it (generous deadline). */
async function until(what: string, done: (d: Record<string, ParsedJson>) => boolean, timeoutMs = 30_000): Promise<Record<string, ParsedJson>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const d = await rollout();
    if (done(d)) return d;
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(d.rollout)} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function canary(measures: Record<string, unknown>): Promise<void> {
  const res = await gw!.as("alice", CANARY, {
    input: { backend: "example", model: "support-triage", version: "15", environment: ENV, clean: true, evidence: "https://grafana.example/d/canary", ...measures },
  });
  expect(res.data?.canaryResultRecord.userErrors).toEqual([]);
}

async function resolveHttp(): Promise<{ etag: string; body: Record<string, ParsedJson> }> {
  const res = await fetch(`${gw!.url}/v1/resolve/support-bot?env=${ENV}`, { headers: { authorization: `Bearer ${TOKENS.vic}` } });
  expect(res.status).toBe(200);
  return { etag: res.headers.get("etag")!, body: (await res.json()) as Record<string, ParsedJson> };
}

const weights = (body: Record<string, ParsedJson>) => Object.fromEntries((body.components as { version: string; weight: number }[]).map((c) => [c.version, c.weight]));
/** The rollout's own events (not the requests that queue its steps). */
const actions = async () => (await auditActions(gw!)).filter((e) => String(e.action).startsWith("deployment.rollout_") && e.action !== "deployment.rollout_advance");
/** The registry event types (webhooks, subscriptions) of the trail's events, oldest first. */
const eventTypes = async () => (await auditActions(gw!)).map((e) => [e.action, registryEventType({ action: e.action as string, outcome: e.outcome as "SUCCESS" })]);

describe("guarded rollouts", () => {
  it("completes step by step on good canary evidence; resolve serves each step's weights with a new ETag", async () => {
    gw = await startWorkflowGateway({ config: FAST });
    const one = await revision("14");
    await ship(one.number);
    const first = await resolveHttp();
    expect(first.etag).toBe(`"${one.contentHash}"`);
    const plan = { steps: [{ weight: 25, holdSeconds: 1 }, { weight: 50, holdSeconds: 1 }], maxErrorRate: 0.05, metricFloor: { name: "accuracy", min: 0.9 }, minRequests: 100, evidenceTimeoutSeconds: 600 };
    const two = await revision("15", plan);
    await ship(two.number);

    const started = await rollout();
    expect(started.rollout).toMatchObject({ status: "RUNNING", step: 1, weight: 25, revision: { number: 2 }, fromRevision: { number: 1 }, plan: { onBreach: "ROLLBACK", onMissingEvidence: "PAUSE" } });
    expect(started.rollout.nextAt).not.toBeNull();
    const at25 = await resolveHttp();
    expect(weights(at25.body)).toEqual({ "15": 25, "14": 75 });
    expect(at25.body.rollout).toEqual({ step: 1, weight: 25, fromRevision: 1 });
    expect(at25.etag).not.toBe(first.etag);
    expect(at25.etag).not.toBe(`"${two.contentHash}"`);
    // 304 for the same step.
    const again = await fetch(`${gw.url}/v1/resolve/support-bot?env=${ENV}`, { headers: { authorization: `Bearer ${TOKENS.vic}`, "if-none-match": at25.etag } });
    expect(again.status).toBe(304);

    await canary({ errorRate: 0.01, requests: 150, metrics: [{ key: "accuracy", value: 0.94 }] });
    await until("step 2", (d) => d.rollout.step === 2);
    const at50 = await resolveHttp();
    expect(weights(at50.body)).toEqual({ "15": 50, "14": 50 });
    expect(new Set([first.etag, at25.etag, at50.etag]).size).toBe(3);
    // GraphQL resolve says the same.
    const gql = await gw.as("vic", `{ resolve(name: "support-bot", environment: "${ENV}") { etag ... on ResolvedDeployment { rollout { step weight fromRevision } components { version { version } weight } } } }`);
    expect(gql.data?.resolve).toMatchObject({ etag: at50.etag, rollout: { step: 2, weight: 50, fromRevision: 1 } });

    await canary({ errorRate: 0.02, requests: 120, metrics: [{ key: "accuracy", value: 0.92 }] });
    const done = await until("completed", (d) => d.rollout.status === "COMPLETED");
    expect(done.currentRevision).toEqual({ number: 2 });
    expect(done.rollout).toMatchObject({ weight: 100, nextAt: null, weights: [{ version: "15", weight: 100, serving: true }] });
    const full = await resolveHttp();
    expect(full.etag).toBe(`"${two.contentHash}"`);
    expect(weights(full.body)).toEqual({ "15": 100 });
    expect(full.body.rollout).toBeUndefined();

    expect((await actions()).map((e) => [e.action, e.after.step ?? e.after.status])).toEqual([
      ["deployment.rollout_start", 1],
      ["deployment.rollout_step", 2],
      ["deployment.rollout_complete", "COMPLETED"],
    ]);
    expect((await eventTypes()).filter(([, type]) => type === "ROLLOUT_STEP")).toEqual([
      ["deployment.rollout_start", "ROLLOUT_STEP"],
      ["deployment.rollout_step", "ROLLOUT_STEP"],
      ["deployment.rollout_complete", "ROLLOUT_STEP"],
    ]);
  }, 120_000);

  it("pauses when the evidence does not arrive in time; resume, a manual pause and abort work through the API", async () => {
    gw = await startWorkflowGateway({ config: FAST });
    await ship((await revision("14")).number);
    await ship((await revision("15", { steps: [{ weight: 10, holdSeconds: 1 }, { weight: 100, holdSeconds: 1 }], evidenceTimeoutSeconds: 1 })).number);
    const paused = await until("paused", (d) => d.rollout.status === "PAUSED");
    expect(paused.rollout).toMatchObject({ step: 1, weight: 10, nextAt: null });
    expect(paused.rollout.pausedReason).toContain("no canary result");
    // Paused holds the step's weights.
    expect(weights((await resolveHttp()).body)).toEqual({ "15": 10, "14": 90 });

    const input = { name: "support-bot", environment: ENV, reason: "canary reporter fixed" };
    const refused = await gw.as("alice", CONTROL("deploymentRolloutResume"), { input });
    expect(refused.data?.deploymentRolloutResume.userErrors[0]).toMatchObject({ code: "FORBIDDEN" });
    const resumed = await gw.as("bob", CONTROL("deploymentRolloutResume"), { input });
    expect(resumed.data?.deploymentRolloutResume).toMatchObject({ userErrors: [], rollout: { status: "RUNNING", step: 1, pausedReason: null } });
    const manual = await gw.as("alice", CONTROL("deploymentRolloutPause"), { input: { ...input, reason: "incident review" } });
    // The leader may have paused it again first (still no evidence): either way it ends PAUSED.
    const pausedAgain = await until("paused again", (d) => d.rollout.status === "PAUSED");
    if ((manual.data?.deploymentRolloutPause.userErrors as unknown[]).length === 0) expect(pausedAgain.rollout.pausedReason).toBe("paused by alice: incident review");

    const aborted = await gw.as("bob", CONTROL("deploymentRolloutAbort"), { input: { ...input, reason: "not worth it" } });
    expect(aborted.data?.deploymentRolloutAbort.userErrors).toEqual([]);
    expect(aborted.data?.deploymentRolloutAbort.promotionRequest.kind).toBe("ROLLBACK");
    await waitForStatus(gw, aborted.data!.deploymentRolloutAbort.promotionRequest.id as string);
    const after = await until("rolled back", (d) => d.rollout.status === "ROLLED_BACK");
    expect(after.currentRevision).toEqual({ number: 1 });
    expect(weights((await resolveHttp()).body)).toEqual({ "14": 100 });
    const trail = await actions();
    expect(trail.map((e) => e.action)).toContain("deployment.rollout_pause");
    expect((await eventTypes()).filter(([, type]) => type === "ROLLOUT_PAUSED").length).toBeGreaterThanOrEqual(1);
    expect(trail.find((e) => e.action === "deployment.rollout_pause")?.after).toMatchObject({ automatic: true, status: "PAUSED" });
    expect(trail.filter((e) => e.action === "deployment.rollout_resume")).toHaveLength(1);
    expect(trail.at(-1)).toMatchObject({ action: "deployment.rollout_rolled_back", actor: "bob", after: { status: "ROLLED_BACK", automatic: false, revision: 1 } });
  }, 120_000);

  it("rolls back to the previous revision by itself when a canary result breaks a threshold", async () => {
    gw = await startWorkflowGateway({ config: FAST });
    await ship((await revision("14")).number);
    await ship((await revision("15", { steps: [{ weight: 5, holdSeconds: 3600 }, { weight: 100, holdSeconds: 3600 }], maxErrorRate: 0.05 })).number);
    await until("running", (d) => d.rollout?.status === "RUNNING");
    await canary({ errorRate: 0.3, requests: 400 });
    const after = await until("rolled back", (d) => d.rollout.status === "ROLLED_BACK" && d.currentRevision.number === 1);
    expect(after.rollout).toMatchObject({ weight: 0, revision: { number: 2 }, fromRevision: { number: 1 } });
    const full = await resolveHttp();
    expect(weights(full.body)).toEqual({ "14": 100 });
    const trail = await auditActions(gw);
    const rollback = trail.find((e) => e.action === "deployment.rollback");
    expect(rollback).toMatchObject({ actor: "modelgate:rollout" });
    expect(rollback?.reason).toContain("error rate 0.3 is above the plan's maximum 0.05");
    expect(trail.filter((e) => e.action === "deployment.rollout_rolled_back")).toEqual([
      expect.objectContaining({ actor: "modelgate:rollout", after: expect.objectContaining({ automatic: true, status: "ROLLED_BACK" }) }),
    ]);
    expect((await eventTypes()).filter(([, type]) => type === "ROLLOUT_ROLLED_BACK")).toEqual([["deployment.rollout_rolled_back", "ROLLOUT_ROLLED_BACK"]]);
  }, 120_000);

  it("a gateway stopped between a queued step and its apply resumes without skipping or repeating a step", async () => {
    gw = await startWorkflowGateway({ config: FAST });
    const dir = gw.dir;
    await ship((await revision("14")).number);
    await ship((await revision("15", { steps: [{ weight: 20, holdSeconds: 1 }, { weight: 60, holdSeconds: 1 }], evidenceTimeoutSeconds: 600 })).number);
    await until("running", (d) => d.rollout?.status === "RUNNING");
    await gw.close();
    await gw.gateway.close();

    // The leader judges and queues step 2, but this gateway has no outbox: it stops in between.
    gw = await startWorkflowGateway({ dir, config: FAST, outbox: false });
    await canary({ requests: 50 });
    const deadline = Date.now() + 30_000;
    while ((await auditActions(gw, "deployment.rollout_advance")).length === 0) {
      if (Date.now() > deadline) throw new Error("the leader never queued step 2");
      await new Promise((r) => setTimeout(r, 50));
    }
    expect((await rollout()).rollout).toMatchObject({ status: "RUNNING", step: 1 });
    await gw.close();
    await gw.gateway.close();

    gw = await startWorkflowGateway({ dir, config: FAST });
    await until("step 2", (d) => d.rollout.step === 2);
    await canary({ requests: 50 });
    await until("completed", (d) => d.rollout.status === "COMPLETED");
    expect((await actions()).map((e) => [e.action, e.after.step ?? e.after.status])).toEqual([
      ["deployment.rollout_start", 1],
      ["deployment.rollout_step", 2],
      ["deployment.rollout_complete", "COMPLETED"],
    ]);
    // One request per step, each applied once.
    const advances = await auditActions(gw, "deployment.rollout_advance");
    expect(advances.map((e) => e.after.step ?? "complete")).toEqual([2, "complete"]);
  }, 120_000);

  it("refuses a bad plan naming the field, and a plan change is a new revision", async () => {
    gw = await startWorkflowGateway({ config: FAST });
    const bad = await gw.as("alice", CREATE, {
      input: { name: "support-bot", environment: ENV, reason: "x", components: triage("14"), rollout: { steps: [{ weight: 50, holdSeconds: 1 }, { weight: 40, holdSeconds: 1 }] } },
    });
    expect(bad.data?.deploymentRevisionCreate.userErrors).toEqual([
      { field: ["input", "rollout", "steps", "1", "weight"], code: "INVALID_INPUT", message: "rollout.steps.1.weight: steps must grow: 40 follows 50" },
    ]);
    const one = await revision("14");
    const planned = await revision("14", { steps: [{ weight: 50, holdSeconds: 1 }] });
    expect(planned.number).toBe(one.number + 1);
    const same = await gw.as("alice", CREATE, { input: { name: "support-bot", environment: ENV, reason: "again", components: triage("14"), rollout: { steps: [{ weight: 50, holdSeconds: 1 }] } } });
    expect(same.data?.deploymentRevisionCreate).toMatchObject({ unchanged: true, revision: { number: planned.number } });
  }, 120_000);
});
