/** Gathers the evidence gates look at: eval results (recorded and the backend's) and canary results. */
import { isRegistryError, type CallContext, type ModelVersion } from "../core/index.js";
import type { Catalog } from "../catalog/catalog.js";
import type { Store } from "../store/store.js";
import type { PromotionRequestRecord } from "../store/workflow-store.js";
import type { EvalEvidence } from "./gates.js";

/** Recorded eval records (newest first), then the backend's own results for the version. */
export async function readEvalEvidence(
  store: Store,
  catalog: Catalog,
  req: Pick<PromotionRequestRecord, "backendId" | "modelName" | "version">,
  ctx: CallContext,
  version?: ModelVersion,
): Promise<EvalEvidence[]> {
  const recorded = await store.workflow.listEvalRecords(req.backendId, req.modelName, req.version);
  const out: EvalEvidence[] = recorded.map((r) => ({
    source: "recorded",
    suite: r.suite,
    score: r.score,
    run: r.run,
    artifactUri: r.artifactUri,
    recordedBy: r.recordedBy,
    at: r.at.toISOString(),
  }));
  const adapter = catalog.backend(req.backendId);
  if (adapter.getEvalResults !== undefined) {
    try {
      for (const e of await adapter.getEvalResults(req.modelName, req.version, ctx)) {
        out.push({ source: "backend", suite: e.suite, score: e.score, run: e.run ?? null, artifactUri: e.artifactUri ?? null });
      }
      return out;
    } catch (err) {
      // UNSUPPORTED: fall back to the version's own generation config below.
      if (!(isRegistryError(err) && err.code === "UNSUPPORTED")) throw err;
    }
  }
  const v = version ?? (await adapter.getVersion(req.modelName, req.version, ctx));
  const e = v.generationConfig?.eval;
  if (e !== undefined) out.push({ source: "backend", suite: e.suite, score: e.score, run: e.run ?? null, artifactUri: e.artifactUri ?? null });
  return out;
}

/** Every version of a model holding `stage` in the backend, by reading all pages. */
export async function versionsInStage(catalog: Catalog, backendId: string, modelName: string, stage: ModelVersion["stage"], ctx: CallContext): Promise<string[]> {
  const out: string[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await catalog.listVersions(backendId, modelName, { filter: { stage }, first: 100, ...(after === undefined ? {} : { after }) }, ctx);
    for (const edge of page.edges) if (edge.item.stage === stage) out.push(edge.item.version);
    if (!page.hasNextPage) return out;
    after = page.endCursor;
  }
}
