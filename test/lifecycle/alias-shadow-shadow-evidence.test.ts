/**
 * Shadow evidence on a real git-YAML registry (docs/lifecycle.md#shadow-evidence): a SHADOW ->
 * PRODUCTION rule with requireShadowEvidence and its own two approvals. The promotion waits (naming
 * the missing or unmet threshold) until a good report arrives, then applies; reports are their own
 * evidence type (ModelVersion.shadowReports), validated, audited, and recorded with the CLI too.
 */
import { afterEach, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/program.js";
import {
  APPROVE,
  PROMOTE,
  STAGE_OF,
  TOKENS,
  auditActions,
  startWorkflowGateway,
  waitForStatus,
  type ParsedJson,
  type WorkflowGateway,
} from "../workflow/workflow-gateway.js";

let gw: WorkflowGateway | undefined;
afterEach(async () => {
  await gw?.stop();
  gw = undefined;
});

const CONFIG = {
  policies: {
    rules: [
      {
        toStages: ["PRODUCTION"],
        fromStages: ["SHADOW"],
        gates: { approvals: 2, requireShadowEvidence: { minRequests: 1000, minAgreement: 0.95, maxErrorRate: 0.01 } },
      },
      { toStages: ["PRODUCTION"], gates: { approvals: 1 } },
      { gates: {} },
    ],
  },
};

const SHADOW = `mutation($input: ShadowReportInput!) {
  shadowReport(input: $input) { shadowReport { id version primaryVersion environment requests agreementRate latencyP50Ms latencyP95Ms errorRate recordedBy windowEnd } userErrors { field code message } }
}`;
const REPORTS = `query($first: Int, $after: String) { modelVersion(backend: "example", model: "support-triage", version: "15") {
  shadowReports(environment: "production", first: $first, after: $after) { nodes { id requests agreementRate } pageInfo { hasNextPage endCursor } }
} }`;

const hour = 3_600_000;
const report = (extra: Record<string, unknown> = {}) => ({
  input: {
    backend: "example",
    model: "support-triage",
    version: "15",
    primaryVersion: "14",
    environment: "production",
    windowStart: new Date(Date.now() - 25 * hour).toISOString(),
    windowEnd: new Date(Date.now() - hour).toISOString(),
    requests: 5000,
    agreementRate: 0.97,
    latencyP50Ms: 120,
    latencyP95Ms: 410,
    errorRate: 0.004,
    evidence: "https://grafana.example/shadow/15",
    ...extra,
  },
});
const gate = (req: Record<string, ParsedJson>, name: string) => (req.gates as Record<string, ParsedJson>[]).find((g) => g.gate === name);
const node = async (g: WorkflowGateway, id: string) =>
  (await g.as("vic", `query($id: ID!) { node(id: $id) { ... on PromotionRequest { status gates { gate passed detail } } } }`, { id })).data?.node as Record<string, ParsedJson>;

describe("shadow evidence", () => {
  it("validates a report with clear userErrors and records nothing", async () => {
    gw = await startWorkflowGateway({ config: CONFIG });
    const bad = async (extra: Record<string, unknown>) => (await gw!.as("alice", SHADOW, report(extra))).data?.shadowReport.userErrors as { field: string[]; message: string }[];
    expect(await bad({ agreementRate: 1.5 })).toEqual([{ field: ["input", "agreementRate"], code: "INVALID_INPUT", message: "agreementRate: must be a share from 0 to 1, got 1.5" }]);
    expect((await bad({ errorRate: -0.1 }))[0]!.field).toEqual(["input", "errorRate"]);
    expect((await bad({ requests: -1 }))[0]).toMatchObject({ field: ["input", "requests"], message: expect.stringContaining("whole number") });
    expect((await bad({ latencyP50Ms: 500, latencyP95Ms: 100 }))[0]).toMatchObject({ field: ["input", "latencyP95Ms"], message: expect.stringContaining("below latencyP50Ms") });
    expect((await bad({ windowEnd: new Date(Date.now() - 30 * hour).toISOString() }))[0]).toMatchObject({ field: ["input", "windowEnd"], message: "windowEnd: must be after windowStart" });
    expect((await bad({ windowEnd: new Date(Date.now() + 24 * hour).toISOString() }))[0]).toMatchObject({ field: ["input", "windowEnd"], message: expect.stringContaining("in the future") });
    expect((await bad({ environment: "moon" }))[0]).toMatchObject({ field: ["input", "environment"], code: "NOT_FOUND" });
    expect((await bad({ version: "99" }))[0]).toMatchObject({ code: "NOT_FOUND" });
    expect((await bad({ primaryVersion: "98" }))[0]).toMatchObject({ code: "NOT_FOUND" });
    // A viewer may not report.
    expect((await gw.as("vic", SHADOW, report())).data?.shadowReport.userErrors[0]).toMatchObject({ code: "FORBIDDEN" });
    expect((await gw.as("vic", REPORTS, {})).data?.modelVersion.shadowReports.nodes).toEqual([]);
    expect(await auditActions(gw, "shadow.record")).toEqual([]);
  });

  it("holds SHADOW -> PRODUCTION on missing and insufficient evidence, naming the threshold, and applies after a good report", async () => {
    gw = await startWorkflowGateway({ config: CONFIG });
    const toShadow = await gw.as("alice", PROMOTE, { input: { backend: "example", model: "support-triage", version: "15", toStage: "SHADOW", environment: "production", reason: "mirror traffic" } });
    expect(toShadow.data?.promotionRequest.userErrors).toEqual([]);
    expect((await waitForStatus(gw, toShadow.data!.promotionRequest.promotionRequest.id)).status).toBe("APPLIED");

    const res = await gw.as("alice", PROMOTE, { input: { backend: "example", model: "support-triage", version: "15", toStage: "PRODUCTION", environment: "production", reason: "shadow looked good" } });
    expect(res.data?.promotionRequest.userErrors).toEqual([]);
    const req = res.data!.promotionRequest.promotionRequest as Record<string, ParsedJson>;
    expect(req).toMatchObject({ status: "PENDING", fromStage: "SHADOW", policy: { source: "rules[0]", approvals: 2 } });
    expect(gate(req, "SHADOW")).toMatchObject({ passed: false, detail: "no shadow report recorded for this version in this environment" });
    const policy = await gw.as("vic", `query($id: ID!) { node(id: $id) { ... on PromotionRequest { policy { shadowEvidence { minRequests minAgreement maxErrorRate } } } } }`, { id: req.id });
    expect(policy.data?.node.policy.shadowEvidence).toEqual({ minRequests: 1000, minAgreement: 0.95, maxErrorRate: 0.01 });

    // Both approvals in: still held by the SHADOW gate.
    for (const who of ["bob", "carol"] as const) expect((await gw.as(who, APPROVE, { id: req.id })).data?.promotionApprove.userErrors).toEqual([]);
    expect(await node(gw, req.id as string)).toMatchObject({ status: "PENDING" });

    // An insufficient report: the gate names each threshold it misses.
    const weak = await gw.as("alice", SHADOW, report({ requests: 500, agreementRate: 0.9 }));
    expect(weak.data?.shadowReport.userErrors).toEqual([]);
    const held = await node(gw, req.id as string);
    expect(held.status).toBe("PENDING");
    expect(gate(held, "SHADOW")!.detail).toMatch(/: 500 requests \(needs >= 1000\), agreement 0\.9 \(needs >= 0\.95\)$/);
    expect(gate(held, "APPROVAL")).toMatchObject({ passed: true });
    expect((await gw.as("vic", STAGE_OF, { v: "15" })).data?.modelVersion.stage).toBe("SHADOW");

    // A good report, through the CLI: the gate passes and the promotion applies.
    const out: string[] = [];
    const io = { stdout: (t: string) => void out.push(t), stderr: (t: string) => void out.push(t), env: { MODELGATE_TOKEN: TOKENS.alice }, exit: () => undefined };
    const code = await runCli(
      [
        "shadow", "report", "support-triage", "15", "--backend", "example", "--env", "production", "--primary", "14",
        "--from", new Date(Date.now() - 24 * hour).toISOString(), "--to", new Date(Date.now() - hour / 2).toISOString(),
        "--requests", "20000", "--agreement", "0.985", "--error-rate", "0.002", "--p50", "110", "--p95", "380",
        "--evidence", "https://grafana.example/shadow/15", "--url", gw.url,
      ],
      io,
    );
    expect(out.join("")).toContain("20000 requests, agreement 0.985, error rate 0.002, p95 380 ms");
    expect(code).toBe(0);
    const applied = await waitForStatus(gw, req.id as string);
    expect(applied.status).toBe("APPLIED");
    expect(gate(applied, "SHADOW")).toMatchObject({ passed: true, evidence: { requests: 20000, agreementRate: 0.985, primaryVersion: "14", recordedBy: "alice" } });
    expect((await gw.as("vic", STAGE_OF, { v: "15" })).data?.modelVersion.stage).toBe("PRODUCTION");

    // Its own evidence type, newest first, paged.
    const first = await gw.as("vic", REPORTS, { first: 1 });
    const page1 = first.data?.modelVersion.shadowReports;
    expect(page1.nodes).toMatchObject([{ requests: 20000, agreementRate: 0.985 }]);
    expect(page1.pageInfo.hasNextPage).toBe(true);
    const page2 = (await gw.as("vic", REPORTS, { first: 1, after: page1.pageInfo.endCursor })).data?.modelVersion.shadowReports;
    expect(page2.nodes).toMatchObject([{ requests: 500, agreementRate: 0.9 }]);
    expect(page2.pageInfo.hasNextPage).toBe(false);

    // The trail: each report audited; the SHADOW gate's changes with their evidence.
    const records = await auditActions(gw, "shadow.record");
    expect(records.map((e) => [e.actor, e.target, e.after.requests])).toEqual([
      ["alice", "example/support-triage@15", 500],
      ["alice", "example/support-triage@15", 20000],
    ]);
    const shadowGates = (await auditActions(gw, "promotion.gate")).filter((e) => e.after.gate === "SHADOW").map((e) => e.after.passed);
    expect(shadowGates).toEqual([false, false, true]);
  });

  it("leaves STAGING -> PRODUCTION to its own rule (no shadow gate, one approval)", async () => {
    gw = await startWorkflowGateway({ config: CONFIG });
    const res = await gw.as("alice", PROMOTE, { input: { backend: "example", model: "support-triage", version: "15", toStage: "PRODUCTION", environment: "production", reason: "direct" } });
    const req = res.data!.promotionRequest.promotionRequest as Record<string, ParsedJson>;
    expect(req).toMatchObject({ status: "PENDING", fromStage: "STAGING", policy: { source: "rules[1]", approvals: 1 } });
    expect(gate(req, "SHADOW")).toBeUndefined();
    expect((await gw.as("bob", APPROVE, { id: req.id })).data?.promotionApprove.userErrors).toEqual([]);
    expect((await waitForStatus(gw, req.id as string)).status).toBe("APPLIED");
  });
});
