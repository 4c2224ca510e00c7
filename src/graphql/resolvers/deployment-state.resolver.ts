/** Deployments entering environments (deploymentPromote, deploymentRollback), their status and health, and whatRunsInProduction. */
import { responsePathAsArray, type GraphQLResolveInfo } from "graphql";
import { Arg, Ctx, FieldResolver, Info, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import { UnavailableError, isRegistryError } from "../../core/index.js";
import { z } from "zod";
import type { DeploymentActivationRecord, DeploymentRecord, DeploymentRevisionRecord } from "../../store/deployment-store.js";
import type { PromotionRequestRecord } from "../../store/workflow-store.js";
import type { Approval, DeploymentHealth, ProductionState, RunningDeployment, RunningVersion } from "../../workflow/deployment-state.js";
import { requireRole } from "../authz.js";
import type { GatewayContext } from "../context.js";
import { toGraphQLError, withUserErrors } from "../errors.js";
import { checkInput } from "../../core/input-check.js";
import { DeploymentRevisionType, DeploymentType } from "../types/deployment.js";
import {
  ApprovalSummaryType,
  DeploymentActivationType,
  DeploymentHealthType,
  DeploymentPromoteInput,
  DeploymentPromotionPayload,
  DeploymentRollbackInput,
  ProductionStateType,
  RunningDeploymentType,
  RunningVersionType,
} from "../types/deployment-state.js";
import { PromotionRequestType } from "../types/promotion.js";
import { DateTime } from "../types/scalars.js";
import { pageSize } from "./paging.js";

const text = (max: number) => z.string().max(max, `must be at most ${max} characters`);
const promoteSchema = z.object({ name: text(128), environment: text(64), reason: text(2000), idempotencyKey: text(256).nullish() });
const rollbackSchema = z.object({ name: text(128), environment: text(64), reason: text(2000) });

@Resolver()
export class DeploymentPromotionMutations {
  @Mutation(() => DeploymentPromotionPayload, {
    description:
      "Asks to put a revision in its environment: one promotion request covering the bundle, through the environment's gates and approvals (the strictest approval count of its components' policies). Every component must be in a stage the environment accepts (production: PRODUCTION, or SHADOW for shadow components). Approved, the outbox re-checks the components and activates the revision. Needs publisher.",
  })
  async deploymentPromote(
    @Arg("input", () => DeploymentPromoteInput) input: DeploymentPromoteInput,
    @Ctx() ctx: GatewayContext,
  ): Promise<DeploymentPromotionPayload> {
    return withUserErrors<DeploymentPromotionPayload>(
      async () => {
        requireRole(ctx, "publisher", "promote deployments");
        checkInput(promoteSchema, input);
        const result = await ctx.services.deploymentPromotions.promote(
          {
            name: input.name,
            environment: input.environment,
            revision: input.revision,
            reason: input.reason,
            ...(input.idempotencyKey == null ? {} : { idempotencyKey: input.idempotencyKey }),
          },
          ctx.call,
        );
        return { deployment: result.deployment, promotionRequest: result.request, replayed: result.replayed };
      },
      { deployment: null, promotionRequest: null, replayed: false },
    );
  }

  @Mutation(() => DeploymentPromotionPayload, {
    description:
      "Puts an earlier revision back in one call (default: the one that ran before the current one): no gates, applied by the outbox at once. Its components must still be in accepted stages; the error names any that are not. Needs approver.",
  })
  async deploymentRollback(
    @Arg("input", () => DeploymentRollbackInput) input: DeploymentRollbackInput,
    @Ctx() ctx: GatewayContext,
  ): Promise<DeploymentPromotionPayload> {
    return withUserErrors<DeploymentPromotionPayload>(
      async () => {
        requireRole(ctx, "approver", "roll back deployments");
        checkInput(rollbackSchema, input);
        const result = await ctx.services.deploymentPromotions.rollback(
          {
            name: input.name,
            environment: input.environment,
            reason: input.reason,
            ...(input.revision == null ? {} : { revision: input.revision }),
          },
          ctx.call,
        );
        return { deployment: result.deployment, promotionRequest: result.request, replayed: result.replayed };
      },
      { deployment: null, promotionRequest: null, replayed: false },
    );
  }
}

@Resolver()
export class WhatRunsQuery {
  @Query(() => ProductionStateType, {
    description:
      "Everything that runs in an environment across all backends, in one query: every deployment's running revision and every version in the environment's stage, with who approved each and when. Now: versions read live from the backends (failedBackends lists any that could not be read). asOf: answered from the trail (activations and the gateway's production history).",
  })
  async whatRunsInProduction(
    @Ctx() ctx: GatewayContext,
    @Info() info: GraphQLResolveInfo,
    @Arg("environment", () => String, { defaultValue: "production" }) environment: string,
    @Arg("asOf", () => DateTime, { nullable: true }) asOf: Date | undefined,
  ): Promise<Omit<ProductionState, "failedBackends"> & { failedBackends: { backendId: string; code: string; message: string }[] }> {
    const state = await ctx.services.deploymentState.whatRuns(environment, asOf ?? undefined, ctx.call);
    // As for `models`: a backend that failed is listed, and reported in errors with extensions.backend.
    const path = responsePathAsArray(info.path);
    const failedBackends = state.failedBackends.map((f) => {
      const err = isRegistryError(f.error) ? f.error : new UnavailableError(f.error instanceof Error ? f.error.message : String(f.error), { backend: f.backendId });
      ctx.partialErrors.push(toGraphQLError(err, path));
      return { backendId: f.backendId, code: String(toGraphQLError(err).extensions.code), message: err.message };
    });
    return { ...state, failedBackends };
  }
}

@Resolver(() => RunningDeploymentType)
export class RunningDeploymentResolver {
  @FieldResolver(() => DateTime)
  activatedAt(@Root() root: RunningDeployment): Date {
    return root.activation.activatedAt;
  }
}

@Resolver(() => RunningVersionType)
export class RunningVersionResolver {
  @FieldResolver(() => Boolean)
  standalone(@Root() root: RunningVersion): boolean {
    return root.usedBy.length === 0;
  }
}

@Resolver(() => ApprovalSummaryType)
export class ApprovalSummaryResolver {
  @FieldResolver(() => PromotionRequestType)
  async request(@Root() root: Approval, @Ctx() ctx: GatewayContext): Promise<PromotionRequestRecord> {
    const found = await ctx.services.store.workflow.getRequest(root.requestId);
    if (found === undefined) throw new Error(`promotion request ${root.requestId} is missing`);
    return found;
  }
}

@Resolver(() => DeploymentType)
export class DeploymentStateFields {
  @FieldResolver(() => DeploymentRevisionType, {
    nullable: true,
    description: "The revision the environment runs (at asOf, from the activation history); null when none.",
  })
  async currentRevision(
    @Root() root: DeploymentRecord,
    @Ctx() ctx: GatewayContext,
    @Arg("asOf", () => DateTime, { nullable: true }) asOf: Date | undefined,
  ): Promise<DeploymentRevisionRecord | null> {
    return (await ctx.services.deploymentState.currentRevision(root, asOf ?? undefined)) ?? null;
  }

  @FieldResolver(() => DeploymentHealthType, { description: "The current revision's components checked against their backends now." })
  async health(@Root() root: DeploymentRecord, @Ctx() ctx: GatewayContext): Promise<DeploymentHealth> {
    return ctx.services.deploymentState.health(root, ctx.call);
  }

  @FieldResolver(() => [DeploymentActivationType], { description: "Which revision ran when, newest first (at most `first`)." })
  async activations(
    @Root() root: DeploymentRecord,
    @Ctx() ctx: GatewayContext,
    @Arg("first", () => Int, { nullable: true }) first: number | undefined,
  ): Promise<DeploymentActivationRecord[]> {
    return ctx.services.store.deployments.listActivations(root.id, pageSize(first, ctx.services.config.server.maxPageSize));
  }
}

@Resolver(() => DeploymentActivationType)
export class DeploymentActivationResolver {
  @FieldResolver(() => DeploymentRevisionType)
  async revision(@Root() root: DeploymentActivationRecord, @Ctx() ctx: GatewayContext): Promise<DeploymentRevisionRecord> {
    const found = await ctx.services.store.deployments.getRevision(root.revisionId);
    if (found === undefined) throw new Error(`revision ${root.revisionId} is missing`);
    return found;
  }

  @FieldResolver(() => PromotionRequestType, { nullable: true })
  async request(@Root() root: DeploymentActivationRecord, @Ctx() ctx: GatewayContext): Promise<PromotionRequestRecord | null> {
    return (await ctx.services.store.workflow.getRequest(root.requestId)) ?? null;
  }
}

@Resolver(() => DeploymentRevisionType)
export class DeploymentRevisionStateFields {
  @FieldResolver(() => [PromotionRequestType], { description: "The promotion and rollback requests for this revision, newest first." })
  async requests(@Root() root: DeploymentRevisionRecord, @Ctx() ctx: GatewayContext): Promise<PromotionRequestRecord[]> {
    return ctx.services.store.workflow.listRequestsForRevision(root.id);
  }
}

@Resolver(() => PromotionRequestType)
export class PromotionRequestDeploymentField {
  @FieldResolver(() => DeploymentRevisionType, {
    nullable: true,
    description: "The deployment revision a deploymentPromote/deploymentRollback request covers (then modelName is the deployment, version the revision number); null for model versions.",
  })
  async deploymentRevision(@Root() root: PromotionRequestRecord, @Ctx() ctx: GatewayContext): Promise<DeploymentRevisionRecord | null> {
    if (root.deploymentRevisionId === null) return null;
    return (await ctx.services.store.deployments.getRevision(root.deploymentRevisionId)) ?? null;
  }
}
