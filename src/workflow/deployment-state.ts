/**
 * Where deployments stand, read from the store and the backends: a revision's status (DRAFT,
 * PENDING, ACTIVE, SUPERSEDED — derived from its requests and the deployment's activations, since
 * revisions are immutable), a deployment's health (components gone, out of an accepted stage,
 * drifted or in a stage the trail never approved them into make it DEGRADED, naming them), and
 * `whatRunsInProduction`: every running deployment and every version in the environment's stage
 * across all backends, with who approved each and when, and a drift flag (./drift-flags.ts).
 */
import type { CallContext, ModelVersion, Stage } from "../core/index.js";
import type { Catalog } from "../catalog/catalog.js";
import { listStageAcrossBackends } from "../catalog/stage-listing.js";
import type { DeploymentActivationRecord, DeploymentComponent, DeploymentRecord, DeploymentRevisionRecord } from "../store/deployment-store.js";
import type { Store } from "../store/store.js";
import type { ApprovalRecord, PromotionRequestRecord } from "../store/workflow-store.js";
import { checkComponents, describeComponent, type ComponentProblemCode } from "./deployment-stages.js";
import { componentDrifts, flagRunning, type ComponentDrift, type DriftFlag } from "./drift-flags.js";
import type { TrailReader } from "./trail-reader.js";

export type RevisionStatus = "DRAFT" | "PENDING" | "ACTIVE" | "SUPERSEDED";
export type HealthStatus = "HEALTHY" | "DEGRADED" | "UNKNOWN" | "INACTIVE";

export interface HealthProblem {
  component: DeploymentComponent;
  code: ComponentProblemCode | ComponentDrift["code"];
  message: string;
}

export interface DeploymentHealth {
  /** INACTIVE: no revision runs; UNKNOWN: a backend could not be read and nothing else is wrong. */
  status: HealthStatus;
  revision: DeploymentRevisionRecord | undefined;
  problems: HealthProblem[];
}

export interface Approval {
  requestId: string;
  approvedBy: string[];
  approvedAt: Date | null;
  requestedBy: string;
  kind: PromotionRequestRecord["kind"];
}

export interface RunningDeployment {
  deployment: DeploymentRecord;
  revision: DeploymentRevisionRecord;
  activation: DeploymentActivationRecord;
  approval: Approval | undefined;
}

export interface RunningVersion {
  /** The environment it runs in (the one asked about). */
  environment: string;
  backendId: string;
  modelName: string;
  version: string;
  /** The version as its backend reports it now (undefined for asOf answers, read from the trail). */
  modelVersion: ModelVersion | undefined;
  /** Since when the gateway's trail has it in production (undefined: put there outside the gateway). */
  since: Date | undefined;
  approval: Approval | undefined;
  /** The running deployments that bundle it ("name" with role, weight, shadow). */
  usedBy: { deployment: string; role: string; weight: number; shadow: boolean }[];
  /** Set when the trail never approved it into the environment's stage (or says another stage); null when in line, and for asOf answers. */
  drift: DriftFlag | null;
}

export interface ProductionState {
  environment: string;
  asOf: Date | undefined;
  deployments: RunningDeployment[];
  versions: RunningVersion[];
  /** Backends that could not be listed (their versions are missing from `versions`). */
  failedBackends: { backendId: string; error: unknown }[];
}

export class DeploymentState {
  constructor(
    private readonly catalog: Catalog,
    private readonly store: Store,
    private readonly environmentStage: (environment: string) => Stage,
    /** Judges what the backends report against the promotion trail (drift flags); without it nothing is flagged. */
    private readonly trail?: TrailReader,
  ) {}

  async revisionStatus(revision: DeploymentRevisionRecord): Promise<RevisionStatus> {
    const current = await this.store.deployments.currentActivation(revision.deploymentId);
    if (current?.revisionId === revision.id) return "ACTIVE";
    const requests = await this.store.workflow.listRequestsForRevision(revision.id);
    if (requests.some((r) => r.status === "PENDING" || r.status === "APPLYING")) return "PENDING";
    const activations = await this.store.deployments.listActivations(revision.deploymentId, 1000);
    return activations.some((a) => a.revisionId === revision.id) ? "SUPERSEDED" : "DRAFT";
  }

  async currentRevision(deployment: DeploymentRecord, asOf?: Date): Promise<DeploymentRevisionRecord | undefined> {
    let activation: DeploymentActivationRecord | undefined;
    if (asOf === undefined) {
      activation = await this.store.deployments.currentActivation(deployment.id);
    } else {
      activation = (await this.store.deployments.activationsAt(deployment.environment, asOf)).find((a) => a.deployment.id === deployment.id)?.activation;
    }
    return activation === undefined ? undefined : this.store.deployments.getRevision(activation.revisionId);
  }

  async health(deployment: DeploymentRecord, ctx: CallContext): Promise<DeploymentHealth> {
    const revision = await this.currentRevision(deployment);
    if (revision === undefined) return { status: "INACTIVE", revision, problems: [] };
    const stage = this.environmentStage(deployment.environment);
    const problems: HealthProblem[] = (await checkComponents(this.catalog, revision.components, stage, ctx)).map((p) => ({
      component: p.component,
      code: p.code,
      message: p.message,
    }));
    problems.push(...(await this.#driftProblems(revision.components.filter((c) => !problems.some((p) => p.component === c)), ctx)));
    const status: HealthStatus = problems.length === 0 ? "HEALTHY" : problems.every((p) => p.code === "UNREACHABLE") ? "UNKNOWN" : "DEGRADED";
    return { status, revision, problems };
  }

  async approval(requestId: string | null): Promise<Approval | undefined> {
    if (requestId === null) return undefined;
    const request = await this.store.workflow.getRequest(requestId);
    if (request === undefined) return undefined;
    const approved = (await this.store.workflow.listApprovals(requestId)).filter((a: ApprovalRecord) => a.decision === "APPROVED");
    return {
      requestId,
      kind: request.kind,
      requestedBy: request.requestedBy,
      // A rollback is approved by the approver who asked for it (it skips the gates).
      approvedBy: request.kind === "ROLLBACK" ? [request.requestedBy] : approved.map((a) => a.actor),
      approvedAt: request.kind === "ROLLBACK" ? request.createdAt : (approved.at(-1)?.at ?? null),
    };
  }

  async whatRuns(environment: string, asOf: Date | undefined, ctx: CallContext): Promise<ProductionState> {
    const stage = this.environmentStage(environment);
    const active = await this.store.deployments.activationsAt(environment, asOf);
    const deployments: RunningDeployment[] = [];
    for (const { deployment, activation } of active) {
      const revision = await this.store.deployments.getRevision(activation.revisionId);
      if (revision === undefined) continue;
      deployments.push({ deployment, revision, activation, approval: await this.approval(activation.requestId) });
    }
    const trail = await this.store.workflow.listProduction({ environment, ...(asOf === undefined ? {} : { asOf }) });
    const key = (b: string, m: string, v: string) => JSON.stringify([b, m, v]);
    const fromTrail = new Map(trail.map((t) => [key(t.backendId, t.modelName, t.version), t]));
    const failedBackends: ProductionState["failedBackends"] = [];
    let live: { backendId: string; modelName: string; version: string; modelVersion: ModelVersion | undefined }[];
    if (asOf === undefined) {
      live = await this.#versionsInStage(stage, ctx, failedBackends);
    } else {
      live = trail.map((t) => ({ backendId: t.backendId, modelName: t.modelName, version: t.version, modelVersion: undefined }));
    }
    const versions: Omit<RunningVersion, "drift">[] = [];
    for (const v of live) {
      const t = fromTrail.get(key(v.backendId, v.modelName, v.version));
      const usedBy = deployments.flatMap((d) =>
        d.revision.components
          .filter((c) => c.backendId === v.backendId && c.modelName === v.modelName && c.version === v.version)
          .map((c) => ({ deployment: d.deployment.name, role: c.role, weight: c.weight, shadow: c.shadow })),
      );
      versions.push({ ...v, environment, since: t?.since, approval: await this.approval(t?.requestId ?? null), usedBy });
    }
    return { environment, asOf, deployments, versions: await this.#flagged(versions, stage, asOf), failedBackends };
  }

  /** Each running version with its drift flag (the trail never approved it into `stage`, or says another stage). */
  async #flagged(versions: Omit<RunningVersion, "drift">[], stage: Stage, asOf: Date | undefined): Promise<RunningVersion[]> {
    if (this.trail === undefined) return versions.map((v) => ({ ...v, drift: null }));
    return flagRunning(this.trail, this.store, versions, stage, asOf);
  }

  /** Components changed outside the gateway (DRIFTED), or in a governed stage the trail never approved them into (UNAPPROVED_IN_STAGE). */
  async #driftProblems(components: readonly DeploymentComponent[], ctx: CallContext): Promise<HealthProblem[]> {
    if (this.trail !== undefined) return componentDrifts(this.trail, this.store, this.catalog, components, ctx);
    const problems: HealthProblem[] = [];
    for (const c of components) {
      for (const d of await this.store.workflow.listOpenDrifts(c.backendId, c.modelName, c.version)) {
        problems.push({
          component: c,
          code: d.kind === "UNAPPROVED_IN_STAGE" ? "UNAPPROVED_IN_STAGE" : "DRIFTED",
          message: `${describeComponent(c)} was changed outside the gateway: the trail expects ${d.expectedStage}, the backend has ${d.actualStage ?? "no such version"}`,
        });
      }
    }
    return problems;
  }

  /** Every version in `stage` across all backends (src/catalog/stage-listing.ts). */
  async #versionsInStage(
    stage: Stage,
    ctx: CallContext,
    failed: ProductionState["failedBackends"],
  ): Promise<{ backendId: string; modelName: string; version: string; modelVersion: ModelVersion }[]> {
    const listing = await listStageAcrossBackends(this.catalog, stage, ctx);
    failed.push(...listing.failures);
    return listing.versions.map((v) => ({ backendId: v.backendId, modelName: v.modelName, version: v.version, modelVersion: v }));
  }
}
