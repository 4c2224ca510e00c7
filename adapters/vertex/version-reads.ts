/**
 * Version reads: GetModel of `models/{id}@{version id}` or `@{alias}`, ListModelVersions with the
 * stage and tags as a server-side label filter (the NONE stage also covers versions without the
 * stage label, so it filters after fetching).
 */
import {
  NotFoundError,
  isRegistryError,
  type CallContext,
  type ListVersionsQuery,
  type ModelVersion,
  type Page,
  type ReadOptions,
} from "../../src/core/index.js";
import type { VertexBackend } from "./backend-context.js";
import { decodeCursor, encodeCursor, queryFingerprint } from "./cursor.js";
import { OWN_LABELS, labelFilter, labelProblem, stageLabelValue, stageOfLabels } from "./labels.js";
import { existingModelId, modelNotFound, orModelNotFound, pageSizeOf, refuseAsOf } from "./model-reads.js";
import { ALIAS_RULE, isAlias, isVersionId } from "./names.js";
import type { IModel } from "./rpc.js";
import { scanPage } from "./scan.js";
import { describeProblem, toModelVersion } from "./to-domain.js";

/** A Model message as a ModelVersion, logging metadata of ours that does not parse. */
export function servedVersion(b: VertexBackend, model: IModel): ModelVersion {
  const mapped = toModelVersion(model, b.backend);
  if (mapped.problem) b.logger.warn({ backend: b.backend, model: mapped.problem.modelName, version: mapped.problem.version }, describeProblem(mapped.problem));
  return mapped.version;
}

function versionNotFound(b: VertexBackend, name: string, version: string, why?: string): NotFoundError {
  return new NotFoundError(`model "${name}" has no version "${version}" in Vertex AI backend "${b.backend}"${why ? `: ${why}` : ""}`, { backend: b.backend });
}

/** NOT_FOUND of a versioned read, told apart: the model is missing, or only the version (or alias) is. */
async function explainNotFound(b: VertexBackend, name: string, id: string, missing: () => NotFoundError, ctx: CallContext): Promise<NotFoundError> {
  try {
    await b.rpc.getModel(b.names.model(id), ctx);
  } catch (err) {
    if (isRegistryError(err) && err.code === "NOT_FOUND") return modelNotFound(b, name);
    throw err;
  }
  return missing();
}

/** The Model message of one version; NotFound naming the model or the version. */
export async function fetchVersion(b: VertexBackend, name: string, version: string, ctx: CallContext): Promise<IModel> {
  const id = existingModelId(b, name);
  if (!isVersionId(version)) throw versionNotFound(b, name, version, "Vertex AI version ids are decimal numbers");
  try {
    return await b.rpc.getModel(b.names.version(id, version), ctx);
  } catch (err) {
    if (isRegistryError(err) && err.code === "NOT_FOUND") throw await explainNotFound(b, name, id, () => versionNotFound(b, name, version), ctx);
    throw err;
  }
}

/** The Model message of the version holding `alias`; NotFound naming the model or the alias. */
export async function fetchAliased(b: VertexBackend, name: string, alias: string, ctx: CallContext): Promise<IModel> {
  const id = existingModelId(b, name);
  const missing = () => new NotFoundError(`model "${name}" has no alias "${alias}" in Vertex AI backend "${b.backend}"`, { backend: b.backend });
  if (!isAlias(alias)) throw new NotFoundError(`${missing().message}: Vertex AI aliases match ${ALIAS_RULE}`, { backend: b.backend });
  try {
    return await b.rpc.getModel(b.names.version(id, alias), ctx);
  } catch (err) {
    if (isRegistryError(err) && err.code === "NOT_FOUND") throw await explainNotFound(b, name, id, missing, ctx);
    throw err;
  }
}

export async function getVersion(b: VertexBackend, name: string, version: string, ctx: CallContext, opts?: ReadOptions): Promise<ModelVersion> {
  refuseAsOf(b, opts);
  return servedVersion(b, await fetchVersion(b, name, version, ctx));
}

export async function getVersionByAlias(b: VertexBackend, name: string, alias: string, ctx: CallContext, opts?: ReadOptions): Promise<ModelVersion> {
  refuseAsOf(b, opts);
  return servedVersion(b, await fetchAliased(b, name, alias, ctx));
}

export async function listVersions(b: VertexBackend, name: string, query: ListVersionsQuery, ctx: CallContext): Promise<Page<ModelVersion>> {
  refuseAsOf(b, query);
  const id = existingModelId(b, name);
  const first = pageSizeOf(b, query.first);
  const stage = query.filter?.stage;
  const tags = query.filter?.tags ?? {};
  if (Object.entries(tags).some(([k, v]) => labelProblem(k, v) !== undefined)) {
    // No version can carry that tag; still answer NOT_FOUND for a missing model.
    await orModelNotFound(b, name, b.rpc.getModel(b.names.model(id), ctx));
    return { items: [] };
  }
  const labels = { ...tags, ...(stage !== undefined && stage !== "NONE" ? { [OWN_LABELS.stage]: stageLabelValue(stage) } : {}) };
  const filter = labelFilter(labels);
  const fingerprint = queryFingerprint("versions", id, filter, stage);
  const from = query.after === undefined ? undefined : decodeCursor(query.after, fingerprint, b.backend);

  const scanned = await orModelNotFound(
    b,
    name,
    scanPage<IModel>({
      first,
      ...(from ? { from } : {}),
      fetch: (token) =>
        b.rpc.listModelVersions(
          { name: b.names.model(id), filter, orderBy: "create_time", pageSize: b.pageSize, ...(token ? { pageToken: token } : {}) },
          ctx,
        ),
      keep: (v) => stage !== "NONE" || stageOfLabels(v.labels).stage === "NONE",
      backend: b.backend,
      what: `listing the versions of ${b.names.model(id)}`,
    }),
  );
  return {
    items: scanned.items.map((v) => servedVersion(b, v)),
    ...(scanned.next ? { nextCursor: encodeCursor(scanned.next, fingerprint) } : {}),
  };
}
