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
import type { DriftKind } from "../store/workflow-store.js";
import type { Catalog } from "./catalog.js";

export interface EnvironmentSpec {
  stage: Stage;
  /** What resolve serves when the backend and the promotion trail disagree (default backend). */
  resolveFrom?: "backend" | "trail" | undefined;
}

/** A disagreement between a backend and the promotion trail, as the read paths show it. */
export interface DriftFlag {
  kind: DriftKind;
  /** The version it concerns. */
  version: string;
  /** The stage the trail last put the version in; null when it never staged it. */
  trailStage: Stage | null;
  /** The stage the backend reports; null when the version is gone. */
  backendStage: Stage | null;
  message: string;
  /** When a drift check recorded it (the audit event's time); null until one has. */
  detectedAt: Date | null;
}

/** What the promotion trail says of one model in one environment (implemented in src/workflow). */
export interface TrailView {
  /** The version the trail last approved into the environment's stage (and did not move out since). */
  trailVersion: string | undefined;
  /**
   * The drift between the backend's version for the environment (undefined: it has none) and the
   * trail; `trailVersionStage` is the backend's stage of `trailVersion` when it was read. null when
   * they agree.
   */
  compare(backendChoice: { version: string; stage: Stage } | undefined, trailVersionStage?: Stage | null): Promise<DriftFlag | null>;
}

export interface ResolveTrail {
  view(backendId: string, model: string, stage: Stage, asOf: Date | undefined): Promise<TrailView>;
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
  /** How the version was chosen: by an alias named after the environment, by stage, or by the promotion trail (resolveFrom: trail). */
  selectedBy: "ALIAS" | "STAGE" | "TRAIL";
  /** Where the served version comes from: the environment's resolveFrom. */
  servedFrom: "BACKEND" | "TRAIL";
  /** The version the backend has for the environment (alias, else newest in the stage); null when none. */
  backendVersion: string | null;
  /** The version the promotion trail last approved into the environment's stage; null when none. */
  trailVersion: string | null;
  /** Set when the backend and the trail disagree about this environment; null when they agree. */
  drift: DriftFlag | null;
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
    /** Compares with the promotion trail (flags, resolveFrom: trail); without it every answer comes from the backend, unflagged. */
    private readonly trail?: ResolveTrail,
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

    let chosen: ModelVersion | undefined;
    let selectedBy: ResolvedEntry["selectedBy"] = "STAGE";
    const aliased = model.aliases[args.environment];
    if (aliased !== undefined) {
      chosen = await adapter.getVersion(model.name, aliased, ctx, read);
      selectedBy = "ALIAS";
    } else {
      chosen = await this.newestInStage(model, env.stage, ctx, read);
    }
    const view = this.trail === undefined ? undefined : await this.trail.view(model.backendId, model.name, env.stage, args.asOf);
    const subject = `"${model.backendId}/${model.name}"`;
    let version = chosen;
    let servedFrom: ResolvedEntry["servedFrom"] = "BACKEND";
    if (view !== undefined && env.resolveFrom === "trail") {
      if (view.trailVersion === undefined) {
        throw new NotFoundError(
          `${subject} has no version the promotion trail approved into ${env.stage} for environment "${args.environment}" (resolveFrom: trail)` +
            (chosen === undefined ? "" : `; the backend has ${chosen.version}, which the trail never approved there`),
          { backend: model.backendId, field: "environment" },
        );
      }
      version = chosen?.version === view.trailVersion ? chosen : await this.trailVersion(model, view.trailVersion, ctx, read);
      servedFrom = "TRAIL";
      selectedBy = "TRAIL";
    }
    if (!version) {
      throw new NotFoundError(
        `${subject} has no version for environment "${args.environment}" ` + `(no alias "${args.environment}" and no version in stage ${env.stage})`,
        { backend: model.backendId, field: "environment" },
      );
    }
    const drift = view === undefined ? null : await view.compare(chosen, servedFrom === "TRAIL" ? version.stage : undefined);

    const { prompt, tools, registryVersion, etag } = await this.inline(version, ctx, read);
    return {
      name: model.name,
      environment: args.environment,
      backendId: model.backendId,
      version,
      registryVersion,
      // The answer carries the flag: an application polling with If-None-Match sees it change.
      etag: drift === null ? etag : flaggedEtag(etag, drift),
      selectedBy,
      servedFrom,
      backendVersion: chosen?.version ?? null,
      trailVersion: view?.trailVersion ?? null,
      drift,
      ...(prompt ? { prompt } : {}),
      ...(tools ? { tools } : {}),
    };
  }

  /** The version the trail approved, as the backend has it (it may have been deleted there since). */
  private async trailVersion(model: RegisteredModel, version: string, ctx: CallContext, read: ReadOptions): Promise<ModelVersion> {
    try {
      return await this.catalog.backend(model.backendId).getVersion(model.name, version, ctx, read);
    } catch (err) {
      if (!(isRegistryError(err) && err.code === "NOT_FOUND")) throw err;
      throw new NotFoundError(
        `"${model.backendId}/${model.name}@${version}", the version the promotion trail approved, no longer exists in the backend (resolveFrom: trail)`,
        { backend: model.backendId, field: "environment" },
      );
    }
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

/** An entry's ETag when the answer is flagged: the flag is part of what the application receives. */
function flaggedEtag(etag: string, drift: DriftFlag): string {
  const flag = { kind: drift.kind, version: drift.version, trailStage: drift.trailStage, backendStage: drift.backendStage, detectedAt: drift.detectedAt?.toISOString() ?? null };
  const hash = createHash("sha256").update(canonicalJson({ etag, drift: flag })).digest("base64url").slice(0, 32);
  return `"${hash}"`;
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
