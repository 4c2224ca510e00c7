/**
 * health(): one cheapest registry call (ListModelPackageGroups, MaxResults=1) proves the endpoint
 * answers and the credentials may read the registry. The message names region and account, so two
 * SageMaker backends of one gateway tell apart. Never throws.
 */
import { performance } from "node:perf_hooks";
import { ListModelPackageGroupsCommand } from "@aws-sdk/client-sagemaker";
import type { CallContext, HealthStatus } from "../../src/core/index.js";
import type { BackendContext } from "./backend-context.js";

export async function checkHealth(b: BackendContext, ctx: CallContext): Promise<HealthStatus> {
  const started = performance.now();
  const status = (state: HealthStatus["state"], message: string): HealthStatus => ({
    state,
    latencyMs: performance.now() - started,
    checkedAt: new Date(),
    message,
  });
  try {
    const page = await b.api.send(ctx, { operation: "ListModelPackageGroups", subject: "health check" }, (o) =>
      b.api.client.send(new ListModelPackageGroupsCommand({ MaxResults: 1 }), o),
    );
    b.identity.observe(page.ModelPackageGroupSummaryList?.[0]?.ModelPackageGroupArn);
  } catch (err) {
    return status("DOWN", `${b.identity.describe()} is not reachable: ${(err as Error).message}`);
  }
  return status("UP", `${b.identity.describe()} answers`);
}
