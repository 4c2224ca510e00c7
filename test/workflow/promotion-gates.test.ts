/** Gates, approvals, four eyes, rejection, transitions and roles, through the real gateway over HTTP. */
import { afterEach, describe, expect, it } from "vitest";
import {
  APPROVE,
  CANARY,
  EVAL,
  PROMOTE,
  REJECT,
  STAGE_OF,
  auditActions,
  startWorkflowGateway,
  waitForStatus,
  type ParsedJson,
  type WorkflowGateway,
} from "./workflow-gateway.js";

let gw: WorkflowGateway | undefined;
afterEach(async () => {
  await gw?.stop();
  gw = undefined;
});

const to = (version: string, toStage: string, extra: Record<string, unknown> = {}) => ({
  input: { backend: "example", model: "support-triage", version, toStage, environment: "production", reason: "better triage", ...extra },
});

const gate = (req: Record<string, ParsedJson>, name: string) => (req.gates as Record<string, ParsedJson>[]).find((g) => g.gate === name);

describe("default policy to PRODUCTION: eval, canary and one approval", () => {
  it("waits for each gate with its evidence, refuses self-approval, then applies and demotes", async () => {
    gw = await startWorkflowGateway();
    const res = await gw.as("pat", PROMOTE, to("15", "PRODUCTION"));
    expect(res.data?.promotionRequest.userErrors).toEqual([]);
    const req = res.data!.promotionRequest.promotionRequest;
    expect(req).toMatchObject({ status: "PENDING", fromStage: "STAGING", toStage: "PRODUCTION", previousVersions: ["14"], requestedBy: "pat" });
    expect(req.policy).toEqual({ source: "default[0]", minEvalScore: 0, canary: true, approvals: 1 });
    expect(gate(req, "EVAL")).toMatchObject({ passed: true, evidence: { source: "backend", suite: "triage-eval-v5", score: 0.95 } });
    expect(gate(req, "CANARY")).toMatchObject({ passed: false, detail: "no canary result recorded for this version in this environment" });
    expect(gate(req, "APPROVAL")).toMatchObject({ passed: false, detail: "0 of 1 approval(s)" });

    const self = await gw.as("pat", APPROVE, { id: req.id });
    expect(self.data?.promotionApprove.userErrors).toEqual([
      { field: ["input", "id"], code: "FORBIDDEN", message: expect.stringContaining("four eyes") },
    ]);

    const canary = await gw.as("alice", CANARY, {
      input: { backend: "example", model: "support-triage", version: "15", environment: "production", clean: true, evidence: "https://grafana/canary/15" },
    });
    expect(canary.data?.canaryResultRecord).toEqual({ canaryResult: { clean: true, recordedBy: "alice" }, userErrors: [] });

    const approved = await gw.as("bob", APPROVE, { id: req.id, comment: "looks good" });
    expect(approved.data?.promotionApprove.userErrors).toEqual([]);
    const after = approved.data!.promotionApprove.promotionRequest;
    expect(["APPLYING", "APPLIED"]).toContain(after.status);
    expect(gate(after, "CANARY")).toMatchObject({ passed: true, evidence: { clean: true, evidence: "https://grafana/canary/15", recordedBy: "alice" } });
    expect(gate(after, "APPROVAL")).toMatchObject({ passed: true, evidence: { approvers: ["bob"] } });
    expect(after.decisions).toEqual([{ actor: "bob", decision: "APPROVED", comment: "looks good" }]);

    expect((await waitForStatus(gw, req.id)).status).toBe("APPLIED");
    expect((await gw.as("vic", STAGE_OF, { v: "15" })).data?.modelVersion.stage).toBe("PRODUCTION");
    expect((await gw.as("vic", STAGE_OF, { v: "14" })).data?.modelVersion.stage).toBe("ARCHIVED");

    const actions = (await auditActions(gw)).map((e) => e.action);
    expect(actions).toEqual([
      "promotion.request",
      "promotion.gate",
      "promotion.gate",
      "promotion.gate",
      "canary.record",
      "promotion.gate",
      "promotion.approve",
      "promotion.gate",
      "promotion.queue",
      "promotion.apply",
      "promotion.demote",
    ]);
    const demote = (await auditActions(gw, "promotion.demote"))[0]!;
    expect(demote).toMatchObject({ target: "example/support-triage@14", before: { stage: "PRODUCTION" }, after: { stage: "ARCHIVED", replacedBy: "15" }, outcome: "SUCCESS" });
  });
});

describe("eval gate", () => {
  it("fails below the threshold with the evidence, and passes once a better eval is recorded", async () => {
    gw = await startWorkflowGateway({
      config: { policies: { rules: [{ models: "support-*", environment: "production", gates: { eval: { minScore: 0.96 } } }] } },
    });
    const req = (await gw.as("alice", PROMOTE, to("15", "PRODUCTION"))).data!.promotionRequest.promotionRequest;
    expect(req.status).toBe("PENDING");
    expect(req.policy).toEqual({ source: "rules[0]", minEvalScore: 0.96, canary: false, approvals: 0 });
    expect(gate(req, "EVAL")).toMatchObject({
      passed: false,
      detail: "triage-eval-v5 scored 0.95 (< 0.96, from the backend)",
      evidence: { source: "backend", suite: "triage-eval-v5", score: 0.95, run: "2026-07-02" },
    });
    expect(gate(req, "CANARY")).toBeUndefined();

    const recorded = await gw.as("alice", EVAL, {
      input: { backend: "example", model: "support-triage", version: "15", suite: "triage-eval-v6", score: 0.97, run: "run-42", artifactUri: "s3://evals/run-42.json" },
    });
    expect(recorded.data?.evalRecord).toEqual({ evalRecord: { suite: "triage-eval-v6", score: 0.97, recordedBy: "alice" }, userErrors: [] });
    const done = await waitForStatus(gw, req.id);
    expect(done.status).toBe("APPLIED");
    expect(gate(done, "EVAL")).toMatchObject({
      passed: true,
      evidence: { source: "recorded", suite: "triage-eval-v6", score: 0.97, run: "run-42", artifactUri: "s3://evals/run-42.json", recordedBy: "alice" },
    });
  });

  it("fails when the version has no eval at all", async () => {
    gw = await startWorkflowGateway();
    const req = (await gw.as("alice", PROMOTE, to("16", "STAGING"))).data!.promotionRequest.promotionRequest;
    expect(req.status).toBe("PENDING");
    expect(gate(req, "EVAL")).toMatchObject({ passed: false, detail: "no eval record for this version (needs score >= 0)", evidence: null });
  });

  it("refuses an eval record for a version that does not exist", async () => {
    gw = await startWorkflowGateway();
    const res = await gw.as("alice", EVAL, { input: { backend: "example", model: "support-triage", version: "99", suite: "s", score: 1 } });
    expect(res.data?.evalRecord.userErrors[0]).toMatchObject({ code: "NOT_FOUND" });
  });
});

describe("approvals", () => {
  const twoApprovals = { policies: { rules: [{ gates: { approvals: 2 } }] } };

  it("needs N distinct approvers", async () => {
    gw = await startWorkflowGateway({ config: twoApprovals });
    const req = (await gw.as("alice", PROMOTE, to("15", "PRODUCTION"))).data!.promotionRequest.promotionRequest;
    const one = (await gw.as("bob", APPROVE, { id: req.id })).data!.promotionApprove.promotionRequest;
    expect(one.status).toBe("PENDING");
    expect(gate(one, "APPROVAL")).toMatchObject({ passed: false, detail: "1 of 2 approval(s)" });
    const again = await gw.as("bob", APPROVE, { id: req.id });
    expect(again.data?.promotionApprove.userErrors[0]).toMatchObject({ code: "CONFLICT", message: expect.stringContaining("bob has already decided") });
    const two = (await gw.as("carol", APPROVE, { id: req.id })).data!.promotionApprove.promotionRequest;
    expect(gate(two, "APPROVAL")).toMatchObject({ passed: true, evidence: { approvers: ["bob", "carol"] } });
    expect((await waitForStatus(gw, req.id)).status).toBe("APPLIED");
    const decided = await gw.as("vic", "{ approvals(status: APPROVED) { state actor received required request { id status } } }");
    expect(decided.data?.approvals).toEqual([
      { state: "APPROVED", actor: "carol", received: 2, required: 2, request: { id: req.id, status: "APPLIED" } },
      { state: "APPROVED", actor: "bob", received: 2, required: 2, request: { id: req.id, status: "APPLIED" } },
    ]);
  });

  it("a rejection ends the request: no later approval, and the slot is free again", async () => {
    gw = await startWorkflowGateway({ config: twoApprovals });
    const req = (await gw.as("alice", PROMOTE, to("15", "PRODUCTION"))).data!.promotionRequest.promotionRequest;
    const rejected = await gw.as("bob", REJECT, { id: req.id, comment: "canary dashboards missing" });
    expect(rejected.data?.promotionReject.promotionRequest).toMatchObject({
      status: "REJECTED",
      failure: "rejected by bob: canary dashboards missing",
      decisions: [{ actor: "bob", decision: "REJECTED", comment: "canary dashboards missing" }],
    });
    const late = await gw.as("carol", APPROVE, { id: req.id });
    expect(late.data?.promotionApprove.userErrors[0]).toMatchObject({ code: "CONFLICT", message: expect.stringContaining("is REJECTED, not PENDING") });
    expect((await gw.as("vic", STAGE_OF, { v: "15" })).data?.modelVersion.stage).toBe("STAGING");
    const next = await gw.as("alice", PROMOTE, to("15", "PRODUCTION", { reason: "second try" }));
    expect(next.data?.promotionRequest.promotionRequest.status).toBe("PENDING");
    expect((await auditActions(gw, "promotion.reject"))[0]).toMatchObject({ actor: "bob", reason: "canary dashboards missing" });
  });
});

describe("transitions and roles", () => {
  it("refuses a transition the policy does not allow, listing the allowed ones", async () => {
    gw = await startWorkflowGateway();
    const res = await gw.as("alice", PROMOTE, to("13", "PRODUCTION"));
    expect(res.data?.promotionRequest).toEqual({
      replayed: false,
      promotionRequest: null,
      userErrors: [{ field: ["input", "toStage"], code: "INVALID_INPUT", message: "a version in ARCHIVED cannot go to PRODUCTION; allowed from ARCHIVED: STAGING" }],
    });
    const shadowFirst = await gw.as("alice", PROMOTE, to("16", "SHADOW"));
    expect(shadowFirst.data?.promotionRequest.userErrors[0].message).toBe("a version in NONE cannot go to SHADOW; allowed from NONE: STAGING, ARCHIVED");
    expect(await auditActions(gw, "promotion.request")).toEqual([]);
  });

  it("lets viewers read but not request, and publishers request but not approve", async () => {
    gw = await startWorkflowGateway();
    const viewer = await gw.as("vic", PROMOTE, to("15", "PRODUCTION"));
    expect(viewer.data?.promotionRequest.userErrors[0]).toMatchObject({ code: "FORBIDDEN", message: expect.stringContaining("needs the publisher role") });
    const req = (await gw.as("alice", PROMOTE, to("15", "PRODUCTION"))).data!.promotionRequest.promotionRequest;
    const publisher = await gw.as("alice", APPROVE, { id: req.id });
    expect(publisher.data?.promotionApprove.userErrors[0]).toMatchObject({ code: "FORBIDDEN", message: expect.stringContaining("needs the approver role") });
    const policies = await gw.as("vic", "{ policies { isDefault rules { toStages approvals canary minEvalScore } transitions { from to } deprecation { environment } } }");
    expect(policies.data?.policies.isDefault).toBe(true);
    expect(policies.data?.policies.deprecation).toBeNull();
    expect(policies.data?.policies.transitions).toContainEqual({ from: "SHADOW", to: ["PRODUCTION", "STAGING", "ARCHIVED"] });
    const pending = await gw.as("vic", "{ approvals(status: PENDING) { state required received request { id } } }");
    expect(pending.data?.approvals).toEqual([{ state: "PENDING", required: 1, received: 0, request: { id: req.id } }]);
    const other = (await gw.as("alice", PROMOTE, { input: { ...to("15", "PRODUCTION").input, environment: "staging" } })).data!.promotionRequest.promotionRequest;
    const page1 = await gw.as("vic", "{ promotionRequests(status: PENDING, first: 1) { nodes { id } pageInfo { hasNextPage endCursor } } }");
    expect(page1.data?.promotionRequests.nodes).toEqual([{ id: other.id }]);
    expect(page1.data?.promotionRequests.pageInfo.hasNextPage).toBe(true);
    const page2 = await gw.as("vic", "query($after: String) { promotionRequests(status: PENDING, first: 1, after: $after) { nodes { id } pageInfo { hasNextPage } } }", {
      after: page1.data?.promotionRequests.pageInfo.endCursor,
    });
    expect(page2.data?.promotionRequests).toEqual({ nodes: [{ id: req.id }], pageInfo: { hasNextPage: false } });
    const applied = await gw.as("vic", "{ promotionRequests(status: APPLIED) { nodes { id } } }");
    expect(applied.data?.promotionRequests.nodes).toEqual([]);
  });
});
