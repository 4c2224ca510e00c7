import { Arg, Ctx, FieldResolver, ID, Int, Resolver, Root } from "type-graphql";
import type { ModelVersion, RegisteredModel } from "../../core/index.js";
import { toGlobalId } from "../global-id.js";
import type { GatewayContext } from "../context.js";
import type { BackendRoot } from "../types/backend.js";
import { BackendType } from "../types/backend.js";
import { Tag, tagsToList } from "../types/common.js";
import { ModelVersionConnection } from "../types/connections.js";
import { ModelVersionFilter } from "../types/inputs.js";
import { ModelAlias, RegisteredModelType } from "../types/model.js";
import { ModelVersionType } from "../types/model-version.js";
import { connection, withAsOf, type AsOfRoot } from "./paging.js";
import { readVersionsPage } from "./versions-prefetch.js";

@Resolver(() => RegisteredModelType)
export class RegisteredModelResolver {
  @FieldResolver(() => ID)
  id(@Root() root: RegisteredModel): string {
    return toGlobalId("RegisteredModel", root.backendId, root.name);
  }

  @FieldResolver(() => BackendType)
  backend(@Root() root: RegisteredModel, @Ctx() ctx: GatewayContext): BackendRoot {
    return { backendId: root.backendId, kind: ctx.services.catalog.backend(root.backendId).info.kind };
  }

  @FieldResolver(() => [Tag])
  tags(@Root() root: RegisteredModel): Tag[] {
    return tagsToList(root.tags);
  }

  @FieldResolver(() => [ModelAlias])
  aliases(@Root() root: RegisteredModel): ModelAlias[] {
    return Object.entries(root.aliases)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([name, version]) => ({ name, version }));
  }

  @FieldResolver(() => ModelVersionConnection)
  async versions(
    @Root() root: AsOfRoot<RegisteredModel>,
    @Ctx() ctx: GatewayContext,
    @Arg("first", () => Int, { nullable: true }) first: number | undefined,
    @Arg("after", () => String, { nullable: true }) after: string | undefined,
    @Arg("filter", () => ModelVersionFilter, { nullable: true }) filter: ModelVersionFilter | undefined,
  ): Promise<ModelVersionConnection> {
    const page = await readVersionsPage(root, { first, after, filter }, ctx);
    const edges = page.edges.map((e) => ({ item: withAsOf(e.item, root.asOf), cursor: e.cursor }));
    return connection(edges, page.hasNextPage, page.endCursor);
  }

  @FieldResolver(() => ModelVersionType, { nullable: true, description: "One version by number, or null." })
  async version(
    @Root() root: AsOfRoot<RegisteredModel>,
    @Ctx() ctx: GatewayContext,
    @Arg("version", () => String) version: string,
  ): Promise<AsOfRoot<ModelVersion> | null> {
    const adapter = ctx.services.catalog.backend(root.backendId);
    const read = root.asOf === undefined ? {} : { asOf: root.asOf };
    return adapter.getVersion(root.name, version, ctx.call, read).then(
      (v) => withAsOf(v, root.asOf),
      (err: unknown) => nullIfNotFound(err),
    );
  }
}

export function nullIfNotFound(err: unknown): null {
  if ((err as { code?: string }).code === "NOT_FOUND") return null;
  throw err;
}
