/**
 * Metadata writes: an empty model (a model package group), model tags (group tags) and version tags
 * (CustomerMetadataProperties, ./customer-metadata.ts). SageMaker cannot change a group's or a
 * package's description after creation: such a patch is refused (UNSUPPORTED) before anything is
 * written. Keys of the gateway's own (`modelgate:`, `param:`, `metric:`) are refused too.
 *
 * A version tag update sends the package's whole approval field set and metadata map back, as the
 * stage write does (./writes.ts): SageMaker merges, emulators (moto) replace.
 */
import { AddTagsCommand, CreateModelPackageGroupCommand, DeleteTagsCommand, UpdateModelPackageCommand } from "@aws-sdk/client-sagemaker";
import {
  AlreadyExistsError,
  ConflictError,
  InvalidInputError,
  UnsupportedError,
  deadlineError,
  ensureCallActive,
  isRegistryError,
  type CallContext,
  type CreateModelInput,
  type MetadataPatch,
  type ModelVersion,
  type RegisteredModel,
} from "../../src/core/index.js";
import type { BackendContext } from "./backend-context.js";
import { MAX_ENTRIES, METADATA_CHARS_RE, MAX_KEY, MAX_VALUE, OWN_PREFIX, encodeValue, isReservedKey, isStorableKey } from "./customer-metadata.js";
import { ALIAS_PREFIX, aliasesOf } from "./group-tags.js";
import { describeGroup, getModel, groupTags } from "./model-reads.js";
import { isGroupName } from "./names.js";
import { toModelVersion } from "./to-domain.js";
import { describeVersion, groupAndVersion } from "./version-reads.js";

function noDescription(b: BackendContext, what: string, patch: MetadataPatch): void {
  if (patch.description !== undefined) {
    throw new UnsupportedError(`SageMaker cannot change the description of ${what} after it is created`, { backend: b.backend, field: "description" });
  }
}

/** Group tag keys and values: SageMaker's tag rules, minus the gateway's own keys (aliases, `modelgate:`). */
function checkGroupTag(b: BackendContext, key: string, value: string | undefined): void {
  const fail = (message: string): never => {
    throw new InvalidInputError(`tags.${key}: ${message}`, { backend: b.backend, field: `tags.${key}` });
  };
  if (key.startsWith(OWN_PREFIX) || key.startsWith(ALIAS_PREFIX)) fail(`tag keys starting "${OWN_PREFIX}" hold the gateway's own fields`);
  if (!isStorableKey(key) || key.startsWith("aws:")) fail(`not a SageMaker tag key: 1-${MAX_KEY} letters, digits, spaces and _ . : / = + - @, not starting "aws:"`);
  if (value !== undefined && (value.length > MAX_VALUE || !METADATA_CHARS_RE.test(value))) {
    fail(`not a SageMaker tag value: at most ${MAX_VALUE} letters, digits, spaces and _ . : / = + - @`);
  }
}

export async function createModel(b: BackendContext, input: CreateModelInput, ctx: CallContext): Promise<RegisteredModel> {
  const name = input.name;
  ensureCallActive(ctx, b.backend, `creating model "${name}"`);
  if (!isGroupName(name)) throw new InvalidInputError(`name: "${name}" is not a SageMaker model package group name`, { backend: b.backend, field: "name" });
  for (const [key, value] of Object.entries(input.tags ?? {})) checkGroupTag(b, key, value);
  try {
    await b.api.send(ctx, { operation: "CreateModelPackageGroup", subject: `model "${name}"` }, (o) =>
      b.api.client.send(
        new CreateModelPackageGroupCommand({
          ModelPackageGroupName: name,
          ...(input.description ? { ModelPackageGroupDescription: input.description } : {}),
          ...(input.tags && Object.keys(input.tags).length > 0 ? { Tags: Object.entries(input.tags).map(([Key, Value]) => ({ Key, Value })) } : {}),
        }),
        o,
      ),
    );
  } catch (err) {
    if (isRegistryError(err) && (err.code === "ALREADY_EXISTS" || /already exists/i.test(err.message))) {
      throw new AlreadyExistsError(`model "${name}" already exists in ${b.identity.describe()}`, { backend: b.backend, cause: err });
    }
    throw err;
  }
  b.cache.drop(ctx, `group:${name}`);
  return getModel(b, name, ctx);
}

export async function updateModel(b: BackendContext, name: string, patch: MetadataPatch, ctx: CallContext): Promise<RegisteredModel> {
  noDescription(b, `model "${name}" (a model package group)`, patch);
  for (const [key, value] of Object.entries(patch.setTags ?? {})) checkGroupTag(b, key, value);
  for (const key of patch.removeTags ?? []) checkGroupTag(b, key, undefined);
  const group = await describeGroup(b, name, ctx);
  const groupArn = group.ModelPackageGroupArn as string;
  const set = Object.entries(patch.setTags ?? {});
  if (set.length > 0) {
    await b.api.send(ctx, { operation: "AddTags", subject: `model "${name}"` }, (o) =>
      b.api.client.send(new AddTagsCommand({ ResourceArn: groupArn, Tags: set.map(([Key, Value]) => ({ Key, Value })) }), o),
    );
  }
  const remove = patch.removeTags ?? [];
  if (remove.length > 0) {
    await b.api.send(ctx, { operation: "DeleteTags", subject: `model "${name}"` }, (o) =>
      b.api.client.send(new DeleteTagsCommand({ ResourceArn: groupArn, TagKeys: [...remove] }), o),
    );
  }
  b.cache.drop(ctx, `tags:${groupArn}`);
  return getModel(b, name, ctx);
}

export async function updateVersion(b: BackendContext, name: string, version: string, patch: MetadataPatch, ctx: CallContext): Promise<ModelVersion> {
  const doing = `changing the tags of version ${version} of "${name}"`;
  ensureCallActive(ctx, b.backend, doing);
  noDescription(b, `version ${version} of "${name}" (a model package)`, patch);
  const fail = (key: string, message: string): never => {
    throw new InvalidInputError(`tags.${key}: ${message}`, { backend: b.backend, field: `tags.${key}` });
  };
  const set: Record<string, string> = {};
  for (const [key, value] of Object.entries(patch.setTags ?? {})) {
    if (isReservedKey(key)) fail(key, "tag keys starting \"modelgate:\", \"param:\" or \"metric:\" hold the gateway's own fields");
    if (!isStorableKey(key)) fail(key, `not a SageMaker metadata key: at most ${MAX_KEY} letters, digits, spaces and _ . : / = + - @`);
    const stored = encodeValue(value);
    if (stored === undefined) fail(key, `too long for SageMaker (a metadata value holds at most ${MAX_VALUE} characters, fewer when it needs encoding)`);
    set[key] = stored as string;
  }
  const remove = (patch.removeTags ?? []).filter((key) => {
    if (isReservedKey(key)) fail(key, "tag keys starting \"modelgate:\", \"param:\" or \"metric:\" hold the gateway's own fields");
    return true;
  });
  // The same lock as stage writes of the version: both rewrite its metadata map.
  return b.locks.run(
    `stage:${name}/${version}`,
    async () => {
      const { groupArn, number, pkg } = await groupAndVersion(b, name, version, ctx);
      const metadata: Record<string, string> = { ...(pkg.CustomerMetadataProperties ?? {}), ...set };
      for (const key of remove) delete metadata[key];
      if (Object.keys(metadata).length > MAX_ENTRIES) {
        throw new InvalidInputError(`tags: version ${version} of "${name}" would hold more than ${MAX_ENTRIES} metadata entries, SageMaker's limit`, {
          backend: b.backend,
          field: "tags",
        });
      }
      const removed = remove.filter((key) => key in (pkg.CustomerMetadataProperties ?? {}));
      await b.api.send(ctx, { operation: "UpdateModelPackage", subject: `version ${version} of model "${name}"` }, (o) =>
        b.api.client.send(
          new UpdateModelPackageCommand({
            ModelPackageArn: pkg.ModelPackageArn,
            ...(pkg.ModelApprovalStatus ? { ModelApprovalStatus: pkg.ModelApprovalStatus } : {}),
            ...(pkg.ApprovalDescription ? { ApprovalDescription: pkg.ApprovalDescription } : {}),
            CustomerMetadataProperties: metadata,
            ...(removed.length > 0 ? { CustomerMetadataPropertiesToRemove: removed } : {}),
          }),
          o,
        ),
      );
      const after = await describeVersion(b, name, groupArn, number, ctx, true);
      const have = after.CustomerMetadataProperties ?? {};
      const wrong = [...Object.entries(set).filter(([k, v]) => have[k] !== v).map(([k]) => k), ...remove.filter((k) => k in have)];
      if (wrong.length > 0) {
        throw new ConflictError(`version ${version} of "${name}" in ${b.identity.describe()} is not as written after changing tags ${wrong.join(", ")} (changed concurrently?)`, {
          backend: b.backend,
        });
      }
      const tags = await groupTags(b, name, groupArn, ctx);
      return toModelVersion(after, name, aliasesOf(tags.aliases, version), b.backend, b.logger);
    },
    ctx.signal,
    () => deadlineError(ctx, b.backend, doing),
  );
}
