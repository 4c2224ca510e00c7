/**
 * `model(backend, name) { versions(…) { … } }` that asks nothing else of the model: the versions
 * page is read first, and a non-empty page proves the model exists, so no model read precedes it
 * (on MLflow, where reading a model with many versions costs more than a page of them, a listing's
 * later pages then cost one request each). The model is read only when the page is empty, to tell
 * "no such model" (null) from "no versions". Anything else selected on the model, a fragment spread
 * or a directive takes the usual path: the model first, then its versions.
 */
import { Kind, getArgumentValues, getNamedType, isObjectType, type FieldNode, type GraphQLResolveInfo, type SelectionNode } from "graphql";
import { isRegistryError, type RegisteredModel } from "../../core/index.js";
import type { MergedPage } from "../../catalog/merged-pages.js";
import type { ModelVersion } from "../../core/index.js";
import type { GatewayContext } from "../context.js";
import type { ModelVersionFilter } from "../types/inputs.js";
import { toVersionFilter } from "./filters.js";
import { pageSize, withAsOf, type AsOfRoot } from "./paging.js";

/** Fields of a model answered without reading it. */
const WITHOUT_MODEL = new Set(["versions", "backendId", "backend", "__typename"]);

export interface VersionsArgs {
  first?: number | null;
  after?: string | null;
  filter?: ModelVersionFilter | null;
}

/** Pages read ahead by `model`, for the `versions` field of the root they were read for. */
const prefetched = new WeakMap<object, MergedPage<ModelVersion>>();

/** A page of a model's versions, as the `versions` field reads it. */
export function readVersionsPage(root: AsOfRoot<RegisteredModel>, args: VersionsArgs, ctx: GatewayContext): Promise<MergedPage<ModelVersion>> {
  const ahead = prefetched.get(root);
  if (ahead !== undefined) return Promise.resolve(ahead);
  return ctx.services.catalog.listVersions(
    root.backendId,
    root.name,
    {
      first: pageSize(args.first, ctx.services.config.server.maxPageSize),
      ...(args.after == null ? {} : { after: args.after }),
      ...(args.filter == null ? {} : { filter: toVersionFilter(args.filter) }),
      ...(root.asOf === undefined ? {} : { asOf: root.asOf }),
    },
    ctx.call,
  );
}

/** The one `versions` field, when it is all the selection asks of the model. */
function soleVersionsField(info: GraphQLResolveInfo): FieldNode | undefined {
  const fields: FieldNode[] = [];
  const collect = (selections: readonly SelectionNode[]): boolean =>
    selections.every((s) => {
      if (s.directives?.length) return false;
      if (s.kind === Kind.FIELD) {
        fields.push(s);
        return true;
      }
      if (s.kind === Kind.INLINE_FRAGMENT && (s.typeCondition === undefined || s.typeCondition.name.value === "RegisteredModel")) return collect(s.selectionSet.selections);
      return false;
    });
  for (const node of info.fieldNodes) if (node.selectionSet === undefined || !collect(node.selectionSet.selections)) return undefined;
  const versions = fields.filter((f) => f.name.value === "versions");
  if (versions.length === 0 || fields.some((f) => !WITHOUT_MODEL.has(f.name.value))) return undefined;
  // Several `versions` fields (aliases) read several pages: the usual path.
  const key = (f: FieldNode) => `${f.alias?.value ?? ""}`;
  if (new Set(versions.map(key)).size > 1) return undefined;
  return versions[0];
}

/**
 * `model` for a selection of its versions only: the root with its page read ahead, or null when there
 * is no such model; undefined to take the usual path (any other selection, or a failure the
 * `versions` field reports itself when it reads the page again).
 */
export async function modelByItsVersions(
  ctx: GatewayContext,
  info: GraphQLResolveInfo,
  backend: string,
  name: string,
  asOf: Date | undefined,
): Promise<AsOfRoot<RegisteredModel> | null | undefined> {
  const field = soleVersionsField(info);
  const type = getNamedType(info.returnType);
  const definition = field !== undefined && isObjectType(type) ? type.getFields()["versions"] : undefined;
  if (field === undefined || definition === undefined) return undefined;
  const root = withAsOf<RegisteredModel>({ backendId: backend, name, tags: {}, aliases: {} }, asOf);
  let page: MergedPage<ModelVersion>;
  try {
    const args = getArgumentValues(definition, field, info.variableValues) as VersionsArgs;
    page = await readVersionsPage(root, args, ctx);
  } catch (err) {
    if (isRegistryError(err) && err.code === "NOT_FOUND") return null;
    return undefined;
  }
  let found: AsOfRoot<RegisteredModel> = root;
  if (page.edges.length === 0) {
    // No versions on this page: a model without (more) versions, or no model at all.
    try {
      found = withAsOf(await ctx.services.catalog.backend(backend).getModel(name, ctx.call, asOf === undefined ? {} : { asOf }), asOf);
    } catch (err) {
      if (isRegistryError(err) && err.code === "NOT_FOUND") return null;
      throw err;
    }
  }
  prefetched.set(found, page);
  return found;
}
