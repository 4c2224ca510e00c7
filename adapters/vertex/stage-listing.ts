/**
 * A stage across every model (RegistryAdapter.listVersionsInStage). The stage is the version label
 * `modelgate-stage`, and Vertex AI filters labels server-side, but only within one model:
 * ListModelVersions takes one model, and ListModels lists each model's default version only, so
 * its label filter cannot find a non-default version in the stage. The listing therefore pages
 * through the models (ListModels, names only), then asks each model for its versions carrying the
 * stage label (one filtered ListModelVersions, `concurrency` models at a time). That is one call
 * per model plus pages: half of what a walk of the models costs (listing models also reads every
 * model's versions for its aliases), but it still grows with models.
 */
import { Semaphore, UnavailableError, isRegistryError, type CallContext, type ModelVersion, type Stage } from "../../src/core/index.js";
import type { VertexBackend } from "./backend-context.js";
import { OWN_LABELS, labelFilter, stageLabelValue, stageOfLabels } from "./labels.js";
import type { IModel } from "./rpc.js";
import { fetchAll } from "./scan.js";
import { servedVersion } from "./version-reads.js";

export async function listVersionsInStage(b: VertexBackend, stage: Stage, ctx: CallContext): Promise<ModelVersion[]> {
  const models = await fetchAll(
    (token) => b.rpc.listModels({ parent: b.names.location, pageSize: b.pageSize, readMask: { paths: ["name"] }, ...(token ? { pageToken: token } : {}) }, ctx),
    b.backend,
    `listing the models of ${b.names.location}`,
  );
  // NONE also covers versions without the stage label, so that stage filters after fetching.
  const filter = stage === "NONE" ? "" : labelFilter({ [OWN_LABELS.stage]: stageLabelValue(stage) });
  const limit = new Semaphore(b.concurrency);
  const perModel = await Promise.all(
    models.map((m) =>
      limit.run(
        () => versionsOf(b, m.name ?? "", filter, ctx),
        ctx.signal,
        () => new UnavailableError(`listing the ${stage} versions of ${b.names.location} was aborted`, { backend: b.backend }),
      ),
    ),
  );
  const out: ModelVersion[] = [];
  for (const v of perModel.flat()) {
    if (stage === "NONE" && stageOfLabels(v.labels).stage !== "NONE") continue;
    const version = servedVersion(b, v);
    if (version.stage === stage) out.push(version);
  }
  return out;
}

async function versionsOf(b: VertexBackend, model: string, filter: string, ctx: CallContext): Promise<IModel[]> {
  try {
    return await fetchAll(
      (token) => b.rpc.listModelVersions({ name: model, filter, orderBy: "create_time", pageSize: b.pageSize, ...(token ? { pageToken: token } : {}) }, ctx),
      b.backend,
      `listing the versions of ${model}`,
    );
  } catch (err) {
    // Deleted since the model listing: nothing of it is in the stage.
    if (isRegistryError(err) && err.code === "NOT_FOUND") return [];
    throw err;
  }
}
