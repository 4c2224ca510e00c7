/** Cross-registry copies: the modelVersionCopy mutation and PromotionRequest.copy (docs/lifecycle.md#cross-registry-copies). */
import { Arg, Ctx, FieldResolver, Mutation, Resolver, Root } from "type-graphql";
import { z } from "zod";
import type { PromotionRequestRecord } from "../../store/workflow-store.js";
import { checkInput, idempotencyKeyInput, reasonInput } from "../../core/input-check.js";
import { requireRole } from "../authz.js";
import type { GatewayContext } from "../context.js";
import { withUserErrors } from "../errors.js";
import { PromotionRequestType } from "../types/promotion.js";
import { ModelVersionCopyInput, ModelVersionCopyPayload, VersionCopyType } from "../types/version-copy.js";

const optional = <T>(v: T | null | undefined): T | undefined => (v === null ? undefined : v);

@Resolver()
export class VersionCopyMutations {
  @Mutation(() => ModelVersionCopyPayload, {
    description:
      "Copies a version into another backend (same artifact, metadata, generation config and lineage) through the target's promotion gates; applied once by the outbox, undone when it fails halfway. Needs publisher.",
  })
  async modelVersionCopy(@Arg("input", () => ModelVersionCopyInput) input: ModelVersionCopyInput, @Ctx() ctx: GatewayContext): Promise<ModelVersionCopyPayload> {
    return withUserErrors<ModelVersionCopyPayload>(async () => {
      requireRole(ctx, "publisher", "copy versions between backends");
      checkInput(
        z.object({
          from: z.string().trim().min(1, "must not be empty").max(600),
          to: z.string().trim().min(1, "must not be empty").max(600),
          environment: z.string().trim().min(1, "must not be empty (leave it out for NONE)").max(200).optional().nullable(),
          reason: reasonInput,
          idempotencyKey: idempotencyKeyInput,
        }),
        input,
      );
      const environment = optional(input.environment);
      const idempotencyKey = optional(input.idempotencyKey);
      const { request, replayed } = await ctx.services.copies.copy(
        {
          from: input.from,
          to: input.to,
          reason: input.reason,
          ...(environment === undefined ? {} : { environment }),
          ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
        },
        ctx.call,
      );
      return { promotionRequest: request, replayed };
    }, { promotionRequest: null, replayed: false });
  }
}

@Resolver(() => PromotionRequestType)
export class PromotionRequestCopyField {
  @FieldResolver(() => VersionCopyType, { nullable: true, description: "Set on a cross-registry copy request: what it copies where." })
  async copy(@Root() root: PromotionRequestRecord, @Ctx() ctx: GatewayContext): Promise<VersionCopyType | null> {
    const to = root.copyTarget ?? null;
    if (to === null) return null;
    const links = await ctx.services.store.lifecycle.linksFrom(root.backendId, root.modelName, root.version);
    const link = links.find((l) => l.requestId === root.id);
    return { from: `${root.backendId}/${root.modelName}@${root.version}`, to, version: link?.version ?? null };
  }
}
