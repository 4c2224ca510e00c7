/**
 * Versions: the versioned model packages of a group. Listing gives summaries without the fields the
 * gateway serves (artifact, metadata, lineage), so each listed version is described: the versions
 * of a page are described together (at most MAX_IN_FLIGHT requests at once), once per call.
 * BatchDescribeModelPackage cannot replace this: its summaries lack CustomerMetadataProperties,
 * MetadataProperties and ModelMetrics.
 */
import {
  DescribeModelPackageCommand,
  ListModelPackagesCommand,
  type DescribeModelPackageCommandOutput,
  type ModelPackageSummary,
} from "@aws-sdk/client-sagemaker";
import {
  NotFoundError,
  isRegistryError,
  type CallContext,
  type ListVersionsQuery,
  type ModelVersion,
  type Page,
  type ReadOptions,
} from "../../src/core/index.js";
import type { BackendContext } from "./backend-context.js";
import { decodeCursor, encodeCursor, queryFingerprint } from "./cursor.js";
import { aliasesOf } from "./group-tags.js";
import { describeGroup, groupTags, refuseAsOf } from "./model-reads.js";
import { parseVersionNumber } from "./names.js";
import { scanPages } from "./scan.js";
import { approvalStatusOf } from "./stage-projection.js";
import { toModelVersion } from "./to-domain.js";

export function missingVersion(b: BackendContext, name: string, version: string, why?: string): NotFoundError {
  return new NotFoundError(`version ${version} of model "${name}" does not exist in ${b.identity.describe()}${why ? `: ${why}` : ""}`, {
    backend: b.backend,
  });
}

/** Describes one version, once per call (`fresh` reads SageMaker again: a write's read-back). */
export function describeVersion(
  b: BackendContext,
  name: string,
  groupArn: string,
  version: number,
  ctx: CallContext,
  fresh = false,
): Promise<DescribeModelPackageCommandOutput> {
  const key = `pkg:${name}/${version}`;
  if (fresh) b.cache.drop(ctx, key);
  return b.cache.memo(ctx, key, async () => {
    const arn = b.identity.modelPackageArn(groupArn, name, version);
    try {
      return await b.api.send(ctx, { operation: "DescribeModelPackage", subject: `version ${version} of model "${name}"` }, (o) =>
        b.api.client.send(new DescribeModelPackageCommand({ ModelPackageName: arn }), o),
      );
    } catch (err) {
      if (isRegistryError(err) && err.code === "NOT_FOUND") throw missingVersion(b, name, String(version));
      throw err;
    }
  });
}

/** The group (NOT_FOUND for an unknown model), then one of its versions (its ARN needs the group's). */
export async function groupAndVersion(
  b: BackendContext,
  name: string,
  version: string,
  ctx: CallContext,
): Promise<{ groupArn: string; number: number; pkg: DescribeModelPackageCommandOutput }> {
  const group = await describeGroup(b, name, ctx);
  const number = parseVersionNumber(version);
  if (number === undefined) throw missingVersion(b, name, version, "SageMaker versions are numbers 1, 2, 3 …");
  const groupArn = group.ModelPackageGroupArn as string;
  const pkg = await describeVersion(b, name, groupArn, number, ctx);
  return { groupArn, number, pkg };
}

export async function getVersion(b: BackendContext, name: string, version: string, ctx: CallContext, opts?: ReadOptions): Promise<ModelVersion> {
  refuseAsOf(b, opts);
  const { groupArn, pkg } = await groupAndVersion(b, name, version, ctx);
  const tags = await groupTags(b, name, groupArn, ctx);
  const v = String(pkg.ModelPackageVersion);
  return toModelVersion(pkg, name, aliasesOf(tags.aliases, v), b.backend, b.logger);
}

export async function getVersionByAlias(b: BackendContext, name: string, alias: string, ctx: CallContext, opts?: ReadOptions): Promise<ModelVersion> {
  refuseAsOf(b, opts);
  const group = await describeGroup(b, name, ctx);
  const groupArn = group.ModelPackageGroupArn as string;
  const tags = await groupTags(b, name, groupArn, ctx);
  const version = tags.aliases[alias];
  if (version === undefined) {
    throw new NotFoundError(`model "${name}" has no alias "${alias}" in ${b.identity.describe()}`, { backend: b.backend, field: "alias" });
  }
  const number = parseVersionNumber(version) as number;
  try {
    const pkg = await describeVersion(b, name, groupArn, number, ctx);
    return toModelVersion(pkg, name, aliasesOf(tags.aliases, version), b.backend, b.logger);
  } catch (err) {
    if (isRegistryError(err) && err.code === "NOT_FOUND") throw missingVersion(b, name, version, `alias "${alias}" points at it`);
    throw err;
  }
}

function tagsMatch(have: Readonly<Record<string, string>>, want: Readonly<Record<string, string>> | undefined): boolean {
  return Object.entries(want ?? {}).every(([k, v]) => have[k] === v);
}

/**
 * Versions by number, ascending (SageMaker sorts by creation time, which follows the numbers; each
 * page is also sorted by number). A stage filter is sent as the approval status it projects to and
 * checked here against the stage read from metadata; tags are matched here.
 */
export async function listVersions(b: BackendContext, name: string, query: ListVersionsQuery, ctx: CallContext): Promise<Page<ModelVersion>> {
  refuseAsOf(b, query);
  const stage = query.filter?.stage;
  const fingerprint = queryFingerprint("versions", name, stage ?? null, query.filter?.tags ?? {}, b.config.pageSize);
  const start = decodeCursor(query.after, fingerprint, b.backend);
  const first = Math.max(1, Math.min(query.first, b.config.pageSize));
  const group = await describeGroup(b, name, ctx);
  const groupArn = group.ModelPackageGroupArn as string;
  const tags = await groupTags(b, name, groupArn, ctx);

  const result = await scanPages<ModelPackageSummary, ModelVersion>(
    {
      backend: b.backend,
      what: `versions of model "${name}"`,
      start,
      first,
      fetch: async (token) => {
        const page = await b.api.send(ctx, { operation: "ListModelPackages", subject: `model "${name}"` }, (o) =>
          b.api.client.send(
            new ListModelPackagesCommand({
              ModelPackageGroupName: name,
              ModelPackageType: "Versioned",
              SortBy: "CreationTime",
              SortOrder: "Ascending",
              MaxResults: b.config.pageSize,
              ...(stage === undefined ? {} : { ModelApprovalStatus: approvalStatusOf(stage) }),
              ...(token === undefined ? {} : { NextToken: token }),
            }),
            o,
          ),
        );
        const items = (page.ModelPackageSummaryList ?? [])
          .filter((s) => s.ModelPackageVersion !== undefined)
          .sort((x, y) => (x.ModelPackageVersion as number) - (y.ModelPackageVersion as number));
        return { items, ...(page.NextToken ? { next: page.NextToken } : {}) };
      },
      convert: async (chunk) => {
        const described = await Promise.all(
          chunk.map((s) =>
            describeVersion(b, name, groupArn, s.ModelPackageVersion as number, ctx).catch((err: unknown) => {
              // Deleted between listing and describing: not served.
              if (isRegistryError(err) && err.code === "NOT_FOUND") return undefined;
              throw err;
            }),
          ),
        );
        return described.map((pkg) => {
          if (pkg === undefined) return undefined;
          const v = toModelVersion(pkg, name, aliasesOf(tags.aliases, String(pkg.ModelPackageVersion)), b.backend, b.logger);
          if (stage !== undefined && v.stage !== stage) return undefined;
          if (!tagsMatch(v.tags, query.filter?.tags)) return undefined;
          return v;
        });
      },
    },
    ctx,
  );
  return { items: result.items, ...(result.next ? { nextCursor: encodeCursor(result.next, fingerprint) } : {}) };
}
