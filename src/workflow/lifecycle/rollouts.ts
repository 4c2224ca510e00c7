/**
 * Guarded rollouts (docs/lifecycle.md#guarded-rollouts): a deployment revision created with a
 * rollout plan enters its environment next to the revision it replaces, at the plan's first
 * weight; the leader then moves it step by step on canary evidence.
 *
 * - Starting, stepping and closing happen in the outbox's transactions (exactly once, fenced by its
 *   lease): activating a planned revision over another opens its rollout at step 1
 *   (`rolloutOnActivation`); each further step, and the completion, is a promotion request with
 *   `rolloutStep` that the outbox applies by compare-and-set on the rollout (`applyRolloutStep`),
 *   so a step is never skipped or applied twice; activating any other revision closes the open
 *   rollout (ROLLED_BACK when it puts back the revision it started from, SUPERSEDED otherwise).
 * - The leader's pass (`RolloutService.tick`) judges each RUNNING rollout's current step on the
 *   canary results recorded for its new versions since the step started (./rollout-plan.ts): it
 *   queues the next step (idempotency key per rollout, step and step start, so a pass repeated after
 *   a crash replays the same request), pauses (one audited compare-and-set), or asks for the
 *   rollback to the previous revision, as the plan says. It does nothing while a request of the
 *   deployment is open.
 * - Pause, resume and abort are the API's (`deploymentRolloutPause` ...): a pause holds the current
 *   weights; resume restarts the step's hold and evidence window; abort rolls back.
 */
import { randomUUID } from "node:crypto";
import { InvalidInputError, NotFoundError, canonicalSha256, createCallContext, type CallContext } from "../../core/index.js";
import type { DeploymentComponent, DeploymentRecord, DeploymentRevisionRecord } from "../../store/deployment-store.js";
import type { RolloutRecord } from "../../store/lifecycle-store.js";
import type { Store, StoreTx } from "../../store/store.js";
import type { PromotionRequestRecord } from "../../store/workflow-store.js";
import { deploymentLockKey, rollbackKey, type DeploymentPromotions } from "../deployment-promotion.js";
import type { PromotionService, RequestResult } from "../promotion-service.js";
import { rolloutEvidence, stepResults, type RolloutEvidence } from "./rollout-evidence.js";
import { canaryVersions, holdEnds, judgeStep, servedComponents } from "./rollout-plan.js";

/** The actor of what the leader does on its own (steps, pauses, automatic rollbacks). */
export const ROLLOUT_ACTOR = "modelgate:rollout";

export interface RolloutControlInput {
  name: string;
  environment: string;
  reason: string;
}

export interface RolloutView {
  rollout: RolloutRecord;
  deployment: DeploymentRecord;
  revision: DeploymentRevisionRecord;
  fromRevision: DeploymentRevisionRecord | null;
  /** The share of traffic the new revision has now: the step's weight while open, 100 once completed, 0 once rolled back. */
  weight: number;
  /** What resolve serves now (while open: the split of the two revisions). */
  served: DeploymentComponent[];
  /** When the running step's hold ends (null unless RUNNING). */
  nextAt: Date | null;
}

export interface RolloutLogger {
  warn(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
}

/** The weight the new revision has at a step index (past the last step: 100). */
export function weightAt(r: Pick<RolloutRecord, "plan">, step: number): number {
  return r.plan.steps[step]?.weight ?? 100;
}

const target = (d: Pick<DeploymentRecord, "name" | "environment">, revision: number) => `${d.name}@${d.environment}#${revision}`;

/** The served split of an open rollout over its revision (undefined when none applies). */
export async function openSplit(
  store: Store,
  deployment: DeploymentRecord,
  revision: DeploymentRevisionRecord,
): Promise<{ rollout: RolloutRecord; fromRevision: DeploymentRevisionRecord; weight: number; components: DeploymentComponent[] } | undefined> {
  const rollout = await store.lifecycle.openRollout(deployment.id);
  if (rollout === undefined || rollout.revisionId !== revision.id || rollout.fromRevisionId === null) return undefined;
  const fromRevision = await store.deployments.getRevision(rollout.fromRevisionId);
  if (fromRevision === undefined) return undefined;
  const weight = weightAt(rollout, rollout.step);
  return { rollout, fromRevision, weight, components: servedComponents(revision.components, fromRevision.components, weight) };
}

/**
 * In the outbox's activation transaction: closes the deployment's open rollout when another
 * revision is activated, and opens the new revision's rollout when it was promoted with a plan over
 * a running revision.
 */
export async function rolloutOnActivation(
  tx: StoreTx,
  a: { deployment: Pick<DeploymentRecord, "id" | "name" | "environment">; revision: DeploymentRevisionRecord; previous: DeploymentRevisionRecord | undefined; req: PromotionRequestRecord; now: Date },
): Promise<void> {
  const { deployment, revision, previous, req, now } = a;
  const open = await tx.lifecycle.openRollout(deployment.id);
  if (open !== undefined && open.revisionId !== revision.id) {
    const rolledBack = req.kind === "ROLLBACK" && open.fromRevisionId === revision.id;
    const status = rolledBack ? "ROLLED_BACK" : "SUPERSEDED";
    if (await tx.lifecycle.updateRollout(open.id, { status: open.status, step: open.step }, { status }, now)) {
      const rolledOut = await tx.deployments.getRevision(open.revisionId);
      await tx.appendAudit({
        actor: req.requestedBy,
        action: rolledBack ? "deployment.rollout_rolled_back" : "deployment.rollout_superseded",
        targetType: "deployment",
        target: target(deployment, rolledOut?.number ?? 0),
        modelName: deployment.name,
        reason: req.reason,
        before: { rolloutId: open.id, status: open.status, step: open.step + 1, weight: weightAt(open, open.step) },
        after: { rolloutId: open.id, status, revision: revision.number, automatic: req.requestedBy === ROLLOUT_ACTOR, requestId: req.id, environment: deployment.environment },
        outcome: "SUCCESS",
      });
    }
  }
  if (req.kind !== "PROMOTION" || previous === undefined || previous.id === revision.id) return;
  const plan = await tx.lifecycle.getRolloutPlan(revision.id);
  if (plan === undefined) return;
  const rollout: RolloutRecord = {
    id: randomUUID(),
    deploymentId: deployment.id,
    revisionId: revision.id,
    fromRevisionId: previous.id,
    plan,
    status: "RUNNING",
    step: 0,
    stepStartedAt: now,
    pausedReason: null,
    createdAt: now,
    updatedAt: now,
  };
  await tx.lifecycle.insertRollout(rollout);
  await tx.appendAudit({
    actor: req.requestedBy,
    action: "deployment.rollout_start",
    targetType: "deployment",
    target: target(deployment, revision.number),
    modelName: deployment.name,
    reason: req.reason,
    before: { revision: previous.number, weight: 100 },
    after: { rolloutId: rollout.id, step: 1, steps: plan.steps.length, weight: weightAt(rollout, 0), fromRevision: previous.number, plan, environment: deployment.environment },
    outcome: "SUCCESS",
  });
}

/**
 * In the outbox's transaction: moves the open rollout of the request's revision from step
 * `rolloutStep - 1` to `rolloutStep` (past the last step: COMPLETED), with its audit event. A rollout
 * that is not there any more (paused, closed, moved) refuses: the failure says why.
 */
export async function applyRolloutStep(
  tx: StoreTx,
  req: PromotionRequestRecord,
  revision: DeploymentRevisionRecord,
  now: Date,
): Promise<{ ok: true } | { ok: false; failure: string }> {
  const step = req.rolloutStep!;
  const open = await tx.lifecycle.openRollout(revision.deploymentId);
  const name = `${req.modelName}#${revision.number}`;
  if (open === undefined || open.revisionId !== revision.id) return { ok: false, failure: `${name} has no open rollout in ${req.environment} any more` };
  if (open.status !== "RUNNING") return { ok: false, failure: `the rollout of ${name} is ${open.status}` };
  if (open.step !== step - 1) return { ok: false, failure: `the rollout of ${name} is at step ${open.step + 1}; this request moved it from step ${step}` };
  const complete = step >= open.plan.steps.length;
  const moved = await tx.lifecycle.updateRollout(open.id, { status: "RUNNING", step: step - 1 }, complete ? { status: "COMPLETED" } : { step, stepStartedAt: now }, now);
  if (!moved) return { ok: false, failure: `the rollout of ${name} moved while this request was applied` };
  await tx.appendAudit({
    actor: req.requestedBy,
    action: complete ? "deployment.rollout_complete" : "deployment.rollout_step",
    targetType: "deployment",
    target: `${req.modelName}@${req.environment}#${revision.number}`,
    modelName: req.modelName,
    reason: req.reason,
    before: { rolloutId: open.id, step, weight: weightAt(open, step - 1) },
    after: complete
      ? { rolloutId: open.id, status: "COMPLETED", weight: 100, requestId: req.id, environment: req.environment }
      : { rolloutId: open.id, step: step + 1, steps: open.plan.steps.length, weight: weightAt(open, step), requestId: req.id, environment: req.environment },
    outcome: "SUCCESS",
  });
  return { ok: true };
}

export class RolloutService {
  constructor(
    private readonly store: Store,
    private readonly promotions: PromotionService,
    private readonly deploymentPromotions: DeploymentPromotions,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** The deployment's open rollout, else its newest one; undefined when it never had one. */
  async view(deployment: DeploymentRecord): Promise<RolloutView | undefined> {
    const rollout = (await this.store.lifecycle.openRollout(deployment.id)) ?? (await this.store.lifecycle.listRollouts(deployment.id, 1))[0];
    if (rollout === undefined) return undefined;
    const revision = await this.store.deployments.getRevision(rollout.revisionId);
    if (revision === undefined) return undefined;
    const fromRevision = rollout.fromRevisionId === null ? null : ((await this.store.deployments.getRevision(rollout.fromRevisionId)) ?? null);
    const open = rollout.status === "RUNNING" || rollout.status === "PAUSED";
    const weight = open ? weightAt(rollout, rollout.step) : rollout.status === "COMPLETED" ? 100 : 0;
    const served = open && fromRevision !== null ? servedComponents(revision.components, fromRevision.components, weight) : rollout.status === "COMPLETED" ? revision.components : (fromRevision?.components ?? []);
    return { rollout, deployment, revision, fromRevision, weight, served, nextAt: rollout.status === "RUNNING" ? holdEnds(rollout.plan, rollout.step, rollout.stepStartedAt) : null };
  }

  /** The open rollout's current step and its canary evidence against the plan (undefined once closed). */
  evidence(view: RolloutView): Promise<RolloutEvidence | undefined> {
    return rolloutEvidence(this.store, { ...view, environment: view.deployment.environment, now: this.clock() });
  }

  async pause(input: RolloutControlInput, ctx: CallContext): Promise<RolloutView> {
    const reason = checkReason(input.reason);
    const { deployment, rollout } = await this.#open(input);
    if (rollout.status !== "RUNNING") throw new InvalidInputError(`name: the rollout of ${deployment.name} in ${deployment.environment} is already ${rollout.status}`, { field: "name" });
    if (!(await this.#pause(deployment, rollout, `paused by ${ctx.actor.id}: ${reason}`, ctx.actor.id, reason, false, ctx.requestId))) {
      throw new InvalidInputError(`name: the rollout of ${deployment.name} moved meanwhile; look again`, { field: "name" });
    }
    return (await this.view(deployment))!;
  }

  async resume(input: RolloutControlInput, ctx: CallContext): Promise<RolloutView> {
    const reason = checkReason(input.reason);
    const { deployment, rollout } = await this.#open(input);
    if (rollout.status !== "PAUSED") throw new InvalidInputError(`name: the rollout of ${deployment.name} in ${deployment.environment} is ${rollout.status}, not PAUSED`, { field: "name" });
    const now = this.clock();
    const moved = await this.store.transaction(async (tx) => {
      if (!(await tx.lifecycle.updateRollout(rollout.id, { status: "PAUSED", step: rollout.step }, { status: "RUNNING", stepStartedAt: now, pausedReason: null }, now))) return false;
      const revision = await tx.deployments.getRevision(rollout.revisionId);
      await tx.appendAudit({
        actor: ctx.actor.id,
        action: "deployment.rollout_resume",
        targetType: "deployment",
        target: target(deployment, revision?.number ?? 0),
        modelName: deployment.name,
        reason,
        before: { rolloutId: rollout.id, status: "PAUSED", pausedReason: rollout.pausedReason },
        after: { rolloutId: rollout.id, status: "RUNNING", step: rollout.step + 1, weight: weightAt(rollout, rollout.step), environment: deployment.environment },
        outcome: "SUCCESS",
        ...(ctx.requestId === undefined ? {} : { requestId: ctx.requestId }),
      });
      return true;
    });
    if (!moved) throw new InvalidInputError(`name: the rollout of ${deployment.name} moved meanwhile; look again`, { field: "name" });
    return (await this.view(deployment))!;
  }

  /** Rolls back to the revision the rollout started from (a deployment rollback request, applied at once by the outbox). */
  async abort(input: RolloutControlInput, ctx: CallContext): Promise<RequestResult & { view: RolloutView }> {
    const reason = checkReason(input.reason);
    const { deployment, rollout } = await this.#open(input);
    const from = rollout.fromRevisionId === null ? undefined : await this.store.deployments.getRevision(rollout.fromRevisionId);
    if (from === undefined) throw new NotFoundError(`name: the rollout of ${deployment.name} has no revision to go back to`, { field: "name" });
    const result = await this.deploymentPromotions.rollback(
      { name: deployment.name, environment: deployment.environment, revision: from.number, reason: `rollout aborted: ${reason}` },
      ctx,
    );
    return { ...result, view: (await this.view(deployment))! };
  }

  /** The leader's pass: judges every RUNNING rollout's step and acts on it. Errors of one rollout do not stop the others. */
  async tick(logger?: RolloutLogger): Promise<void> {
    for (const rollout of await this.store.lifecycle.listOpenRollouts()) {
      if (rollout.status !== "RUNNING") continue;
      try {
        await this.#judge(rollout, logger);
      } catch (err) {
        logger?.warn({ err, rolloutId: rollout.id }, "could not move a guarded rollout on; trying again on the next pass");
      }
    }
  }

  async #judge(rollout: RolloutRecord, logger?: RolloutLogger): Promise<void> {
    const deployment = await this.store.deployments.getDeploymentById(rollout.deploymentId);
    const revision = await this.store.deployments.getRevision(rollout.revisionId);
    const from = rollout.fromRevisionId === null ? undefined : await this.store.deployments.getRevision(rollout.fromRevisionId);
    if (deployment === undefined || revision === undefined || from === undefined) return;
    // A request of the deployment is under way (a step, a rollback, a promotion): it decides first.
    if ((await this.store.workflow.findOpen(deploymentLockKey(deployment.name, deployment.environment))) !== undefined) return;
    if ((await this.store.workflow.findOpen(rollbackKey(deployment.name, deployment.environment))) !== undefined) return;
    const results = await stepResults(this.store, rollout, canaryVersions(revision, from), deployment.environment);
    const now = this.clock();
    const verdict = judgeStep(rollout.plan, rollout.step, rollout.stepStartedAt, now, results);
    if (verdict.kind === "WAIT") return;
    const ctx = systemContext();
    if (verdict.kind === "ADVANCE") {
      await this.#advance(deployment, revision, from, rollout, verdict.reason, ctx);
      logger?.info({ deployment: deployment.name, environment: deployment.environment, step: rollout.step + 2 }, "guarded rollout: next step queued");
      return;
    }
    const action = verdict.kind === "BREACH" ? rollout.plan.onBreach : rollout.plan.onMissingEvidence;
    if (action === "ROLLBACK") {
      try {
        await this.deploymentPromotions.rollback(
          {
            name: deployment.name,
            environment: deployment.environment,
            revision: from.number,
            reason: `automatic rollback: ${verdict.reason}`,
            idempotencyKey: `rollout:${rollout.id}:rollback:${rollout.stepStartedAt.getTime()}`,
          },
          ctx,
        );
        logger?.warn({ deployment: deployment.name, environment: deployment.environment, reason: verdict.reason }, "guarded rollout: rolling back");
        return;
      } catch (err) {
        // Refused (e.g. the previous revision's versions were archived since): hold where it is and say why.
        const why = err instanceof Error ? err.message : String(err);
        await this.#pause(deployment, rollout, `${verdict.reason}; the automatic rollback was refused: ${why}`, ROLLOUT_ACTOR, verdict.reason, true);
        return;
      }
    }
    await this.#pause(deployment, rollout, verdict.reason, ROLLOUT_ACTOR, verdict.reason, true);
    logger?.warn({ deployment: deployment.name, environment: deployment.environment, reason: verdict.reason }, "guarded rollout paused");
  }

  /** Queues the next step (or the completion) as a promotion request the outbox applies; a repeated pass replays the same request. */
  async #advance(
    deployment: DeploymentRecord,
    revision: DeploymentRevisionRecord,
    from: DeploymentRevisionRecord,
    rollout: RolloutRecord,
    reason: string,
    ctx: CallContext,
  ): Promise<void> {
    const next = rollout.step + 1;
    const stage = this.deploymentPromotions.environmentStage(deployment.environment);
    const complete = next >= rollout.plan.steps.length;
    await this.promotions.openRequest(
      {
        request: {
          kind: "PROMOTION",
          backendId: "",
          modelName: deployment.name,
          version: String(revision.number),
          environment: deployment.environment,
          fromStage: stage,
          toStage: stage,
          demoteTo: stage,
          previousVersions: [String(from.number)],
          requestedBy: ROLLOUT_ACTOR,
          reason,
          policy: { source: "rollout", eval: null, canary: false, approvals: 0 },
          deploymentRevisionId: revision.id,
          rolloutStep: next,
        },
        lockKey: deploymentLockKey(deployment.name, deployment.environment),
        alsoFree: [rollbackKey(deployment.name, deployment.environment)],
        idempotencyKey: `rollout:${rollout.id}:${next}:${rollout.stepStartedAt.getTime()}`,
        inputHash: canonicalSha256({ rollout: rollout.id, step: next, stepStartedAt: rollout.stepStartedAt.toISOString() }),
        action: "deployment.rollout_advance",
        before: { rolloutId: rollout.id, step: rollout.step + 1, weight: weightAt(rollout, rollout.step) },
        after: complete
          ? { rolloutId: rollout.id, complete: true, weight: 100, environment: deployment.environment }
          : { rolloutId: rollout.id, step: next + 1, weight: weightAt(rollout, next), environment: deployment.environment },
        gated: false,
      },
      ctx,
    );
  }

  /** RUNNING → PAUSED by compare-and-set, with its audit event; false when the rollout moved first. */
  async #pause(deployment: DeploymentRecord, rollout: RolloutRecord, pausedReason: string, actor: string, reason: string, automatic: boolean, requestId?: string): Promise<boolean> {
    const now = this.clock();
    return this.store.transaction(async (tx) => {
      if (!(await tx.lifecycle.updateRollout(rollout.id, { status: "RUNNING", step: rollout.step }, { status: "PAUSED", pausedReason }, now))) return false;
      const revision = await tx.deployments.getRevision(rollout.revisionId);
      await tx.appendAudit({
        actor,
        action: "deployment.rollout_pause",
        targetType: "deployment",
        target: target(deployment, revision?.number ?? 0),
        modelName: deployment.name,
        reason,
        before: { rolloutId: rollout.id, status: "RUNNING", step: rollout.step + 1, weight: weightAt(rollout, rollout.step) },
        after: { rolloutId: rollout.id, status: "PAUSED", pausedReason, automatic, environment: deployment.environment },
        outcome: "SUCCESS",
        ...(requestId === undefined ? {} : { requestId }),
      });
      return true;
    });
  }

  async #open(input: RolloutControlInput): Promise<{ deployment: DeploymentRecord; rollout: RolloutRecord }> {
    const deployment = await this.store.deployments.getDeployment(input.name.trim(), input.environment.trim());
    if (deployment === undefined) throw new NotFoundError(`no deployment "${input.name}" in ${input.environment}`, { field: "name" });
    const rollout = await this.store.lifecycle.openRollout(deployment.id);
    if (rollout === undefined) throw new NotFoundError(`${deployment.name} has no rollout under way in ${deployment.environment}`, { field: "name" });
    return { deployment, rollout };
  }
}

function checkReason(text: string): string {
  const reason = text.trim();
  if (reason === "") throw new InvalidInputError("reason: must not be empty (say why)", { field: "reason" });
  if (reason.length > 2000) throw new InvalidInputError("reason: must be at most 2000 characters", { field: "reason" });
  return reason;
}

function systemContext(): CallContext {
  return createCallContext({ timeoutMs: 60_000, actor: { id: ROLLOUT_ACTOR, displayName: "modelgate guarded rollouts", roles: [] } });
}
