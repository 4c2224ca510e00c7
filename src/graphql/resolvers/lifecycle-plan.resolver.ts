/** lifecyclePlan (a dry run) and lifecyclePlanApply: the deprecation policy (docs/lifecycle.md#deprecation-policy). */
import { Arg, Ctx, Mutation, Query, Resolver } from "type-graphql";
import { z } from "zod";
import { checkInput, nameInput } from "../../core/input-check.js";
import type { DeprecationPlan } from "../../workflow/lifecycle/deprecation-plan.js";
import type { DeprecationFilter } from "../../workflow/lifecycle/deprecation-facts.js";
import { requireRole } from "../authz.js";
import type { GatewayContext } from "../context.js";
import { withUserErrors } from "../errors.js";
import { LifecyclePlan, LifecyclePlanApplyInput, LifecyclePlanApplyPayload, LifecyclePlanFilter } from "../types/lifecycle-plan.js";

const filterSchema = z.object({ backend: nameInput.optional().nullable(), model: nameInput.optional().nullable() }).optional().nullable();

function toFilter(filter: LifecyclePlanFilter | null | undefined): DeprecationFilter {
  return {
    ...(filter?.backend == null ? {} : { backend: filter.backend.trim() }),
    ...(filter?.model == null ? {} : { model: filter.model.trim() }),
  };
}

function view(plan: DeprecationPlan, environment: string): LifecyclePlan {
  return { ...plan, environment };
}

@Resolver()
export class LifecyclePlanResolver {
  @Query(() => LifecyclePlan, {
    description: "What the deprecation policy (policies.deprecation) would archive now, and why; a dry run that changes nothing.",
  })
  async lifecyclePlan(@Ctx() ctx: GatewayContext, @Arg("filter", () => LifecyclePlanFilter, { nullable: true }) filter: LifecyclePlanFilter | null): Promise<LifecyclePlan> {
    requireRole(ctx, "viewer", "read the lifecycle plan");
    checkInput(z.object({ filter: filterSchema }), { filter });
    const service = ctx.services.deprecation;
    return view(await service.plan(toFilter(filter), ctx.call), service.environment);
  }

  @Mutation(() => LifecyclePlanApplyPayload, {
    description:
      "Plans afresh and archives each candidate through the workflow: one audited request per version to ARCHIVED, tagged modelgate.archived-by=policy, under the ARCHIVED policy gates. A plan past a maxArchiveShare is refused (CONFLICT) unless confirmShare. Needs publisher.",
  })
  async lifecyclePlanApply(
    @Arg("input", () => LifecyclePlanApplyInput, { nullable: true }) input: LifecyclePlanApplyInput | null,
    @Ctx() ctx: GatewayContext,
  ): Promise<LifecyclePlanApplyPayload> {
    return withUserErrors<LifecyclePlanApplyPayload>(async () => {
      requireRole(ctx, "publisher", "apply the lifecycle plan");
      checkInput(
        z.object({ filter: filterSchema, confirmShare: z.boolean().optional().nullable(), reason: z.string().max(2000, "must be at most 2000 characters").optional().nullable() }),
        input ?? {},
      );
      const service = ctx.services.deprecation;
      const report = await service.apply(
        {
          filter: toFilter(input?.filter),
          confirmShare: input?.confirmShare === true,
          ...(input?.reason == null || input.reason.trim() === "" ? {} : { reason: input.reason }),
        },
        ctx.call,
      );
      return {
        plan: view(report.plan, service.environment),
        results: report.results.map((r) => ({ candidate: r.candidate, outcome: r.outcome, promotionRequest: r.request, message: r.message })),
      };
    }, { plan: null, results: [] });
  }
}
