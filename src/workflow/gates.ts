/**
 * Gate evaluation: a pure function of the request's policy and the evidence at hand. Each result
 * carries its evidence (the eval record, the canary result, the approvers) so the trail shows why.
 */
import type { ShadowReportRecord } from "../store/lifecycle-store.js";
import type { ApprovalRecord, CanaryResultRecord, GateName, RequestPolicy } from "../store/workflow-store.js";
import { evaluateShadowGate } from "./shadow-gate.js";
import { evaluateProvenanceGates, type ProvenanceEvidence } from "./provenance-gates.js";

/** An eval result for one version, recorded through the gateway or read from the backend. */
export interface EvalEvidence {
  source: "recorded" | "backend";
  suite: string;
  score: number;
  run: string | null;
  artifactUri: string | null;
  recordedBy?: string;
  at?: string;
}

export interface GateOutcome {
  gate: GateName;
  passed: boolean;
  detail: string;
  evidence: unknown;
}

export interface GateEvidence {
  /** Newest first: recorded ones before the backend's. */
  evals: EvalEvidence[];
  /** Newest first, for this version and environment. */
  canaries: CanaryResultRecord[];
  approvals: ApprovalRecord[];
  /** Newest first, for this version and environment, when its policy has a shadow gate (./shadow-gate.ts). */
  shadows?: readonly ShadowReportRecord[];
  /** The version's signature and lineage, when its policy has provenance gates (./provenance-gates.ts). */
  provenance?: ProvenanceEvidence;
}

export function evaluateGates(policy: RequestPolicy, evidence: GateEvidence): GateOutcome[] {
  const out: GateOutcome[] = evaluateProvenanceGates(policy, evidence.provenance);
  if (policy.eval !== null) {
    const { minScore, suite } = policy.eval;
    const candidate = evidence.evals.find((e) => suite === undefined || e.suite === suite);
    if (candidate === undefined) {
      out.push({ gate: "EVAL", passed: false, detail: `no eval record${suite === undefined ? "" : ` of suite "${suite}"`} for this version (needs score >= ${minScore})`, evidence: null });
    } else {
      const passed = candidate.score >= minScore;
      out.push({
        gate: "EVAL",
        passed,
        detail: `${candidate.suite} scored ${candidate.score} (${passed ? ">=" : "<"} ${minScore}, ${candidate.source === "recorded" ? "recorded" : "from the backend"})`,
        evidence: candidate,
      });
    }
  }
  if (policy.canary) {
    const latest = evidence.canaries[0];
    out.push(
      latest === undefined
        ? { gate: "CANARY", passed: false, detail: "no canary result recorded for this version in this environment", evidence: null }
        : {
            gate: "CANARY",
            passed: latest.clean,
            detail: latest.clean ? `clean canary recorded by ${latest.recordedBy}` : `canary recorded as not clean by ${latest.recordedBy}`,
            evidence: { id: latest.id, clean: latest.clean, evidence: latest.evidence, notes: latest.notes, recordedBy: latest.recordedBy, at: latest.at.toISOString() },
          },
    );
  }
  out.push(...evaluateShadowGate(policy, evidence.shadows));
  if (policy.approvals > 0) {
    const rejection = evidence.approvals.find((a) => a.decision === "REJECTED");
    const approvers = evidence.approvals.filter((a) => a.decision === "APPROVED").map((a) => a.actor);
    out.push(
      rejection !== undefined
        ? { gate: "APPROVAL", passed: false, detail: `rejected by ${rejection.actor}`, evidence: { approvers, rejectedBy: rejection.actor } }
        : {
            gate: "APPROVAL",
            passed: approvers.length >= policy.approvals,
            detail: `${approvers.length} of ${policy.approvals} approval(s)`,
            evidence: { approvers },
          },
    );
  }
  return out;
}
