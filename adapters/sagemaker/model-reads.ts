/** Models: SageMaker model package groups, their tags and aliases (group tags). */
import {
  DescribeModelPackageGroupCommand,
  ListModelPackageGroupsCommand,
  ListTagsCommand,
  type DescribeModelPackageGroupCommandOutput,
  type ModelPackageGroupSummary,
  type Tag,
} from "@aws-sdk/client-sagemaker";
import {
  NotFoundError,
  UnsupportedError,
  isRegistryError,
  type CallContext,
  type ListModelsQuery,
  type Page,
  type ReadOptions,
  type RegisteredModel,
} from "../../src/core/index.js";
import type { BackendContext } from "./backend-context.js";
import { decodeCursor, encodeCursor, queryFingerprint } from "./cursor.js";
import { readGroupTags, type GroupTags } from "./group-tags.js";
import { GROUP_NAME_RULE, isGroupName, matchesNoGroupName, serverNameFragment } from "./names.js";
import { scanPages } from "./scan.js";
import { toRegisteredModel } from "./to-domain.js";

/** ListTags pages: SageMaker's minimum MaxResults is 50; a group holds at most 50 tags. */
const TAGS_PAGE = 100;

export function refuseAsOf(b: BackendContext, opts: ReadOptions | undefined): void {
  if (opts?.asOf !== undefined) {
    throw new UnsupportedError(`backend "${b.backend}" (SageMaker) keeps no history: it cannot read as of a past time`, { backend: b.backend, field: "asOf" });
  }
}

export function missingModel(b: BackendContext, name: string, why?: string): NotFoundError {
  return new NotFoundError(`model "${name}" does not exist in ${b.identity.describe()}${why ? `: ${why}` : ""}`, { backend: b.backend });
}

/** The group of a model, read once per call. NOT_FOUND when there is none. */
export function describeGroup(b: BackendContext, name: string, ctx: CallContext): Promise<DescribeModelPackageGroupCommandOutput> {
  if (!isGroupName(name)) return Promise.reject(missingModel(b, name, GROUP_NAME_RULE));
  return b.cache.memo(ctx, `group:${name}`, async () => {
    try {
      const group = await b.api.send(ctx, { operation: "DescribeModelPackageGroup", subject: `model "${name}"` }, (o) =>
        b.api.client.send(new DescribeModelPackageGroupCommand({ ModelPackageGroupName: name }), o),
      );
      b.identity.observe(group.ModelPackageGroupArn);
      return group;
    } catch (err) {
      if (isRegistryError(err) && err.code === "NOT_FOUND") throw missingModel(b, name);
      throw err;
    }
  });
}

/** A group's tags (model tags and aliases), read once per call. */
export function groupTags(b: BackendContext, groupName: string, groupArn: string, ctx: CallContext): Promise<GroupTags> {
  return b.cache.memo(ctx, `tags:${groupArn}`, async () => {
    const list: Tag[] = [];
    let token: string | undefined;
    do {
      const page = await b.api.send(ctx, { operation: "ListTags", subject: `model "${groupName}"` }, (o) =>
        b.api.client.send(new ListTagsCommand({ ResourceArn: groupArn, MaxResults: TAGS_PAGE, ...(token ? { NextToken: token } : {}) }), o),
      );
      list.push(...(page.Tags ?? []));
      token = page.NextToken || undefined;
    } while (token !== undefined);
    return readGroupTags(list);
  });
}

export async function getModel(b: BackendContext, name: string, ctx: CallContext, opts?: ReadOptions): Promise<RegisteredModel> {
  refuseAsOf(b, opts);
  const group = await describeGroup(b, name, ctx);
  const tags = await groupTags(b, name, group.ModelPackageGroupArn as string, ctx);
  return toRegisteredModel(group, tags, b.backend);
}

function tagsMatch(have: Readonly<Record<string, string>>, want: Readonly<Record<string, string>> | undefined): boolean {
  return Object.entries(want ?? {}).every(([k, v]) => have[k] === v);
}

/**
 * Groups by name, ascending. `nameContains` narrows SageMaker's listing where that is safe (see
 * serverNameFragment) and is applied case-insensitively here; tags are matched here, after each
 * listed group's tags are read (which every model served needs anyway, for its aliases).
 */
export async function listModels(b: BackendContext, query: ListModelsQuery, ctx: CallContext): Promise<Page<RegisteredModel>> {
  refuseAsOf(b, query);
  const needle = query.filter?.nameContains ?? "";
  const fingerprint = queryFingerprint("models", needle.toLowerCase(), query.filter?.tags ?? {}, b.config.pageSize);
  const start = decodeCursor(query.after, fingerprint, b.backend);
  const first = Math.max(1, Math.min(query.first, b.config.pageSize));
  if (needle !== "" && matchesNoGroupName(needle)) return { items: [] };
  const fragment = serverNameFragment(needle);
  const lowered = needle.toLowerCase();

  const result = await scanPages<ModelPackageGroupSummary, RegisteredModel>(
    {
      backend: b.backend,
      what: "model package groups",
      start,
      first,
      fetch: async (token) => {
        const page = await b.api.send(ctx, { operation: "ListModelPackageGroups" }, (o) =>
          b.api.client.send(
            new ListModelPackageGroupsCommand({
              SortBy: "Name",
              SortOrder: "Ascending",
              MaxResults: b.config.pageSize,
              ...(fragment === undefined ? {} : { NameContains: fragment }),
              ...(token === undefined ? {} : { NextToken: token }),
            }),
            o,
          ),
        );
        const items = page.ModelPackageGroupSummaryList ?? [];
        b.identity.observe(items[0]?.ModelPackageGroupArn);
        return { items, ...(page.NextToken ? { next: page.NextToken } : {}) };
      },
      convert: (chunk) =>
        Promise.all(
          chunk.map(async (group) => {
            const name = group.ModelPackageGroupName ?? "";
            if (!name.toLowerCase().includes(lowered)) return undefined;
            const tags = await groupTags(b, name, group.ModelPackageGroupArn as string, ctx);
            if (!tagsMatch(tags.tags, query.filter?.tags)) return undefined;
            return toRegisteredModel(group, tags, b.backend);
          }),
        ),
    },
    ctx,
  );
  return { items: result.items, ...(result.next ? { nextCursor: encodeCursor(result.next, fingerprint) } : {}) };
}
