/**
 * The JSON MLflow's REST API speaks (proto3 JSON as `mlflow server` 3.x sends it), and the
 * gateway's models and versions in that shape.
 *
 * What MLflow has no field for travels as tags the gateway owns:
 * - `modelgate.stage`: the version's gateway stage (NONE, STAGING, SHADOW, PRODUCTION, ARCHIVED);
 *   setting it is a promotion, like transition-stage;
 * - `modelgate.native.<field>`: the backend's own fields (`native`), read-only; strings as they
 *   are, other values as canonical JSON.
 */
import { canonicalJson, type ModelVersion, type NativeFields, type RegisteredModel, type Stage } from "../../core/index.js";

export interface WireTag {
  key: string;
  value: string;
}

export interface WireModelVersion {
  name: string;
  version: string;
  creation_timestamp?: number;
  last_updated_timestamp?: number;
  user_id?: string;
  current_stage: string;
  description: string;
  source: string;
  run_id: string;
  status: "READY";
  tags?: WireTag[];
  run_link: string;
  aliases?: string[];
  model_id?: string;
}

export interface WireRegisteredModel {
  name: string;
  creation_timestamp?: number;
  last_updated_timestamp?: number;
  description?: string;
  latest_versions?: WireModelVersion[];
  tags?: WireTag[];
  aliases?: { alias: string; version: string }[];
}

/** Tags under this prefix are the gateway's: only `modelgate.stage` may be written (a promotion). */
export const GATEWAY_TAG_PREFIX = "modelgate.";
export const STAGE_TAG = "modelgate.stage";
export const NATIVE_TAG_PREFIX = "modelgate.native.";

/** MLflow's legacy stages, as its server spells them. */
export const MLFLOW_STAGES = ["None", "Staging", "Production", "Archived"] as const;
export type MlflowStage = (typeof MLFLOW_STAGES)[number];

/**
 * A gateway stage in MLflow's words. SHADOW has none: it reads "None" (the version serves no
 * traffic), and `modelgate.stage` says SHADOW.
 */
export function mlflowStageOf(stage: Stage): MlflowStage {
  switch (stage) {
    case "PRODUCTION":
      return "Production";
    case "STAGING":
      return "Staging";
    case "ARCHIVED":
      return "Archived";
    default:
      return "None";
  }
}

/** MLflow's stage name (any case, as its server accepts) as a gateway stage. */
export function stageOfMlflow(text: string): Stage | undefined {
  switch (text.trim().toLowerCase()) {
    case "none":
      return "NONE";
    case "staging":
      return "STAGING";
    case "production":
      return "PRODUCTION";
    case "archived":
      return "ARCHIVED";
    default:
      return undefined;
  }
}

/** MLflow's canonical spelling of a stage given in any case, or undefined. */
export function canonicalMlflowStage(text: string): MlflowStage | undefined {
  const stage = stageOfMlflow(text);
  return stage === undefined ? undefined : mlflowStageOf(stage);
}

export function nativeTags(native: NativeFields | undefined): WireTag[] {
  if (native === undefined) return [];
  return Object.keys(native)
    .sort()
    .map((key) => {
      const value = native[key];
      return { key: NATIVE_TAG_PREFIX + key, value: typeof value === "string" ? value : canonicalJson(value ?? null) };
    });
}

/** Milliseconds since the epoch, as MLflow sends them; left out when the backend does not know. */
function timestamps(created: Date | undefined, updated: Date | undefined): { creation_timestamp?: number; last_updated_timestamp?: number } {
  const last = updated ?? created;
  return {
    ...(created === undefined ? {} : { creation_timestamp: created.getTime() }),
    ...(last === undefined ? {} : { last_updated_timestamp: last.getTime() }),
  };
}

function userTagList(tags: Readonly<Record<string, string>>): WireTag[] {
  return Object.entries(tags).map(([key, value]) => ({ key, value }));
}

/** `aliases`: the version's aliases, or undefined to leave them out (search results, as MLflow does). */
export function toWireVersion(v: ModelVersion, aliases: readonly string[] | undefined): WireModelVersion {
  const tags = [...userTagList(v.tags), { key: STAGE_TAG, value: v.stage }, ...nativeTags(v.native)];
  const modelId = v.native?.["model_id"];
  return {
    name: v.modelName,
    version: v.version,
    ...timestamps(v.createdAt, v.updatedAt),
    ...(v.createdBy ? { user_id: v.createdBy } : {}),
    current_stage: mlflowStageOf(v.stage),
    description: v.description ?? "",
    source: v.artifactUri ?? "",
    run_id: v.lineage.runId ?? "",
    status: "READY",
    tags,
    run_link: v.lineage.runLink ?? "",
    ...(aliases !== undefined && aliases.length > 0 ? { aliases: [...aliases].sort() } : {}),
    ...(typeof modelId === "string" && modelId !== "" ? { model_id: modelId } : {}),
  };
}

export function toWireModel(
  m: RegisteredModel,
  aliases: Readonly<Record<string, string>>,
  latest?: readonly WireModelVersion[],
): WireRegisteredModel {
  const tags = [...userTagList(m.tags), ...nativeTags(m.native)];
  const aliasList = Object.entries(aliases)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([alias, version]) => ({ alias, version }));
  return {
    name: m.name,
    ...timestamps(m.createdAt, m.updatedAt),
    ...(m.description ? { description: m.description } : {}),
    ...(latest !== undefined && latest.length > 0 ? { latest_versions: [...latest] } : {}),
    ...(tags.length > 0 ? { tags } : {}),
    ...(aliasList.length > 0 ? { aliases: aliasList } : {}),
  };
}
