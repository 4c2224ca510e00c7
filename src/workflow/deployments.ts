/**
 * Deployments: what an application runs, a named bundle per environment of model versions from any
 * backend, each with a role and a traffic weight. Every change is a new immutable revision, recorded
 * with its audit event (deployment.revision_create) in one transaction.
 *
 * This slice records DRAFT revisions only: entering an environment (stage checks, promotion gates,
 * approvals), rollback and resolving deployments come next (docs/deployments.md).
 *
 * Creating a revision whose content equals the deployment's latest revision records nothing and
 * returns that revision with `unchanged: true` (a retried call is harmless; there is nothing new to
 * review). Equal content to an older revision is a new revision with the same content hash.
 */
import { randomUUID } from "node:crypto";
import type { ModelgateConfig } from "../config/schema.js";
import { InvalidInputError, NotFoundError, canonicalSha256, isRegistryError, type CallContext } from "../core/index.js";
import type { Catalog } from "../catalog/catalog.js";
import {
  componentsHash,
  sortComponents,
  type DeploymentComponent,
  type DeploymentRecord,
  type DeploymentRevisionRecord,
} from "../store/deployment-store.js";
import type { Store } from "../store/store.js";
import type { RolloutPlan } from "../store/lifecycle-store.js";
import { checkRolloutPlan, type RolloutPlanInput } from "./lifecycle/rollout-plan.js";

export const ROLE_PATTERN = /^[a-z][a-z0-9_-]{0,62}$/;
/** Deployment names: lower-case ids (they will be resolved by name next to model names). */
export const DEPLOYMENT_NAME_PATTERN = /^[a-z][a-z0-9_.-]{0,127}$/;
export const MAX_COMPONENTS = 32;
export const MAX_REASON_LENGTH = 2000;

export interface ComponentInput {
  role: string;
  backend: string;
  model: string;
  version: string;
  weight: number;
  shadow: boolean;
}

export interface CreateRevisionInput {
  name: string;
  environment: string;
  components: readonly ComponentInput[];
  reason: string;
  /** A guarded rollout plan: entering over a running revision, this one takes traffic step by step (docs/lifecycle.md#guarded-rollouts). */
  rollout?: RolloutPlanInput | null;
}

export interface CreateRevisionResult {
  deployment: DeploymentRecord;
  revision: DeploymentRevisionRecord;
  /** True when the content equalled the latest revision's: nothing was recorded. */
  unchanged: boolean;
}

const invalid = (field: string, message: string) => new InvalidInputError(`${field}: ${message}`, { field });

export class DeploymentService {
  constructor(
    private readonly config: ModelgateConfig,
    private readonly catalog: Catalog,
    private readonly store: Store,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async createRevision(input: CreateRevisionInput, ctx: CallContext): Promise<CreateRevisionResult> {
    const { name, environment, reason } = this.#checkHeader(input);
    const components = this.#checkComponents(input.components);
    const plan: RolloutPlan | null = input.rollout == null ? null : checkRolloutPlan(input.rollout);
    await this.#checkVersionsExist(components, ctx);
    const actor = ctx.actor.id;
    const contentHash = componentsHash(components);
    return this.store.transaction(async (tx) => {
      const now = this.clock();
      const deployment = await tx.deployments.ensureDeployment(name, environment, actor, now);
      const latest = await tx.deployments.latestRevision(deployment.id);
      // Equal components and an equal rollout plan (or none on both): nothing new to record.
      if (latest !== undefined && latest.contentHash === contentHash) {
        const latestPlan = (await tx.lifecycle.getRolloutPlan(latest.id)) ?? null;
        if (canonicalSha256(latestPlan) === canonicalSha256(plan)) return { deployment, revision: latest, unchanged: true };
      }
      const number = (latest?.number ?? 0) + 1;
      const id = randomUUID();
      const event = await tx.appendAudit({
        actor,
        action: "deployment.revision_create",
        targetType: "deployment_revision",
        target: `${name}@${environment}#${number}`,
        before: latest === undefined ? null : { revision: latest.number, contentHash: latest.contentHash },
        after: { id, revision: number, status: "DRAFT", contentHash, components: sortComponents(components), ...(plan === null ? {} : { rollout: plan }) },
        reason,
        outcome: "SUCCESS",
        ...(ctx.requestId === undefined ? {} : { requestId: ctx.requestId }),
      });
      const revision = await tx.deployments.insertRevision({
        id,
        deploymentId: deployment.id,
        status: "DRAFT",
        components,
        createdBy: actor,
        reason,
        createdAt: now,
        auditEventId: event.id,
      });
      if (plan !== null) await tx.lifecycle.insertRolloutPlan(revision.id, plan, now);
      return { deployment, revision, unchanged: false };
    });
  }

  #checkHeader(input: CreateRevisionInput): { name: string; environment: string; reason: string } {
    const name = input.name.trim();
    if (!DEPLOYMENT_NAME_PATTERN.test(name)) {
      throw invalid("name", `"${input.name}" is not a deployment name (lower-case letter first, then up to 127 of a-z 0-9 _ . -)`);
    }
    const environment = input.environment.trim();
    if (!(environment in this.config.environments)) {
      throw invalid("environment", `unknown environment "${environment}"; configured: ${Object.keys(this.config.environments).join(", ")}`);
    }
    const reason = input.reason.trim();
    if (reason === "") throw invalid("reason", "must not be empty (say why)");
    if (reason.length > MAX_REASON_LENGTH) throw invalid("reason", `must be at most ${MAX_REASON_LENGTH} characters`);
    return { name, environment, reason };
  }

  #checkComponents(inputs: readonly ComponentInput[]): DeploymentComponent[] {
    if (inputs.length === 0) throw invalid("components", "a deployment needs at least one component");
    if (inputs.length > MAX_COMPONENTS) throw invalid("components", `at most ${MAX_COMPONENTS} components, got ${inputs.length}`);
    const seen = new Map<string, number>();
    const components = inputs.map((c, i): DeploymentComponent => {
      const at = `components.${i}`;
      const role = c.role.trim();
      if (!ROLE_PATTERN.test(role)) {
        throw invalid(`${at}.role`, `"${c.role}" is not a role (lower-case letter first, then up to 62 of a-z 0-9 _ -)`);
      }
      const backendId = c.backend.trim();
      if (!this.catalog.has(backendId)) {
        throw new NotFoundError(`${at}.backend: unknown backend "${backendId}"; configured backends: ${this.catalog.backendIds().join(", ")}`, {
          field: `${at}.backend`,
        });
      }
      const modelName = c.model.trim();
      if (modelName === "" || modelName.length > 256) throw invalid(`${at}.model`, "must be 1 to 256 characters");
      const version = c.version.trim();
      if (version === "" || version.length > 256) throw invalid(`${at}.version`, "must be 1 to 256 characters");
      if (!Number.isInteger(c.weight) || c.weight < 0 || c.weight > 100) {
        throw invalid(`${at}.weight`, `must be a whole number from 0 to 100, got ${c.weight}`);
      }
      const key = JSON.stringify([role, backendId, modelName, version]);
      const first = seen.get(key);
      if (first !== undefined) {
        throw invalid(`${at}.version`, `${backendId}/${modelName}@${version} is already in role "${role}" (components[${first}])`);
      }
      seen.set(key, i);
      return { role, backendId, modelName, version, weight: c.weight, shadow: c.shadow };
    });
    const roles = new Map<string, { sum: number; serving: number; last: number }>();
    components.forEach((c, i) => {
      const r = roles.get(c.role) ?? { sum: 0, serving: 0, last: i };
      if (!c.shadow) {
        r.sum += c.weight;
        r.serving += 1;
        r.last = i;
      } else if (r.serving === 0) {
        r.last = i;
      }
      roles.set(c.role, r);
    });
    for (const [role, r] of roles) {
      if (r.serving === 0) {
        throw invalid(`components.${r.last}.shadow`, `role "${role}" has only shadow components; it needs at least one non-shadow component`);
      }
      if (r.sum !== 100) {
        throw invalid(`components.${r.last}.weight`, `the non-shadow weights of role "${role}" sum to ${r.sum}; they must sum to 100`);
      }
    }
    return components;
  }

  /** Every version must exist; the first missing one (in input order) is the error. */
  async #checkVersionsExist(components: readonly DeploymentComponent[], ctx: CallContext): Promise<void> {
    const results = await Promise.allSettled(components.map((c) => this.catalog.backend(c.backendId).getVersion(c.modelName, c.version, ctx)));
    for (const [i, r] of results.entries()) {
      if (r.status === "fulfilled") continue;
      const err: unknown = r.reason;
      const c = components[i]!;
      if (isRegistryError(err) && err.code === "NOT_FOUND") {
        throw new NotFoundError(`components.${i}.version: ${c.backendId}/${c.modelName}@${c.version} does not exist (${err.message})`, {
          field: `components.${i}.version`,
          cause: err,
        });
      }
      throw err;
    }
  }
}
