/** What the adapter's reads and writes share: one backend's client, settings, caches and locks. */
import type { AdapterLogger } from "../../src/core/index.js";
import type { MlflowHttp } from "./http-client.js";
import type { KeyedMutex } from "../../src/core/index.js";
import type { RequestModelCache } from "./request-cache.js";
import type { StageProjection } from "./stage-projection.js";

export interface BackendContext {
  /** The backend id from config: on every returned object and every error. */
  readonly backend: string;
  readonly http: MlflowHttp;
  readonly stages: StageProjection;
  /** Largest page asked of MLflow and served. */
  readonly pageSize: number;
  readonly models: RequestModelCache;
  /** Serialises alias and stage writes per model (MLflow is last-writer-wins, with no compare-and-set). */
  readonly modelLocks: KeyedMutex;
  readonly logger: AdapterLogger;
}
