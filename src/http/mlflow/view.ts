/**
 * One backend as an MLflow registry, for the duration of one request: reads through the catalog
 * (the same resilient adapters the GraphQL API uses), MLflow's not-found messages, and what MLflow
 * derives that the gateway keeps differently:
 *
 * - **aliases named after an environment** (`production`, `staging`): a backend alias of that name
 *   wins; otherwise the alias points at the newest version in the environment's stage, the version
 *   `resolve(name, environment)` picks. So `models:/name@production` loads the same version on
 *   every backend, whether the backend keeps stages as aliases (MLflow), approval statuses
 *   (SageMaker), labels (Vertex AI) or a status field (git-YAML).
 * - **latest_versions**: the newest version per MLflow stage, from the gateway stage.
 */
import { isRegistryError, type CallContext, type ModelVersion, type RegisteredModel, type Stage } from "../../core/index.js";
import type { GatewayServices } from "../../app/services.js";
import type { ResilientAdapter } from "../../catalog/resilient-adapter.js";
import { MlflowApiError } from "./errors.js";
import { mlflowStageOf, toWireModel, toWireVersion, type MlflowStage, type WireModelVersion, type WireRegisteredModel } from "./wire.js";

/** Versions in ascending order: numbers as numbers, then by creation time, then by name. */
export function compareVersions(a: ModelVersion, b: ModelVersion): number {
  const na = /^\d+$/.test(a.version) ? Number(a.version) : undefined;
  const nb = /^\d+$/.test(b.version) ? Number(b.version) : undefined;
  if (na !== undefined && nb !== undefined) return na - nb;
  if (na !== undefined) return 1;
  if (nb !== undefined) return -1;
  const ta = a.createdAt?.getTime() ?? 0;
  const tb = b.createdAt?.getTime() ?? 0;
  if (ta !== tb) return ta - tb;
  return a.version < b.version ? -1 : a.version > b.version ? 1 : 0;
}

function newest(versions: readonly ModelVersion[]): ModelVersion | undefined {
  return versions.reduce<ModelVersion | undefined>((best, v) => (best === undefined || compareVersions(v, best) > 0 ? v : best), undefined);
}

export function modelNotFound(name: string): MlflowApiError {
  return new MlflowApiError("RESOURCE_DOES_NOT_EXIST", `Registered Model with name=${name} not found`);
}

export function versionNotFound(name: string, version: string): MlflowApiError {
  return new MlflowApiError("RESOURCE_DOES_NOT_EXIST", `Model Version (name=${name}, version=${version}) not found`);
}

const isNotFound = (err: unknown): boolean => isRegistryError(err) && err.code === "NOT_FOUND";

export class RegistryView {
  readonly adapter: ResilientAdapter;
  readonly #versions = new Map<string, Promise<ModelVersion[]>>();

  constructor(
    readonly services: GatewayServices,
    readonly backendId: string,
    readonly call: CallContext,
    private readonly maxVersions: number,
  ) {
    this.adapter = services.catalog.backend(backendId);
  }

  get environments(): Readonly<Record<string, { stage: Stage }>> {
    return this.services.config.environments;
  }

  async model(name: string): Promise<RegisteredModel> {
    try {
      return await this.adapter.getModel(name, this.call);
    } catch (err) {
      if (isNotFound(err)) throw modelNotFound(name);
      throw err;
    }
  }

  /** The model, or undefined when it does not exist. */
  async findModel(name: string): Promise<RegisteredModel | undefined> {
    try {
      return await this.adapter.getModel(name, this.call);
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  async version(name: string, version: string): Promise<ModelVersion> {
    try {
      return await this.adapter.getVersion(name, version, this.call);
    } catch (err) {
      if (isNotFound(err)) throw versionNotFound(name, version);
      throw err;
    }
  }

  /** Every version of a model (at most `maxVersions`), ascending; read once per request. */
  versions(name: string): Promise<ModelVersion[]> {
    let loading = this.#versions.get(name);
    if (loading === undefined) {
      loading = this.#readVersions(name);
      this.#versions.set(name, loading);
    }
    return loading;
  }

  /** The newest version in a stage: from the versions already read, else a listing filtered by stage. */
  async #newestInStage(name: string, stage: Stage): Promise<ModelVersion | undefined> {
    const all = this.#versions.get(name);
    const versions = all !== undefined ? (await all).filter((v) => v.stage === stage) : await this.#readVersions(name, stage);
    return newest(versions);
  }

  async #readVersions(name: string, stage?: Stage): Promise<ModelVersion[]> {
    const out: ModelVersion[] = [];
    let after: string | undefined;
    try {
      for (;;) {
        const page = await this.services.catalog.listVersions(
          this.backendId,
          name,
          {
            first: Math.min(100, this.maxVersions - out.length),
            ...(stage === undefined ? {} : { filter: { stage } }),
            ...(after === undefined ? {} : { after }),
          },
          this.call,
        );
        out.push(...page.edges.map((e) => e.item));
        if (!page.hasNextPage || out.length >= this.maxVersions) break;
        after = page.endCursor;
      }
    } catch (err) {
      if (isNotFound(err)) throw modelNotFound(name);
      throw err;
    }
    return out.sort(compareVersions);
  }

  /**
   * Environment aliases the backend does not hold itself: environment -> newest version in its
   * stage. Where the backend keeps the stage as an alias (MLflow), that alias's holder is the answer,
   * with no listing.
   */
  async derivedAliases(model: RegisteredModel): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    const stageAliases = this.adapter.capabilities().stageAliases ?? {};
    for (const [env, spec] of Object.entries(this.environments)) {
      if (model.aliases[env] !== undefined) continue;
      const stageAlias = stageAliases[spec.stage];
      const found = stageAlias !== undefined ? model.aliases[stageAlias] : (await this.#newestInStage(model.name, spec.stage))?.version;
      if (found !== undefined) out[env] = found;
    }
    return out;
  }

  /** The backend's aliases and the derived environment aliases: alias -> version. */
  async aliases(model: RegisteredModel): Promise<Record<string, string>> {
    return { ...(await this.derivedAliases(model)), ...model.aliases };
  }

  async aliasesOfVersion(model: RegisteredModel, version: string): Promise<string[]> {
    const all = await this.aliases(model);
    return Object.keys(all).filter((a) => all[a] === version);
  }

  /** The version an alias names: a backend alias, else an environment's newest version in its stage. */
  async versionByAlias(name: string, alias: string): Promise<ModelVersion | undefined> {
    const model = await this.model(name);
    const target = (await this.aliases(model))[alias];
    return target === undefined ? undefined : this.version(name, target);
  }

  /** The newest version in each of `stages` (every MLflow stage when empty), in MLflow's stage order. */
  async latestVersions(name: string, stages: readonly MlflowStage[]): Promise<ModelVersion[]> {
    const versions = await this.versions(name);
    const wanted = stages.length === 0 ? undefined : new Set(stages);
    const byStage = new Map<MlflowStage, ModelVersion>();
    for (const v of versions) {
      const stage = mlflowStageOf(v.stage);
      if (wanted !== undefined && !wanted.has(stage)) continue;
      const best = byStage.get(stage);
      if (best === undefined || compareVersions(v, best) > 0) byStage.set(stage, v);
    }
    return [...byStage.values()].sort(compareVersions);
  }

  async wireModel(model: RegisteredModel): Promise<WireRegisteredModel> {
    // Every version is read for latest_versions; the environment aliases then come from that same read.
    const latest = await this.latestVersions(model.name, []);
    const aliases = await this.aliases(model);
    return toWireModel(model, aliases, latest.map((v) => toWireVersion(v, undefined)));
  }

  /** A version with its aliases, as get and get-by-alias answer it. */
  async wireVersion(v: ModelVersion): Promise<WireModelVersion> {
    const model = await this.model(v.modelName);
    return toWireVersion(v, await this.aliasesOfVersion(model, v.version));
  }
}
