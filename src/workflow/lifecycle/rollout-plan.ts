/**
 * Guarded rollouts, the pure part (docs/lifecycle.md#guarded-rollouts): checking a rollout plan
 * given with a deployment revision, the bundle `resolve` serves at a step (the new revision's
 * components at the step's share of each role, the previous revision's at the rest), and the
 * verdict on a step's canary evidence. No I/O, no clock: the caller passes `now`.
 */
import { InvalidInputError } from "../../core/index.js";
import type { DeploymentComponent, DeploymentRevisionRecord } from "../../store/deployment-store.js";
import type { RolloutPlan } from "../../store/lifecycle-store.js";
import type { CanaryResultRecord } from "../../store/workflow-store.js";

export type RolloutAction = RolloutPlan["onBreach"];

export interface RolloutPlanInput {
  steps: readonly { weight: number; holdSeconds: number }[];
  maxErrorRate?: number | null;
  metricFloor?: { name: string; min: number } | null;
  minRequests?: number | null;
  evidenceTimeoutSeconds?: number | null;
  onBreach?: RolloutAction | null;
  onMissingEvidence?: RolloutAction | null;
}

export const MAX_ROLLOUT_STEPS = 20;
/** A week: the longest hold or evidence deadline of one step. */
export const MAX_HOLD_SECONDS = 7 * 24 * 3600;

const invalid = (field: string, message: string) => new InvalidInputError(`${field}: ${message}`, { field });

/** Checks a plan given with a revision (field paths under `rollout`); returns it with its defaults filled in. */
export function checkRolloutPlan(input: RolloutPlanInput, field = "rollout"): RolloutPlan {
  const steps = input.steps;
  if (steps.length === 0 || steps.length > MAX_ROLLOUT_STEPS) throw invalid(`${field}.steps`, `a plan has 1 to ${MAX_ROLLOUT_STEPS} steps, got ${steps.length}`);
  let last = 0;
  steps.forEach((s, i) => {
    if (!Number.isInteger(s.weight) || s.weight < 1 || s.weight > 100) {
      throw invalid(`${field}.steps.${i}.weight`, `must be a whole percent from 1 to 100, got ${s.weight}`);
    }
    if (s.weight <= last) throw invalid(`${field}.steps.${i}.weight`, `steps must grow: ${s.weight} follows ${last}`);
    last = s.weight;
    if (!Number.isInteger(s.holdSeconds) || s.holdSeconds < 0 || s.holdSeconds > MAX_HOLD_SECONDS) {
      throw invalid(`${field}.steps.${i}.holdSeconds`, `must be whole seconds from 0 to ${MAX_HOLD_SECONDS}, got ${s.holdSeconds}`);
    }
  });
  const maxErrorRate = input.maxErrorRate ?? null;
  if (maxErrorRate !== null && !(maxErrorRate >= 0 && maxErrorRate <= 1)) throw invalid(`${field}.maxErrorRate`, `must be a share from 0 to 1, got ${maxErrorRate}`);
  const floor = input.metricFloor ?? null;
  if (floor !== null) {
    if (floor.name.trim() === "" || floor.name.length > 128) throw invalid(`${field}.metricFloor.name`, "must be 1 to 128 characters");
    if (!Number.isFinite(floor.min)) throw invalid(`${field}.metricFloor.min`, "must be a finite number");
  }
  const minRequests = input.minRequests ?? null;
  if (minRequests !== null && !(Number.isInteger(minRequests) && minRequests >= 0)) throw invalid(`${field}.minRequests`, `must be a whole number from 0, got ${minRequests}`);
  const timeout = input.evidenceTimeoutSeconds ?? null;
  if (timeout !== null && !(Number.isInteger(timeout) && timeout >= 1 && timeout <= MAX_HOLD_SECONDS)) {
    throw invalid(`${field}.evidenceTimeoutSeconds`, `must be whole seconds from 1 to ${MAX_HOLD_SECONDS}, got ${timeout}`);
  }
  return {
    steps: steps.map((s) => ({ weight: s.weight, holdSeconds: s.holdSeconds })),
    maxErrorRate,
    metricFloor: floor === null ? null : { name: floor.name.trim(), min: floor.min },
    minRequests,
    evidenceTimeoutSeconds: timeout,
    onBreach: input.onBreach ?? "ROLLBACK",
    onMissingEvidence: input.onMissingEvidence ?? "PAUSE",
  };
}

const key = (c: Pick<DeploymentComponent, "role" | "backendId" | "modelName" | "version">) => JSON.stringify([c.role, c.backendId, c.modelName, c.version]);

/**
 * What `resolve` serves while `next` rolls out over `previous` at `weight` percent: per role that
 * both serve, the new revision's non-shadow weights scaled to `weight`% and the previous one's to the
 * rest (a version in both gets the sum), rounded to whole percents that still sum to 100 (largest
 * remainder; ties go to the new revision). Roles only the new revision has serve as it says; roles
 * only the previous revision had are gone (the new bundle dropped them). Shadows are the new
 * revision's, unless the version also serves in that role.
 */
export function servedComponents(next: readonly DeploymentComponent[], previous: readonly DeploymentComponent[], weight: number): DeploymentComponent[] {
  const out: DeploymentComponent[] = [];
  const roles = [...new Set(next.filter((c) => !c.shadow).map((c) => c.role))];
  for (const role of roles) {
    const mine = next.filter((c) => c.role === role && !c.shadow);
    const theirs = previous.filter((c) => c.role === role && !c.shadow);
    if (theirs.length === 0) {
      out.push(...mine.map((c) => ({ ...c })));
      continue;
    }
    const shares = new Map<string, { c: DeploymentComponent; exact: number; order: number }>();
    const add = (c: DeploymentComponent, exact: number) => {
      const k = key(c);
      const had = shares.get(k);
      if (had === undefined) shares.set(k, { c, exact, order: shares.size });
      else had.exact += exact;
    };
    for (const c of mine) add(c, (c.weight * weight) / 100);
    for (const c of theirs) add(c, (c.weight * (100 - weight)) / 100);
    const parts = [...shares.values()].map((s) => ({ ...s, whole: Math.floor(s.exact + 1e-9) }));
    let left = 100 - parts.reduce((sum, p) => sum + p.whole, 0);
    for (const p of [...parts].sort((a, b) => b.exact - b.whole - (a.exact - a.whole) || a.order - b.order)) {
      if (left <= 0) break;
      if (p.exact - p.whole <= 1e-9) continue;
      p.whole += 1;
      left -= 1;
    }
    out.push(...parts.map((p) => ({ ...p.c, weight: p.whole, shadow: false })));
  }
  const serving = new Set(out.map(key));
  for (const c of next) if (c.shadow && !serving.has(key(c))) out.push({ ...c });
  return out;
}

/** The versions a step's canary evidence is about: the new revision's serving components the previous revision did not serve (all of them when none is new). */
export function canaryVersions(next: DeploymentRevisionRecord, previous: DeploymentRevisionRecord): DeploymentComponent[] {
  const before = new Set(previous.components.filter((c) => !c.shadow).map((c) => JSON.stringify([c.backendId, c.modelName, c.version])));
  const serving = next.components.filter((c) => !c.shadow && c.weight > 0);
  const fresh = serving.filter((c) => !before.has(JSON.stringify([c.backendId, c.modelName, c.version])));
  const chosen = fresh.length > 0 ? fresh : serving;
  const seen = new Set<string>();
  return chosen.filter((c) => {
    const k = JSON.stringify([c.backendId, c.modelName, c.version]);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

export type StepVerdict =
  | { kind: "WAIT"; reason: string }
  | { kind: "ADVANCE"; reason: string }
  | { kind: "BREACH"; reason: string }
  | { kind: "MISSING"; reason: string };

export interface StepEvidence {
  results: number;
  requests: number;
  /** The highest error rate reported (null: none reported). */
  maxErrorRate: number | null;
  /** The lowest value of the plan's floor metric reported (null: none reported). */
  minMetric: number | null;
}

/** What a step's canary results add up to (only results recorded since the step started count). */
export function stepEvidence(plan: RolloutPlan, results: readonly CanaryResultRecord[]): StepEvidence {
  let requests = 0;
  let maxErrorRate: number | null = null;
  let minMetric: number | null = null;
  for (const r of results) {
    requests += r.requests ?? 0;
    if (r.errorRate != null) maxErrorRate = Math.max(maxErrorRate ?? 0, r.errorRate);
    const m = plan.metricFloor === null ? undefined : r.metrics?.[plan.metricFloor.name];
    if (m !== undefined) minMetric = minMetric === null ? m : Math.min(minMetric, m);
  }
  return { results: results.length, requests, maxErrorRate, minMetric };
}

/**
 * The verdict on the running step: a result that breaks a threshold (marked not clean, an error
 * rate above maxErrorRate, the floor metric below its minimum) is a BREACH at once, whatever the
 * hold; enough evidence (a result, minRequests requests, and a value for each threshold the plan
 * sets) once the hold is over ADVANCEs; not enough by the evidence deadline (evidenceTimeoutSeconds
 * after the step started, default its hold) is MISSING; anything else WAITs.
 */
export function judgeStep(plan: RolloutPlan, step: number, startedAt: Date, now: Date, results: readonly CanaryResultRecord[]): StepVerdict {
  const s = plan.steps[step];
  if (s === undefined) throw new Error(`rollout step ${step} is not in a plan of ${plan.steps.length} steps`);
  const at = `step ${step + 1} of ${plan.steps.length} (${s.weight}%)`;
  const dirty = results.find((r) => !r.clean);
  if (dirty !== undefined) return { kind: "BREACH", reason: `${at}: a canary result of ${dirty.modelName}@${dirty.version} is marked not clean${dirty.notes ? ` (${dirty.notes})` : ""}` };
  const ev = stepEvidence(plan, results);
  if (plan.maxErrorRate !== null && ev.maxErrorRate !== null && ev.maxErrorRate > plan.maxErrorRate) {
    return { kind: "BREACH", reason: `${at}: error rate ${ev.maxErrorRate} is above the plan's maximum ${plan.maxErrorRate}` };
  }
  if (plan.metricFloor !== null && ev.minMetric !== null && ev.minMetric < plan.metricFloor.min) {
    return { kind: "BREACH", reason: `${at}: ${plan.metricFloor.name} ${ev.minMetric} is below the plan's floor ${plan.metricFloor.min}` };
  }
  const lacking: string[] = [];
  if (ev.results === 0) lacking.push("no canary result");
  if (plan.minRequests != null && ev.requests < plan.minRequests) lacking.push(`${ev.requests} of ${plan.minRequests} requests`);
  if (ev.results > 0 && plan.maxErrorRate !== null && ev.maxErrorRate === null) lacking.push("no error rate reported");
  if (ev.results > 0 && plan.metricFloor !== null && ev.minMetric === null) lacking.push(`no ${plan.metricFloor.name} reported`);
  const elapsed = now.getTime() - startedAt.getTime();
  if (lacking.length === 0) {
    if (elapsed >= s.holdSeconds * 1000) return { kind: "ADVANCE", reason: `${at}: ${ev.results} canary result(s), ${ev.requests} requests, within the thresholds` };
    return { kind: "WAIT", reason: `${at}: holding` };
  }
  const deadline = (plan.evidenceTimeoutSeconds ?? s.holdSeconds) * 1000;
  if (elapsed >= deadline) return { kind: "MISSING", reason: `${at}: evidence missing after ${Math.round(elapsed / 1000)} s (${lacking.join(", ")})` };
  return { kind: "WAIT", reason: `${at}: waiting for evidence (${lacking.join(", ")})` };
}

/** When the running step's hold ends. */
export function holdEnds(plan: RolloutPlan, step: number, startedAt: Date): Date {
  return new Date(startedAt.getTime() + (plan.steps[step]?.holdSeconds ?? 0) * 1000);
}
