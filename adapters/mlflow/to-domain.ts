/** MLflow's registered models and model versions as the gateway's RegisteredModel and ModelVersion. */
import type { Lineage, ModelVersion, NativeFields, RegisteredModel } from "../../src/core/index.js";
import { decodeGenerationConfig, decodeLineage, decodeMetrics, decodeParams, type ParseResult } from "./json-tags.js";
import type { StageProjection } from "./stage-projection.js";
import { OWN_TAGS, userTags } from "./tags.js";
import { aliasMap, tagMap, wireDate, type WireModelVersion, type WireRegisteredModel } from "./wire.js";

/**
 * MLflow requires a `source` on every version; a version registered without an artifact gets this
 * one. MLflow accepts it (an absolute URI of a scheme it does not serve) and clients that try to load
 * it fail with "no artifact repository for modelgate:", while `models:/`, `runs:/`, local paths and
 * `mlflow-artifacts:` sources all need a run, a logged model or an existing version behind them.
 */
export const NO_ARTIFACT_SOURCE = "modelgate:/no-artifact";

/** A version tag of the adapter's own that does not parse: the version is served without that field. */
export interface TagProblem {
  modelName: string;
  version: string;
  tag: string;
  problem: string;
}

export function toRegisteredModel(wire: WireRegisteredModel, backendId: string): RegisteredModel {
  const latest = (wire.latest_versions ?? [])
    .map((v) => Number(v.version))
    .filter((n) => Number.isInteger(n))
    .reduce<number | undefined>((max, n) => (max === undefined || n > max ? n : max), undefined);
  const createdAt = wireDate(wire.creation_timestamp);
  const updatedAt = wireDate(wire.last_updated_timestamp);
  return {
    backendId,
    name: wire.name,
    ...(wire.description ? { description: wire.description } : {}),
    tags: tagMap(wire.tags),
    aliases: aliasMap(wire.aliases),
    ...(createdAt ? { createdAt } : {}),
    ...(updatedAt ? { updatedAt } : {}),
    ...(latest === undefined ? {} : { latestVersion: String(latest) }),
    ...nativeOf({ user_id: wire.user_id }),
  };
}

/** MLflow's fields the gateway has no place for (non-empty ones only), under their MLflow names. */
function nativeOf(fields: Record<string, string | undefined>): { native?: NativeFields } {
  const native: NativeFields = {};
  for (const [key, value] of Object.entries(fields)) if (value !== undefined && value !== "") native[key] = value;
  return Object.keys(native).length === 0 ? {} : { native };
}

/** alias name -> version, inverted: version -> its alias names (sorted). */
export function aliasesByVersion(aliases: Readonly<Record<string, string>>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [alias, version] of Object.entries(aliases).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const list = out.get(version) ?? [];
    list.push(alias);
    out.set(version, list);
  }
  return out;
}

export interface VersionMapping {
  version: ModelVersion;
  problems: TagProblem[];
}

/**
 * `aliases` are the version's aliases: `model_version.aliases` from get / get-by-alias, or taken
 * from the registered model's alias list for search results (which carry none).
 */
export function toModelVersion(
  wire: WireModelVersion,
  aliases: readonly string[],
  backendId: string,
  stages: StageProjection,
): VersionMapping {
  const tags = tagMap(wire.tags);
  const problems: TagProblem[] = [];
  const broken = new Set<string>();
  const decode = <T>(key: string, decoder: (text: string) => ParseResult<T>): T | undefined => {
    const raw = tags[key];
    if (raw === undefined) return undefined;
    const parsed = decoder(raw);
    if (parsed.ok) return parsed.value;
    problems.push({ modelName: wire.name, version: wire.version, tag: key, problem: parsed.problem });
    broken.add(key);
    return undefined;
  };

  const generationConfig = decode(OWN_TAGS.generationConfig, decodeGenerationConfig);
  const params = decode(OWN_TAGS.params, decodeParams) ?? {};
  const metrics = decode(OWN_TAGS.metrics, decodeMetrics) ?? {};
  const extraLineage = decode(OWN_TAGS.lineage, decodeLineage) ?? {};
  const lineage: Lineage = {
    ...(wire.run_id ? { runId: wire.run_id } : {}),
    ...(wire.run_link ? { runLink: wire.run_link } : {}),
    ...extraLineage,
  };
  const createdAt = wireDate(wire.creation_timestamp);
  const updatedAt = wireDate(wire.last_updated_timestamp);
  const createdBy = tags[OWN_TAGS.createdBy] ?? (wire.user_id || undefined);
  const copyRequestId = tags[OWN_TAGS.copyRequestId];
  const sortedAliases = [...aliases].sort();

  const version: ModelVersion = {
    backendId,
    modelName: wire.name,
    version: wire.version,
    stage: stages.stageOf(sortedAliases, tags[OWN_TAGS.stage]),
    ...(wire.current_stage ? { nativeStage: wire.current_stage } : {}),
    ...(wire.source && wire.source !== NO_ARTIFACT_SOURCE ? { artifactUri: wire.source } : {}),
    ...(wire.description ? { description: wire.description } : {}),
    // A broken tag of ours stays visible, so whoever reads the version can see what to fix.
    tags: userTags(tags, broken),
    params,
    metrics,
    lineage,
    aliases: sortedAliases,
    ...(generationConfig ? { generationConfig } : {}),
    ...(createdAt ? { createdAt } : {}),
    ...(updatedAt ? { updatedAt } : {}),
    ...(createdBy ? { createdBy } : {}),
    ...(copyRequestId ? { copyRequestId } : {}),
    ...nativeOf({
      run_link: wire.run_link,
      model_id: wire.model_id,
      user_id: wire.user_id,
      // MLflow's deprecated stage and registration status, when they say something (not the defaults).
      current_stage: wire.current_stage === "None" ? undefined : wire.current_stage,
      status: wire.status === "READY" ? undefined : wire.status,
      status_message: wire.status_message,
    }),
  };
  return { version, problems };
}

export function describeTagProblem(p: TagProblem): string {
  return `version ${p.version} of "${p.modelName}" has an invalid "${p.tag}" tag: ${p.problem}`;
}
