/**
 * Model reads. ListModels returns each model's default version; the aliases of a model (and its
 * latest version id) need its version list, one ListModelVersions walk per model, run a few at a
 * time. Names filter after fetching (Vertex AI filters display names by equality only); tags filter
 * server-side as labels.
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
import type { VertexBackend } from "./backend-context.js";
import { decodeCursor, encodeCursor, queryFingerprint } from "./cursor.js";
import { labelFilter, labelProblem } from "./labels.js";
import { modelIdOf, modelIdOfResource } from "./names.js";
import type { IModel } from "./rpc.js";
import { fetchAll, scanPage } from "./scan.js";
import { modelNameOf, summarise, toRegisteredModel, type VersionSummary } from "./to-domain.js";

export function refuseAsOf(b: VertexBackend, opts: ReadOptions | undefined): void {
  if (opts?.asOf !== undefined) {
    throw new UnsupportedError(`backend "${b.backend}" (Vertex AI) keeps no history: asOf reads are not supported`, { backend: b.backend, field: "asOf" });
  }
}

export function pageSizeOf(b: VertexBackend, first: number): number {
  return Math.max(1, Math.min(Math.floor(first), b.pageSize));
}

export function modelNotFound(b: VertexBackend, name: string, why?: string): NotFoundError {
  return new NotFoundError(`model "${name}" not found in Vertex AI backend "${b.backend}"${why ? `: ${why}` : ""}`, { backend: b.backend });
}

/** The model id of `name`, or NotFound when no Vertex AI model can be called that. */
export function existingModelId(b: VertexBackend, name: string): string {
  const id = modelIdOf(name);
  if (id === undefined) throw modelNotFound(b, name, "Vertex AI model ids are 1-63 letters, digits, '_' or '-'");
  return id;
}

/** Rethrows NOT_FOUND of `call` as "model not found" under the gateway name. */
export async function orModelNotFound<T>(b: VertexBackend, name: string, call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (err) {
    if (isRegistryError(err) && err.code === "NOT_FOUND") throw modelNotFound(b, name);
    throw err;
  }
}

/** Every version of a model, reduced to what a RegisteredModel shows (aliases, latest version). */
export async function versionSummary(b: VertexBackend, modelId: string, ctx: CallContext): Promise<VersionSummary> {
  const name = b.names.model(modelId);
  const versions = await fetchAll(
    (token) =>
      b.rpc.listModelVersions(
        { name, pageSize: b.pageSize, readMask: { paths: ["version_id", "version_aliases"] }, ...(token ? { pageToken: token } : {}) },
        ctx,
      ),
    b.backend,
    `listing the versions of ${name}`,
  );
  return summarise(versions);
}

export async function getModel(b: VertexBackend, name: string, ctx: CallContext, opts?: ReadOptions): Promise<RegisteredModel> {
  refuseAsOf(b, opts);
  const id = existingModelId(b, name);
  const [model, summary] = await orModelNotFound(b, name, Promise.all([b.rpc.getModel(b.names.model(id), ctx), versionSummary(b, id, ctx)]));
  return toRegisteredModel(model, summary, b.backend);
}

export async function listModels(b: VertexBackend, query: ListModelsQuery, ctx: CallContext): Promise<Page<RegisteredModel>> {
  refuseAsOf(b, query);
  const first = pageSizeOf(b, query.first);
  const tags = query.filter?.tags ?? {};
  // A tag that cannot be a label is on no model.
  if (Object.entries(tags).some(([k, v]) => labelProblem(k, v) !== undefined)) return { items: [] };
  const filter = labelFilter(tags);
  const needle = query.filter?.nameContains?.toLowerCase() ?? "";
  const fingerprint = queryFingerprint("models", filter, needle);
  const from = query.after === undefined ? undefined : decodeCursor(query.after, fingerprint, b.backend);

  const scanned = await scanPage<IModel>({
    first,
    ...(from ? { from } : {}),
    fetch: (token) =>
      b.rpc.listModels(
        { parent: b.names.location, filter, orderBy: "create_time", pageSize: b.pageSize, ...(token ? { pageToken: token } : {}) },
        ctx,
      ),
    keep: (m) => needle === "" || modelNameOf(m).toLowerCase().includes(needle),
    backend: b.backend,
    what: `listing the models of ${b.names.location}`,
  });
  const items = await mapLimit(scanned.items, b.concurrency, async (m) => {
    const summary = await versionSummary(b, modelIdOfResource(m.name ?? ""), ctx).catch((err: unknown) => {
      // Deleted between the two calls: list it as it was, without aliases.
      if (isRegistryError(err) && err.code === "NOT_FOUND") return summarise([m]);
      throw err;
    });
    return toRegisteredModel(m, summary, b.backend);
  });
  return { items, ...(scanned.next ? { nextCursor: encodeCursor(scanned.next, fingerprint) } : {}) };
}

/** Maps with at most `limit` calls in flight; results keep the input order. */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
