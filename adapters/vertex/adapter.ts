/**
 * The Vertex AI Model Registry adapter: ModelService (v1, gRPC) behind the adapter contract.
 * Models are models keyed by model id, versions are versions, version aliases are aliases
 * (`default` included), the gateway's stage is the version label `modelgate-stage`, tags are
 * labels, what Vertex AI has no field for (generation config, params, metrics, lineage) is the
 * version's metadata, and eval results are the version's model evaluations.
 */
import {
  UnavailableError,
  type AdapterLogger,
  type BackendInfo,
  type CallContext,
  type Capabilities,
  type EvalResult,
  type HealthStatus,
  type ListModelsQuery,
  type ListVersionsQuery,
  type ModelVersion,
  type Page,
  type ReadOptions,
  type RegisterVersionInput,
  type RegisteredModel,
  type RegistryAdapter,
  type Stage,
  type WriteOptions,
} from "../../src/core/index.js";
import type { VertexBackend } from "./backend-context.js";
import { createModelServiceClient, type ModelServiceClient } from "./client.js";
import { resolveEndpoint, type VertexConfig } from "./config.js";
import { getEvalResults } from "./eval-results.js";
import { checkHealth } from "./health.js";
import { KeyedMutex } from "../../src/core/index.js";
import { getModel, listModels } from "./model-reads.js";
import { ResourceNames } from "./names.js";
import { VertexRpc } from "./rpc.js";
import { listVersionsInStage } from "./stage-listing.js";
import { getVersion, getVersionByAlias, listVersions } from "./version-reads.js";
import { deleteVersion, registerVersion, removeAlias, setAlias, setStage } from "./writes.js";

export const VERTEX_KIND = "vertex";

export class VertexAdapter implements RegistryAdapter {
  readonly info: BackendInfo;
  /** Where the client connects, "host:port". */
  readonly endpoint: string;
  private readonly client: ModelServiceClient;
  private readonly b: VertexBackend;
  private readonly writes = new Set<Promise<unknown>>();
  private closed = false;

  constructor(id: string, config: VertexConfig, configDir: string, logger: AdapterLogger) {
    this.info = { id, kind: VERTEX_KIND };
    const { host, port } = resolveEndpoint(config);
    this.endpoint = `${host}:${port}`;
    this.client = createModelServiceClient(config, configDir);
    this.b = {
      backend: id,
      rpc: new VertexRpc(this.client, id),
      names: new ResourceNames(config.project, config.location),
      pageSize: config.pageSize,
      concurrency: config.concurrency,
      container: config.container,
      modelLocks: new KeyedMutex(),
      logger,
    };
  }

  capabilities(): Capabilities {
    return { asOf: false, generationConfigs: true, prompts: false, aliases: true, maxPageSize: this.b.pageSize, writes: true };
  }

  health(ctx: CallContext): Promise<HealthStatus> {
    return checkHealth(this.b, this.endpoint, ctx);
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

  getVersionByAlias(modelName: string, alias: string, ctx: CallContext, opts?: ReadOptions): Promise<ModelVersion> {
    return this.read(() => getVersionByAlias(this.b, modelName, alias, ctx, opts));
  }

  /** Every version in `stage`: the models in pages, then each model's versions with the stage label (./stage-listing.ts). */
  listVersionsInStage(stage: Stage, ctx: CallContext): Promise<ModelVersion[]> {
    return this.read(() => listVersionsInStage(this.b, stage, ctx));
  }

  getEvalResults(modelName: string, version: string, ctx: CallContext): Promise<EvalResult[]> {
    return this.read(() => getEvalResults(this.b, modelName, version, ctx));
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

  /** DeleteModelVersion; the model's only version goes with the model (./writes.ts). */
  deleteVersion(modelName: string, version: string, ctx: CallContext, _opts?: WriteOptions): Promise<void> {
    return this.write(() => deleteVersion(this.b, modelName, version, ctx));
  }

  /** Waits for writes in flight, then closes the gRPC channel. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled([...this.writes]);
    await this.client.close();
  }

  private assertOpen(): void {
    if (this.closed) throw new UnavailableError(`backend "${this.info.id}" (Vertex AI) is closed`, { backend: this.info.id });
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
