/**
 * What the promotion trail says of a model's versions, and how it judges what a backend reports.
 * Pure: no I/O, no clock.
 *
 * The trail is replayed from the model's APPLIED requests in the order they were applied: each puts
 * its version in `toStage` and the versions it demoted (the outbox's record of what it actually
 * demoted) in `demoteTo`. Two views come out of one replay:
 *
 * - `expected`: what the trail vouches for now. STAGING, SHADOW and PRODUCTION may have a single
 *   holder in some backends (an MLflow alias moves off the previous holder), so a later apply into one
 *   of them supersedes what the trail said of the earlier holders it did not demote itself: those
 *   versions leave `expected` (they are no longer checked for OUT_OF_BAND_CHANGE).
 * - `last`: the stage the last apply touching each version put it in, never forgotten. A version is
 *   approved into a stage exactly when `last` names that stage.
 *
 * Deployment activations count as approvals too: a revision that entered an environment through its
 * gates approved its components running there (non-shadow ones in the environment's stage, shadow
 * ones in SHADOW), unless a later apply moved them.
 *
 * Two directions of drift:
 * - OUT_OF_BAND_CHANGE: a version in `expected` is not in the stage the trail put it in (moved, or gone).
 * - UNAPPROVED_IN_STAGE: the backend has a version in a governed stage (the stage of a configured
 *   environment) that the trail never approved into it (nothing in `expected` says otherwise).
 */
import type { Stage } from "../core/index.js";
import type { DriftKind, PromotionRequestRecord } from "../store/workflow-store.js";

export type { DriftKind };

/** Stages some backends let only one version of a model hold at a time. */
const SINGLE_HOLDER_STAGES: ReadonlySet<Stage> = new Set<Stage>(["STAGING", "SHADOW", "PRODUCTION"]);

/** Stages an environment may govern: the ones versions serve (or shadow) from. */
const GOVERNABLE_STAGES: ReadonlySet<Stage> = new Set<Stage>(["STAGING", "SHADOW", "PRODUCTION"]);

/** What the trail expects of one version, and the request that set it. */
export interface ExpectedStage {
  stage: Stage;
  requestId: string;
}

export interface TrailStage extends ExpectedStage {
  /** Position of the approval in time order (higher: later). */
  order: number;
}

/** A deployment activation approving a bundled version into a stage. */
export interface DeploymentApproval {
  version: string;
  stage: Stage;
  at: Date;
  /** The APPLIED request that activated the revision. */
  requestId: string;
}

export interface TrailReplay {
  /** What the trail vouches for now (single-holder stages forget holders a later apply took over). */
  expected: Map<string, ExpectedStage>;
  /** The stage the last apply touching each version put it in. */
  last: Map<string, TrailStage>;
  /**
   * Stages deployment activations approved versions into (a revision entering an environment, through
   * its gates, approves its components running there): per version and stage, the latest approval.
   */
  deployed: Map<string, Map<Stage, TrailStage>>;
}

/** One version judged against the trail. */
export interface DriftVerdict {
  kind: DriftKind;
  version: string;
  /** The stage the trail last put the version in; null when it never staged it. */
  trailStage: Stage | null;
  /** The stage the backend reports; null when the version no longer exists there. */
  backendStage: Stage | null;
  /** UNAPPROVED_IN_STAGE: the governed stage the version is in (or serves from) without the trail's approval; null otherwise. */
  unapprovedIn: Stage | null;
  /** The request that set `trailStage`, if any. */
  requestId: string | null;
}

/**
 * Replays a model's APPLIED requests and the deployment approvals of its versions, in time order.
 * `demotedBy` gives the versions an apply actually demoted (its outbox steps).
 */
export function replayTrail(
  applied: readonly PromotionRequestRecord[],
  demotedBy: ReadonlyMap<string, readonly string[]>,
  approvals: readonly DeploymentApproval[] = [],
): TrailReplay {
  const expected = new Map<string, ExpectedStage>();
  const last = new Map<string, TrailStage>();
  const deployed = new Map<string, Map<Stage, TrailStage>>();
  let order = 0;
  const assign = (version: string, stage: Stage, requestId: string, keep: ReadonlySet<string>) => {
    if (SINGLE_HOLDER_STAGES.has(stage)) {
      for (const [other, e] of expected) if (e.stage === stage && other !== version && !keep.has(other)) expected.delete(other);
    }
    expected.set(version, { stage, requestId });
    last.set(version, { stage, requestId, order });
  };
  type Step = { at: number; apply: () => void };
  const steps: Step[] = [];
  for (const r of applied) {
    if (r.status !== "APPLIED" || r.deploymentRevisionId !== null) continue;
    steps.push({
      at: r.updatedAt.getTime(),
      apply: () => {
        const demoted = demotedBy.get(r.id) ?? r.previousVersions;
        assign(r.version, r.toStage, r.id, new Set(demoted));
        for (const d of demoted) if (d !== r.version) assign(d, r.demoteTo, r.id, new Set([r.version]));
      },
    });
  }
  for (const a of approvals) {
    steps.push({
      at: a.at.getTime(),
      apply: () => {
        const stages = deployed.get(a.version) ?? new Map<Stage, TrailStage>();
        stages.set(a.stage, { stage: a.stage, requestId: a.requestId, order });
        deployed.set(a.version, stages);
      },
    });
  }
  // Stable: requests keep their apply order, and an apply and an activation at the same instant keep theirs.
  steps.sort((x, y) => x.at - y.at);
  for (const step of steps) {
    order += 1;
    step.apply();
  }
  return { expected, last, deployed };
}

/** The stage the trail says each version is in (the `expected` view of replayTrail). */
export function expectedStages(applied: readonly PromotionRequestRecord[], demotedBy: ReadonlyMap<string, readonly string[]>): Map<string, ExpectedStage> {
  return replayTrail(applied, demotedBy).expected;
}

/**
 * Whether the trail approved `version` into `stage` and did not move it since: the last apply
 * touching it put it there, or a deployment activation approved it there after that apply.
 */
export function approvedInto(trail: TrailReplay, version: string, stage: Stage): boolean {
  const l = trail.last.get(version);
  if (l?.stage === stage) return true;
  const d = trail.deployed.get(version)?.get(stage);
  return d !== undefined && (l === undefined || l.order < d.order);
}

/** The stages the configured environments govern (STAGING, SHADOW, PRODUCTION among their stages). */
export function governedStages(environments: Readonly<Record<string, { stage: Stage }>>): Set<Stage> {
  return new Set(Object.values(environments).map((e) => e.stage).filter((s) => GOVERNABLE_STAGES.has(s)));
}

/** The first configured environment whose stage is `stage` (events about a stage name it). */
export function environmentOfStage(environments: Readonly<Record<string, { stage: Stage }>>, stage: Stage | null): string | undefined {
  if (stage === null) return undefined;
  return Object.entries(environments).find(([, e]) => e.stage === stage)?.[0];
}

/**
 * How the trail judges a version the backend has in `actual` (null: gone): OUT_OF_BAND_CHANGE when
 * the trail vouches for another stage, UNAPPROVED_IN_STAGE when it is in a governed stage the trail
 * never approved it into, null when in line.
 */
export function judgeVersion(trail: TrailReplay, version: string, actual: Stage | null, governed: ReadonlySet<Stage>): DriftVerdict | null {
  const e = trail.expected.get(version);
  if (e !== undefined) {
    if (actual === e.stage || (actual !== null && approvedInto(trail, version, actual))) return null;
    return outOfBand(version, e, actual);
  }
  if (actual === null || !governed.has(actual)) return null;
  return approvedInto(trail, version, actual) ? null : unapproved(trail, version, actual, actual);
}

function outOfBand(version: string, e: ExpectedStage, actual: Stage | null): DriftVerdict {
  return { kind: "OUT_OF_BAND_CHANGE", version, trailStage: e.stage, backendStage: actual, unapprovedIn: null, requestId: e.requestId };
}

function unapproved(trail: TrailReplay, version: string, actual: Stage | null, stage: Stage): DriftVerdict {
  const last = trail.last.get(version);
  return { kind: "UNAPPROVED_IN_STAGE", version, trailStage: last?.stage ?? null, backendStage: actual, unapprovedIn: stage, requestId: last?.requestId ?? null };
}

/**
 * How the trail judges serving `version` (which the backend has in `actual`) in an environment of
 * `stage`: null when the trail approved it into that stage; otherwise OUT_OF_BAND_CHANGE when the
 * trail vouches for another stage of it, UNAPPROVED_IN_STAGE when it never approved it there.
 */
export function judgeServing(trail: TrailReplay, version: string, actual: Stage | null, stage: Stage): DriftVerdict | null {
  if (approvedInto(trail, version, stage)) return null;
  const e = trail.expected.get(version);
  if (e !== undefined && e.stage !== actual) return outOfBand(version, e, actual);
  return unapproved(trail, version, actual, stage);
}

/** The version the trail most recently approved into `stage` and has not moved out since, if any. */
export function trailHolder(trail: TrailReplay, stage: Stage): { version: string; requestId: string } | undefined {
  let best: { version: string; t: TrailStage } | undefined;
  const consider = (version: string, t: TrailStage) => {
    if (approvedInto(trail, version, stage) && (best === undefined || t.order > best.t.order)) best = { version, t };
  };
  for (const [version, t] of trail.last) if (t.stage === stage) consider(version, t);
  for (const [version, stages] of trail.deployed) {
    const t = stages.get(stage);
    if (t !== undefined) consider(version, t);
  }
  return best === undefined ? undefined : { version: best.version, requestId: best.t.requestId };
}

/** One sentence saying what a verdict means (audit reasons, flags, health). */
export function describeVerdict(v: DriftVerdict, subject: string): string {
  if (v.kind === "OUT_OF_BAND_CHANGE") {
    return v.backendStage === null
      ? `${subject} no longer exists in the backend, but the promotion trail says it is in ${v.trailStage}`
      : `${subject} is ${v.backendStage} in the backend, but the promotion trail says ${v.trailStage}: it was changed outside modelgate`;
  }
  const where = v.backendStage === v.unapprovedIn ? `is ${v.backendStage} in the backend` : `serves from ${v.unapprovedIn} (the backend has it in ${v.backendStage ?? "no stage: it is gone"})`;
  return (
    `${subject} ${where}, but the promotion trail never approved it into ${v.unapprovedIn}` +
    (v.trailStage === null ? "" : ` (it last put it in ${v.trailStage})`) +
    ": it was put there outside modelgate"
  );
}
