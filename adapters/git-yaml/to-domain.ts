/** From parsed model files to the core domain types, and the status <-> stage projection. */
import type { GenerationConfig, ModelVersion, RegisteredModel, Stage } from "../../src/core/index.js";
import type { Status } from "./entry-schema.js";
import type { ParsedModelFile, ParsedVersion } from "./parse-model-file.js";

export const STATUS_TO_STAGE: Readonly<Record<Status, Stage>> = {
  draft: "NONE",
  staging: "STAGING",
  shadow: "SHADOW",
  production: "PRODUCTION",
  retired: "ARCHIVED",
};

export const STAGE_TO_STATUS: Readonly<Record<Stage, Status>> = {
  NONE: "draft",
  STAGING: "staging",
  SHADOW: "shadow",
  PRODUCTION: "production",
  ARCHIVED: "retired",
};

export function toModelVersion(backendId: string, file: ParsedModelFile, v: ParsedVersion): ModelVersion {
  const out: ModelVersion = {
    backendId,
    modelName: file.name,
    version: v.version,
    stage: STATUS_TO_STAGE[v.status],
    nativeStage: v.status,
    tags: { ...v.tags },
    params: structuredClone(v.params),
    metrics: { ...v.metrics },
    lineage: { ...v.lineage },
    aliases: Object.entries(file.aliases)
      .filter(([, version]) => version === v.version)
      .map(([alias]) => alias)
      .sort(),
  };
  if (v.artifactUri !== undefined) out.artifactUri = v.artifactUri;
  if (v.description !== undefined) out.description = v.description;
  if (v.createdAt !== undefined) out.createdAt = v.createdAt;
  if (v.createdBy !== undefined) out.createdBy = v.createdBy;
  if (v.copyRequest !== undefined) out.copyRequestId = v.copyRequest;
  if (v.model !== undefined) out.generationConfig = toGenerationConfig(v, v.model);
  if (v.extensions !== undefined) out.native = structuredClone(v.extensions);
  return out;
}

function toGenerationConfig(v: ParsedVersion, model: string): GenerationConfig {
  const config: GenerationConfig = { model, params: structuredClone(v.params) };
  if (v.promptRef !== undefined) config.promptRef = v.promptRef;
  if (v.toolsRef !== undefined) config.toolsRef = v.toolsRef;
  if (v.eval !== undefined) config.eval = { ...v.eval };
  if (v.approvedBy !== undefined) config.approvedBy = v.approvedBy;
  return config;
}

export function toRegisteredModel(
  backendId: string,
  file: ParsedModelFile,
  latestVersion: string | undefined,
): RegisteredModel {
  const out: RegisteredModel = {
    backendId,
    name: file.name,
    tags: { ...file.tags },
    aliases: { ...file.aliases },
  };
  if (file.description !== undefined) out.description = file.description;
  if (latestVersion !== undefined) out.latestVersion = latestVersion;
  if (file.extensions !== undefined) out.native = structuredClone(file.extensions);
  const created = file.versions
    .map((v) => v.createdAt?.getTime())
    .filter((t): t is number => t !== undefined);
  if (created.length > 0) out.createdAt = new Date(Math.min(...created));
  return out;
}
