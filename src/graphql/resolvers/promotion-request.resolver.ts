import { Ctx, FieldResolver, ID, Resolver, Root } from "type-graphql";
import type { ProductionRecord, PromotionRequestRecord } from "../../store/workflow-store.js";
import type { GatewayContext } from "../context.js";
import { toGlobalId } from "../global-id.js";
import { GateResultType, ProductionEntryType, PromotionDecisionType, PromotionRequestType, RequestPolicyType } from "../types/promotion.js";

@Resolver(() => PromotionRequestType)
export class PromotionRequestResolver {
  @FieldResolver(() => ID)
  id(@Root() root: PromotionRequestRecord): string {
    return toGlobalId("PromotionRequest", root.id);
  }

  @FieldResolver(() => RequestPolicyType)
  policy(@Root() root: PromotionRequestRecord): RequestPolicyType {
    return {
      source: root.policy.source,
      minEvalScore: root.policy.eval?.minScore ?? null,
      evalSuite: root.policy.eval?.suite ?? null,
      canary: root.policy.canary,
      approvals: root.policy.approvals,
      shadowEvidence: root.policy.shadow ?? null,
    };
  }

  @FieldResolver(() => [GateResultType], { description: "The latest result of each gate the policy requires." })
  async gates(@Root() root: PromotionRequestRecord, @Ctx() ctx: GatewayContext): Promise<GateResultType[]> {
    return ctx.services.store.workflow.listGateResults(root.id);
  }

  @FieldResolver(() => [PromotionDecisionType])
  async decisions(@Root() root: PromotionRequestRecord, @Ctx() ctx: GatewayContext): Promise<PromotionDecisionType[]> {
    return ctx.services.store.workflow.listApprovals(root.id);
  }
}

@Resolver(() => ProductionEntryType)
export class ProductionEntryResolver {
  @FieldResolver(() => PromotionRequestType, { nullable: true })
  async request(@Root() root: ProductionRecord, @Ctx() ctx: GatewayContext): Promise<PromotionRequestRecord | null> {
    return root.requestId === null ? null : ((await ctx.services.store.workflow.getRequest(root.requestId)) ?? null);
  }
}
