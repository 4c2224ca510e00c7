/** health(): the cheapest registry call, one ListModels entry of the configured location. Never throws. */
import { performance } from "node:perf_hooks";
import type { CallContext, HealthStatus } from "../../src/core/index.js";
import type { VertexBackend } from "./backend-context.js";

export async function checkHealth(b: VertexBackend, endpoint: string, ctx: CallContext): Promise<HealthStatus> {
  const started = performance.now();
  const status = (state: HealthStatus["state"], message?: string): HealthStatus => ({
    state,
    latencyMs: performance.now() - started,
    checkedAt: new Date(),
    ...(message === undefined ? {} : { message }),
  });
  try {
    await b.rpc.listModels({ parent: b.names.location, pageSize: 1 }, ctx);
    return status("UP");
  } catch (err) {
    return status("DOWN", `Vertex AI at ${endpoint} (${b.names.location}) is not answering its model registry API: ${(err as Error).message}`);
  }
}
