/**
 * Resolving lineage references (./references.ts) to versions, through the catalog (one read per
 * backend asked, remembered for the request) or through a fleet index already in memory.
 */
import { isRegistryError, type BackendInfo, type CallContext, type ModelVersion } from "../../core/index.js";
import type { Catalog } from "../../catalog/catalog.js";
import { candidateBackends, parseReference, versionKey, type Reference } from "./references.js";

/** Finds a version by number or alias; undefined when the backend has neither. Throws when the backend fails. */
export interface VersionLookup {
  find(backendId: string, name: string, versionOrAlias: string): Promise<ModelVersion | undefined>;
  /** The model's name as the backend spells it, matched without regard to case; undefined when it has none. Throws when the backend fails. */
  modelNamedIgnoringCase(backendId: string, name: string): Promise<string | undefined>;
}

export type Resolution =
  | { status: "RESOLVED"; version: ModelVersion }
  /** Resolves nowhere (an outside id, a version no backend has, or an ambiguous name). */
  | { status: "DANGLING"; reason: string }
  /** A backend that might hold it could not be read. */
  | { status: "UNREACHABLE"; reason: string; backendIds: string[] };

const notFound = (err: unknown) => isRegistryError(err) && err.code === "NOT_FOUND";

/** Reads through the catalog; each (backend, name, version) is asked once. */
export class CatalogLookup implements VersionLookup {
  readonly #memo = new Map<string, Promise<ModelVersion | undefined>>();
  readonly #names = new Map<string, Promise<string[]>>();
  constructor(
    private readonly catalog: Catalog,
    private readonly ctx: CallContext,
  ) {}

  find(backendId: string, name: string, versionOrAlias: string): Promise<ModelVersion | undefined> {
    const key = JSON.stringify([backendId, name, versionOrAlias]);
    let hit = this.#memo.get(key);
    if (hit === undefined) {
      hit = this.#read(backendId, name, versionOrAlias);
      this.#memo.set(key, hit);
    }
    return hit;
  }

  /** Lists the backend's models once per request: only a SageMaker ARN whose group has capitals gets here. */
  async modelNamedIgnoringCase(backendId: string, name: string): Promise<string | undefined> {
    let names = this.#names.get(backendId);
    if (names === undefined) {
      names = this.catalog.allModels(backendId, this.ctx).then((models) => models.map((m) => m.name));
      this.#names.set(backendId, names);
    }
    const lower = name.toLowerCase();
    return (await names).find((n) => n.toLowerCase() === lower);
  }

  async #read(backendId: string, name: string, versionOrAlias: string): Promise<ModelVersion | undefined> {
    const adapter = this.catalog.backend(backendId);
    try {
      return await adapter.getVersion(name, versionOrAlias, this.ctx);
    } catch (err) {
      if (!notFound(err) && !(isRegistryError(err) && err.code === "INVALID_INPUT")) throw err;
    }
    if (!adapter.capabilities().aliases) return undefined;
    try {
      return await adapter.getVersionByAlias(name, versionOrAlias, this.ctx);
    } catch (err) {
      if (notFound(err) || (isRegistryError(err) && err.code === "INVALID_INPUT")) return undefined;
      throw err;
    }
  }
}

/** The package's own ARN (a native field of SageMaker versions) is the reference's; true when the version does not say. */
function arnMatches(v: ModelVersion, arn: string): boolean {
  const own = v.native?.["ModelPackageArn"];
  return typeof own !== "string" || own.toLowerCase() === arn.toLowerCase();
}

/** A SageMaker model package ARN: the group found whatever its case, the package only when its ARN is this one. */
async function resolveArn(ref: Extract<Reference, { form: "sagemaker-arn" }>, candidates: readonly BackendInfo[], lookup: VersionLookup): Promise<Resolution> {
  const failed: { id: string; message: string }[] = [];
  const found: ModelVersion[] = [];
  await Promise.all(
    candidates.map(async (b) => {
      try {
        let v = await lookup.find(b.id, ref.name, ref.version);
        if (v === undefined) {
          const spelled = await lookup.modelNamedIgnoringCase(b.id, ref.name);
          if (spelled !== undefined && spelled !== ref.name) v = await lookup.find(b.id, spelled, ref.version);
        }
        if (v !== undefined && arnMatches(v, ref.text)) found.push(v);
      } catch (err) {
        failed.push({ id: b.id, message: err instanceof Error ? err.message : String(err) });
      }
    }),
  );
  if (found.length === 1) return { status: "RESOLVED", version: found[0]! };
  if (found.length > 1) return { status: "DANGLING", reason: `"${ref.text}" is ambiguous: ${found.map(versionKey).join(" and ")} match` };
  if (failed.length > 0) {
    return { status: "UNREACHABLE", reason: `"${ref.text}" could not be looked up: ${failed.map((f) => `${f.id}: ${f.message}`).join("; ")}`, backendIds: failed.map((f) => f.id) };
  }
  return {
    status: "DANGLING",
    reason: `no SageMaker backend serves model package ${ref.name}/${ref.version} of account ${ref.account} in ${ref.region} (asked: ${candidates.map((b) => b.id).join(", ")})`,
  };
}

export async function resolveReference(text: string, backends: readonly BackendInfo[], lookup: VersionLookup, from?: string): Promise<Resolution> {
  const ref: Reference = parseReference(text, backends);
  if (ref.form === "external") return { status: "DANGLING", reason: `"${ref.text}" is ${ref.why}` };
  const candidates = candidateBackends(ref, backends, from);
  if (candidates.length === 0) {
    const kind = ref.form === "mlflow-uri" ? "MLflow" : ref.form === "sagemaker-arn" ? "SageMaker" : "matching";
    return { status: "DANGLING", reason: `"${ref.text}" names a ${kind} model version, and no ${kind} backend is configured` };
  }
  if (ref.form === "sagemaker-arn") return resolveArn(ref, candidates, lookup);
  const failed: { id: string; message: string }[] = [];
  const tryOne = async (b: BackendInfo): Promise<ModelVersion | undefined> => {
    try {
      return await lookup.find(b.id, ref.name, ref.version);
    } catch (err) {
      failed.push({ id: b.id, message: err instanceof Error ? err.message : String(err) });
      return undefined;
    }
  };
  // A plain name@version prefers the referring version's own backend.
  if (ref.form === "name" && from !== undefined && candidates[0]?.id === from) {
    const own = await tryOne(candidates[0]);
    if (own !== undefined) return { status: "RESOLVED", version: own };
    candidates.shift();
  }
  const found = (await Promise.all(candidates.map(tryOne))).filter((v): v is ModelVersion => v !== undefined);
  if (found.length === 1) return { status: "RESOLVED", version: found[0]! };
  if (found.length > 1) {
    return { status: "DANGLING", reason: `"${ref.text}" is ambiguous: ${found.map(versionKey).join(" and ")} match; qualify it as backend/name@version` };
  }
  if (failed.length > 0) {
    return {
      status: "UNREACHABLE",
      reason: `"${ref.text}" could not be looked up: ${failed.map((f) => `${f.id}: ${f.message}`).join("; ")}`,
      backendIds: failed.map((f) => f.id),
    };
  }
  return { status: "DANGLING", reason: `no backend (${candidates.map((b) => b.id).join(", ") || "none asked"}) has a version or alias "${ref.version}" of "${ref.name}"` };
}
