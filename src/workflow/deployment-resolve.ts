/**
 * resolve(name, environment) for deployments: the bundle an application runs, with each
 * component's backend, version, artifact URI or generation config (prompt and tool schemas
 * inlined), its weight and whether it serves, and the revision's content hash as ETag. The
 * registry version to log on every call is "name@environment#revision".
 *
 * Drift of a component is the one drift checks recorded (store only, so that a 304 reads no backend):
 * the revision itself approved its components into the environment when it entered it.
 *
 * A name resolves to a deployment when a deployment of that name has a revision running in the
 * environment (at `asOf`, from the activation history); "backend/name" always means a model.
 */
import type { CallContext, ModelVersion, Prompt, ToolSet } from "../core/index.js";
import type { Catalog } from "../catalog/catalog.js";
import type { DriftFlag, EntryResolver } from "../catalog/resolve-entry.js";
import { componentsHash, type DeploymentComponent, type DeploymentRecord, type DeploymentRevisionRecord } from "../store/deployment-store.js";
import type { Store } from "../store/store.js";
import type { DeploymentState } from "./deployment-state.js";
import { flagOfObservation } from "./drift-flags.js";
import { openSplit } from "./lifecycle/rollouts.js";

export interface ResolvedComponent {
  role: string;
  weight: number;
  shadow: boolean;
  /** A non-shadow component with a weight above 0. */
  serving: boolean;
  backendId: string;
  version: ModelVersion;
  registryVersion: string;
  prompt?: Prompt;
  tools?: ToolSet;
  /** The drift a drift check recorded for this version and has not seen resolved; null when none. */
  drift: DriftFlag | null;
}

export interface ResolvedDeployment {
  name: string;
  environment: string;
  deployment: DeploymentRecord;
  revision: DeploymentRevisionRecord;
  /** "name@environment#revision": what an application logs with every call it makes. */
  registryVersion: string;
  /** Strong ETag: the revision's content hash, quoted. */
  etag: string;
  components: ResolvedComponent[];
  /** A guarded rollout under way: components are the split it serves at its current step. */
  rollout?: RolloutSplit;
  /** The first component's drift (serving components first); null when none has one. */
  drift: DriftFlag | null;
}

/** A guarded rollout under way: the split of the new revision and the one it replaces that resolve serves (docs/lifecycle.md#guarded-rollouts). */
export interface RolloutSplit {
  /** 0-based index of the running step. */
  step: number;
  /** The new revision's share of each role's traffic, in percent. */
  weight: number;
  fromRevision: DeploymentRevisionRecord;
  /** What is served: the two revisions' components at the step's weights. */
  components: DeploymentComponent[];
  /** The content hash of `components`: the ETag, which changes with every step. */
  contentHash: string;
}

type Found = { deployment: DeploymentRecord; revision: DeploymentRevisionRecord; rollout?: RolloutSplit };

/** The components an answer serves: a rollout's split, else the revision's own. */
export function servedOf(found: Found): readonly DeploymentComponent[] {
  return found.rollout?.components ?? found.revision.components;
}

/** "name@environment#revision": the registry version an application logs for a deployment. */
export function deploymentRegistryVersion({ deployment, revision }: Found): string {
  return `${deployment.name}@${deployment.environment}#${revision.number}`;
}

/** A deployment's strong ETag: its running revision's content hash, quoted (known from the store alone). */
export function deploymentEtag({ revision, rollout }: Found): string {
  return `"${rollout?.contentHash ?? revision.contentHash}"`;
}

/** How long a cached answer may be used without a wake-up having confirmed nothing changed (a lost NOTIFY's worst case). */
export const FIND_CACHE_TTL_MS = 5_000;
const FIND_CACHE_MAX = 10_000;

export class DeploymentResolver {
  /**
   * Which revision runs, per (name, environment), for `find` without asOf. Every change to
   * deployments appends an audit event, so the cache is dropped whenever any transaction that
   * appended commits: in this process at once, on other replicas (PostgreSQL) when their
   * LISTEN/NOTIFY wake-up arrives; the TTL bounds staleness should a wake-up be lost.
   */
  readonly #cache = new Map<string, { found: Found | undefined; at: number }>();
  /** The recorded drift of each running revision's components, kept the same way (drift checks append an audit event). */
  readonly #drifts = new Map<string, { drifts: (DriftFlag | null)[]; at: number }>();
  #generation = 0;

  constructor(
    private readonly catalog: Catalog,
    private readonly store: Store,
    private readonly entries: EntryResolver,
    private readonly state: DeploymentState,
    private readonly now: () => number = () => performance.now(),
  ) {
    store.onAuditAppended(() => {
      this.#generation += 1;
      this.#cache.clear();
      this.#drifts.clear();
    });
  }

  /** The running revision of deployment `name` in `environment`, or undefined when none runs (or the name is "backend/model"). */
  async find(name: string, environment: string, asOf?: Date): Promise<Found | undefined> {
    const slash = name.indexOf("/");
    if (slash > 0 && this.catalog.has(name.slice(0, slash))) return undefined;
    if (asOf !== undefined) return this.#read(name, environment, asOf);
    const key = JSON.stringify([name, environment]);
    const hit = this.#cache.get(key);
    if (hit !== undefined && this.now() - hit.at < FIND_CACHE_TTL_MS) return hit.found;
    const generation = this.#generation;
    const found = await this.#read(name, environment, undefined);
    // An append committed while reading: the answer may predate it, so it is not kept.
    if (generation === this.#generation) {
      if (this.#cache.size >= FIND_CACHE_MAX) this.#cache.clear();
      this.#cache.set(key, { found, at: this.now() });
    }
    return found;
  }

  async #read(name: string, environment: string, asOf: Date | undefined): Promise<Found | undefined> {
    const deployment = await this.store.deployments.getDeployment(name, environment);
    if (deployment === undefined) return undefined;
    const revision = await this.state.currentRevision(deployment, asOf);
    if (revision === undefined) return undefined;
    // asOf answers name the revision that ran then, at its own weights (the trail keeps every step).
    const split = asOf === undefined ? await openSplit(this.store, deployment, revision) : undefined;
    if (split === undefined) return { deployment, revision };
    const rollout: RolloutSplit = {
      step: split.rollout.step,
      weight: split.weight,
      fromRevision: split.fromRevision,
      components: split.components,
      contentHash: componentsHash(split.components),
    };
    return { deployment, revision, rollout };
  }

  /**
   * The drift of each component of the running revision, from the observations drift checks
   * recorded (store only: a 304 reads no backend); none for asOf answers.
   */
  async componentDrifts(found: Found, asOf?: Date): Promise<(DriftFlag | null)[]> {
    const served = servedOf(found);
    if (asOf !== undefined) return served.map(() => null);
    const cacheKey = found.rollout?.contentHash ?? found.revision.id;
    const hit = this.#drifts.get(cacheKey);
    if (hit !== undefined && this.now() - hit.at < FIND_CACHE_TTL_MS) return hit.drifts;
    const generation = this.#generation;
    const drifts = await Promise.all(
      served.map(async (c) => {
        const [o] = await this.store.workflow.listOpenDrifts(c.backendId, c.modelName, c.version);
        return o === undefined ? null : flagOfObservation(o);
      }),
    );
    if (generation === this.#generation) {
      if (this.#drifts.size >= FIND_CACHE_MAX) this.#drifts.clear();
      this.#drifts.set(cacheKey, { drifts, at: this.now() });
    }
    return drifts;
  }

  /** The drift an answer for the running revision carries: the first serving component's, else the first shadow's. */
  async driftOf(found: Found, asOf?: Date): Promise<DriftFlag | null> {
    const drifts = await this.componentDrifts(found, asOf);
    return firstDrift(servedOf(found), drifts);
  }

  async resolve(found: Found, ctx: CallContext, asOf?: Date): Promise<ResolvedDeployment> {
    const { deployment, revision } = found;
    const served = servedOf(found);
    const read = asOf === undefined ? {} : { asOf };
    const drifts = await this.componentDrifts(found, asOf);
    const components = await Promise.all(
      served.map(async (c, i): Promise<ResolvedComponent> => {
        const adapter = this.catalog.backend(c.backendId);
        const version = await adapter.getVersion(c.modelName, c.version, ctx, adapter.capabilities().asOf ? read : {});
        const inlined = await this.entries.inline(version, ctx, adapter.capabilities().asOf ? read : {});
        return {
          role: c.role,
          weight: c.weight,
          shadow: c.shadow,
          serving: !c.shadow && c.weight > 0,
          backendId: c.backendId,
          version,
          registryVersion: inlined.registryVersion,
          ...(inlined.prompt === undefined ? {} : { prompt: inlined.prompt }),
          ...(inlined.tools === undefined ? {} : { tools: inlined.tools }),
          drift: drifts[i] ?? null,
        };
      }),
    );
    return {
      name: deployment.name,
      environment: deployment.environment,
      deployment,
      revision,
      registryVersion: deploymentRegistryVersion(found),
      etag: deploymentEtag(found),
      components,
      ...(found.rollout === undefined ? {} : { rollout: found.rollout }),
      drift: firstDrift(served, drifts),
    };
  }
}

function firstDrift(components: readonly DeploymentComponent[], drifts: readonly (DriftFlag | null)[]): DriftFlag | null {
  const serving = components.findIndex((c, i) => !c.shadow && drifts[i] != null);
  const at = serving >= 0 ? serving : drifts.findIndex((d) => d != null);
  return at < 0 ? null : (drifts[at] ?? null);
}
