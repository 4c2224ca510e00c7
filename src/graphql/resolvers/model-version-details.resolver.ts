/**
 * Fields of a version a UI shows next to it: the prompt text its generation config points to, and
 * the eval records attached to it (the eval gate's evidence).
 */
import { Ctx, FieldResolver, Resolver, Root } from "type-graphql";
import { parseRef, type ModelVersion } from "../../core/index.js";
import type { GatewayContext } from "../context.js";
import { ModelVersionType, Prompt } from "../types/model-version.js";
import { EvalRecordType } from "../types/promotion.js";
import type { AsOfRoot } from "./paging.js";

@Resolver(() => ModelVersionType)
export class ModelVersionDetailsResolver {
  @FieldResolver(() => Prompt, {
    nullable: true,
    description:
      "The prompt the generation config's promptRef points to, with its text (read at asOf on past reads); null when the version has no promptRef or its backend keeps no prompts.",
  })
  async prompt(@Root() root: AsOfRoot<ModelVersion>, @Ctx() ctx: GatewayContext): Promise<Prompt | null> {
    const ref = root.generationConfig?.promptRef;
    const parsed = ref === undefined ? undefined : parseRef(ref);
    const adapter = ctx.services.catalog.backend(root.backendId);
    if (parsed === undefined || adapter.getPrompt === undefined) return null;
    return adapter.getPrompt(parsed.name, parsed.version, ctx.call, root.asOf === undefined ? {} : { asOf: root.asOf });
  }

  @FieldResolver(() => [EvalRecordType], {
    description: "Eval results attached to this version with evalRecord, newest first (the backend's own result is generationConfig.eval).",
  })
  async evalRecords(@Root() root: ModelVersion, @Ctx() ctx: GatewayContext): Promise<EvalRecordType[]> {
    return ctx.services.store.workflow.listEvalRecords(root.backendId, root.modelName, root.version);
  }
}
