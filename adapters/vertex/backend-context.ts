/** What every read and write of one Vertex AI backend shares. */
import type { AdapterLogger } from "../../src/core/index.js";
import type { VertexConfig } from "./config.js";
import type { KeyedMutex } from "../../src/core/index.js";
import type { ResourceNames } from "./names.js";
import type { VertexRpc } from "./rpc.js";

export interface VertexBackend {
  backend: string;
  rpc: VertexRpc;
  names: ResourceNames;
  /** Page size asked of Vertex AI, and the largest page served. */
  pageSize: number;
  /** ListModelVersions calls in flight at once when listing models or a stage across models. */
  concurrency: number;
  container: VertexConfig["container"];
  /** Alias and stage writes are serialised per model id. */
  modelLocks: KeyedMutex;
  logger: AdapterLogger;
}
