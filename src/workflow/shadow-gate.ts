/**
 * The SHADOW gate of a promotion (docs/lifecycle.md#shadow-evidence): what a shadow version did
 * against the primary, reported with `shadowReport` for the version and environment. The newest
 * report (by the end of its window) decides, as the newest canary result and eval record do: it must
 * cover at least `minRequests` requests, agree with the primary at least `minAgreement` of the time
 * and fail at most `maxErrorRate` of them.
 */
import type { PolicyRuleConfig } from "../config/schema.js";
import type { ShadowReportRecord } from "../store/lifecycle-store.js";
import type { GateName, RequestPolicy } from "../store/workflow-store.js";

/** One gate's result (the shape of gates.ts's GateOutcome). */
export interface ShadowGateOutcome {
  gate: GateName;
  passed: boolean;
  detail: string;
  evidence: unknown;
}

/** The shadow part of a matched rule's RequestPolicy. */
export function shadowPolicy(gates: PolicyRuleConfig["gates"]): Pick<RequestPolicy, "shadow"> {
  const s = gates.requireShadowEvidence;
  return s === undefined ? {} : { shadow: { minRequests: s.minRequests, minAgreement: s.minAgreement, maxErrorRate: s.maxErrorRate } };
}

export function shadowReportEvidence(r: ShadowReportRecord): Record<string, unknown> {
  return {
    id: r.id,
    primaryVersion: r.primaryVersion,
    windowStart: r.windowStart.toISOString(),
    windowEnd: r.windowEnd.toISOString(),
    requests: r.requests,
    agreementRate: r.agreementRate,
    latencyP50Ms: r.latencyP50Ms,
    latencyP95Ms: r.latencyP95Ms,
    errorRate: r.errorRate,
    evidence: r.evidence,
    recordedBy: r.recordedBy,
    at: r.at.toISOString(),
  };
}

/** `reports`: the version's shadow reports in the request's environment, newest first. */
export function evaluateShadowGate(policy: RequestPolicy, reports: readonly ShadowReportRecord[] | undefined): ShadowGateOutcome[] {
  const need = policy.shadow;
  if (need === undefined || need === null) return [];
  const latest = reports?.[0];
  if (latest === undefined) {
    return [{ gate: "SHADOW", passed: false, detail: "no shadow report recorded for this version in this environment", evidence: null }];
  }
  const problems: string[] = [];
  if (latest.requests < need.minRequests) problems.push(`${latest.requests} requests (needs >= ${need.minRequests})`);
  if (latest.agreementRate < need.minAgreement) problems.push(`agreement ${latest.agreementRate} (needs >= ${need.minAgreement})`);
  if (latest.errorRate > need.maxErrorRate) problems.push(`error rate ${latest.errorRate} (needs <= ${need.maxErrorRate})`);
  const window = `${latest.windowStart.toISOString()} to ${latest.windowEnd.toISOString()}`;
  return [
    {
      gate: "SHADOW",
      passed: problems.length === 0,
      detail:
        problems.length === 0
          ? `shadow agreed ${latest.agreementRate} over ${latest.requests} requests, error rate ${latest.errorRate} (${window}, reported by ${latest.recordedBy})`
          : `shadow report of ${window}: ${problems.join(", ")}`,
      evidence: shadowReportEvidence(latest),
    },
  ];
}
