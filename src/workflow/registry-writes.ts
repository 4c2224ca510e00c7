/**
 * Writes to a backend made through the gateway, each recorded in the audit trail: who, what,
 * before and after, and whether it worked. A refused or failed write is recorded too.
 *
 * The backend write and the audit append cannot share one transaction (the backend is another
 * system); the event is appended right after the backend answers. The promotion workflow's outbox
 * (later) closes the remaining window for stage changes.
 */
import {
  isRegistryError,
  type CallContext,
  type ModelVersion,
  type RegisterVersionInput,
} from "../core/index.js";
import type { Catalog } from "../catalog/catalog.js";
import type { AuditEventInput, Store } from "../store/store.js";

export interface WriteLogger {
  error(obj: object, msg?: string): void;
}

export class RegistryWrites {
  constructor(
    private readonly catalog: Catalog,
    private readonly store: Store,
    private readonly logger: WriteLogger,
  ) {}

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
        const model = await adapter.getModel(modelName, ctx);
        const previous = model.aliases[alias];
        await adapter.removeAlias(modelName, alias, ctx, reason === undefined ? {} : { reason });
        return { result: previous ?? null, before: previous === undefined ? null : { alias, version: previous }, after: null };
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
