/**
 * A guarded rollout's step evidence against its plan, one row per threshold: what the plan asks,
 * what the step's canary results show, and whether that passes, breaks the step or is still
 * missing, judged as the gateway's leader judges it (src/workflow/lifecycle/rollout-plan.ts).
 */
import { formatNumber } from "./values";

export type ThresholdState = "passed" | "broken" | "waiting";

export interface ThresholdRow {
  name: string;
  /** What the plan asks, in words. */
  wants: string;
  /** What the step's results show. */
  seen: string;
  state: ThresholdState;
}

export interface PlanThresholds {
  maxErrorRate?: number | null;
  metricFloor?: { name: string; min: number } | null;
  minRequests?: number | null;
}

export interface StepEvidenceLike {
  resultCount: number;
  requests: number;
  maxErrorRate?: number | null;
  minMetric?: number | null;
  canaryResults: readonly { clean: boolean }[];
}

export function thresholdRows(plan: PlanThresholds, ev: StepEvidenceLike): ThresholdRow[] {
  const none = ev.resultCount === 0;
  const dirty = ev.canaryResults.filter((r) => !r.clean).length;
  const rows: ThresholdRow[] = [
    {
      name: "Canary results",
      wants: "at least one, each marked clean",
      seen: none ? "none yet" : dirty > 0 ? `${ev.resultCount}, ${dirty} marked not clean` : `${ev.resultCount}, all clean`,
      state: dirty > 0 ? "broken" : none ? "waiting" : "passed",
    },
  ];
  if (plan.maxErrorRate != null) {
    const seen = ev.maxErrorRate ?? null;
    rows.push({
      name: "Error rate",
      wants: `at most ${formatNumber(plan.maxErrorRate)}`,
      seen: seen === null ? "none reported" : `highest ${formatNumber(seen)}`,
      state: seen === null ? "waiting" : seen > plan.maxErrorRate ? "broken" : "passed",
    });
  }
  if (plan.metricFloor != null) {
    const seen = ev.minMetric ?? null;
    rows.push({
      name: plan.metricFloor.name,
      wants: `at least ${formatNumber(plan.metricFloor.min)}`,
      seen: seen === null ? "none reported" : `lowest ${formatNumber(seen)}`,
      state: seen === null ? "waiting" : seen < plan.metricFloor.min ? "broken" : "passed",
    });
  }
  if (plan.minRequests != null) {
    rows.push({
      name: "Requests",
      wants: `at least ${plan.minRequests}`,
      seen: `${formatNumber(ev.requests)} of ${plan.minRequests}`,
      state: ev.requests >= plan.minRequests ? "passed" : "waiting",
    });
  }
  return rows;
}

/** "5% for 10 min": a hold in the largest whole unit that fits. */
export function formatHold(seconds: number): string {
  if (seconds === 0) return "no hold";
  if (seconds % 86_400 === 0) return `${seconds / 86_400} d`;
  if (seconds % 3_600 === 0) return `${seconds / 3_600} h`;
  if (seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}
