/**
 * Vertex AI Model messages as the gateway's ModelVersion and RegisteredModel. A Model message is
 * one version of a model (GetModel of a bare name reads the `default` version); its labels are the
 * model's and the version's merged, so tags read the same way.
 */
import type { Lineage, ModelVersion, NativeFields, RegisteredModel } from "../../src/core/index.js";
import { OWN_LABELS, stageOfLabels, userTags } from "./labels.js";
import { gatewayName, modelIdOfResource } from "./names.js";
import type { IModel } from "./rpc.js";
import { decodeVersionRecord, type VersionRecord } from "./version-metadata.js";

interface ProtoTimestamp {
  seconds?: number | string | { toString(): string } | null;
  nanos?: number | null;
}

export function toDate(ts: ProtoTimestamp | null | undefined): Date | undefined {
  if (!ts || ts.seconds === null || ts.seconds === undefined) return undefined;
  const seconds = Number(String(ts.seconds));
  if (!Number.isFinite(seconds) || (seconds === 0 && !ts.nanos)) return undefined;
  return new Date(seconds * 1000 + Math.floor((ts.nanos ?? 0) / 1_000_000));
}

/** Metadata of ours that does not parse: the version is served without it. */
export interface MetadataProblem {
  modelName: string;
  version: string;
  problem: string;
}

export interface VersionMapping {
  version: ModelVersion;
  problem?: MetadataProblem;
}

/** Vertex AI's own fields (labels as stored, the version's aliases, resource name), non-empty ones only. */
function nativeOf(model: IModel, withVersion: boolean): { native?: NativeFields } {
  const native: NativeFields = {};
  // The model's resource name: a version listing names it with "@<versionId>", a get without.
  if (model.name) native["name"] = model.name.replace(/@[^/@]*$/, "");
  if (model.displayName) native["displayName"] = model.displayName;
  if (model.labels && Object.keys(model.labels).length > 0) native["labels"] = { ...model.labels };
  if (withVersion && model.versionAliases && model.versionAliases.length > 0) native["versionAliases"] = [...model.versionAliases];
  return Object.keys(native).length === 0 ? {} : { native };
}

export function modelNameOf(model: IModel): string {
  return gatewayName(modelIdOfResource(model.name ?? ""), model.displayName);
}

export function toModelVersion(model: IModel, backendId: string): VersionMapping {
  const modelName = modelNameOf(model);
  const versionId = model.versionId ?? "";
  const labels = model.labels ?? {};
  const decoded = decodeVersionRecord(model.metadata);
  const record: VersionRecord = decoded.ok ? decoded.record : {};
  const { stage, recognised } = stageOfLabels(labels);
  const tags = userTags(labels);
  // A stage label that names no stage stays visible, so whoever reads the version can fix it.
  if (!recognised) tags[OWN_LABELS.stage] = labels[OWN_LABELS.stage] ?? "";

  const pipeline = model.pipelineJob || model.trainingPipeline || undefined;
  const lineage: Lineage = { ...(pipeline ? { runId: pipeline } : {}), ...(record.lineage ?? {}) };
  const createdAt = toDate(model.versionCreateTime);
  const updatedAt = toDate(model.versionUpdateTime);
  const version: ModelVersion = {
    backendId,
    modelName,
    version: versionId,
    stage,
    ...(model.artifactUri ? { artifactUri: model.artifactUri } : {}),
    ...(model.versionDescription ? { description: model.versionDescription } : {}),
    tags,
    params: record.params ?? {},
    metrics: record.metrics ?? {},
    lineage,
    aliases: [...(model.versionAliases ?? [])].sort(),
    ...(record.generationConfig ? { generationConfig: record.generationConfig } : {}),
    ...(createdAt ? { createdAt } : {}),
    ...(updatedAt ? { updatedAt } : {}),
    ...(record.createdBy ? { createdBy: record.createdBy } : {}),
    ...(labels[OWN_LABELS.copyRequestId] ? { copyRequestId: labels[OWN_LABELS.copyRequestId] } : {}),
    ...nativeOf(model, true),
  };
  return decoded.ok ? { version } : { version, problem: { modelName, version: versionId, problem: decoded.problem } };
}

export function describeProblem(p: MetadataProblem): string {
  return `version ${p.version} of "${p.modelName}" has unreadable modelgate metadata (${p.problem}); it is served without its generation config, params, metrics and lineage`;
}

/** What a model's versions contribute to it: alias → version, and the highest version id. */
export interface VersionSummary {
  aliases: Record<string, string>;
  latestVersion?: string;
}

export function summarise(versions: readonly IModel[]): VersionSummary {
  const aliases: Record<string, string> = {};
  let latest: number | undefined;
  for (const v of versions) {
    const id = v.versionId ?? "";
    for (const alias of v.versionAliases ?? []) aliases[alias] = id;
    const n = Number(id);
    if (Number.isInteger(n) && (latest === undefined || n > latest)) latest = n;
  }
  const sorted = Object.fromEntries(Object.entries(aliases).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return { aliases: sorted, ...(latest === undefined ? {} : { latestVersion: String(latest) }) };
}

/**
 * `model` is the model's default version as GetModel / ListModels return it. The description is the
 * model's, or its display name when that is not already its name (a model uploaded elsewhere with a
 * generated id keeps its human name visible).
 */
export function toRegisteredModel(model: IModel, summary: VersionSummary, backendId: string): RegisteredModel {
  const name = modelNameOf(model);
  const description = model.description || (model.displayName && model.displayName !== name ? model.displayName : undefined);
  const createdAt = toDate(model.createTime);
  const updatedAt = toDate(model.updateTime);
  return {
    backendId,
    name,
    ...(description ? { description } : {}),
    tags: userTags(model.labels),
    aliases: summary.aliases,
    ...(createdAt ? { createdAt } : {}),
    ...(updatedAt ? { updatedAt } : {}),
    ...(summary.latestVersion === undefined ? {} : { latestVersion: summary.latestVersion }),
    ...nativeOf(model, false),
  };
}
