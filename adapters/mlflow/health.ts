/**
 * health(): MLflow's `GET /health`, then one cheapest registry search (max_results=1) to prove the
 * model registry API answers with these credentials. Never throws.
 */
import { performance } from "node:perf_hooks";
import type { CallContext, HealthStatus } from "../../src/core/index.js";
import type { BackendContext } from "./backend-context.js";

export async function checkHealth(b: BackendContext, ctx: CallContext): Promise<HealthStatus> {
  const started = performance.now();
  const status = (state: HealthStatus["state"], message?: string): HealthStatus => ({
    state,
    latencyMs: performance.now() - started,
    checkedAt: new Date(),
    ...(message === undefined ? {} : { message }),
  });
  try {
    await b.http.health(ctx);
  } catch (err) {
    return status("DOWN", `MLflow at ${b.http.origin} is not healthy: ${(err as Error).message}`);
  }
  try {
    await b.http.call({ method: "GET", path: "registered-models/search", query: { max_results: 1 }, subject: "health check" }, ctx);
  } catch (err) {
    return status("DOWN", `MLflow at ${b.http.origin} is up but its model registry API failed: ${(err as Error).message}`);
  }
  return status("UP");
}
