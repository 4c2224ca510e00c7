/**
 * Registered models: get (through the per-request cache) and paged search, in `name ASC` order.
 * Prompts of MLflow's Prompt Registry are registered models too; they are never served as models.
 */
import {
  NotFoundError,
  UnsupportedError,
  isRegistryError,
  type CallContext,
  type ListModelsQuery,
  type Page,
  type ReadOptions,
  type RegisteredModel,
} from "../../src/core/index.js";
import type { BackendContext } from "./backend-context.js";
import { canonicalJson } from "../../src/core/index.js";
import { decodeModelCursor, encodeCursor, queryFingerprint, type ModelCursor } from "./cursor.js";
import { hasTags, modelFilterString, nameContains } from "./filter-string.js";
import { PROMPT_TAG_PREFIX, isPrompt } from "./tags.js";
import { toRegisteredModel } from "./to-domain.js";
import { tagMap, type GetModelResponse, type SearchModelsResponse, type WireRegisteredModel } from "./wire.js";

/** MLflow's ceiling for `max_results` of registered-models/search. */
const MLFLOW_MAX_MODEL_RESULTS = 1000;
/** Searches one listModels call may make while the page is short because of filtering after fetching. */
const MAX_SEARCHES_PER_PAGE = 10;

export function refuseAsOf(b: BackendContext, opts: ReadOptions | undefined): void {
  if (opts?.asOf !== undefined) {
    throw new UnsupportedError(`backend "${b.backend}" (MLflow) keeps no history: asOf reads are not supported`, {
      backend: b.backend,
      field: "asOf",
    });
  }
}

export function modelNotFound(b: BackendContext, name: string, detail?: string): NotFoundError {
  return new NotFoundError(`model "${name}" not found in MLflow backend "${b.backend}"${detail ? `: ${detail}` : ""}`, { backend: b.backend });
}

/** GET registered-models/get, uncached; NotFoundError for an unknown name. Prompts included. */
export async function fetchRegisteredModel(b: BackendContext, name: string, ctx: CallContext): Promise<WireRegisteredModel> {
  try {
    const res = await b.http.call<GetModelResponse>(
      { method: "GET", path: "registered-models/get", query: { name }, subject: `model "${name}"` },
      ctx,
    );
    return res.registered_model;
  } catch (err) {
    if (isRegistryError(err) && err.code === "NOT_FOUND") throw modelNotFound(b, name);
    throw err;
  }
}

/** The registered model (never a prompt), once per request. */
export async function loadModel(b: BackendContext, name: string, ctx: CallContext): Promise<WireRegisteredModel> {
  const wire = await b.models.load(ctx, name, () => fetchRegisteredModel(b, name, ctx));
  if (isPrompt(tagMap(wire.tags))) {
    throw modelNotFound(b, name, "it is a prompt of MLflow's Prompt Registry (served through prompt references), not a model");
  }
  return wire;
}

export async function getModel(b: BackendContext, name: string, ctx: CallContext, opts?: ReadOptions): Promise<RegisteredModel> {
  refuseAsOf(b, opts);
  return toRegisteredModel(await loadModel(b, name, ctx), b.backend);
}

export async function listModels(b: BackendContext, query: ListModelsQuery, ctx: CallContext): Promise<Page<RegisteredModel>> {
  refuseAsOf(b, query);
  const first = Math.max(1, Math.min(Math.floor(query.first), b.pageSize));
  const needle = query.filter?.nameContains;
  const tags = query.filter?.tags;
  const f = modelFilterString(needle, tags);
  const fingerprint = queryFingerprint("models", f.filter, needle, canonicalJson(tags ?? {}));
  if (f.impossible) return { items: [] };
  // A tag filter naming the prompt tags makes MLflow return prompts, which are dropped afterwards.
  const exact = f.exact && !Object.keys(tags ?? {}).some((k) => k.startsWith(PROMPT_TAG_PREFIX));
  const keep = (m: WireRegisteredModel) => {
    const t = tagMap(m.tags);
    return !isPrompt(t) && nameContains(m.name, needle) && hasTags(t, tags);
  };

  let pos: ModelCursor = query.after === undefined ? { kind: "models", skip: 0 } : decodeModelCursor(query.after, fingerprint, b.backend);
  const items: WireRegisteredModel[] = [];
  const page = (next: ModelCursor | undefined): Page<RegisteredModel> => ({
    items: items.map((m) => toRegisteredModel(m, b.backend)),
    ...(next === undefined ? {} : { nextCursor: encodeCursor(next, fingerprint) }),
  });

  for (let searches = 0; searches < MAX_SEARCHES_PER_PAGE; searches++) {
    const want = exact ? Math.min(MLFLOW_MAX_MODEL_RESULTS, pos.skip + first - items.length) : Math.min(MLFLOW_MAX_MODEL_RESULTS, Math.max(b.pageSize, pos.skip + first));
    const res = await b.http.call<SearchModelsResponse>(
      {
        method: "GET",
        path: "registered-models/search",
        query: { filter: f.filter || undefined, max_results: want, order_by: ["name ASC"], page_token: pos.token },
        subject: f.filter ? `filter ${f.filter}` : "all models",
      },
      ctx,
    );
    const raw = res.registered_models ?? [];
    b.models.prime(ctx, raw);
    for (let i = pos.skip; i < raw.length; i++) {
      const m = raw[i] as WireRegisteredModel;
      if (!keep(m)) continue;
      items.push(m);
      if (items.length === first) {
        if (i + 1 < raw.length) return page({ kind: "models", skip: i + 1, ...(pos.token === undefined ? {} : { token: pos.token }) });
        return page(res.next_page_token ? { kind: "models", skip: 0, token: res.next_page_token } : undefined);
      }
    }
    if (!res.next_page_token) return page(undefined);
    pos = { kind: "models", skip: 0, token: res.next_page_token };
  }
  // Filtering after fetching kept the page short; the caller reads on from here.
  return page(pos);
}
