/** SageMaker's model package groups and versioned model packages as RegisteredModel and ModelVersion. */
import type { DescribeModelPackageCommandOutput, MetricsSource, ModelMetrics } from "@aws-sdk/client-sagemaker";
import type { AdapterLogger, Lineage, ModelVersion, NativeFields, RegisteredModel } from "../../src/core/index.js";
import { decodeMetadata } from "./customer-metadata.js";
import type { GroupTags } from "./group-tags.js";
import { effectiveApprovalStatus, readStage } from "./stage-projection.js";

/** The fields of a group that summaries (list) and descriptions (describe) both carry. */
export interface GroupFields {
  ModelPackageGroupName?: string;
  ModelPackageGroupArn?: string;
  ModelPackageGroupDescription?: string;
  CreationTime?: Date;
}

export function toRegisteredModel(group: GroupFields, tags: GroupTags, backendId: string): RegisteredModel {
  return {
    backendId,
    name: group.ModelPackageGroupName ?? "",
    ...(group.ModelPackageGroupDescription ? { description: group.ModelPackageGroupDescription } : {}),
    tags: { ...tags.tags },
    aliases: { ...tags.aliases },
    ...(group.CreationTime ? { createdAt: group.CreationTime, updatedAt: group.CreationTime } : {}),
    ...(group.ModelPackageGroupArn ? { native: { ModelPackageGroupArn: group.ModelPackageGroupArn } } : {}),
  };
}

/** SageMaker fields of a package with no place in the gateway's model, under SageMaker's names. */
const NATIVE_PACKAGE_FIELDS = [
  "ModelPackageArn",
  "ModelPackageStatus",
  "ApprovalDescription",
  "ModelLifeCycle",
  "Domain",
  "Task",
  "SourceUri",
  "SamplePayloadUrl",
] as const;

function nativeOfPackage(pkg: Partial<Pick<DescribeModelPackageCommandOutput, (typeof NATIVE_PACKAGE_FIELDS)[number]>>): { native?: NativeFields } {
  const native: NativeFields = {};
  for (const key of NATIVE_PACKAGE_FIELDS) {
    const value = pkg[key];
    if (value !== undefined && value !== null && value !== "") native[key] = structuredClone(value);
  }
  return Object.keys(native).length === 0 ? {} : { native };
}

/** A described package's artifact: the first container's model data (a URL, or an S3 data source). */
export function artifactOf(pkg: Pick<DescribeModelPackageCommandOutput, "InferenceSpecification">): string | undefined {
  for (const container of pkg.InferenceSpecification?.Containers ?? []) {
    const uri = container.ModelDataUrl ?? container.ModelDataSource?.S3DataSource?.S3Uri;
    if (uri) return uri;
  }
  return undefined;
}

/** ModelMetrics holds S3 locations of metric reports (no numbers): they are served as params. */
function metricReports(metrics: ModelMetrics | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!metrics) return out;
  for (const [category, group] of Object.entries(metrics) as [string, Record<string, MetricsSource | undefined> | undefined][]) {
    if (!group || typeof group !== "object") continue;
    for (const [name, source] of Object.entries(group)) {
      if (source && typeof source === "object" && typeof source.S3Uri === "string") out[`sagemaker:modelMetrics.${category}.${name}`] = source.S3Uri;
    }
  }
  return out;
}

const URL_RE = /^https?:\/\//i;

/** What a version is read from: a DescribeModelPackage answer, or a model package record of Search. */
export type PackageFields = Partial<
  Pick<
    DescribeModelPackageCommandOutput,
    | "ModelPackageVersion"
    | "CustomerMetadataProperties"
    | "MetadataProperties"
    | "ModelMetrics"
    | "CreatedBy"
    | "ModelApprovalStatus"
    | "ModelPackageDescription"
    | "InferenceSpecification"
    | "CreationTime"
    | "LastModifiedTime"
    | (typeof NATIVE_PACKAGE_FIELDS)[number]
  >
>;

export function toModelVersion(
  pkg: PackageFields,
  modelName: string,
  aliases: readonly string[],
  backendId: string,
  logger: AdapterLogger,
): ModelVersion {
  const version = String(pkg.ModelPackageVersion ?? "");
  const meta = decodeMetadata(pkg.CustomerMetadataProperties);
  const native = pkg.MetadataProperties;

  const generatedBy = native?.GeneratedBy || undefined;
  const lineage: Lineage = {
    ...(generatedBy && !URL_RE.test(generatedBy) ? { runId: generatedBy } : {}),
    ...(generatedBy && URL_RE.test(generatedBy) ? { runLink: generatedBy } : {}),
    ...(native?.CommitId ? { codeCommit: native.CommitId } : {}),
    ...meta.lineage,
  };
  const params: Record<string, unknown> = {
    ...meta.params,
    ...(native?.Repository ? { "sagemaker:repository": native.Repository } : {}),
    ...(native?.ProjectId ? { "sagemaker:projectId": native.ProjectId } : {}),
    ...metricReports(pkg.ModelMetrics),
  };

  let generationConfig: ModelVersion["generationConfig"];
  if (meta.generationConfig?.ok) generationConfig = meta.generationConfig.value;
  else if (meta.generationConfig) {
    logger.warn(
      { backend: backendId, model: modelName, version, problem: meta.generationConfig.problem },
      `version ${version} of "${modelName}" has an unreadable generation config in its SageMaker metadata; it is served without one`,
    );
  }

  const createdBy = meta.createdBy ?? (pkg.CreatedBy?.UserProfileName || pkg.CreatedBy?.IamIdentity?.Arn || undefined);
  const artifactUri = artifactOf(pkg);
  return {
    backendId,
    modelName,
    version,
    stage: readStage(meta.stage, pkg.ModelApprovalStatus),
    nativeStage: effectiveApprovalStatus(pkg.ModelApprovalStatus),
    ...(artifactUri ? { artifactUri } : {}),
    ...(pkg.ModelPackageDescription ? { description: pkg.ModelPackageDescription } : {}),
    tags: meta.tags,
    params,
    metrics: meta.metrics,
    lineage,
    aliases: [...aliases].sort(),
    ...(generationConfig ? { generationConfig } : {}),
    ...(pkg.CreationTime ? { createdAt: pkg.CreationTime } : {}),
    ...(pkg.LastModifiedTime ?? pkg.CreationTime ? { updatedAt: (pkg.LastModifiedTime ?? pkg.CreationTime) as Date } : {}),
    ...(createdBy ? { createdBy } : {}),
    ...(meta.copyRequestId ? { copyRequestId: meta.copyRequestId } : {}),
    ...nativeOfPackage(pkg),
  };
}
