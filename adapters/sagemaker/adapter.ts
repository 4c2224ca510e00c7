/**
 * The SageMaker Model Registry adapter: model package groups are models, versioned model packages
 * are versions. The gateway stage is projected onto ModelApprovalStatus (./stage-projection.ts);
 * aliases are group tags (./group-tags.ts); what SageMaker has no field for is kept in the
 * version's CustomerMetadataProperties (./customer-metadata.ts).
 */
import {
  UnavailableError,
  type AdapterLogger,
  type BackendInfo,
  type CreateModelInput,
  type MetadataPatch,
  type CallContext,
  type Capabilities,
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
import { removeAlias, setAlias } from "./alias-writes.js";
import { SageMakerApi } from "./api.js";
import type { BackendContext } from "./backend-context.js";
import { CallCache } from "./call-cache.js";
import type { SageMakerConfig } from "./config.js";
import { checkHealth } from "./health.js";
import { BackendIdentity } from "./identity.js";
import { KeyedMutex } from "../../src/core/index.js";
import { getModel, listModels } from "./model-reads.js";
import { listVersionsInStage } from "./stage-listing.js";
import { getVersion, getVersionByAlias, listVersions } from "./version-reads.js";
import { deleteVersion, registerVersion, setStage } from "./writes.js";
import { setModelCard } from "./model-cards.js";
import { createModel, updateModel, updateVersion } from "./metadata-writes.js";

export const SAGEMAKER_KIND = "sagemaker";

/** BackendInfo plus where the registry is: region, and account once known. */
export interface SageMakerBackendInfo extends BackendInfo {
  readonly region: string;
  readonly accountId: string | undefined;
}

export class SageMakerAdapter implements RegistryAdapter {
  readonly info: SageMakerBackendInfo;
  /** The API client (its `client.middlewareStack` takes instrumentation: tests count requests with it). */
  readonly api: SageMakerApi;
  private readonly b: BackendContext;
  private readonly writes = new Set<Promise<unknown>>();
  private closed = false;

  constructor(id: string, private readonly config: SageMakerConfig, logger: AdapterLogger) {
    const identity = new BackendIdentity(id, config.region, config.accountId);
    this.info = {
      id,
      kind: SAGEMAKER_KIND,
      region: config.region,
      get accountId() {
        return identity.accountId;
      },
    };
    this.api = new SageMakerApi(id, config, identity);
    this.b = { backend: id, api: this.api, identity, config, cache: new CallCache(), locks: new KeyedMutex(), logger };
  }

  capabilities(): Capabilities {
    return { asOf: false, generationConfigs: true, prompts: false, aliases: true, maxPageSize: this.config.pageSize, writes: true };
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

  getVersionByAlias(modelName: string, alias: string, ctx: CallContext, opts?: ReadOptions): Promise<ModelVersion> {
    return this.read(() => getVersionByAlias(this.b, modelName, alias, ctx, opts));
  }

  /** Every version in `stage`, in pages across groups (./stage-listing.ts). */
  listVersionsInStage(stage: Stage, ctx: CallContext): Promise<ModelVersion[]> {
    return this.read(() => listVersionsInStage(this.b, stage, ctx));
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
    return this.write(() => setStage(this.b, modelName, version, stage, ctx, opts));
  }

  /** DeleteModelPackage of the version's ARN (./writes.ts). */
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

  /** Mirrors model card sections to a SageMaker Model Card (./model-cards.ts), after checking the model or version exists. */
  setModelCard(modelName: string, version: string | undefined, sections: Readonly<Record<string, string>>, ctx: CallContext, _opts?: WriteOptions): Promise<void> {
    return this.write(async () => {
      if (version === undefined) await this.getModel(modelName, ctx);
      else await this.getVersion(modelName, version, ctx);
      await setModelCard(this.b, modelName, version, sections, ctx);
    });
  }

  /** Waits for writes in flight, then closes the client's connections. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled([...this.writes]);
    this.api.close();
  }

  private assertOpen(): void {
    if (this.closed) throw new UnavailableError(`backend "${this.info.id}" (SageMaker) is closed`, { backend: this.info.id });
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
