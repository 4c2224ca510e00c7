/**
 * resolve(name, environment): the entry an application should run, with its generation config,
 * prompt and tool schemas inlined, the registry version to log on every call, and an ETag that
 * changes exactly when any of that changes.
 */
import { createHash } from "node:crypto";
import {
  InvalidInputError,
  NotFoundError,
  canonicalJson,
  isRegistryError,
  parseRef,
  type CallContext,
  type ModelVersion,
  type Prompt,
  type ReadOptions,
  type RegisteredModel,
  type Stage,
  type ToolSet,
} from "../core/index.js";
import type { Catalog } from "./catalog.js";

export interface EnvironmentSpec {
  stage: Stage;
}

export interface ResolvedEntry {
  name: string;
  environment: string;
  backendId: string;
  version: ModelVersion;
  /** "backend/name@version": what an application logs with every call it makes. */
  registryVersion: string;
  prompt?: Prompt;
  tools?: ToolSet;
  /** Strong ETag (quoted), a hash of everything above that an application consumes. */
  etag: string;
  /** How the version was chosen: by an alias named after the environment, or by stage. */
  selectedBy: "ALIAS" | "STAGE";
}

export interface ResolveArgs {
  /** "name" (searched in every backend) or "backend/name". */
  name: string;
  environment: string;
  asOf?: Date;
}

export class EntryResolver {
  constructor(
    private readonly catalog: Catalog,
    private readonly environments: Readonly<Record<string, EnvironmentSpec>>,
  ) {}

  environmentNames(): string[] {
    return Object.keys(this.environments);
  }

  async resolve(args: ResolveArgs, ctx: CallContext): Promise<ResolvedEntry> {
    const env = this.environments[args.environment];
    if (!env) {
      throw new InvalidInputError(
        `unknown environment "${args.environment}"; configured environments: ${this.environmentNames().join(", ")}`,
        { field: "environment" },
      );
    }
    const read: ReadOptions = args.asOf === undefined ? {} : { asOf: args.asOf };
    const model = await this.findModel(args.name, ctx, read);
    const adapter = this.catalog.backend(model.backendId);

    let version: ModelVersion | undefined;
    let selectedBy: ResolvedEntry["selectedBy"] = "STAGE";
    const aliased = model.aliases[args.environment];
    if (aliased !== undefined) {
      version = await adapter.getVersion(model.name, aliased, ctx, read);
      selectedBy = "ALIAS";
    } else {
      version = await this.newestInStage(model, env.stage, ctx, read);
    }
    if (!version) {
      throw new NotFoundError(
        `"${model.backendId}/${model.name}" has no version for environment "${args.environment}" ` +
          `(no alias "${args.environment}" and no version in stage ${env.stage})`,
        { backend: model.backendId, field: "environment" },
      );
    }

    const { prompt, tools, registryVersion, etag } = await this.inline(version, ctx, read);
    return {
      name: model.name,
      environment: args.environment,
      backendId: model.backendId,
      version,
      registryVersion,
      etag,
      selectedBy,
      ...(prompt ? { prompt } : {}),
      ...(tools ? { tools } : {}),
    };
  }

  /**
   * What an application consumes of one version: its prompt and tool schemas inlined, the registry
   * version to log, and an ETag over all of it (also used for each component of a deployment).
   */
  async inline(
    version: ModelVersion,
    ctx: CallContext,
    read: ReadOptions = {},
  ): Promise<{ prompt: Prompt | undefined; tools: ToolSet | undefined; registryVersion: string; etag: string }> {
    const adapter = this.catalog.backend(version.backendId);
    const gen = version.generationConfig;
    const [prompt, tools] = await Promise.all([
      gen?.promptRef && adapter.getPrompt ? this.fetchRef(gen.promptRef, (n, v) => adapter.getPrompt!(n, v, ctx, read)) : undefined,
      gen?.toolsRef && adapter.getToolSet ? this.fetchRef(gen.toolsRef, (n, v) => adapter.getToolSet!(n, v, ctx, read)) : undefined,
    ]);
    const registryVersion = `${version.backendId}/${version.modelName}@${version.version}`;
    const etag = `"${createHash("sha256")
      .update(
        canonicalJson({
          registryVersion,
          artifactUri: version.artifactUri ?? null,
          generationConfig: gen ?? null,
          prompt: prompt?.template ?? null,
          tools: tools?.tools ?? null,
          params: version.params,
        }),
      )
      .digest("base64url")
      .slice(0, 32)}"`;
    return { prompt, tools, registryVersion, etag };
  }

  private async fetchRef<T>(ref: string, get: (name: string, version: string) => Promise<T>): Promise<T | undefined> {
    const parsed = parseRef(ref);
    if (!parsed) return undefined;
    return get(parsed.name, parsed.version);
  }

  /** Finds a model by "backend/name", or by "name" across all backends (it must be unambiguous). */
  private async findModel(name: string, ctx: CallContext, read: ReadOptions): Promise<RegisteredModel> {
    const slash = name.indexOf("/");
    if (slash > 0 && this.catalog.has(name.slice(0, slash))) {
      return this.catalog.backend(name.slice(0, slash)).getModel(name.slice(slash + 1), ctx, read);
    }
    const ids = this.catalog.backendIds().filter((id) => read.asOf === undefined || this.catalog.backend(id).capabilities().asOf);
    const found = await Promise.all(
      ids.map(async (id) => {
        try {
          return await this.catalog.backend(id).getModel(name, ctx, read);
        } catch (err) {
          if (isRegistryError(err) && err.code === "NOT_FOUND") return undefined;
          throw err;
        }
      }),
    );
    const hits = found.filter((m): m is RegisteredModel => m !== undefined);
    if (hits.length === 0) throw new NotFoundError(`no model named "${name}" in any backend (${ids.join(", ")})`, { field: "name" });
    if (hits.length > 1) {
      throw new InvalidInputError(
        `"${name}" exists in several backends (${hits.map((m) => m.backendId).join(", ")}); name one as "<backend>/${name}"`,
        { field: "name" },
      );
    }
    return hits[0] as RegisteredModel;
  }

  private async newestInStage(model: RegisteredModel, stage: Stage, ctx: CallContext, read: ReadOptions): Promise<ModelVersion | undefined> {
    const adapter = this.catalog.backend(model.backendId);
    const candidates: ModelVersion[] = [];
    let after: string | undefined;
    do {
      const page = await adapter.listVersions(
        model.name,
        { first: adapter.capabilities().maxPageSize, filter: { stage }, ...(after ? { after } : {}), ...read },
        ctx,
      );
      candidates.push(...page.items);
      after = page.nextCursor;
    } while (after !== undefined);
    return candidates.sort(compareVersionsDesc)[0];
  }
}

/** Numeric versions compare as numbers; others by creation time, then as strings. */
export function compareVersionsDesc(a: ModelVersion, b: ModelVersion): number {
  const na = Number(a.version);
  const nb = Number(b.version);
  if (Number.isFinite(na) && Number.isFinite(nb)) return nb - na;
  const ta = a.createdAt?.getTime() ?? 0;
  const tb = b.createdAt?.getTime() ?? 0;
  if (ta !== tb) return tb - ta;
  return a.version < b.version ? 1 : a.version > b.version ? -1 : 0;
}
