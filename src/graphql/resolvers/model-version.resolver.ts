import { Ctx, FieldResolver, ID, Resolver, Root } from "type-graphql";
import { isServingStage, type ModelVersion, type RegisteredModel } from "../../core/index.js";
import { toGlobalId } from "../global-id.js";
import type { GatewayContext } from "../context.js";
import { BackendType, type BackendRoot } from "../types/backend.js";
import { Metric, Tag, tagsToList } from "../types/common.js";
import { RegisteredModelType } from "../types/model.js";
import { ModelVersionType } from "../types/model-version.js";
import { withAsOf, type AsOfRoot } from "./paging.js";

@Resolver(() => ModelVersionType)
export class ModelVersionResolver {
  @FieldResolver(() => ID)
  id(@Root() root: ModelVersion): string {
    return toGlobalId("ModelVersion", root.backendId, root.modelName, root.version);
  }

  @FieldResolver(() => RegisteredModelType)
  async model(@Root() root: AsOfRoot<ModelVersion>, @Ctx() ctx: GatewayContext): Promise<AsOfRoot<RegisteredModel>> {
    const model = await ctx.loaders.model.load({
      backendId: root.backendId,
      name: root.modelName,
      ...(root.asOf === undefined ? {} : { asOf: root.asOf }),
    });
    return withAsOf(model, root.asOf);
  }

  @FieldResolver(() => BackendType)
  backend(@Root() root: ModelVersion, @Ctx() ctx: GatewayContext): BackendRoot {
    return { backendId: root.backendId, kind: ctx.services.catalog.backend(root.backendId).info.kind };
  }

  @FieldResolver(() => [Tag])
  tags(@Root() root: ModelVersion): Tag[] {
    return tagsToList(root.tags);
  }

  @FieldResolver(() => [Metric])
  metrics(@Root() root: ModelVersion): Metric[] {
    return Object.entries(root.metrics)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, value]) => ({ key, value }));
  }

  @FieldResolver(() => Boolean, { description: "Serves live traffic (PRODUCTION). SHADOW versions are never serving." })
  serving(@Root() root: ModelVersion): boolean {
    return isServingStage(root.stage);
  }

  @FieldResolver(() => String, { description: "\"backend/name@version\", as applications log it." })
  registryVersion(@Root() root: ModelVersion): string {
    return `${root.backendId}/${root.modelName}@${root.version}`;
  }
}
