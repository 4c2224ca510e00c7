/** The Vertex AI Model Registry adapter: built-in kind "vertex". */
import { defineAdapter, type AdapterFactory } from "../../src/core/index.js";
import { VERTEX_KIND, VertexAdapter } from "./adapter.js";
import { vertexConfigSchema, type VertexConfig } from "./config.js";

export const vertexAdapter: AdapterFactory<VertexConfig> = defineAdapter<VertexConfig>({
  kind: VERTEX_KIND,
  description: "A Vertex AI Model Registry (ModelService v1 over gRPC) of one project and region: models, versions, aliases, evaluations",
  configSchema: vertexConfigSchema,
  // No I/O here: the client connects (and finds its credentials) on the first call, so a backend
  // that is down at startup is reported by health() instead of keeping the gateway from starting.
  async create(id, config, ctx) {
    return new VertexAdapter(id, config, ctx.configDir, ctx.logger);
  },
});

export default vertexAdapter;
export { VertexAdapter, VERTEX_KIND } from "./adapter.js";
export { vertexConfigSchema, resolveEndpoint, regionalEndpoint, type VertexConfig } from "./config.js";
export { OWN_LABELS } from "./labels.js";
