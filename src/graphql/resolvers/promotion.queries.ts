import { Arg, Ctx, Int, Query, Resolver } from "type-graphql";
import type { Stage } from "../../core/index.js";
import { encodeRequestCursor } from "../../store/workflow-kysely.js";
import type { PromotionRequestRecord, PromotionStatus } from "../../store/workflow-store.js";
import type { GatewayContext } from "../context.js";
import { STAGES } from "../../core/stage.js";
import {
  ApprovalStateEnum,
  ApprovalType,
  PoliciesType,
  ProductionEntryType,
  PromotionRequestConnection,
  PromotionStatusEnum,
} from "../types/promotion.js";
import { DateTime } from "../types/scalars.js";
import { connection, pageSize } from "./paging.js";
import type { DeprecationPolicyType } from "../types/deprecation-policy.js";

@Resolver()
export class PromotionQueries {
  @Query(() => PromotionRequestConnection, { description: "Promotion and rollback requests, newest first." })
  async promotionRequests(
    @Ctx() ctx: GatewayContext,
    @Arg("status", () => PromotionStatusEnum, { nullable: true }) status: PromotionStatus | undefined,
    @Arg("first", () => Int, { nullable: true }) first: number | undefined,
    @Arg("after", () => String, { nullable: true }) after: string | undefined,
  ): Promise<PromotionRequestConnection> {
    const page = await ctx.services.store.workflow.listRequests({
      first: pageSize(first, ctx.services.config.server.maxPageSize),
      ...(status == null ? {} : { status }),
      ...(after == null ? {} : { after }),
    });
    const edges = page.items.map((item) => ({ item, cursor: encodeRequestCursor(item) }));
    return connection(edges, page.nextCursor !== undefined, page.nextCursor);
  }

  @Query(() => [ApprovalType], {
    description: "PENDING: requests waiting for approvals (oldest first). APPROVED / REJECTED: decisions made, newest first.",
  })
  async approvals(
    @Ctx() ctx: GatewayContext,
    @Arg("status", () => ApprovalStateEnum) status: keyof typeof ApprovalStateEnum,
    @Arg("first", () => Int, { nullable: true }) first: number | undefined,
  ): Promise<ApprovalType[]> {
    const limit = pageSize(first, ctx.services.config.server.maxPageSize);
    const { workflow } = ctx.services.store;
    const received = async (r: PromotionRequestRecord) => (await workflow.listApprovals(r.id)).filter((a) => a.decision === "APPROVED").length;
    if (status === "PENDING") {
      const out: ApprovalType[] = [];
      let after: string | undefined;
      // Pending requests are few; read them all (newest first) and keep those short of approvals.
      for (;;) {
        const page = await workflow.listRequests({ status: "PENDING", first: 100, ...(after === undefined ? {} : { after }) });
        for (const r of page.items) {
          const got = await received(r);
          if (r.policy.approvals > got) out.push({ request: r, state: "PENDING", actor: null, comment: null, required: r.policy.approvals, received: got, at: null });
        }
        if (page.nextCursor === undefined) break;
        after = page.nextCursor;
      }
      return out.reverse().slice(0, limit);
    }
    const decisions = await workflow.listDecisions(status, limit);
    return Promise.all(
      decisions.map(async (d) => {
        const r = (await workflow.getRequest(d.requestId))!;
        return { request: r, state: d.decision, actor: d.actor, comment: d.comment, required: r.policy.approvals, received: await received(r), at: d.at };
      }),
    );
  }

  @Query(() => [ProductionEntryType], {
    description: "What ran in production in an environment: now, or at `asOf` (from the gateway's production history).",
  })
  async production(
    @Ctx() ctx: GatewayContext,
    @Arg("environment", () => String) environment: string,
    @Arg("asOf", () => DateTime, { nullable: true }) asOf: Date | undefined,
    @Arg("backend", () => String, { nullable: true }) backend: string | undefined,
    @Arg("model", () => String, { nullable: true }) model: string | undefined,
  ): Promise<ProductionEntryType[]> {
    return ctx.services.store.workflow.listProduction({
      environment,
      ...(asOf == null ? {} : { asOf }),
      ...(backend == null ? {} : { backendId: backend }),
      ...(model == null ? {} : { modelName: model }),
    });
  }

  @Query(() => PoliciesType, { description: "The promotion policies in force (configured or default) and the allowed stage transitions." })
  policies(@Ctx() ctx: GatewayContext): PoliciesType {
    const p = ctx.services.promotions.policies;
    return {
      isDefault: p.isDefault,
      rules: p.rules.map((r) => ({
        backend: r.backend,
        models: r.models,
        environment: r.environment,
        toStages: r.toStages ?? null,
        minEvalScore: r.gates.eval?.minScore ?? null,
        evalSuite: r.gates.eval?.suite ?? null,
        canary: r.gates.canary,
        approvals: r.gates.approvals,
        shadowEvidence: r.gates.requireShadowEvidence ?? null,
        demoteTo: r.demoteTo,
        fromStages: r.fromStages ?? null,
      })),
      transitions: STAGES.map((from: Stage) => ({ from, to: [...p.transitions[from]] })),
      protectedAliases: ctx.services.config.policies?.protectedAliases ?? [],
      deprecation: deprecationPolicyOf(ctx.services.config, ctx.services.deprecation.environment),
    };
  }
}

/** The configured deprecation policy with its defaults filled in (as DeprecationService applies them). */
function deprecationPolicyOf(config: GatewayContext["services"]["config"], environment: string): DeprecationPolicyType | null {
  const policy = config.policies?.deprecation;
  if (policy === undefined) return null;
  return {
    rules: policy.rules.map((r) => ({ ...r, maxArchiveShare: r.maxArchiveShare ?? policy.maxArchiveShare })),
    maxArchiveShare: policy.maxArchiveShare,
    environment,
    everyMinutes: policy.schedule?.everyMinutes ?? null,
  };
}
