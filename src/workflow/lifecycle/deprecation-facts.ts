/**
 * What the deprecation planner (./deprecation-plan.ts) needs, read from the backends and the store:
 * every version of the models a deprecation rule covers, the deployment revisions that bundle
 * versions (active, pending, past), what the promotion trail records running, and open requests.
 */
import type { CallContext, ModelVersion } from "../../core/index.js";
import type { ModelgateConfig } from "../../config/schema.js";
import type { Catalog } from "../../catalog/catalog.js";
import type { Store } from "../../store/store.js";
import type { PromotionRequestRecord } from "../../store/workflow-store.js";
import { deprecationRuleFor, type DeploymentUse, type OpenRequestFact, type PlanModel, type TrailUse } from "./deprecation-plan.js";

/** Narrows a plan to one backend and/or model. */
export interface DeprecationFilter {
  backend?: string;
  model?: string;
}

/** Revisions and activations read per deployment (newest first): far more than any D-day window holds. */
const HISTORY_LIMIT = 1_000;

export async function coveredModels(config: ModelgateConfig, catalog: Catalog, filter: DeprecationFilter, ctx: CallContext): Promise<PlanModel[]> {
  const rules = config.policies?.deprecation?.rules ?? [];
  const backends = filter.backend === undefined ? catalog.backendIds() : [catalog.backend(filter.backend).info.id];
  const out: PlanModel[] = [];
  for (const backendId of backends) {
    if (!rules.some((r) => r.backend === "*" || r.backend === backendId)) continue;
    const names =
      filter.model === undefined ? (await catalog.allModels(backendId, ctx)).map((m) => m.name) : [(await catalog.backend(backendId).getModel(filter.model, ctx)).name];
    for (const modelName of names) {
      if (deprecationRuleFor(rules, backendId, modelName) === undefined) continue;
      const versions: ModelVersion[] = [];
      let after: string | undefined;
      for (;;) {
        const page = await catalog.listVersions(backendId, modelName, { first: 100, ...(after === undefined ? {} : { after }) }, ctx);
        for (const e of page.edges) versions.push(e.item);
        if (!page.hasNextPage) break;
        after = page.endCursor;
      }
      out.push({
        backendId,
        modelName,
        versions: versions.map((v) => ({ version: v.version, stage: v.stage, aliases: v.aliases, ...(v.createdAt === undefined ? {} : { createdAt: v.createdAt }) })),
      });
    }
  }
  return out;
}

/** Every open (PENDING or APPLYING) request. */
export async function openRequests(store: Store): Promise<PromotionRequestRecord[]> {
  const out: PromotionRequestRecord[] = [];
  for (const status of ["PENDING", "APPLYING"] as const) {
    let after: string | undefined;
    for (;;) {
      const page = await store.workflow.listRequests({ status, first: 100, ...(after === undefined ? {} : { after }) });
      out.push(...page.items);
      if (page.nextCursor === undefined) break;
      after = page.nextCursor;
    }
  }
  return out;
}

export function openVersionRequests(open: readonly PromotionRequestRecord[]): OpenRequestFact[] {
  return open
    .filter((r) => r.deploymentRevisionId === null && r.backendId !== "")
    .map((r) => ({ backendId: r.backendId, modelName: r.modelName, version: r.version, requestId: r.id, toStage: r.toStage, status: r.status }));
}

/** Every component of every deployment revision, with the revision's state and its newest use. */
export async function deploymentUses(store: Store, open: readonly PromotionRequestRecord[], now: Date): Promise<DeploymentUse[]> {
  const pending = new Set(open.flatMap((r) => (r.deploymentRevisionId === null ? [] : [r.deploymentRevisionId])));
  const uses: DeploymentUse[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await store.deployments.listDeployments({ first: 100, ...(after === undefined ? {} : { after }) });
    for (const d of page.items) {
      const [revisions, activations] = await Promise.all([store.deployments.listRevisions(d.id, HISTORY_LIMIT), store.deployments.listActivations(d.id, HISTORY_LIMIT)]);
      for (const rev of revisions) {
        const mine = activations.filter((a) => a.revisionId === rev.id);
        const active = mine.some((a) => a.deactivatedAt === null);
        const last = Math.max(rev.createdAt.getTime(), ...mine.map((a) => (a.deactivatedAt ?? now).getTime()));
        const state = active ? "ACTIVE" : pending.has(rev.id) ? "PENDING" : "PAST";
        for (const c of rev.components) {
          uses.push({
            backendId: c.backendId,
            modelName: c.modelName,
            version: c.version,
            deployment: d.name,
            environment: d.environment,
            revision: rev.number,
            state,
            lastUsedAt: new Date(last),
          });
        }
      }
    }
    if (page.nextCursor === undefined) break;
    after = page.nextCursor;
  }
  return uses;
}

/** The versions the promotion trail records running in each environment now. */
export async function trailUses(store: Store, environments: readonly string[]): Promise<TrailUse[]> {
  const out: TrailUse[] = [];
  for (const environment of environments) {
    for (const p of await store.workflow.listProduction({ environment })) {
      out.push({ backendId: p.backendId, modelName: p.modelName, version: p.version, environment });
    }
  }
  return out;
}
