import { Arg, Ctx, FieldResolver, ID, Resolver, Root } from "type-graphql";
import { toGlobalId } from "../global-id.js";
import type { GatewayContext } from "../context.js";
import { BackendCapabilities, BackendHealth, BackendType, RegistryProblem, type BackendRoot } from "../types/backend.js";
import { DateTime } from "../types/scalars.js";

@Resolver(() => BackendType)
export class BackendResolver {
  @FieldResolver(() => ID)
  id(@Root() root: BackendRoot): string {
    return toGlobalId("Backend", root.backendId);
  }

  @FieldResolver(() => BackendHealth, { description: "Checked live on every query (cheap: one round trip)." })
  async health(@Root() root: BackendRoot, @Ctx() ctx: GatewayContext): Promise<BackendHealth> {
    const adapter = ctx.services.catalog.backend(root.backendId);
    const status = await adapter.health(ctx.call);
    return { ...status, latencyMs: Math.round(status.latencyMs), circuit: adapter.breakerState() };
  }

  @FieldResolver(() => [RegistryProblem], {
    description: "Content the backend skipped because it is invalid, naming file, line and field. Empty for backends that validate on write.",
  })
  async problems(
    @Root() root: BackendRoot,
    @Ctx() ctx: GatewayContext,
    @Arg("asOf", () => DateTime, { nullable: true }) asOf: Date | undefined,
  ): Promise<RegistryProblem[]> {
    const adapter = ctx.services.catalog.backend(root.backendId);
    if (!adapter.problems) return [];
    return adapter.problems(ctx.call, asOf == null ? {} : { asOf });
  }

  @FieldResolver(() => BackendCapabilities)
  capabilities(@Root() root: BackendRoot, @Ctx() ctx: GatewayContext): BackendCapabilities {
    return ctx.services.catalog.backend(root.backendId).capabilities();
  }
}
