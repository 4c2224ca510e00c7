/**
 * The MLflow registry adapter: MLflow's Model Registry REST API (3.x) behind the adapter contract.
 * Registered models are models, model versions are versions, aliases are aliases; the gateway's
 * stages are projected onto aliases plus a version tag (./stage-projection.ts); prompts of MLflow's
 * Prompt Registry are served through getPrompt only.
 */
import {
  UnavailableError,
  type AdapterLogger,
  type CreateModelInput,
  type MetadataPatch,
  type BackendInfo,
  type CallContext,
  type Capabilities,
  type EvalResult,
  type HealthStatus,
  type ListModelsQuery,
  type ListVersionsQuery,
  type ModelVersion,
  type Page,
  type Prompt,
  type ReadOptions,
  type RegisterVersionInput,
  type RegisteredModel,
  type RegistryAdapter,
  type Stage,
  type WriteOptions,
} from "../../src/core/index.js";
import type { BackendContext } from "./backend-context.js";
import type { MlflowConfig } from "./config.js";
import { checkHealth } from "./health.js";
import { MlflowHttp } from "./http-client.js";
import { KeyedMutex } from "../../src/core/index.js";
import { getModel, listModels } from "./model-reads.js";
import { getPrompt } from "./prompts.js";
import { RequestModelCache } from "./request-cache.js";
import { StageProjection } from "./stage-projection.js";
import { listVersionsInStage } from "./stage-listing.js";
import { getVersion, getVersionByAlias, listVersions } from "./version-reads.js";
import { deleteVersion, registerVersion, removeAlias, setAlias, setModelCard, setStage } from "./writes.js";
import { createModel, renameModel, updateModel, updateVersion } from "./metadata-writes.js";
import { ensureWebhook, type WebhookRegistration, type WebhookSpec } from "./webhooks.js";

export const MLFLOW_KIND = "mlflow";

export class MlflowAdapter implements RegistryAdapter {
  readonly info: BackendInfo;
  /** The REST client (its `axios` instance takes interceptors: tests count requests with one). */
  readonly http: MlflowHttp;
  private readonly b: BackendContext;
  private readonly writes = new Set<Promise<unknown>>();
  private closed = false;

  constructor(id: string, private readonly config: MlflowConfig, logger: AdapterLogger) {
    this.info = { id, kind: MLFLOW_KIND };
    this.http = new MlflowHttp({ backend: id, trackingUri: config.trackingUri, auth: config.auth, concurrency: config.concurrency });
    this.b = {
      backend: id,
      http: this.http,
      stages: new StageProjection(config.stageAliases),
      pageSize: config.pageSize,
      models: new RequestModelCache(),
      modelLocks: new KeyedMutex(),
      logger,
    };
  }

  capabilities(): Capabilities {
    return {
      asOf: false,
      generationConfigs: true,
      prompts: true,
      aliases: true,
      maxPageSize: this.config.pageSize,
      writes: true,
      stageAliases: { ...this.config.stageAliases },
    };
  }

  health(ctx: CallContext): Promise<HealthStatus> {
    return checkHealth(this.b, ctx);
  }

  listModels(query: ListModelsQuery, ctx: CallContext): Promise<Page<RegisteredModel>> {
    return this.read(() => listModels(this.b, query, ctx));
  }

  getModel(name: string, ctx: CallContext, opts?: ReadOptions): Promise<RegisteredModel> {
    return this.read(() => getModel(this.b, name, ctx, opts));
  }

  listVersions(modelName: string, query: ListVersionsQuery, ctx: CallContext): Promise<Page<ModelVersion>> {
    return this.read(() => listVersions(this.b, modelName, query, ctx));
  }

  getVersion(modelName: string, version: string, ctx: CallContext, opts?: ReadOptions): Promise<ModelVersion> {
    return this.read(() => getVersion(this.b, modelName, version, ctx, opts));
  }

  /** Every version in `stage`, in pages across models (./stage-listing.ts). */
  listVersionsInStage(stage: Stage, ctx: CallContext): Promise<ModelVersion[]> {
    return this.read(() => listVersionsInStage(this.b, stage, ctx));
  }

  getVersionByAlias(modelName: string, alias: string, ctx: CallContext, opts?: ReadOptions): Promise<ModelVersion> {
    return this.read(() => getVersionByAlias(this.b, modelName, alias, ctx, opts));
  }

  getPrompt(name: string, version: string, ctx: CallContext, opts?: ReadOptions): Promise<Prompt> {
    return this.read(() => getPrompt(this.b, name, version, ctx, opts));
  }

  /** The eval result a version's generation config carries (MLflow keeps it in the config's tag). */
  async getEvalResults(modelName: string, version: string, ctx: CallContext): Promise<EvalResult[]> {
    const found = await this.getVersion(modelName, version, ctx);
    return found.generationConfig?.eval ? [{ ...found.generationConfig.eval }] : [];
  }

  registerVersion(input: RegisterVersionInput, ctx: CallContext, opts?: WriteOptions): Promise<ModelVersion> {
    return this.write(() => registerVersion(this.b, input, ctx, opts));
  }

  setAlias(modelName: string, alias: string, version: string, ctx: CallContext, _opts?: WriteOptions): Promise<ModelVersion> {
    return this.write(() => setAlias(this.b, modelName, alias, version, ctx));
  }

  removeAlias(modelName: string, alias: string, ctx: CallContext, _opts?: WriteOptions): Promise<void> {
    return this.write(() => removeAlias(this.b, modelName, alias, ctx));
  }

  setStage(modelName: string, version: string, stage: Stage, ctx: CallContext, opts?: WriteOptions): Promise<ModelVersion> {
    return this.write(() => setStage(this.b, modelName, version, stage, ctx, opts?.approval));
  }

  /** DELETE model-versions/delete, after reading the version (./writes.ts). */
  deleteVersion(modelName: string, version: string, ctx: CallContext, _opts?: WriteOptions): Promise<void> {
    return this.write(() => deleteVersion(this.b, modelName, version, ctx));
  }

  createModel(input: CreateModelInput, ctx: CallContext, _opts?: WriteOptions): Promise<RegisteredModel> {
    return this.write(() => createModel(this.b, input, ctx));
  }

  updateModel(name: string, patch: MetadataPatch, ctx: CallContext, _opts?: WriteOptions): Promise<RegisteredModel> {
    return this.write(() => updateModel(this.b, name, patch, ctx));
  }

  updateVersion(modelName: string, version: string, patch: MetadataPatch, ctx: CallContext, _opts?: WriteOptions): Promise<ModelVersion> {
    return this.write(() => updateVersion(this.b, modelName, version, patch, ctx));
  }

  renameModel(name: string, newName: string, ctx: CallContext, _opts?: WriteOptions): Promise<RegisteredModel> {
    return this.write(() => renameModel(this.b, name, newName, ctx));
  }

  /** Creates or updates the gateway's webhook in this MLflow server (./webhooks.ts). */
  ensureWebhook(spec: WebhookSpec, ctx: CallContext): Promise<WebhookRegistration> {
    return this.write(() => ensureWebhook(this.b, spec, ctx));
  }

  setModelCard(modelName: string, version: string | undefined, sections: Readonly<Record<string, string>>, ctx: CallContext, _opts?: WriteOptions): Promise<void> {
    return this.write(() => setModelCard(this.b, modelName, version, sections, ctx));
  }

  /** Waits for writes in flight, then closes the connections. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled([...this.writes]);
    this.http.close();
  }

  private assertOpen(): void {
    if (this.closed) throw new UnavailableError(`backend "${this.info.id}" (MLflow) is closed`, { backend: this.info.id });
  }

  private async read<T>(call: () => Promise<T>): Promise<T> {
    this.assertOpen();
    return call();
  }

  private write<T>(call: () => Promise<T>): Promise<T> {
    this.assertOpen();
    const pending = call();
    this.writes.add(pending);
    const forget = () => this.writes.delete(pending);
    pending.then(forget, forget);
    return pending;
  }
}
