import { describe, expect, it } from "vitest";
import { configSchema } from "../config/schema.js";
import type { ShadowReportRecord } from "../store/lifecycle-store.js";
import type { RequestPolicy } from "../store/workflow-store.js";
import { evaluateGates } from "./gates.js";
import { PromotionPolicies } from "./policy.js";
import { evaluateShadowGate, shadowPolicy } from "./shadow-gate.js";

const policy: RequestPolicy = { source: "rules[0]", eval: null, canary: false, approvals: 0, shadow: { minRequests: 1000, minAgreement: 0.95, maxErrorRate: 0.01 } };
const report = (p: Partial<ShadowReportRecord>): ShadowReportRecord => ({
  id: "s1",
  backendId: "git",
  modelName: "fraud",
  version: "3",
  environment: "production",
  primaryVersion: "2",
  windowStart: new Date("2026-03-01T00:00:00.000Z"),
  windowEnd: new Date("2026-03-02T00:00:00.000Z"),
  requests: 5000,
  agreementRate: 0.97,
  latencyP50Ms: 12,
  latencyP95Ms: 40,
  errorRate: 0.002,
  evidence: "https://grafana/shadow",
  notes: null,
  recordedBy: "serving-bot",
  at: new Date("2026-03-02T00:01:00.000Z"),
  ...p,
});

describe("the SHADOW gate", () => {
  it("is absent when the policy asks for no shadow evidence", () => {
    expect(evaluateShadowGate({ ...policy, shadow: null }, [report({})])).toEqual([]);
    expect(evaluateShadowGate({ source: "x", eval: null, canary: false, approvals: 0 }, undefined)).toEqual([]);
  });

  it("fails without a report, saying so", () => {
    expect(evaluateShadowGate(policy, [])).toEqual([
      { gate: "SHADOW", passed: false, detail: "no shadow report recorded for this version in this environment", evidence: null },
    ]);
  });

  it("passes a report that meets every threshold, with the report as evidence", () => {
    const [o] = evaluateShadowGate(policy, [report({})]);
    expect(o).toMatchObject({ gate: "SHADOW", passed: true, evidence: { id: "s1", requests: 5000, agreementRate: 0.97, primaryVersion: "2", latencyP95Ms: 40 } });
    expect(o!.detail).toContain("shadow agreed 0.97 over 5000 requests, error rate 0.002");
  });

  it("names each threshold a report misses", () => {
    expect(evaluateShadowGate(policy, [report({ requests: 10 })])[0]!.detail).toMatch(/: 10 requests \(needs >= 1000\)$/);
    expect(evaluateShadowGate(policy, [report({ agreementRate: 0.9 })])[0]!.detail).toMatch(/agreement 0.9 \(needs >= 0.95\)$/);
    expect(evaluateShadowGate(policy, [report({ errorRate: 0.05 })])[0]!.detail).toMatch(/error rate 0.05 \(needs <= 0.01\)$/);
    const all = evaluateShadowGate(policy, [report({ requests: 1, agreementRate: 0.1, errorRate: 0.5 })])[0]!;
    expect(all.passed).toBe(false);
    expect(all.detail).toContain("1 requests (needs >= 1000), agreement 0.1 (needs >= 0.95), error rate 0.5 (needs <= 0.01)");
  });

  it("decides on the newest report only (reports come newest first)", () => {
    expect(evaluateShadowGate(policy, [report({ id: "new", agreementRate: 0.5 }), report({ id: "old" })])[0]).toMatchObject({ passed: false, evidence: { id: "new" } });
    expect(evaluateShadowGate(policy, [report({ id: "new" }), report({ id: "old", agreementRate: 0.5 })])[0]).toMatchObject({ passed: true, evidence: { id: "new" } });
  });

  it("sits with the other gates of evaluateGates, before APPROVAL", () => {
    const outcomes = evaluateGates({ ...policy, approvals: 1 }, { evals: [], canaries: [], approvals: [], shadows: [report({})] });
    expect(outcomes.map((o) => [o.gate, o.passed])).toEqual([
      ["SHADOW", true],
      ["APPROVAL", false],
    ]);
  });

  it("comes from a rule's requireShadowEvidence, with defaults for what it leaves out", () => {
    expect(shadowPolicy({ canary: false, approvals: 0 })).toEqual({});
    const config = configSchema.parse({ backends: [{ id: "git", kind: "git-yaml" }], policies: { rules: [{ gates: { requireShadowEvidence: { minRequests: 50 } } }] } });
    expect(shadowPolicy(config.policies!.rules[0]!.gates)).toEqual({ shadow: { minRequests: 50, minAgreement: 0, maxErrorRate: 1 } });
  });

  it("gets its own rule and approvals for SHADOW -> PRODUCTION through fromStages", () => {
    const config = configSchema.parse({
      backends: [{ id: "git", kind: "git-yaml" }],
      policies: {
        rules: [
          { toStages: ["PRODUCTION"], fromStages: ["SHADOW"], gates: { approvals: 2, requireShadowEvidence: { minRequests: 1000, minAgreement: 0.95, maxErrorRate: 0.01 } } },
          { toStages: ["PRODUCTION"], gates: { approvals: 1 } },
        ],
      },
    });
    const p = new PromotionPolicies(config.policies);
    expect(p.match("git", "fraud", "production", "PRODUCTION", "SHADOW")).toMatchObject({ source: "rules[0]", approvals: 2, shadow: { minRequests: 1000 } });
    expect(p.match("git", "fraud", "production", "PRODUCTION", "STAGING")).toMatchObject({ source: "rules[1]", approvals: 1 });
    expect(p.match("git", "fraud", "production", "PRODUCTION", "STAGING").shadow).toBeUndefined();
    // Callers that know no source stage (rollbacks, deployments) never match a rule with fromStages.
    expect(p.match("git", "fraud", "production", "PRODUCTION").source).toBe("rules[1]");
  });
});
