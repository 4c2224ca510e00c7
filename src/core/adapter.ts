/**
 * The adapter contract: what every registry backend implements. Adapters know nothing of the
 * gateway's store, workflow or API; they translate between this contract and one backend's native
 * API, and throw the typed errors of ./errors.ts.
 */
import type { CallContext } from "./call-context.js";
import type { Logger } from "./logger.js";
import type { EvalResult, GenerationConfig } from "./generation-config.js";
import type { BackendInfo, Lineage, ModelVersion, RegisteredModel, Tags } from "./model.js";
import type { Stage } from "./stage.js";

/** A page of results. `nextCursor` is opaque to the caller and absent on the last page. */
export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

export interface PageQuery {
  /** Page size; adapters may return fewer, never more. */
  first: number;
  /** A cursor from a previous page of the same query. */
  after?: string;
}

/** Read at a past point in time ("what did we run last Tuesday"). Needs `capabilities().asOf`. */
export interface ReadOptions {
  asOf?: Date;
}

export interface ModelFilter {
  /** Case-insensitive substring of the model name. */
  nameContains?: string;
  /** Every tag given must be present with that value. */
  tags?: Tags;
}

export interface VersionFilter {
  stage?: Stage;
  tags?: Tags;
}

export interface ListModelsQuery extends PageQuery, ReadOptions {
  filter?: ModelFilter;
}

export interface ListVersionsQuery extends PageQuery, ReadOptions {
  filter?: VersionFilter;
}

export interface Capabilities {
  /** Can read at a past time (git history). */
  asOf: boolean;
  /** Versions may carry an LLM generation config. */
  generationConfigs: boolean;
  /** Serves prompts (and tool schemas) that a generation config's refs point to. */
  prompts: boolean;
  aliases: boolean;
  /** Largest page the backend returns in one call. */
  maxPageSize: number;
  /** The backend accepts writes through the gateway. */
  writes: boolean;
  /**
   * Aliases whose holder is in a stage (MLflow's stage projection: the `production` alias is the
   * PRODUCTION stage). Moving one of them moves a stage, so the gateway routes it through the
   * promotion workflow. Absent when the backend keeps stages apart from aliases.
   */
  stageAliases?: Partial<Record<Stage, string>>;
}

export type HealthState = "UP" | "DEGRADED" | "DOWN";

export interface HealthStatus {
  state: HealthState;
  latencyMs: number;
  message?: string;
  checkedAt: Date;
}

export interface RegisterVersionInput {
  modelName: string;
  artifactUri?: string;
  description?: string;
  tags?: Tags;
  params?: Record<string, unknown>;
  metrics?: Record<string, number>;
  lineage?: Lineage;
  generationConfig?: GenerationConfig;
  /** Create the registered model when it does not exist yet (default true). */
  createModel?: boolean;
  /** Description for a model created by this call. */
  modelDescription?: string;
  /**
   * The gateway's cross-registry copy request that registers this version (docs/lifecycle.md#cross-registry-copies).
   * The adapter keeps it in its own namespace with the version, never as a tag, and reads it back as
   * `ModelVersion.copyRequestId`, so a copy interrupted right after registering finds the version
   * instead of registering it twice. Required of a copy target (an adapter with `deleteVersion`).
   */
  copyRequestId?: string;
}

/** A model created empty, before its first version (backends that can hold one). */
export interface CreateModelInput {
  name: string;
  description?: string;
  tags?: Tags;
}

/** A change to a model's or a version's own metadata; what the patch leaves out stays as it is. */
export interface MetadataPatch {
  /** The new description ("" clears it). */
  description?: string;
  /** Tags to add or overwrite. */
  setTags?: Tags;
  /** Tag keys to remove; a key that is not there is no error. */
  removeTags?: string[];
}

/** Who approved a promotion (or asked for a rollback) that a stage write applies. */
export interface WriteApproval {
  /** The gateway's promotion (or rollback) request id. */
  requestId: string;
  /** Who approved it, in the order they decided; a rollback names the actor who asked for it. */
  approvedBy: string[];
  /** When the last approval (or the rollback request) was made. */
  approvedAt: Date;
}

/** Why a write is made: backends that keep history (git) record it. */
export interface WriteOptions {
  reason?: string;
  /**
   * Present when a stage write applies an approved promotion or a rollback (only on the write that
   * moves the request's target version, not on demotions or undo). `setStage` mirrors it to the
   * backend's native place so users of the backend's own UI see it: a git commit message and the
   * version's `approved_by`, MLflow version tags, SageMaker's ApprovalDescription and customer
   * metadata, Vertex AI labels (docs/adapters.md, "The contract").
   */
  approval?: WriteApproval;
}

export interface Prompt {
  name: string;
  version: string;
  template: string;
  /** Where it lives in the backend (a file path, a model URI). */
  location?: string;
}

export interface ToolSet {
  name: string;
  version: string;
  /** JSON tool/function schemas, as stored. */
  tools: unknown;
  location?: string;
}

/** A problem in a backend's content (a malformed or invalid entry): what is wrong and where. */
export interface RegistryProblem {
  /** Path of the file (or the backend's name for the object) at fault, e.g. "models/support-triage.yaml". */
  file: string;
  /** 1-based line in that file. */
  line: number;
  /** The field at fault, as a path ("versions[2].model"), or "(file)" for the file as a whole. */
  field: string;
  message: string;
  /** The model the problem belongs to, when known. */
  model?: string;
  /** The version the problem excludes, when it excludes one version rather than the whole entry. */
  version?: string;
}

export interface RegistryAdapter {
  readonly info: BackendInfo;
  capabilities(): Capabilities;
  /** Never throws: a backend that cannot be reached is DOWN with a message. */
  health(ctx: CallContext): Promise<HealthStatus>;

  listModels(query: ListModelsQuery, ctx: CallContext): Promise<Page<RegisteredModel>>;
  /** Throws NotFoundError when the model does not exist (at `asOf`). */
  getModel(name: string, ctx: CallContext, opts?: ReadOptions): Promise<RegisteredModel>;
  listVersions(modelName: string, query: ListVersionsQuery, ctx: CallContext): Promise<Page<ModelVersion>>;
  getVersion(modelName: string, version: string, ctx: CallContext, opts?: ReadOptions): Promise<ModelVersion>;
  getVersionByAlias(modelName: string, alias: string, ctx: CallContext, opts?: ReadOptions): Promise<ModelVersion>;

  /** Registers a new version; the backend assigns its number. */
  registerVersion(input: RegisterVersionInput, ctx: CallContext, opts?: WriteOptions): Promise<ModelVersion>;
  /** Points `alias` at `version`, moving it from any other version. Returns the version now carrying it. */
  setAlias(modelName: string, alias: string, version: string, ctx: CallContext, opts?: WriteOptions): Promise<ModelVersion>;
  /** Throws NotFoundError when the alias does not exist. */
  removeAlias(modelName: string, alias: string, ctx: CallContext, opts?: WriteOptions): Promise<void>;
  /** Writes the native projection of a gateway stage (alias + tag, approval status, label, status field). */
  setStage(modelName: string, version: string, stage: Stage, ctx: CallContext, opts?: WriteOptions): Promise<ModelVersion>;

  /**
   * Optional metadata writes (the MLflow-compatible facade uses them). A backend that cannot make
   * part of a change (SageMaker cannot edit a version's description) throws UnsupportedError naming
   * it, and changes nothing.
   */
  /** Creates a model without versions; AlreadyExistsError when it exists. */
  createModel?(input: CreateModelInput, ctx: CallContext, opts?: WriteOptions): Promise<RegisteredModel>;
  /** Changes a model's description and tags; returns the model as it now reads. */
  updateModel?(name: string, patch: MetadataPatch, ctx: CallContext, opts?: WriteOptions): Promise<RegisteredModel>;
  /** Changes a version's description and tags; returns the version as it now reads. */
  updateVersion?(modelName: string, version: string, patch: MetadataPatch, ctx: CallContext, opts?: WriteOptions): Promise<ModelVersion>;
  /** Renames a model (its versions and aliases go with it); AlreadyExistsError when `newName` is taken. */
  renameModel?(name: string, newName: string, ctx: CallContext, opts?: WriteOptions): Promise<RegisteredModel>;

  /**
   * Removes one version (the undo of a half-done cross-registry copy; docs/adapters.md, "Removing a
   * version"). Where the version is the model's only one, the backend may remove the model with it
   * (Vertex AI keeps no empty model). NotFoundError when the version does not exist, so an undo
   * that is repeated after a crash can tell "already gone" from a failure. Optional: without it a
   * copy into the backend is refused before anything is registered.
   */
  deleteVersion?(modelName: string, version: string, ctx: CallContext, opts?: WriteOptions): Promise<void>;

  /** Present when `capabilities().prompts`. */
  getPrompt?(name: string, version: string, ctx: CallContext, opts?: ReadOptions): Promise<Prompt>;
  getToolSet?(name: string, version: string, ctx: CallContext, opts?: ReadOptions): Promise<ToolSet>;
  /** Content problems the backend skipped while serving everything else (git-YAML files that do not validate). */
  problems?(ctx: CallContext, opts?: ReadOptions): Promise<RegistryProblem[]>;
  /** Eval results the backend holds for a version (MLflow metrics, Vertex evaluations). */
  getEvalResults?(modelName: string, version: string, ctx: CallContext): Promise<EvalResult[]>;
  /**
   * Mirrors the human-written sections of a model card (section -> markdown; an empty object
   * clears them) to the backend's own place for them: the model's (`version` undefined) or one
   * version's. The gateway's store stays the source; see docs/provenance.md#model-cards.
   */
  setModelCard?(modelName: string, version: string | undefined, sections: Readonly<Record<string, string>>, ctx: CallContext, opts?: WriteOptions): Promise<void>;
  /**
   * Every version in `stage` across all of the backend's models, now, read in a few paged backend
   * calls where the backend can filter by stage across models (their number grows with pages, not
   * with models). The answer is exactly what `listModels` and then `listVersions` with
   * `filter: { stage }` for every model would give — the same versions, equal field by field — in
   * any order. Optional: without it the gateway walks the models (docs/adapters.md, "Listing a stage").
   */
  listVersionsInStage?(stage: Stage, ctx: CallContext): Promise<ModelVersion[]>;
  /**
   * Calls `listener` whenever what the backend serves may have changed, made through the adapter or
   * behind its back (git-YAML: the branch moved). Spurious calls are allowed, missed changes are not
   * (a watch that can fail must fall back to polling). The gateway keeps resolve answers built from
   * a backend that has it until it calls; answers from backends without it live a short TTL
   * (`backends[].resolveCacheMs`). Returns a function that stops the calls.
   */
  watchChanges?(listener: () => void): () => void;

  close(): Promise<void>;
}

/** The logger adapters receive: the core Logger (pino's shape), under the name adapter packages import. */
export type AdapterLogger = Logger;

export interface AdapterContext {
  logger: AdapterLogger;
  /** The gateway's data dir; an adapter may keep caches or clones below `${dataDir}/${id}`. */
  dataDir: string;
  /** Directory config paths are relative to (the folder of modelgate.yaml). */
  configDir: string;
}

/** Anything with zod's `parse` (zod schemas fit): validates the adapter's own config block. */
export interface ConfigParser<C> {
  parse(input: unknown): C;
}

/**
 * How an adapter plugs in. Built-in kinds are registered by the gateway; a third-party adapter is an
 * npm package whose default export (or `adapterFactory` export) is one of these, named in config as
 * `kind: "npm:<package>"`.
 */
export interface AdapterFactory<C = unknown> {
  readonly kind: string;
  readonly description: string;
  readonly configSchema: ConfigParser<C>;
  create(id: string, config: C, ctx: AdapterContext): Promise<RegistryAdapter>;
}

export function defineAdapter<C>(factory: AdapterFactory<C>): AdapterFactory<C> {
  return factory;
}
