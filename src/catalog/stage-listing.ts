/**
 * Every version in one stage across every backend (what runs in an environment, now). Backends are
 * read in parallel. A backend whose adapter lists a stage across its models itself
 * (`RegistryAdapter.listVersionsInStage`: a few paged calls) answers with that; any other backend is
 * walked: every page of its models, then each model's versions in the stage, a few models at a
 * time. A backend that fails is reported while the others' versions come back.
 */
import { Semaphore, UnavailableError, isRegistryError, type CallContext, type ModelVersion, type Stage } from "../core/index.js";
import type { Catalog } from "./catalog.js";
import type { ResilientAdapter } from "./resilient-adapter.js";

/** Per walked backend, how many model listings run at once. */
export const STAGE_WALK_CONCURRENCY = 8;
/** Page size of the walk's model and version listings. */
const WALK_PAGE = 100;

export interface StageListingFailure {
  backendId: string;
  error: unknown;
}

export interface StageListing {
  /** By backend (config order), then model name, then version. */
  versions: ModelVersion[];
  /** Backends that could not be listed: their versions are missing from `versions`. */
  failures: StageListingFailure[];
}

export async function listStageAcrossBackends(catalog: Catalog, stage: Stage, ctx: CallContext): Promise<StageListing> {
  const failures: StageListingFailure[] = [];
  const perBackend = await Promise.all(
    catalog.backendIds().map(async (backendId) => {
      try {
        return await listBackendStage(catalog.backend(backendId), stage, ctx);
      } catch (err) {
        failures.push({ backendId, error: err });
        return [];
      }
    }),
  );
  return { versions: perBackend.flat(), failures };
}

/** One backend's versions in `stage`, sorted by model name, then version. */
export async function listBackendStage(adapter: ResilientAdapter, stage: Stage, ctx: CallContext): Promise<ModelVersion[]> {
  const listed = adapter.listVersionsInStage ? await adapter.listVersionsInStage(stage, ctx) : await walkBackendStage(adapter, stage, ctx);
  // An adapter's own listing is held to its contract: only that backend's versions, in that stage.
  for (const v of listed) {
    if (v.backendId !== adapter.info.id || v.stage !== stage) {
      throw new UnavailableError(
        `backend "${adapter.info.id}" listed ${v.backendId}/${v.modelName}@${v.version} in stage ${v.stage} when asked for ${stage}`,
        { backend: adapter.info.id },
      );
    }
  }
  return listed.sort(compareListed);
}

/** Today's path for adapters without their own listing: every model, then its versions in `stage`. */
export async function walkBackendStage(adapter: ResilientAdapter, stage: Stage, ctx: CallContext): Promise<ModelVersion[]> {
  const names: string[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await adapter.listModels({ first: WALK_PAGE, ...(after === undefined ? {} : { after }) }, ctx);
    for (const m of page.items) names.push(m.name);
    if (page.nextCursor === undefined) break;
    after = page.nextCursor;
  }
  const limit = new Semaphore(STAGE_WALK_CONCURRENCY);
  const lists = await Promise.all(
    names.map((modelName) =>
      limit.run(
        // A model deleted between the listing and this read has nothing in the stage.
        () => modelVersionsInStage(adapter, modelName, stage, ctx).catch((err: unknown) => (isRegistryError(err) && err.code === "NOT_FOUND" ? [] : Promise.reject(err))),
        ctx.signal,
        () => new UnavailableError(`listing backend "${adapter.info.id}" was aborted`, { backend: adapter.info.id }),
      ),
    ),
  );
  return lists.flat();
}

async function modelVersionsInStage(adapter: ResilientAdapter, modelName: string, stage: Stage, ctx: CallContext): Promise<ModelVersion[]> {
  const out: ModelVersion[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await adapter.listVersions(modelName, { filter: { stage }, first: WALK_PAGE, ...(after === undefined ? {} : { after }) }, ctx);
    for (const v of page.items) if (v.stage === stage) out.push(v);
    if (page.nextCursor === undefined) return out;
    after = page.nextCursor;
  }
}

const NUMERIC = /^\d+$/;

/** Model name (code units, as model listings merge), then version: numbers by value, before other names. */
export function compareListed(a: ModelVersion, b: ModelVersion): number {
  if (a.modelName !== b.modelName) return a.modelName < b.modelName ? -1 : 1;
  const an = NUMERIC.test(a.version);
  const bn = NUMERIC.test(b.version);
  if (an && bn) {
    const x = a.version.replace(/^0+(?=\d)/, "");
    const y = b.version.replace(/^0+(?=\d)/, "");
    if (x.length !== y.length) return x.length - y.length;
  } else if (an !== bn) {
    return an ? -1 : 1;
  }
  return a.version < b.version ? -1 : a.version > b.version ? 1 : 0;
}
