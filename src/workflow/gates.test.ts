import { describe, expect, it } from "vitest";
import type { ApprovalRecord, CanaryResultRecord, RequestPolicy } from "../store/workflow-store.js";
import { evaluateGates, type EvalEvidence } from "./gates.js";

const policy = (p: Partial<RequestPolicy>): RequestPolicy => ({ source: "test", eval: null, canary: false, approvals: 0, ...p });
const evalOf = (suite: string, score: number, source: EvalEvidence["source"] = "recorded"): EvalEvidence => ({ source, suite, score, run: null, artifactUri: null });
const at = new Date("2026-03-01T00:00:00.000Z");
const canary = (clean: boolean): CanaryResultRecord => ({
  id: "c1", backendId: "git", modelName: "m", version: "1", environment: "production", clean, evidence: "dash", notes: null, recordedBy: "qa", at,
});
const decision = (actor: string, d: ApprovalRecord["decision"]): ApprovalRecord => ({ id: actor, requestId: "r", actor, decision: d, comment: null, at });
const none = { evals: [], canaries: [], approvals: [] };

describe("evaluateGates", () => {
  it("evaluates only the gates the policy asks for", () => {
    expect(evaluateGates(policy({}), none)).toEqual([]);
  });

  it("takes the newest eval of the required suite and compares it with the threshold", () => {
    const p = policy({ eval: { minScore: 0.9, suite: "v5" } });
    const [pass] = evaluateGates(p, { ...none, evals: [evalOf("v4", 0.99), evalOf("v5", 0.91), evalOf("v5", 0.5)] });
    expect(pass).toMatchObject({ gate: "EVAL", passed: true, detail: "v5 scored 0.91 (>= 0.9, recorded)", evidence: { suite: "v5", score: 0.91 } });
    const [fail] = evaluateGates(p, { ...none, evals: [evalOf("v5", 0.89, "backend")] });
    expect(fail).toMatchObject({ passed: false, detail: "v5 scored 0.89 (< 0.9, from the backend)" });
    const [missing] = evaluateGates(p, { ...none, evals: [evalOf("v4", 1)] });
    expect(missing).toMatchObject({ passed: false, detail: 'no eval record of suite "v5" for this version (needs score >= 0.9)', evidence: null });
  });

  it("passes the canary gate only on a clean newest result", () => {
    const p = policy({ canary: true });
    expect(evaluateGates(p, { ...none, canaries: [canary(true), canary(false)] })[0]).toMatchObject({ passed: true });
    expect(evaluateGates(p, { ...none, canaries: [canary(false), canary(true)] })[0]).toMatchObject({ passed: false, detail: "canary recorded as not clean by qa" });
    expect(evaluateGates(p, none)[0]).toMatchObject({ passed: false, evidence: null });
  });

  it("counts approvals and fails on any rejection", () => {
    const p = policy({ approvals: 2 });
    expect(evaluateGates(p, { ...none, approvals: [decision("bob", "APPROVED")] })[0]).toMatchObject({ passed: false, detail: "1 of 2 approval(s)" });
    expect(evaluateGates(p, { ...none, approvals: [decision("bob", "APPROVED"), decision("carol", "APPROVED")] })[0]).toMatchObject({
      passed: true,
      evidence: { approvers: ["bob", "carol"] },
    });
    expect(evaluateGates(p, { ...none, approvals: [decision("bob", "APPROVED"), decision("carol", "REJECTED")] })[0]).toMatchObject({
      passed: false,
      detail: "rejected by carol",
    });
  });
});
