/**
 * Setting and removing aliases: group tags `modelgate:alias:<name>` (see group-tags.ts). Writes of
 * one group are serialised in this adapter, and each is read back: a tag that does not say what
 * was written means another writer moved the alias meanwhile (CONFLICT).
 */
import { AddTagsCommand, DeleteTagsCommand } from "@aws-sdk/client-sagemaker";
import { ConflictError, NotFoundError, deadlineError, ensureCallActive, type CallContext, type ModelVersion } from "../../src/core/index.js";
import type { BackendContext } from "./backend-context.js";
import { aliasTagKey, aliasesOf, validateAlias } from "./group-tags.js";
import { describeGroup, groupTags } from "./model-reads.js";
import { toModelVersion } from "./to-domain.js";
import { groupAndVersion } from "./version-reads.js";

export async function setAlias(b: BackendContext, name: string, alias: string, version: string, ctx: CallContext): Promise<ModelVersion> {
  const doing = `setting alias "${alias}" of "${name}"`;
  ensureCallActive(ctx, b.backend, doing);
  validateAlias(alias, b.backend);
  return b.locks.run(
    `alias:${name}`,
    async () => {
      const { groupArn, pkg } = await groupAndVersion(b, name, version, ctx);
      const value = String(pkg.ModelPackageVersion);
      await b.api.send(ctx, { operation: "AddTags", subject: `alias "${alias}" of model "${name}"` }, (o) =>
        b.api.client.send(new AddTagsCommand({ ResourceArn: groupArn, Tags: [{ Key: aliasTagKey(alias), Value: value }] }), o),
      );
      b.cache.drop(ctx, `tags:${groupArn}`);
      const tags = await groupTags(b, name, groupArn, ctx);
      const now = tags.aliases[alias];
      if (now !== value) {
        throw new ConflictError(
          `alias "${alias}" of "${name}" points at ${now === undefined ? "nothing" : `version ${now}`} after it was set to version ${value}: another writer moved it meanwhile`,
          { backend: b.backend, field: "alias" },
        );
      }
      return toModelVersion(pkg, name, aliasesOf(tags.aliases, value), b.backend, b.logger);
    },
    ctx.signal,
    () => deadlineError(ctx, b.backend, doing),
  );
}

export async function removeAlias(b: BackendContext, name: string, alias: string, ctx: CallContext): Promise<void> {
  const doing = `removing alias "${alias}" of "${name}"`;
  ensureCallActive(ctx, b.backend, doing);
  return b.locks.run(
    `alias:${name}`,
    async () => {
      const group = await describeGroup(b, name, ctx);
      const groupArn = group.ModelPackageGroupArn as string;
      const before = await groupTags(b, name, groupArn, ctx);
      if (before.aliases[alias] === undefined) {
        throw new NotFoundError(`model "${name}" has no alias "${alias}" in ${b.identity.describe()}`, { backend: b.backend, field: "alias" });
      }
      await b.api.send(ctx, { operation: "DeleteTags", subject: `alias "${alias}" of model "${name}"` }, (o) =>
        b.api.client.send(new DeleteTagsCommand({ ResourceArn: groupArn, TagKeys: [aliasTagKey(alias)] }), o),
      );
      b.cache.drop(ctx, `tags:${groupArn}`);
      const after = await groupTags(b, name, groupArn, ctx);
      if (after.aliases[alias] !== undefined) {
        throw new ConflictError(`alias "${alias}" of "${name}" points at version ${after.aliases[alias]} after it was removed: another writer set it meanwhile`, {
          backend: b.backend,
          field: "alias",
        });
      }
    },
    ctx.signal,
    () => deadlineError(ctx, b.backend, doing),
  );
}
