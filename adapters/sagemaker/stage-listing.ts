/**
 * A stage across every model, in pages (RegistryAdapter.listVersionsInStage). A stage projects onto
 * an approval status (./stage-projection.ts), so:
 *
 * 1. `ListModelPackages` by that approval status (all groups, in pages of `pageSize`) names the
 *    candidates: the one consistent listing of which versions have the status now;
 * 2. the candidates' full records (metadata, artifact, metrics) come from SageMaker's `Search` over
 *    model packages with the same status, in pages, alongside step 1; a candidate the search
 *    index does not show yet, or shows with another status, is described on its own;
 * 3. aliases are group tags: `Search` over model package groups gives every group's tags in pages
 *    (a handful of candidate groups are read on their own instead, as a version read reads them);
 * 4. each version's stage is read exactly as a listing reads it, from its metadata and status.
 *
 * The calls grow with pages (and with candidates the search index has not caught up with), not with
 * models. Without permission to Search, every candidate and group is read on its own: slower, never
 * wrong.
 */
import {
  ListModelPackagesCommand,
  SearchCommand,
  type ModelPackage,
  type ModelPackageGroup,
  type ModelPackageSummary,
  type SearchRecord,
} from "@aws-sdk/client-sagemaker";
import { UnavailableError, isRegistryError, type CallContext, type ModelVersion, type Stage } from "../../src/core/index.js";
import type { BackendContext } from "./backend-context.js";
import { aliasesOf, readGroupTags, type GroupTags } from "./group-tags.js";
import { describeGroup, groupTags } from "./model-reads.js";
import { approvalStatusOf, effectiveApprovalStatus, type ApprovalStatus } from "./stage-projection.js";
import { toModelVersion, type PackageFields } from "./to-domain.js";
import { describeVersion } from "./version-reads.js";

/** At most this many candidate groups: their tags are read group by group instead of searching every group. */
const FEW_GROUPS = 4;

export async function listVersionsInStage(b: BackendContext, stage: Stage, ctx: CallContext): Promise<ModelVersion[]> {
  const status = approvalStatusOf(stage);
  const [listed, indexed] = await Promise.all([listByStatus(b, status, ctx), withoutSearch(b, searchPackages(b, status, ctx), [])]);
  if (listed.length === 0) return [];
  const records = new Map<string, ModelPackage>();
  for (const r of indexed) records.set(packageKey(r.ModelPackageGroupName, r.ModelPackageVersion), r);

  const groups = [...new Set(listed.map((s) => s.ModelPackageGroupName as string))];
  const [tags, packages] = await Promise.all([
    tagsOfGroups(b, groups, ctx),
    Promise.all(
      listed.map(async (s): Promise<{ name: string; pkg: PackageFields | undefined }> => {
        const name = s.ModelPackageGroupName as string;
        const record = records.get(packageKey(name, s.ModelPackageVersion));
        if (record !== undefined && effectiveApprovalStatus(record.ModelApprovalStatus) === effectiveApprovalStatus(s.ModelApprovalStatus)) return { name, pkg: record };
        return { name, pkg: await describeListed(b, s, ctx) };
      }),
    ),
  ]);

  const out: ModelVersion[] = [];
  for (const { name, pkg } of packages) {
    if (pkg === undefined) continue;
    const groupTags = tags.get(name);
    // The group went between the listing and the tag read: nothing of it is listed.
    if (groupTags === undefined) continue;
    const v = toModelVersion(pkg, name, aliasesOf(groupTags.aliases, String(pkg.ModelPackageVersion)), b.backend, b.logger);
    if (v.stage === stage) out.push(v);
  }
  return out;
}

function packageKey(group: string | undefined, version: number | undefined): string {
  return `${group ?? ""}/${version ?? ""}`;
}

/** Every versioned package with `status`, oldest first. */
async function listByStatus(b: BackendContext, status: ApprovalStatus, ctx: CallContext): Promise<ModelPackageSummary[]> {
  const out: ModelPackageSummary[] = [];
  await eachPage(b, "versions by approval status", async (token) => {
    const page = await b.api.send(ctx, { operation: "ListModelPackages", subject: `versions with approval status ${status}` }, (o) =>
      b.api.client.send(
        new ListModelPackagesCommand({
          ModelPackageType: "Versioned",
          ModelApprovalStatus: status,
          SortBy: "CreationTime",
          SortOrder: "Ascending",
          MaxResults: b.config.pageSize,
          ...(token === undefined ? {} : { NextToken: token }),
        }),
        o,
      ),
    );
    for (const s of page.ModelPackageSummaryList ?? []) {
      if (s.ModelPackageGroupName === undefined || s.ModelPackageVersion === undefined) continue;
      b.identity.observe(s.ModelPackageArn);
      out.push(s);
    }
    return page.NextToken;
  });
  return out;
}

/** The search index's full records of the versioned packages with `status`. */
async function searchPackages(b: BackendContext, status: ApprovalStatus, ctx: CallContext): Promise<ModelPackage[]> {
  const records = await search(b, { Resource: "ModelPackage", SearchExpression: { Filters: [{ Name: "ModelApprovalStatus", Operator: "Equals", Value: status }] } }, ctx);
  return records.map((r) => r.ModelPackage).filter((p): p is ModelPackage => p?.ModelPackageGroupName !== undefined && p.ModelPackageVersion !== undefined);
}

/** Group name -> its tags and aliases, for `groups`. */
async function tagsOfGroups(b: BackendContext, groups: readonly string[], ctx: CallContext): Promise<Map<string, GroupTags>> {
  const out = new Map<string, GroupTags>();
  let missing = groups;
  if (groups.length > FEW_GROUPS) {
    const wanted = new Set(groups);
    const records = await withoutSearch(b, search(b, { Resource: "ModelPackageGroup" }, ctx), []);
    for (const group of records.map((r) => r.ModelPackageGroup).filter((g): g is ModelPackageGroup => g?.ModelPackageGroupName !== undefined)) {
      if (wanted.has(group.ModelPackageGroupName as string)) out.set(group.ModelPackageGroupName as string, readGroupTags(group.Tags ?? []));
    }
    missing = groups.filter((g) => !out.has(g));
  }
  // A few groups, or groups the search index does not show yet: read as a version read reads them.
  await Promise.all(
    missing.map(async (name) => {
      try {
        const group = await describeGroup(b, name, ctx);
        out.set(name, await groupTags(b, name, group.ModelPackageGroupArn as string, ctx));
      } catch (err) {
        if (!(isRegistryError(err) && err.code === "NOT_FOUND")) throw err;
      }
    }),
  );
  return out;
}

/**
 * An IAM identity without `sagemaker:Search` still lists a stage: every candidate (and group) is then
 * read on its own, as a walk of the models would, and a warning says what to grant.
 */
async function withoutSearch<T>(b: BackendContext, call: Promise<T>, instead: T): Promise<T> {
  try {
    return await call;
  } catch (err) {
    if (!(isRegistryError(err) && err.code === "FORBIDDEN")) throw err;
    b.logger.warn(
      { backend: b.backend, error: err.message },
      `${b.identity.describe()} refused Search: listing a stage reads each candidate on its own; grant sagemaker:Search to read it in pages`,
    );
    return instead;
  }
}

/** A listed candidate described on its own; undefined when it was deleted meanwhile. */
async function describeListed(b: BackendContext, s: ModelPackageSummary, ctx: CallContext): Promise<PackageFields | undefined> {
  const name = s.ModelPackageGroupName as string;
  try {
    const group = await describeGroup(b, name, ctx);
    return await describeVersion(b, name, group.ModelPackageGroupArn as string, s.ModelPackageVersion as number, ctx);
  } catch (err) {
    if (isRegistryError(err) && err.code === "NOT_FOUND") return undefined;
    throw err;
  }
}

async function search(b: BackendContext, input: { Resource: "ModelPackage" | "ModelPackageGroup"; SearchExpression?: SearchCommand["input"]["SearchExpression"] }, ctx: CallContext): Promise<SearchRecord[]> {
  const out: SearchRecord[] = [];
  await eachPage(b, `the search index of ${input.Resource}s`, async (token) => {
    const page = await b.api.send(ctx, { operation: "Search", subject: `${input.Resource} records` }, (o) =>
      b.api.client.send(new SearchCommand({ ...input, MaxResults: b.config.pageSize, ...(token === undefined ? {} : { NextToken: token }) }), o),
    );
    out.push(...(page.Results ?? []));
    return page.NextToken;
  });
  return out;
}

/** Follows NextToken to the last page; a token seen twice ends the walk with an error. */
async function eachPage(b: BackendContext, what: string, read: (token: string | undefined) => Promise<string | undefined>): Promise<void> {
  const seen = new Set<string>();
  let token: string | undefined;
  for (;;) {
    const next = await read(token);
    if (!next) return;
    if (seen.has(next)) {
      throw new UnavailableError(`SageMaker returned a page token it had returned before while listing ${what}: the listing would not end`, { backend: b.backend });
    }
    seen.add(next);
    token = next;
  }
}
