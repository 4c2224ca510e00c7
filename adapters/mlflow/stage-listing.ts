/**
 * A stage across every model, in pages (RegistryAdapter.listVersionsInStage). The stage of a
 * version is its stage alias if it holds one, else its `modelgate.stage` tag (./stage-projection.ts),
 * and MLflow's version search returns no aliases, so:
 *
 * 1. `registered-models/search` gives every model with its aliases, in pages of `pageSize`;
 * 2. STAGING, SHADOW, PRODUCTION: the versions holding the stage's alias are the candidates. The
 *    versions tagged with the stage (every stage write through the gateway tags them) come from
 *    `model-versions/search` on that tag, in pages, alongside step 1; a candidate the tag search did
 *    not return (its alias was set outside the gateway) is read with
 *    `name IN (…) AND version_number = N`, one search per version number and batch of names;
 *    ARCHIVED: the versions tagged ARCHIVED; NONE: every version;
 * 3. each version's stage is read exactly as a listing reads it, from its aliases and tag.
 *
 * The calls grow with pages (and, for aliases set outside the gateway, with distinct version
 * numbers), not with models.
 */
import { UnavailableError, isRegistryError, type CallContext, type ModelVersion, type Stage } from "../../src/core/index.js";
import type { BackendContext } from "./backend-context.js";
import { quoteExact } from "./filter-string.js";
import { isAliasedStage } from "./stage-projection.js";
import { OWN_TAGS, isPrompt } from "./tags.js";
import { aliasesByVersion, describeTagProblem, toModelVersion } from "./to-domain.js";
import { fetchVersion } from "./version-reads.js";
import {
  aliasMap,
  tagMap,
  type SearchModelsResponse,
  type SearchVersionsResponse,
  type WireModelVersion,
  type WireRegisteredModel,
} from "./wire.js";

/** Longest URL-encoded filter sent in one GET (request lines past ~4 KB are refused by some servers). */
const MAX_FILTER_CHARS = 3000;
const VERSION_NUMBER_RE = /^[1-9]\d{0,17}$/;

export async function listVersionsInStage(b: BackendContext, stage: Stage, ctx: CallContext): Promise<ModelVersion[]> {
  // The versions to look at are searched alongside the models (the candidates need both).
  const filter = stage === "NONE" ? undefined : `tags.\`${OWN_TAGS.stage}\` = '${stage}'`;
  const [models, searched] = await Promise.all([searchAllModels(b, ctx), searchAllVersions(b, filter, ctx)]);
  const aliasesOf = new Map(models.map((m) => [m.name, aliasesByVersion(aliasMap(m.aliases))]));

  let wires = searched;
  if (isAliasedStage(stage)) {
    const alias = b.stages.aliasOf(stage);
    const candidates = new Map<string, string>();
    for (const m of models) {
      const holder = aliasMap(m.aliases)[alias];
      if (holder !== undefined && VERSION_NUMBER_RE.test(holder)) candidates.set(m.name, holder);
    }
    wires = searched.filter((v) => candidates.get(v.name) === v.version);
    for (const v of wires) candidates.delete(v.name);
    if (candidates.size > 0) wires.push(...(await readHolders(b, candidates, ctx)));
  }

  const out: ModelVersion[] = [];
  for (const wire of wires) {
    const byVersion = aliasesOf.get(wire.name);
    // Models created after the model search, and prompts, are not listed (as a walk of the models would not).
    if (byVersion === undefined || isPrompt(tagMap(wire.tags))) continue;
    const mapping = toModelVersion(wire, byVersion.get(wire.version) ?? [], b.backend, b.stages);
    for (const p of mapping.problems) b.logger.warn({ backend: b.backend, ...p }, describeTagProblem(p));
    if (mapping.version.stage === stage) out.push(mapping.version);
  }
  return out;
}

/** Every registered model (never a prompt), with its aliases. */
async function searchAllModels(b: BackendContext, ctx: CallContext): Promise<WireRegisteredModel[]> {
  const out: WireRegisteredModel[] = [];
  await eachPage<SearchModelsResponse>(
    b,
    (token) =>
      b.http.call(
        {
          method: "GET",
          path: "registered-models/search",
          query: { max_results: b.pageSize, order_by: ["name ASC"], page_token: token },
          subject: "all models",
        },
        ctx,
      ),
    (res) => {
      for (const m of res.registered_models ?? []) if (!isPrompt(tagMap(m.tags))) out.push(m);
      return res.next_page_token;
    },
  );
  return out;
}

/** Every version matching `filter` (all versions when undefined), in pages. */
async function searchAllVersions(b: BackendContext, filter: string | undefined, ctx: CallContext): Promise<WireModelVersion[]> {
  const out: WireModelVersion[] = [];
  await eachPage<SearchVersionsResponse>(
    b,
    (token) =>
      b.http.call(
        {
          method: "GET",
          path: "model-versions/search",
          query: { filter, max_results: b.pageSize, order_by: ["name ASC", "version_number ASC"], page_token: token },
          subject: filter === undefined ? "all versions" : `filter ${filter}`,
        },
        ctx,
      ),
    (res) => {
      out.push(...(res.model_versions ?? []));
      return res.next_page_token;
    },
  );
  return out;
}

/**
 * The versions holding a stage alias that the tag search did not return: one search per version
 * number and batch of names. A name no MLflow filter literal can hold is read on its own.
 */
async function readHolders(b: BackendContext, holders: ReadonlyMap<string, string>, ctx: CallContext): Promise<WireModelVersion[]> {
  const byNumber = new Map<string, string[]>();
  const alone: [string, string][] = [];
  for (const [name, version] of holders) {
    if (quoteExact(name) === undefined) alone.push([name, version]);
    else byNumber.set(version, [...(byNumber.get(version) ?? []), name]);
  }
  const searches: Promise<WireModelVersion[]>[] = [];
  for (const [version, names] of byNumber) {
    for (const batch of nameBatches(names, version)) {
      searches.push(
        searchAllVersions(b, batch, ctx).then((found) => found.filter((v) => v.version === version && holders.get(v.name) === version)),
      );
    }
  }
  const singles = alone.map(([name, version]) =>
    fetchVersion(b, name, version, ctx).then(
      (v) => [v],
      // The alias names a deleted version, or the model went: nothing holds the stage there.
      (err: unknown) => (isRegistryError(err) && err.code === "NOT_FOUND" ? [] : Promise.reject(err)),
    ),
  );
  return (await Promise.all([...searches, ...singles])).flat();
}

/** `name IN (…) AND version_number = N` filters, each short enough for one GET. */
export function nameBatches(names: readonly string[], version: string): string[] {
  const filter = (batch: string[]) => `name IN (${batch.join(", ")}) AND version_number = ${version}`;
  const fixed = encodeURIComponent(filter([])).length;
  const out: string[] = [];
  let batch: string[] = [];
  let length = fixed;
  for (const name of names) {
    const literal = quoteExact(name) as string;
    const more = encodeURIComponent(batch.length === 0 ? literal : `, ${literal}`).length;
    if (batch.length > 0 && length + more > MAX_FILTER_CHARS) {
      out.push(filter(batch));
      batch = [];
      length = fixed;
    }
    length += encodeURIComponent(batch.length === 0 ? literal : `, ${literal}`).length;
    batch.push(literal);
  }
  if (batch.length > 0) out.push(filter(batch));
  return out;
}

/** Follows MLflow's page tokens until the last page; a token seen twice ends the walk with an error. */
async function eachPage<R>(b: BackendContext, fetch: (token: string | undefined) => Promise<R>, take: (res: R) => string | undefined): Promise<void> {
  const seen = new Set<string>();
  let token: string | undefined;
  for (;;) {
    const next = take(await fetch(token));
    if (!next) return;
    if (seen.has(next)) {
      throw new UnavailableError(`MLflow returned the same page token twice while listing a stage: the listing would not end`, { backend: b.backend });
    }
    seen.add(next);
    token = next;
  }
}
