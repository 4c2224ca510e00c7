/** Guarded rollouts in the API (docs/lifecycle.md#guarded-rollouts): Deployment.rollout with its step's evidence, the canary result's metrics, and pause / resume / abort. */
import { Arg, Ctx, FieldResolver, Mutation, Resolver, Root } from "type-graphql";
import { z } from "zod";
import { checkInput } from "../../core/input-check.js";
import type { DeploymentRecord } from "../../store/deployment-store.js";
import type { CanaryResultRecord } from "../../store/workflow-store.js";
import type { RolloutView } from "../../workflow/lifecycle/rollouts.js";
import { requireRole } from "../authz.js";
import type { GatewayContext } from "../context.js";
import { withUserErrors } from "../errors.js";
import { Metric } from "../types/common.js";
import { DeploymentType } from "../types/deployment.js";
import { CanaryResultType } from "../types/promotion.js";
import { DeploymentRolloutControlInput, DeploymentRolloutPayload, RolloutEvidenceType, RolloutType } from "../types/rollout.js";

const controlSchema = z.object({
  name: z.string().max(128, "must be at most 128 characters"),
  environment: z.string().max(64, "must be at most 64 characters"),
  reason: z.string().max(2000, "must be at most 2000 characters"),
});

/** The canary results Rollout.evidence lists. */
const EVIDENCE_RESULTS = 20;

/** A RolloutView as the Rollout type reads it (the view itself for Rollout.evidence). */
function rolloutOut(v: RolloutView): Record<string, unknown> {
  const r = v.rollout;
  return {
    view: v,
    id: r.id,
    status: r.status,
    step: r.step + 1,
    weight: v.weight,
    weights: v.served,
    plan: { ...r.plan, minRequests: r.plan.minRequests ?? null },
    revision: v.revision,
    fromRevision: v.fromRevision,
    stepStartedAt: r.stepStartedAt,
    nextAt: v.nextAt,
    pausedReason: r.pausedReason,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
}

@Resolver(() => DeploymentType)
export class DeploymentRolloutField {
  @FieldResolver(() => RolloutType, { nullable: true, description: "The guarded rollout under way, else the newest one; null when the deployment never had one." })
  async rollout(@Root() root: DeploymentRecord, @Ctx() ctx: GatewayContext): Promise<Record<string, unknown> | null> {
    const view = await ctx.services.rollouts.view(root);
    return view === undefined ? null : rolloutOut(view);
  }
}

@Resolver(() => RolloutType)
export class RolloutEvidenceField {
  @FieldResolver(() => RolloutEvidenceType, {
    nullable: true,
    description: "The current step's canary evidence against the plan's thresholds, and the leader's verdict on it; null once the rollout is closed.",
  })
  async evidence(@Root() root: { view: RolloutView }, @Ctx() ctx: GatewayContext): Promise<RolloutEvidenceType | null> {
    const ev = await ctx.services.rollouts.evidence(root.view);
    if (ev === undefined) return null;
    return {
      step: ev.step + 1,
      since: ev.since,
      deadline: ev.deadline,
      versions: ev.versions.map((c) => `${c.backendId}/${c.modelName}@${c.version}`),
      resultCount: ev.summary.results,
      requests: ev.summary.requests,
      maxErrorRate: ev.summary.maxErrorRate,
      minMetric: ev.summary.minMetric,
      verdict: ev.verdict?.kind ?? null,
      reason: ev.verdict?.reason ?? null,
      canaryResults: ev.results.slice(0, EVIDENCE_RESULTS),
    };
  }
}

@Resolver(() => CanaryResultType)
export class CanaryResultMetricsField {
  @FieldResolver(() => [Metric], { description: "Named measurements the result reported (empty when none)." })
  metrics(@Root() root: CanaryResultRecord): Metric[] {
    return Object.entries(root.metrics ?? {}).map(([key, value]) => ({ key, value }));
  }
}

@Resolver()
export class RolloutMutations {
  @Mutation(() => DeploymentRolloutPayload, { description: "Holds a running guarded rollout at its current weights (audited). Needs publisher." })
  async deploymentRolloutPause(
    @Arg("input", () => DeploymentRolloutControlInput) input: DeploymentRolloutControlInput,
    @Ctx() ctx: GatewayContext,
  ): Promise<DeploymentRolloutPayload> {
    return withUserErrors<DeploymentRolloutPayload>(
      async () => {
        requireRole(ctx, "publisher", "pause rollouts");
        checkInput(controlSchema, input);
        const view = await ctx.services.rollouts.pause(input, ctx.call);
        return { deployment: view.deployment, rollout: rolloutOut(view), promotionRequest: null };
      },
      { deployment: null, rollout: null, promotionRequest: null },
    );
  }

  @Mutation(() => DeploymentRolloutPayload, { description: "Lets a paused guarded rollout run again: its current step's hold and evidence window start anew (audited). Needs approver." })
  async deploymentRolloutResume(
    @Arg("input", () => DeploymentRolloutControlInput) input: DeploymentRolloutControlInput,
    @Ctx() ctx: GatewayContext,
  ): Promise<DeploymentRolloutPayload> {
    return withUserErrors<DeploymentRolloutPayload>(
      async () => {
        requireRole(ctx, "approver", "resume rollouts");
        checkInput(controlSchema, input);
        const view = await ctx.services.rollouts.resume(input, ctx.call);
        return { deployment: view.deployment, rollout: rolloutOut(view), promotionRequest: null };
      },
      { deployment: null, rollout: null, promotionRequest: null },
    );
  }

  @Mutation(() => DeploymentRolloutPayload, {
    description: "Ends a guarded rollout (running or paused) by rolling back to the revision it started from: a deployment rollback the outbox applies at once. Needs approver.",
  })
  async deploymentRolloutAbort(
    @Arg("input", () => DeploymentRolloutControlInput) input: DeploymentRolloutControlInput,
    @Ctx() ctx: GatewayContext,
  ): Promise<DeploymentRolloutPayload> {
    return withUserErrors<DeploymentRolloutPayload>(
      async () => {
        requireRole(ctx, "approver", "abort rollouts");
        checkInput(controlSchema, input);
        const result = await ctx.services.rollouts.abort(input, ctx.call);
        return { deployment: result.view.deployment, rollout: rolloutOut(result.view), promotionRequest: result.request };
      },
      { deployment: null, rollout: null, promotionRequest: null },
    );
  }
}
