/**
 * Deprecation policy as code (docs/lifecycle.md#deprecation-policy): `plan` reads what the
 * planner needs and returns what an apply would archive and why (a dry run); `apply` plans afresh
 * and runs each candidate through the promotion workflow as its own audited request to ARCHIVED,
 * tagged `modelgate.archived-by=policy`, under the policy gates for ARCHIVED. Nothing is deleted.
 *
 * Safety: the planner never lists a version an environment or an active or pending deployment
 * uses; a plan whose share passes `maxArchiveShare` is refused (a `lifecycle.stop` audit event and
 * a CONFLICT naming the share) unless the caller confirms it. Each request holds its own lock key
 * (one per version), so a rerun, or two replicas racing, open at most one request per version: the
 * planner skips versions with an open request, and a racing insert is refused by the store.
 */
import { ConflictError, InvalidInputError, isRegistryError, type CallContext } from "../../core/index.js";
import type { ModelgateConfig } from "../../config/schema.js";
import type { Catalog } from "../../catalog/catalog.js";
import { canonicalSha256 } from "../../core/canonical-json.js";
import type { Store } from "../../store/store.js";
import type { PromotionRequestRecord } from "../../store/workflow-store.js";
import { slotKey, type PromotionService } from "../promotion-service.js";
import { planDeprecation, type DeprecationPlan, type PlanCandidate } from "./deprecation-plan.js";
import { ARCHIVED_BY_POLICY, ARCHIVED_BY_TAG } from "./archived-by-policy.js";
import { coveredModels, deploymentUses, openRequests, openVersionRequests, trailUses, type DeprecationFilter } from "./deprecation-facts.js";

export { ARCHIVED_BY_POLICY, ARCHIVED_BY_TAG } from "./archived-by-policy.js";

export interface DeprecationApplyInput {
  filter?: DeprecationFilter;
  /** Apply even though the plan passes a maxArchiveShare (the caller looked at it). */
  confirmShare?: boolean;
  /** Why, recorded on every request (default: the policy's own words). */
  reason?: string;
}

export type DeprecationOutcome = "REQUESTED" | "QUEUED" | "SKIPPED" | "FAILED";

export interface DeprecationApplyResult {
  candidate: PlanCandidate;
  /** REQUESTED: waits for its gates (approvals); QUEUED: handed to the outbox; SKIPPED: another request holds it; FAILED: refused. */
  outcome: DeprecationOutcome;
  /** The archive request made (null: none was). */
  request: PromotionRequestRecord | null;
  message: string | null;
}

export interface DeprecationApplyReport {
  plan: DeprecationPlan;
  results: DeprecationApplyResult[];
}

export class DeprecationService {
  constructor(
    private readonly config: ModelgateConfig,
    private readonly catalog: Catalog,
    private readonly store: Store,
    private readonly promotions: PromotionService,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** True when `policies.deprecation` has at least one rule. */
  get configured(): boolean {
    return (this.config.policies?.deprecation?.rules.length ?? 0) > 0;
  }

  /** The environment archive requests are made in. */
  get environment(): string {
    return this.config.policies?.deprecation?.environment ?? Object.keys(this.config.environments)[0] ?? "production";
  }

  async plan(filter: DeprecationFilter, ctx: CallContext): Promise<DeprecationPlan> {
    const policy = this.config.policies?.deprecation;
    const now = this.clock();
    if (filter.model !== undefined && filter.backend === undefined) {
      throw new InvalidInputError("filter.backend: give the backend when filtering by model", { field: "backend" });
    }
    const models = policy === undefined ? [] : await coveredModels(this.config, this.catalog, filter, ctx);
    const open = await openRequests(this.store);
    return planDeprecation({
      rules: policy?.rules ?? [],
      maxArchiveShare: policy?.maxArchiveShare ?? 0.5,
      environments: this.config.environments,
      models,
      deploymentUses: await deploymentUses(this.store, open, now),
      trailUses: await trailUses(this.store, Object.keys(this.config.environments)),
      openRequests: openVersionRequests(open),
      now,
    });
  }

  async apply(input: DeprecationApplyInput, ctx: CallContext): Promise<DeprecationApplyReport> {
    if (!this.configured) {
      throw new InvalidInputError("no deprecation policy is configured: add rules under policies.deprecation in modelgate.yaml", { field: "filter" });
    }
    const plan = await this.plan(input.filter ?? {}, ctx);
    if (plan.stops.length > 0 && input.confirmShare !== true) {
      const message = `the plan stops and asks: ${plan.stops.join("; ")}; review it (lifecycle plan) and apply with confirmShare to archive anyway`;
      await this.store.transaction((tx) =>
        tx.appendAudit({
          actor: ctx.actor.id,
          ...(ctx.requestId === undefined ? {} : { requestId: ctx.requestId }),
          action: "lifecycle.stop",
          targetType: "lifecycle_plan",
          target: "policies.deprecation",
          after: { toArchive: plan.toArchive, liveVersions: plan.liveVersions, share: plan.share, stops: plan.stops, versions: plan.candidates.map((c) => `${c.backendId}/${c.modelName}@${c.version}`) },
          outcome: "FAILURE",
          error: message,
        }),
      );
      throw new ConflictError(message, { field: "confirmShare" });
    }
    const results: DeprecationApplyResult[] = [];
    for (const candidate of plan.candidates) results.push(await this.#archive(candidate, plan, input, ctx));
    return { plan, results };
  }

  /** One candidate's request; a refusal is this candidate's result, never the others'. */
  async #archive(c: PlanCandidate, plan: DeprecationPlan, input: DeprecationApplyInput, ctx: CallContext): Promise<DeprecationApplyResult> {
    const environment = this.environment;
    const reason = input.reason?.trim() || `deprecation policy ${c.rule}: ${c.reason}`;
    try {
      this.promotions.policies.checkTransition(c.stage, "ARCHIVED");
      const { demoteTo: _demoteTo, ...policy } = this.promotions.policies.match(c.backendId, c.modelName, environment, "ARCHIVED");
      const tags = { [ARCHIVED_BY_TAG]: ARCHIVED_BY_POLICY };
      const { request } = await this.promotions.openRequest(
        {
          request: {
            kind: "PROMOTION",
            backendId: c.backendId,
            modelName: c.modelName,
            version: c.version,
            environment,
            fromStage: c.stage,
            toStage: "ARCHIVED",
            demoteTo: c.stage,
            previousVersions: [],
            requestedBy: ctx.actor.id,
            reason,
            policy,
            tags,
          },
          // One open archive request per version: a rerun or a racing replica is refused by the store.
          lockKey: `${slotKey(c.backendId, c.modelName, environment)}#archive@${c.version}`,
          inputHash: canonicalSha256({ archive: `${c.backendId}/${c.modelName}@${c.version}`, fromStage: c.stage, actor: ctx.actor.id, at: plan.generatedAt.toISOString() }),
          action: "promotion.request",
          before: { stage: c.stage },
          after: {
            stage: "ARCHIVED",
            environment,
            policy,
            tags,
            lifecycle: { rule: c.rule, reason: c.reason, ageDays: c.ageDays, rank: c.rank, lastDeploymentUse: c.lastDeploymentUse, planShare: plan.share, confirmedShare: plan.stops.length > 0 },
          },
          gated: true,
        },
        ctx,
      );
      return { candidate: c, outcome: request.status === "PENDING" ? "REQUESTED" : "QUEUED", request, message: null };
    } catch (err) {
      if (!isRegistryError(err)) throw err;
      return { candidate: c, outcome: err.code === "CONFLICT" ? "SKIPPED" : "FAILED", request: null, message: err.message };
    }
  }
}
