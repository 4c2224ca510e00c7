/**
 * A deployment revision enters its environment through one promotion request covering the whole
 * bundle: every component must be in a stage the environment accepts (./deployment-stages.ts), and
 * the request passes the same gates and approvals as a model promotion (the strictest approval
 * count any component's policy asks for in that environment). Approved, the outbox re-reads every
 * component and activates the revision; the one it replaces is superseded.
 *
 * Rollback re-activates an earlier revision (by default the one that ran before the current one)
 * in one call: no gates (the resolver demands the approver role), but its components must still be
 * in accepted stages. It does not move model versions between stages: when a component version was
 * archived since, the refusal names it and how to put it back (`modelgate rollback` of that model).
 */
import type { ModelgateConfig } from "../config/schema.js";
import { ConflictError, InvalidInputError, NotFoundError, canonicalSha256, type CallContext, type Stage } from "../core/index.js";
import type { Catalog } from "../catalog/catalog.js";
import type { DeploymentRecord, DeploymentRevisionRecord } from "../store/deployment-store.js";
import type { Store } from "../store/store.js";
import type { RequestPolicy } from "../store/workflow-store.js";
import { checkComponents, type ComponentProblem } from "./deployment-stages.js";
import type { PromotionPolicies } from "./policy.js";
import type { PromotionService, RequestResult } from "./promotion-service.js";

export interface DeploymentPromoteInput {
  name: string;
  environment: string;
  /** The revision number to put in the environment. */
  revision: number;
  reason: string;
  idempotencyKey?: string;
}

export interface DeploymentRollbackInput {
  name: string;
  environment: string;
  /** The revision to go back to (default: the one that ran before the current one). */
  revision?: number;
  reason: string;
  /** Replays return the request made with this key (guarded rollouts key their automatic rollbacks). */
  idempotencyKey?: string;
}

export function deploymentLockKey(name: string, environment: string): string {
  return `deployment:${name}/${environment}`;
}

export const rollbackKey = (name: string, environment: string): string => `${deploymentLockKey(name, environment)}#rollback`;

export class DeploymentPromotions {
  constructor(
    private readonly config: ModelgateConfig,
    private readonly catalog: Catalog,
    private readonly store: Store,
    private readonly promotions: PromotionService,
    private readonly policies: PromotionPolicies,
  ) {}

  environmentStage(environment: string): Stage {
    const env = this.config.environments[environment];
    if (env === undefined) {
      throw new NotFoundError(`unknown environment "${environment}"; configured: ${Object.keys(this.config.environments).join(", ")}`, {
        field: "environment",
      });
    }
    return env.stage;
  }

  async promote(input: DeploymentPromoteInput, ctx: CallContext): Promise<RequestResult & { deployment: DeploymentRecord }> {
    const reason = checkReason(input.reason);
    const stage = this.environmentStage(input.environment);
    const deployment = await this.#deployment(input.name, input.environment);
    const revision = await this.#revision(deployment, input.revision);
    const current = await this.store.deployments.currentActivation(deployment.id);
    if (current?.revisionId === revision.id) {
      throw new InvalidInputError(`revision: ${deployment.name}#${revision.number} already runs in ${deployment.environment}`, { field: "revision" });
    }
    const inputHash = canonicalSha256({ ...input, actor: ctx.actor.id, idempotencyKey: null });
    await this.#checkStages(revision, stage, deployment, ctx, "promote");
    const policy = this.#policy(revision, input.environment, stage);
    const currentNumber = current === undefined ? undefined : (await this.store.deployments.getRevision(current.revisionId))?.number;
    const result = await this.promotions.openRequest(
      {
        request: {
          kind: "PROMOTION",
          backendId: "",
          modelName: deployment.name,
          version: String(revision.number),
          environment: deployment.environment,
          fromStage: stage,
          toStage: stage,
          demoteTo: stage,
          previousVersions: currentNumber === undefined ? [] : [String(currentNumber)],
          requestedBy: ctx.actor.id,
          reason,
          policy,
          deploymentRevisionId: revision.id,
        },
        lockKey: deploymentLockKey(deployment.name, deployment.environment),
        alsoFree: [rollbackKey(deployment.name, deployment.environment)],
        ...(input.idempotencyKey === undefined ? {} : { idempotencyKey: input.idempotencyKey }),
        inputHash,
        action: "deployment.promote",
        before: { revision: currentNumber ?? null },
        after: { revision: revision.number, contentHash: revision.contentHash, environment: deployment.environment, policy },
        gated: true,
      },
      ctx,
    );
    return { ...result, deployment };
  }

  async rollback(input: DeploymentRollbackInput, ctx: CallContext): Promise<RequestResult & { deployment: DeploymentRecord }> {
    const reason = checkReason(input.reason);
    const stage = this.environmentStage(input.environment);
    const deployment = await this.#deployment(input.name, input.environment);
    const current = await this.store.deployments.currentActivation(deployment.id);
    if (current === undefined) {
      throw new NotFoundError(`${deployment.name} has no revision running in ${deployment.environment}: there is nothing to roll back`, { field: "name" });
    }
    const currentRevision = (await this.store.deployments.getRevision(current.revisionId))!;
    let target: DeploymentRevisionRecord;
    if (input.revision !== undefined) {
      target = await this.#revision(deployment, input.revision);
      if (target.id === current.revisionId) {
        throw new InvalidInputError(`revision: ${deployment.name}#${target.number} is the revision running now`, { field: "revision" });
      }
    } else {
      const earlier = (await this.store.deployments.listActivations(deployment.id, 1000)).find((a) => a.revisionId !== current.revisionId);
      if (earlier === undefined) {
        throw new NotFoundError(
          `${deployment.name} has run no other revision in ${deployment.environment}; name one with revision to go to a revision that never ran`,
          { field: "revision" },
        );
      }
      target = (await this.store.deployments.getRevision(earlier.revisionId))!;
    }
    await this.#checkStages(target, stage, deployment, ctx, "rollback");
    const policy: RequestPolicy = { source: "rollback", eval: null, canary: false, approvals: 0 };
    const result = await this.promotions.openRequest(
      {
        request: {
          kind: "ROLLBACK",
          backendId: "",
          modelName: deployment.name,
          version: String(target.number),
          environment: deployment.environment,
          fromStage: stage,
          toStage: stage,
          demoteTo: stage,
          previousVersions: [String(currentRevision.number)],
          requestedBy: ctx.actor.id,
          reason,
          policy,
          deploymentRevisionId: target.id,
        },
        lockKey: rollbackKey(deployment.name, deployment.environment),
        alsoFree: [deploymentLockKey(deployment.name, deployment.environment)],
        ...(input.idempotencyKey === undefined ? {} : { idempotencyKey: input.idempotencyKey }),
        inputHash: canonicalSha256({ ...input, reason: input.idempotencyKey === undefined ? input.reason : null, actor: ctx.actor.id }),
        action: "deployment.rollback",
        before: { revision: currentRevision.number, contentHash: currentRevision.contentHash },
        after: { revision: target.number, contentHash: target.contentHash, environment: deployment.environment },
        gated: false,
      },
      ctx,
    );
    return { ...result, deployment };
  }

  async #deployment(name: string, environment: string): Promise<DeploymentRecord> {
    const deployment = await this.store.deployments.getDeployment(name.trim(), environment.trim());
    if (deployment === undefined) throw new NotFoundError(`no deployment "${name}" in ${environment}`, { field: "name" });
    return deployment;
  }

  async #revision(deployment: DeploymentRecord, number: number): Promise<DeploymentRevisionRecord> {
    if (!Number.isInteger(number) || number < 1) throw new InvalidInputError(`revision: must be a revision number (1, 2, ...), got ${number}`, { field: "revision" });
    const revision = await this.store.deployments.getRevisionByNumber(deployment.id, number);
    if (revision === undefined) throw new NotFoundError(`${deployment.name} in ${deployment.environment} has no revision ${number}`, { field: "revision" });
    return revision;
  }

  /** Refuses (naming every component) unless each is in a stage the environment accepts; a backend that cannot be read is a fault. */
  async #checkStages(revision: DeploymentRevisionRecord, stage: Stage, deployment: DeploymentRecord, ctx: CallContext, what: "promote" | "rollback"): Promise<void> {
    const problems = await checkComponents(this.catalog, revision.components, stage, ctx);
    const unreachable = problems.find((p) => p.code === "UNREACHABLE");
    if (unreachable !== undefined) throw new ConflictError(`cannot check ${deployment.name}#${revision.number}: ${unreachable.message}; retry when the backend answers`, { field: "revision" });
    if (problems.length === 0) return;
    const hint =
      what === "rollback"
        ? "; put those versions back first (e.g. `modelgate rollback <backend>/<model> --env " + deployment.environment + "`), or roll back to another revision"
        : "; promote those versions first or change the revision";
    throw new InvalidInputError(
      `revision: ${deployment.name}#${revision.number} cannot enter ${deployment.environment}: ${problems.map((p: ComponentProblem) => p.message).join("; ")}${hint}`,
      { field: "revision" },
    );
  }

  /** The strictest approval count any component's policy asks for in the environment; no eval or canary gate (components passed theirs). */
  #policy(revision: DeploymentRevisionRecord, environment: string, stage: Stage): RequestPolicy {
    let approvals = 0;
    let source = "default";
    for (const c of revision.components) {
      const matched = this.policies.match(c.backendId, c.modelName, environment, stage);
      if (matched.approvals > approvals) {
        approvals = matched.approvals;
        source = `${matched.source} (${c.backendId}/${c.modelName})`;
      }
    }
    return { source: `deployment: ${source}`, eval: null, canary: false, approvals };
  }
}

function checkReason(text: string): string {
  const reason = text.trim();
  if (reason === "") throw new InvalidInputError("reason: must not be empty (say why)", { field: "reason" });
  return reason;
}
