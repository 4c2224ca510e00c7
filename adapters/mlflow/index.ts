/** The MLflow registry adapter: built-in kind "mlflow". */
import { defineAdapter, type AdapterFactory } from "../../src/core/index.js";
import { MLFLOW_KIND, MlflowAdapter } from "./adapter.js";
import { mlflowConfigSchema, type MlflowConfig } from "./config.js";

export const mlflowAdapter: AdapterFactory<MlflowConfig> = defineAdapter<MlflowConfig>({
  kind: MLFLOW_KIND,
  description: "An MLflow tracking server's Model Registry (REST API 2.0, MLflow 3.x): models, versions, aliases, prompts",
  configSchema: mlflowConfigSchema,
  // No I/O here: a backend that is down at startup is reported by health() and fails its calls
  // (the gateway's circuit breaker), instead of keeping the whole gateway from starting.
  async create(id, config, ctx) {
    return new MlflowAdapter(id, config, ctx.logger);
  },
});

export default mlflowAdapter;
export { MlflowAdapter, MLFLOW_KIND } from "./adapter.js";
export { mlflowConfigSchema, DEFAULT_STAGE_ALIASES, type MlflowConfig } from "./config.js";
export { NO_ARTIFACT_SOURCE } from "./to-domain.js";
export { OWN_TAGS } from "./tags.js";
