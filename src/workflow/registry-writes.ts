/**
 * Writes to a backend made through the gateway, each recorded in the audit trail: who, what,
 * before and after, and whether it worked. A refused or failed write is recorded too.
 *
 * The backend write and the audit append cannot share one transaction (the backend is another
 * system); the event is appended right after the backend answers. The promotion workflow's outbox
 * (later) closes the remaining window for stage changes.
 */
import {
  UnsupportedError,
  isRegistryError,
  type CallContext,
  type CreateModelInput,
  type MetadataPatch,
  type ModelVersion,
  type RegisterVersionInput,
  type RegisteredModel,
} from "../core/index.js";
import type { Catalog } from "../catalog/catalog.js";
import type { AuditEventInput, Store } from "../store/store.js";
import { refuseFrozen } from "./lifecycle/archived-by-policy.js";
import type { PoliciesConfig } from "../config/schema.js";
import { aliasProtection, protectedAliasError } from "./lifecycle/protected-aliases.js";

export interface WriteLogger {
  error(obj: object, msg?: string): void;
}

export class RegistryWrites {
  constructor(
    private readonly catalog: Catalog,
    private readonly store: Store,
    private readonly logger: WriteLogger,
    /** Its protectedAliases move only through requests (./lifecycle/alias-moves.ts): direct moves are refused, for every caller. */
    private readonly policies?: PoliciesConfig,
  ) {}

  /** Throws the refusal (FORBIDDEN, naming the request path) when `alias` is protected. */
  checkAliasWritable(backendId: string, modelName: string, alias: string, version?: string): void {
    const protection = aliasProtection(this.policies, backendId, modelName, alias);
    if (protection !== undefined) throw protectedAliasError(protection, backendId, modelName, alias, version);
  }

  async registerVersion(backendId: string, input: RegisterVersionInput, ctx: CallContext, reason?: string): Promise<ModelVersion> {
    const adapter = this.catalog.backend(backendId);
    return this.audited(
      ctx,
      { action: "model_version.register", targetType: "model_version", target: `${backendId}/${input.modelName}`, backendId, modelName: input.modelName, reason },
      async () => {
        const created = await adapter.registerVersion(input, ctx, reason === undefined ? {} : { reason });
        return { result: created, after: versionSnapshot(created), target: `${backendId}/${created.modelName}@${created.version}` };
      },
    );
  }

  async setAlias(
    backendId: string,
    modelName: string,
    alias: string,
    version: string,
    ctx: CallContext,
    reason?: string,
  ): Promise<{ modelVersion: ModelVersion; previousVersion: string | null }> {
    const adapter = this.catalog.backend(backendId);
    return this.audited(
      ctx,
      { action: "alias.set", targetType: "alias", target: `${backendId}/${modelName}#${alias}`, backendId, modelName, reason },
      async () => {
        this.checkAliasWritable(backendId, modelName, alias, version);
        refuseFrozen(await adapter.getVersion(modelName, version, ctx), `get the alias ${alias}`, "version");
        const model = await adapter.getModel(modelName, ctx);
        const previous = model.aliases[alias];
        const moved = await adapter.setAlias(modelName, alias, version, ctx, reason === undefined ? {} : { reason });
        return {
          result: { modelVersion: moved, previousVersion: previous ?? null },
          before: previous === undefined ? null : { alias, version: previous },
          after: { alias, version: moved.version },
        };
      },
    );
  }

  /** Returns the version the alias pointed to. */
  async removeAlias(backendId: string, modelName: string, alias: string, ctx: CallContext, reason?: string): Promise<string | null> {
    const adapter = this.catalog.backend(backendId);
    return this.audited(
      ctx,
      { action: "alias.remove", targetType: "alias", target: `${backendId}/${modelName}#${alias}`, backendId, modelName, reason },
      async () => {
        this.checkAliasWritable(backendId, modelName, alias);
        const model = await adapter.getModel(modelName, ctx);
        const previous = model.aliases[alias];
        await adapter.removeAlias(modelName, alias, ctx, reason === undefined ? {} : { reason });
        return { result: previous ?? null, before: previous === undefined ? null : { alias, version: previous }, after: null };
      },
    );
  }

  /** Creates a model without versions (backends that can hold an empty model). */
  async createModel(backendId: string, input: CreateModelInput, ctx: CallContext, reason?: string): Promise<RegisteredModel> {
    const adapter = this.catalog.backend(backendId);
    const create = adapter.createModel?.bind(adapter);
    return this.audited(
      ctx,
      { action: "model.create", targetType: "model", target: `${backendId}/${input.name}`, backendId, modelName: input.name, reason },
      async () => {
        if (!create) throw unsupported(backendId, adapter.info.kind, "create a model without a version (register its first version instead)");
        const created = await create(input, ctx, reason === undefined ? {} : { reason });
        return { result: created, after: modelSnapshot(created) };
      },
    );
  }

  /** Changes a model's description and tags. */
  async updateModel(backendId: string, name: string, patch: MetadataPatch, ctx: CallContext, reason?: string): Promise<RegisteredModel> {
    const adapter = this.catalog.backend(backendId);
    const update = adapter.updateModel?.bind(adapter);
    return this.audited(
      ctx,
      { action: "model.update", targetType: "model", target: `${backendId}/${name}`, backendId, modelName: name, reason },
      async () => {
        if (!update) throw unsupported(backendId, adapter.info.kind, "change a model's description or tags");
        const before = await adapter.getModel(name, ctx);
        const after = await update(name, patch, ctx, reason === undefined ? {} : { reason });
        return { result: after, before: modelSnapshot(before), after: modelSnapshot(after) };
      },
    );
  }

  /** Changes a version's description and tags. */
  async updateVersion(backendId: string, modelName: string, version: string, patch: MetadataPatch, ctx: CallContext, reason?: string): Promise<ModelVersion> {
    const adapter = this.catalog.backend(backendId);
    const update = adapter.updateVersion?.bind(adapter);
    return this.audited(
      ctx,
      {
        action: "model_version.update",
        targetType: "model_version",
        target: `${backendId}/${modelName}@${version}`,
        backendId,
        modelName,
        reason,
      },
      async () => {
        if (!update) throw unsupported(backendId, adapter.info.kind, "change a version's description or tags");
        const before = await adapter.getVersion(modelName, version, ctx);
        refuseFrozen(before, "change its description or tags", "version");
        const after = await update(modelName, version, patch, ctx, reason === undefined ? {} : { reason });
        return { result: after, before: versionMetadata(before), after: versionMetadata(after) };
      },
    );
  }

  /** Renames a model, where the backend can. */
  async renameModel(backendId: string, name: string, newName: string, ctx: CallContext, reason?: string): Promise<RegisteredModel> {
    const adapter = this.catalog.backend(backendId);
    const rename = adapter.renameModel?.bind(adapter);
    return this.audited(
      ctx,
      { action: "model.rename", targetType: "model", target: `${backendId}/${name}`, backendId, modelName: name, reason },
      async () => {
        if (!rename) throw unsupported(backendId, adapter.info.kind, "rename a model");
        const renamed = await rename(name, newName, ctx, reason === undefined ? {} : { reason });
        return { result: renamed, before: { name }, after: { name: renamed.name } };
      },
    );
  }

  private async audited<T>(
    ctx: CallContext,
    base: Omit<AuditEventInput, "actor" | "outcome" | "reason"> & { reason: string | undefined },
    write: () => Promise<{ result: T; before?: unknown; after?: unknown; target?: string }>,
  ): Promise<T> {
    const { reason, ...rest } = base;
    const common = {
      ...rest,
      actor: ctx.actor.id,
      ...(reason === undefined ? {} : { reason }),
      ...(ctx.requestId === undefined ? {} : { requestId: ctx.requestId }),
    };
    let outcome: Awaited<ReturnType<typeof write>>;
    try {
      outcome = await write();
    } catch (err) {
      if (isRegistryError(err)) {
        await this.append({ ...common, outcome: "FAILURE", error: `${err.code}: ${err.message}` });
      }
      throw err;
    }
    await this.append({
      ...common,
      ...(outcome.target === undefined ? {} : { target: outcome.target }),
      before: outcome.before ?? null,
      after: outcome.after ?? null,
      outcome: "SUCCESS",
    });
    return outcome.result;
  }

  private async append(event: AuditEventInput): Promise<void> {
    try {
      await this.store.appendAudit(event);
    } catch (err) {
      // The backend already changed: say so loudly, with everything needed to restore the record.
      this.logger.error({ err, event }, "audit append failed after a backend write");
      throw err;
    }
  }
}

function unsupported(backendId: string, kind: string, what: string): UnsupportedError {
  return new UnsupportedError(`backend "${backendId}" (${kind}) cannot ${what}`, { backend: backendId });
}

/** What the trail keeps of a model. */
export function modelSnapshot(m: RegisteredModel): Record<string, unknown> {
  return { name: m.name, description: m.description ?? null, tags: m.tags };
}

function versionMetadata(v: ModelVersion): Record<string, unknown> {
  return { version: v.version, description: v.description ?? null, tags: v.tags };
}

/** What the trail keeps of a version: enough to see what changed, without large blobs. */
export function versionSnapshot(v: ModelVersion): Record<string, unknown> {
  return {
    version: v.version,
    stage: v.stage,
    artifactUri: v.artifactUri ?? null,
    generationConfig: v.generationConfig ?? null,
    tags: v.tags,
    aliases: v.aliases,
  };
}
