/** What the adapter's reads and writes share: one backend's client, identity, settings, caches and locks. */
import type { AdapterLogger } from "../../src/core/index.js";
import type { SageMakerApi } from "./api.js";
import type { CallCache } from "./call-cache.js";
import type { SageMakerConfig } from "./config.js";
import type { BackendIdentity } from "./identity.js";
import type { KeyedMutex } from "../../src/core/index.js";

export interface BackendContext {
  /** The backend id from config: on every returned object and every error. */
  readonly backend: string;
  readonly api: SageMakerApi;
  readonly identity: BackendIdentity;
  readonly config: SageMakerConfig;
  /** What the current call already read. */
  readonly cache: CallCache;
  /**
   * Serialises this adapter's writes per key: alias moves per group (`alias:<group>`), stage
   * writes per version (`stage:<group>/<n>`), group creation per group (`group:<group>`).
   */
  readonly locks: KeyedMutex;
  readonly logger: AdapterLogger;
}
