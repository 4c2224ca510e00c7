/**
 * A reverse index over every version in every backend and every deployment in the store: which
 * versions were trained on a dataset, built from a commit or produced by a run, which versions name
 * a version as their parent or teacher, and which deployments bundle it. Lineage walks downstream
 * and impact queries need it; building it lists every model of every backend and every version of
 * each model (docs/provenance.md#cost), so it is built at most once per API request.
 */
import { Semaphore, isRegistryError, type BackendInfo, type CallContext, type ModelVersion } from "../../core/index.js";
import type { Catalog } from "../../catalog/catalog.js";
import type { DeploymentComponent, DeploymentRecord, DeploymentRevisionRecord } from "../../store/deployment-store.js";
import type { Store } from "../../store/store.js";
import { versionKey } from "./references.js";
import { resolveReference, type Resolution, type VersionLookup } from "./resolution.js";

/** Model listings (per backend) and version listings run at once while scanning. */
export const SCAN_CONCURRENCY = 8;

export interface Bundling {
  deployment: DeploymentRecord;
  revision: DeploymentRevisionRecord;
  component: DeploymentComponent;
  /** The revision runs in its environment now (else it is the deployment's newest revision, not active). */
  running: boolean;
}

export interface DeploymentEntry {
  deployment: DeploymentRecord;
  /** The revision running now, if any. */
  current?: DeploymentRevisionRecord;
  /** The newest revision, when it is not the current one. */
  latest?: DeploymentRevisionRecord;
}

export interface Derivation {
  /** The derived version's key. */
  child: string;
  kind: "FINE_TUNED_FROM" | "DISTILLED_FROM";
}

export interface BackendFailure {
  backendId: string;
  /** The registry error code (UNAVAILABLE, DEADLINE_EXCEEDED, ...). */
  code: string;
  message: string;
}

const push = <K, V>(map: Map<K, V[]>, key: K, value: V) => {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
};

export class FleetIndex implements VersionLookup {
  readonly versions = new Map<string, ModelVersion>();
  readonly byDataset = new Map<string, string[]>();
  readonly byCommit = new Map<string, string[]>();
  /** "backend/runId" -> versions. */
  readonly byRun = new Map<string, string[]>();
  /** parent or teacher version key -> derived versions. */
  readonly children = new Map<string, Derivation[]>();
  /** Reference text that resolved nowhere -> derived versions naming it. */
  readonly danglingChildren = new Map<string, Derivation[]>();
  /** "backend/name" -> alias -> version. */
  readonly aliases = new Map<string, Map<string, string>>();
  readonly bundles = new Map<string, Bundling[]>();
  readonly deployments: DeploymentEntry[] = [];
  readonly failedBackends: BackendFailure[] = [];
  /** How each version's parent and teacher resolved, by version key. */
  readonly resolved = new Map<string, { parent?: Resolution; teacher?: Resolution }>();

  private constructor(private readonly backends: readonly BackendInfo[]) {}

  static async build(catalog: Catalog, store: Store, ctx: CallContext): Promise<FleetIndex> {
    const backends = catalog.adapters.map((a) => a.info);
    const index = new FleetIndex(backends);
    const [versions] = await Promise.all([scanVersions(catalog, ctx, index.failedBackends), index.#scanDeployments(store)]);
    for (const v of versions) index.#add(v);
    for (const v of versions) await index.#link(v);
    return index;
  }

  find(backendId: string, name: string, versionOrAlias: string): Promise<ModelVersion | undefined> {
    if (this.failedBackends.some((f) => f.backendId === backendId)) {
      return Promise.reject(new Error(`backend ${backendId} could not be listed`));
    }
    const direct = this.versions.get(versionKey({ backendId, modelName: name, version: versionOrAlias }));
    if (direct !== undefined) return Promise.resolve(direct);
    const aliased = this.aliases.get(`${backendId}/${name}`)?.get(versionOrAlias);
    return Promise.resolve(aliased === undefined ? undefined : this.versions.get(versionKey({ backendId, modelName: name, version: aliased })));
  }

  modelNamedIgnoringCase(backendId: string, name: string): Promise<string | undefined> {
    if (this.failedBackends.some((f) => f.backendId === backendId)) {
      return Promise.reject(new Error(`backend ${backendId} could not be listed`));
    }
    const lower = name.toLowerCase();
    for (const v of this.versions.values()) if (v.backendId === backendId && v.modelName.toLowerCase() === lower) return Promise.resolve(v.modelName);
    return Promise.resolve(undefined);
  }

  #add(v: ModelVersion): void {
    const key = versionKey(v);
    this.versions.set(key, v);
    for (const alias of v.aliases) {
      const model = `${v.backendId}/${v.modelName}`;
      if (!this.aliases.has(model)) this.aliases.set(model, new Map());
      this.aliases.get(model)!.set(alias, v.version);
    }
    if (v.lineage.datasetHash) push(this.byDataset, v.lineage.datasetHash, key);
    if (v.lineage.codeCommit) push(this.byCommit, v.lineage.codeCommit, key);
    if (v.lineage.runId) push(this.byRun, `${v.backendId}/${v.lineage.runId}`, key);
  }

  async #link(v: ModelVersion): Promise<void> {
    const key = versionKey(v);
    const out: { parent?: Resolution; teacher?: Resolution } = {};
    for (const [field, kind] of [
      ["parentModel", "FINE_TUNED_FROM"],
      ["teacherModel", "DISTILLED_FROM"],
    ] as const) {
      const text = v.lineage[field];
      if (!text) continue;
      const r = await resolveReference(text, this.backends, this, v.backendId);
      if (field === "parentModel") out.parent = r;
      else out.teacher = r;
      if (r.status === "RESOLVED") push(this.children, versionKey(r.version), { child: key, kind });
      else push(this.danglingChildren, text.trim(), { child: key, kind });
    }
    this.resolved.set(key, out);
  }

  async #scanDeployments(store: Store): Promise<void> {
    let after: string | undefined;
    for (;;) {
      const page = await store.deployments.listDeployments({ first: 100, ...(after === undefined ? {} : { after }) });
      for (const deployment of page.items) {
        const activation = await store.deployments.currentActivation(deployment.id);
        const current = activation === undefined ? undefined : await store.deployments.getRevision(activation.revisionId);
        const newest = await store.deployments.latestRevision(deployment.id);
        const latest = newest !== undefined && newest.id !== current?.id ? newest : undefined;
        this.deployments.push({ deployment, ...(current === undefined ? {} : { current }), ...(latest === undefined ? {} : { latest }) });
        for (const [revision, running] of [
          [current, true],
          [latest, false],
        ] as const) {
          if (revision === undefined) continue;
          for (const component of revision.components) push(this.bundles, versionKey(component), { deployment, revision, component, running });
        }
      }
      if (page.nextCursor === undefined) return;
      after = page.nextCursor;
    }
  }
}

/** Every version of every model of every backend; a backend that cannot be listed is recorded in `failed`. */
export async function scanVersions(catalog: Catalog, ctx: CallContext, failed: BackendFailure[]): Promise<ModelVersion[]> {
  const perBackend = await Promise.all(
    catalog.backendIds().map(async (backendId) => {
      try {
        const names = (await catalog.allModels(backendId, ctx)).map((m) => m.name);
        const limit = new Semaphore(SCAN_CONCURRENCY);
        const lists = await Promise.all(
          names.map((name) =>
            limit.run(
              () => allVersions(catalog, backendId, name, ctx).catch((err: unknown) => (isRegistryError(err) && err.code === "NOT_FOUND" ? [] : Promise.reject(err))),
              ctx.signal,
              () => new Error("aborted"),
            ),
          ),
        );
        return lists.flat();
      } catch (err) {
        failed.push(failureOf(backendId, err));
        return [];
      }
    }),
  );
  return perBackend.flat();
}

export function failureOf(backendId: string, err: unknown): BackendFailure {
  return { backendId, code: isRegistryError(err) ? err.code : "UNAVAILABLE", message: err instanceof Error ? err.message : String(err) };
}

/** Every version of one model (all pages). */
export async function allVersions(catalog: Catalog, backendId: string, modelName: string, ctx: CallContext): Promise<ModelVersion[]> {
  const out: ModelVersion[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await catalog.listVersions(backendId, modelName, { first: 100, ...(after === undefined ? {} : { after }) }, ctx);
    for (const e of page.edges) out.push(e.item);
    if (!page.hasNextPage) return out;
    after = page.endCursor;
  }
}
