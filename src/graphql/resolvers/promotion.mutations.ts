import { Arg, Ctx, Mutation, Resolver } from "type-graphql";
import { z } from "zod";
import type { GatewayContext } from "../context.js";
import { requireRole } from "../authz.js";
import { withUserErrors } from "../errors.js";
import { checkInput, idempotencyKeyInput, nameInput, reasonInput } from "../../core/input-check.js";
import { expectGlobalId } from "../global-id.js";
import {
  CanaryResultRecordInput,
  EvalRecordInput,
  ModelRollbackInput,
  PromotionDecisionInput,
  PromotionRequestInput,
} from "../types/promotion-inputs.js";
import {
  CanaryResultRecordPayload,
  EvalRecordPayload,
  ModelRollbackPayload,
  PromotionDecisionPayload,
  PromotionRequestPayload,
} from "../types/promotion-payloads.js";

const name = nameInput;
const reason = reasonInput;
const text = z.string().max(2000, "must be at most 2000 characters").optional().nullable();


const optional = <T>(v: T | null | undefined): T | undefined => (v === null ? undefined : v);

@Resolver()
export class PromotionMutations {
  @Mutation(() => PromotionRequestPayload, {
    description: "Requests moving a version to a stage in an environment; gates are evaluated now and on every new evidence. Needs publisher.",
  })
  async promotionRequest(
    @Arg("input", () => PromotionRequestInput) input: PromotionRequestInput,
    @Ctx() ctx: GatewayContext,
  ): Promise<PromotionRequestPayload> {
    return withUserErrors<PromotionRequestPayload>(async () => {
      requireRole(ctx, "publisher", "request promotions");
      checkInput(
        z.object({
          backend: name,
          model: name,
          version: name,
          environment: name,
          reason,
          idempotencyKey: idempotencyKeyInput,
          expectedCurrentVersion: z.string().max(256).optional().nullable(),
        }),
        input,
      );
      const idempotencyKey = optional(input.idempotencyKey);
      const expected = optional(input.expectedCurrentVersion);
      const { request, replayed } = await ctx.services.promotions.request(
        {
          backend: input.backend.trim(),
          model: input.model.trim(),
          version: input.version.trim(),
          toStage: input.toStage,
          environment: input.environment.trim(),
          reason: input.reason,
          ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
          ...(expected === undefined ? {} : { expectedCurrentVersion: expected }),
        },
        ctx.call,
      );
      return { promotionRequest: request, replayed };
    }, { promotionRequest: null, replayed: false });
  }

  @Mutation(() => PromotionDecisionPayload, { description: "Approves a pending request (not your own). Needs approver." })
  async promotionApprove(
    @Arg("input", () => PromotionDecisionInput) input: PromotionDecisionInput,
    @Ctx() ctx: GatewayContext,
  ): Promise<PromotionDecisionPayload> {
    return withUserErrors<PromotionDecisionPayload>(async () => {
      requireRole(ctx, "approver", "approve promotions");
      checkInput(z.object({ id: name, comment: text }), input);
      const [id] = expectGlobalId(input.id, "PromotionRequest", 1) as [string];
      return { promotionRequest: await ctx.services.promotions.approve(id, optional(input.comment), ctx.call) };
    }, { promotionRequest: null });
  }

  @Mutation(() => PromotionDecisionPayload, { description: "Rejects a pending request, which ends it. Needs approver." })
  async promotionReject(
    @Arg("input", () => PromotionDecisionInput) input: PromotionDecisionInput,
    @Ctx() ctx: GatewayContext,
  ): Promise<PromotionDecisionPayload> {
    return withUserErrors<PromotionDecisionPayload>(async () => {
      requireRole(ctx, "approver", "reject promotions");
      checkInput(z.object({ id: name, comment: text }), input);
      const [id] = expectGlobalId(input.id, "PromotionRequest", 1) as [string];
      return { promotionRequest: await ctx.services.promotions.reject(id, optional(input.comment), ctx.call) };
    }, { promotionRequest: null });
  }

  @Mutation(() => EvalRecordPayload, { description: "Attaches an eval result to a version (evidence for the eval gate). Needs publisher." })
  async evalRecord(@Arg("input", () => EvalRecordInput) input: EvalRecordInput, @Ctx() ctx: GatewayContext): Promise<EvalRecordPayload> {
    return withUserErrors<EvalRecordPayload>(async () => {
      requireRole(ctx, "publisher", "record eval results");
      checkInput(
        z.object({
          backend: name,
          model: name,
          version: name,
          suite: name,
          score: z.number().finite("must be a finite number"),
          run: text,
          artifactUri: z.string().max(2048).optional().nullable(),
        }),
        input,
      );
      const run = optional(input.run);
      const artifactUri = optional(input.artifactUri);
      const evalRecord = await ctx.services.promotions.recordEval(
        {
          backend: input.backend.trim(),
          model: input.model.trim(),
          version: input.version.trim(),
          suite: input.suite.trim(),
          score: input.score,
          ...(run === undefined ? {} : { run }),
          ...(artifactUri === undefined ? {} : { artifactUri }),
        },
        ctx.call,
      );
      return { evalRecord };
    }, { evalRecord: null });
  }

  @Mutation(() => CanaryResultRecordPayload, { description: "Records a canary/shadow result for a version in an environment. Needs publisher." })
  async canaryResultRecord(
    @Arg("input", () => CanaryResultRecordInput) input: CanaryResultRecordInput,
    @Ctx() ctx: GatewayContext,
  ): Promise<CanaryResultRecordPayload> {
    return withUserErrors<CanaryResultRecordPayload>(async () => {
      requireRole(ctx, "publisher", "record canary results");
      checkInput(
        z.object({
          backend: name,
          model: name,
          version: name,
          environment: name,
          clean: z.boolean(),
          evidence: text,
          notes: text,
          metrics: z.array(z.object({ key: z.string().min(1).max(128), value: z.number().finite() })).max(32, "at most 32").nullish(),
        }),
        input,
      );
      const evidence = optional(input.evidence);
      const notes = optional(input.notes);
      const canaryResult = await ctx.services.promotions.recordCanary(
        {
          backend: input.backend.trim(),
          model: input.model.trim(),
          version: input.version.trim(),
          environment: input.environment.trim(),
          clean: input.clean,
          ...(evidence === undefined ? {} : { evidence }),
          ...(notes === undefined ? {} : { notes }),
          ...(input.errorRate == null ? {} : { errorRate: input.errorRate }),
          ...(input.requests == null ? {} : { requests: input.requests }),
          ...(input.metrics == null ? {} : { metrics: Object.fromEntries(input.metrics.map((m) => [m.key, m.value])) }),
        },
        ctx.call,
      );
      return { canaryResult };
    }, { canaryResult: null });
  }

  @Mutation(() => ModelRollbackPayload, {
    description: "Puts back the previous production version in one call, skipping unmet gates (emergency path). Needs approver. Audited.",
  })
  async modelRollback(@Arg("input", () => ModelRollbackInput) input: ModelRollbackInput, @Ctx() ctx: GatewayContext): Promise<ModelRollbackPayload> {
    return withUserErrors<ModelRollbackPayload>(async () => {
      requireRole(ctx, "approver", "roll back models");
      checkInput(z.object({ backend: name, model: name, environment: name, reason }), input);
      const promotionRequest = await ctx.services.promotions.rollback(
        { backend: input.backend.trim(), model: input.model.trim(), environment: input.environment.trim(), reason: input.reason },
        ctx.call,
      );
      return { promotionRequest };
    }, { promotionRequest: null });
  }
}
