/**
 * Model versions: get, get by alias, and paged listing in `version_number ASC` order. MLflow's
 * version search returns versions without aliases, so a listing takes them from the registered model:
 * read once per model and request, in parallel with the first search, and kept for the listing's
 * later pages (their cursors name that read: ./request-cache.ts). The first page of a listing costs
 * two MLflow calls in one round trip; each later page one version search.
 */
import {
  InvalidInputError,
  NotFoundError,
  isRegistryError,
  type CallContext,
  type ListVersionsQuery,
  type ModelVersion,
  type Page,
  type ReadOptions,
} from "../../src/core/index.js";
import type { BackendContext } from "./backend-context.js";
import { canonicalJson } from "../../src/core/index.js";
import { decodeVersionCursor, encodeCursor, queryFingerprint } from "./cursor.js";
import { hasTags, versionFilterString } from "./filter-string.js";
import { loadModel, refuseAsOf } from "./model-reads.js";
import { isAliasedStage } from "./stage-projection.js";
import { OWN_TAGS, isPrompt } from "./tags.js";
import { aliasesByVersion, describeTagProblem, toModelVersion, type VersionMapping } from "./to-domain.js";
import { aliasMap, tagMap, type SearchVersionsResponse, type VersionResponse, type WireModelVersion } from "./wire.js";

/** Searches one listVersions call may make while filtering after fetching keeps the page short. */
const MAX_SEARCHES_PER_PAGE = 10;
const VERSION_NUMBER_RE = /^[1-9]\d{0,17}$/;

export function versionNotFound(b: BackendContext, name: string, version: string, detail?: string): NotFoundError {
  return new NotFoundError(`model "${name}" has no version "${version}" in MLflow backend "${b.backend}"${detail ? `: ${detail}` : ""}`, {
    backend: b.backend,
  });
}

/** A single version read fails loudly on a broken tag of ours: resolve must not serve half a config. */
export function servedVersion(b: BackendContext, mapping: VersionMapping): ModelVersion {
  const problem = mapping.problems[0];
  if (problem) {
    throw new InvalidInputError(`${describeTagProblem(problem)}; fix or delete the tag in MLflow`, {
      backend: b.backend,
      field: `tags.${problem.tag}`,
    });
  }
  return mapping.version;
}

/** GET model-versions/get, uncached. Prompt versions are refused. */
export async function fetchVersion(b: BackendContext, name: string, version: string, ctx: CallContext): Promise<WireModelVersion> {
  if (!VERSION_NUMBER_RE.test(version)) throw versionNotFound(b, name, version, "MLflow numbers versions 1, 2, 3 …");
  let wire: WireModelVersion;
  try {
    const res = await b.http.call<VersionResponse>(
      { method: "GET", path: "model-versions/get", query: { name, version }, subject: `model "${name}" version ${version}` },
      ctx,
    );
    wire = res.model_version;
  } catch (err) {
    if (isRegistryError(err) && err.code === "NOT_FOUND") throw versionNotFound(b, name, version);
    throw err;
  }
  if (isPrompt(tagMap(wire.tags))) throw versionNotFound(b, name, version, "it is a prompt version, not a model version");
  return wire;
}

export async function getVersion(b: BackendContext, name: string, version: string, ctx: CallContext, opts?: ReadOptions): Promise<ModelVersion> {
  refuseAsOf(b, opts);
  const wire = await fetchVersion(b, name, version, ctx);
  return servedVersion(b, toModelVersion(wire, wire.aliases ?? [], b.backend, b.stages));
}

/** `latest` resolves to the highest version (MLflow's own rule). */
export async function getVersionByAlias(b: BackendContext, name: string, alias: string, ctx: CallContext, opts?: ReadOptions): Promise<ModelVersion> {
  refuseAsOf(b, opts);
  let wire: WireModelVersion;
  try {
    const res = await b.http.call<VersionResponse>(
      { method: "GET", path: "registered-models/alias", query: { name, alias }, subject: `model "${name}" alias "${alias}"` },
      ctx,
    );
    wire = res.model_version;
  } catch (err) {
    if (isRegistryError(err) && err.code === "NOT_FOUND") {
      throw new NotFoundError(`model "${name}" has no alias "${alias}" in MLflow backend "${b.backend}" (${err.message})`, { backend: b.backend });
    }
    throw err;
  }
  if (isPrompt(tagMap(wire.tags))) {
    throw new NotFoundError(`"${name}" is a prompt of MLflow's Prompt Registry, not a model`, { backend: b.backend });
  }
  return servedVersion(b, toModelVersion(wire, wire.aliases ?? [], b.backend, b.stages));
}

export async function listVersions(b: BackendContext, name: string, query: ListVersionsQuery, ctx: CallContext): Promise<Page<ModelVersion>> {
  refuseAsOf(b, query);
  const first = Math.max(1, Math.min(Math.floor(query.first), b.pageSize));
  const stage = query.filter?.stage;
  const tags = query.filter?.tags;
  const fingerprint = queryFingerprint("versions", name, stage, canonicalJson(tags ?? {}));
  const cursor = query.after === undefined ? undefined : decodeVersionCursor(query.after, fingerprint, b.backend);
  let after = cursor?.after ?? 0;

  // The model's aliases: as the listing's first page read them, or fetched alongside the first
  // search (refusing unknown models and prompts).
  const remembered = cursor?.snapshot === undefined ? undefined : b.models.recallListing(cursor.snapshot, name);
  const modelPromise = remembered === undefined ? loadModel(b, name, ctx) : Promise.resolve(remembered);
  modelPromise.catch(() => undefined);
  const aliasesOf = async () => aliasesByVersion(aliasMap((await modelPromise).aliases));

  const mapped: ModelVersion[] = [];
  const finish = async (raw: WireModelVersion[], nextAfter: number | undefined): Promise<Page<ModelVersion>> => {
    const byVersion = await aliasesOf();
    for (const wire of raw) {
      const mapping = toModelVersion(wire, byVersion.get(wire.version) ?? [], b.backend, b.stages);
      for (const p of mapping.problems) b.logger.warn({ backend: b.backend, ...p }, describeTagProblem(p));
      if (stage === undefined || mapping.version.stage === stage) mapped.push(mapping.version);
    }
    if (nextAfter === undefined) return { items: mapped };
    const snapshot = remembered === undefined ? b.models.rememberListing(await modelPromise) : (cursor?.snapshot as string);
    return { items: mapped, nextCursor: encodeCursor({ kind: "versions", after: nextAfter, snapshot }, fingerprint) };
  };

  if (stage !== undefined && isAliasedStage(stage)) {
    // At most one version holds the stage's alias: look it up instead of scanning.
    const holder = aliasMap((await modelPromise).aliases)[b.stages.aliasOf(stage)];
    if (holder === undefined || !VERSION_NUMBER_RE.test(holder) || Number(holder) <= after) return { items: [] };
    const f = versionFilterString(name, { onlyVersion: Number(holder), tags });
    if (f.impossible) return finish([], undefined);
    const res = await searchVersions(b, f.filter, 50, ctx);
    const raw = (res.model_versions ?? []).filter((v) => v.name === name && hasTags(tagMap(v.tags), tags));
    return finish(raw, undefined);
  }

  const serverTags: Record<string, string> = { ...(tags ?? {}) };
  if (stage === "ARCHIVED") serverTags[OWN_TAGS.stage] = "ARCHIVED";
  if (tags?.[OWN_TAGS.stage] !== undefined && stage === "ARCHIVED" && tags[OWN_TAGS.stage] !== "ARCHIVED") return finish([], undefined);
  // Pages filtered by stage after fetching over-fetch; exact ones ask MLflow for just what is needed.
  const raw: WireModelVersion[] = [];
  const inStage = (v: WireModelVersion, byVersion: Map<string, string[]> | undefined): boolean =>
    stage === undefined || b.stages.stageOf(byVersion?.get(v.version) ?? [], tagMap(v.tags)[OWN_TAGS.stage]) === stage;

  // One filter per call (versions after the cursor), continued with MLflow's page tokens within the
  // call. The cursor handed out is the highest version of this model examined: other models' rows
  // (a name MLflow cannot quote exactly is matched with LIKE) never move it.
  const f = versionFilterString(name, { ...(after > 0 ? { afterVersion: after } : {}), tags: serverTags });
  if (f.impossible) return finish([], undefined);
  const exact = stage === undefined && f.exact;
  const startAfter = after;
  let token: string | undefined;
  for (let searches = 1; ; searches++) {
    const want = exact ? first - raw.length : Math.max(first, b.pageSize);
    const [res, byVersion] = await Promise.all([searchVersions(b, f.filter, want, ctx, token), stage === undefined ? undefined : aliasesOf()]);
    const page = res.model_versions ?? [];
    for (let i = 0; i < page.length; i++) {
      const v = page[i] as WireModelVersion;
      if (v.name !== name) continue;
      after = Math.max(after, Number(v.version));
      if (!hasTags(tagMap(v.tags), tags) || !inStage(v, byVersion)) continue;
      raw.push(v);
      if (raw.length === first) {
        const more = i + 1 < page.length || res.next_page_token !== undefined;
        return finish(raw, more ? after : undefined);
      }
    }
    if (!res.next_page_token) return finish(raw, undefined);
    token = res.next_page_token;
    // Filtering after fetching kept the page short: hand back what there is, resuming after it
    // (once the cursor has moved: a cursor that did not would make the caller read the same rows again).
    if (searches >= MAX_SEARCHES_PER_PAGE && after > startAfter) return finish(raw, after);
  }
}

async function searchVersions(b: BackendContext, filter: string, maxResults: number, ctx: CallContext, pageToken?: string): Promise<SearchVersionsResponse> {
  return b.http.call<SearchVersionsResponse>(
    {
      method: "GET",
      path: "model-versions/search",
      query: { filter, max_results: maxResults, order_by: ["version_number ASC", "name ASC"], page_token: pageToken },
      subject: `filter ${filter}`,
    },
    ctx,
  );
}
