/**
 * Where a drift pass looks for versions the trail never approved: the models of a backend that may
 * hold a version in a governed stage. Kept to this one function so it can switch to a backend-wide
 * listing of the versions in a stage (an adapter's `listVersionsInStage`, when it has one).
 */
import type { CallContext, Stage } from "../core/index.js";
import type { Catalog } from "../catalog/catalog.js";

/**
 * The models of `backendId` that may hold a version in one of `stages`. Through the catalog's model
 * listing that is every model (which of them hold one is only known by reading its versions, and the
 * per-model check reads them all anyway).
 */
export async function candidateModels(catalog: Catalog, backendId: string, stages: ReadonlySet<Stage>, ctx: CallContext): Promise<string[]> {
  if (stages.size === 0) return [];
  return (await catalog.allModels(backendId, ctx)).map((m) => m.name);
}
