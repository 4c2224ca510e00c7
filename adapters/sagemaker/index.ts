/** The SageMaker Model Registry adapter: built-in kind "sagemaker". */
import { defineAdapter, type AdapterFactory } from "../../src/core/index.js";
import { SAGEMAKER_KIND, SageMakerAdapter } from "./adapter.js";
import { sagemakerConfigSchema, type SageMakerConfig } from "./config.js";

export const sagemakerAdapter: AdapterFactory<SageMakerConfig> = defineAdapter<SageMakerConfig>({
  kind: SAGEMAKER_KIND,
  description: "An AWS SageMaker Model Registry (one account and region): model package groups, versioned model packages, approval status",
  configSchema: sagemakerConfigSchema,
  // No I/O here: a backend that is down at startup is reported by health() and fails its calls
  // (the gateway's circuit breaker), instead of keeping the whole gateway from starting.
  async create(id, config, ctx) {
    return new SageMakerAdapter(id, config, ctx.logger);
  },
});

export default sagemakerAdapter;
export { SageMakerAdapter, SAGEMAKER_KIND, type SageMakerBackendInfo } from "./adapter.js";
export { sagemakerConfigSchema, PLACEHOLDER_CONTAINER_IMAGE, type SageMakerConfig } from "./config.js";
