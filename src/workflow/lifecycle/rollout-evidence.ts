/**
 * A guarded rollout's current step and its evidence (docs/lifecycle.md#guarded-rollouts): the canary
 * results recorded for the rollout's new versions since the step started, what they add up to
 * against the plan's thresholds, and the verdict the leader's next pass reaches on them. The
 * leader's pass (./rollouts.ts) and `Rollout.evidence` read the same results the same way, so
 * what a screen shows is what the leader acts on.
 */
import type { DeploymentComponent, DeploymentRevisionRecord } from "../../store/deployment-store.js";
import type { RolloutRecord } from "../../store/lifecycle-store.js";
import type { Store } from "../../store/store.js";
import type { CanaryResultRecord } from "../../store/workflow-store.js";
import { canaryVersions, judgeStep, stepEvidence, type StepEvidence, type StepVerdict } from "./rollout-plan.js";

/** The canary results of `versions` in `environment` recorded since the rollout's step started, newest first. */
export async function stepResults(store: Store, rollout: RolloutRecord, versions: readonly DeploymentComponent[], environment: string): Promise<CanaryResultRecord[]> {
  const lists = await Promise.all(versions.map((c) => store.workflow.listCanaryResults(c.backendId, c.modelName, c.version, environment)));
  return lists
    .flat()
    .filter((r) => r.at.getTime() >= rollout.stepStartedAt.getTime())
    .sort((a, b) => b.at.getTime() - a.at.getTime());
}

export interface RolloutEvidence {
  /** The step judged, 0-based. */
  step: number;
  /** Results recorded from here on count for the step (its start, or its resume). */
  since: Date;
  /** When missing evidence acts (onMissingEvidence): evidenceTimeoutSeconds after the step started, default its hold. */
  deadline: Date;
  /** The versions the evidence is about: the new revision's serving components the previous one did not serve. */
  versions: DeploymentComponent[];
  /** Every result counted, newest first. */
  results: CanaryResultRecord[];
  summary: StepEvidence;
  /** What the leader's next pass does on this evidence now; null unless RUNNING (a paused rollout is not judged). */
  verdict: StepVerdict | null;
}

/** The evidence of an open (RUNNING or PAUSED) rollout's step; undefined for a closed one or one with nothing to compare with. */
export async function rolloutEvidence(
  store: Store,
  a: { rollout: RolloutRecord; revision: DeploymentRevisionRecord; fromRevision: DeploymentRevisionRecord | null; environment: string; now: Date },
): Promise<RolloutEvidence | undefined> {
  const { rollout, revision, fromRevision, environment, now } = a;
  const step = rollout.plan.steps[rollout.step];
  if ((rollout.status !== "RUNNING" && rollout.status !== "PAUSED") || fromRevision === null || step === undefined) return undefined;
  const versions = canaryVersions(revision, fromRevision);
  const results = await stepResults(store, rollout, versions, environment);
  return {
    step: rollout.step,
    since: rollout.stepStartedAt,
    deadline: new Date(rollout.stepStartedAt.getTime() + (rollout.plan.evidenceTimeoutSeconds ?? step.holdSeconds) * 1000),
    versions,
    results,
    summary: stepEvidence(rollout.plan, results),
    verdict: rollout.status === "RUNNING" ? judgeStep(rollout.plan, rollout.step, rollout.stepStartedAt, now, results) : null,
  };
}
