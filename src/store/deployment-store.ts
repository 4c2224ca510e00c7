/**
 * Deployments as the store keeps them (`tx.deployments` inside a transaction, `store.deployments`
 * outside one, each call then its own transaction). A deployment is a named bundle per environment;
 * its revisions are immutable: once inserted, a revision and its components are never changed or
 * removed (this interface has no method that could). The Kysely implementation is in
 * ./deployment-kysely.ts (SQL both SQLite and PostgreSQL accept); the table DDL in
 * ./migrations/0004_deployments.ts.
 */
import { canonicalSha256 } from "../core/canonical-json.js";

/**
 * The status a revision is recorded with (always DRAFT: recorded, not in the environment). Where a
 * revision stands later (pending, active, superseded) is not stored on the immutable revision: it
 * follows from its requests and the deployment's activations (src/workflow/deployment-status.ts).
 */
export type DeploymentRevisionStatus = "DRAFT";

/** One period during which an environment ran a revision of a deployment. */
export interface DeploymentActivationRecord {
  id: string;
  deploymentId: string;
  revisionId: string;
  /** The APPLIED request (deploymentPromote or deploymentRollback) that activated it. */
  requestId: string;
  activatedAt: Date;
  /** null while it is the deployment's current revision. */
  deactivatedAt: Date | null;
}

export interface DeploymentRecord {
  id: string;
  name: string;
  environment: string;
  createdBy: string;
  createdAt: Date;
}

/** One model version of a bundle. */
export interface DeploymentComponent {
  /** What it does in the application ("retriever", "ranker", ...). */
  role: string;
  backendId: string;
  modelName: string;
  version: string;
  /** Share (percent) of the role's live traffic; non-shadow components of a role sum to 100. */
  weight: number;
  /** Gets mirrored traffic only; never serves. */
  shadow: boolean;
}

export interface DeploymentRevisionRecord {
  id: string;
  deploymentId: string;
  /** 1, 2, 3 ... per deployment. */
  number: number;
  status: DeploymentRevisionStatus;
  /** Sorted by role, backend, model, version (`sortComponents`). */
  components: DeploymentComponent[];
  /** `componentsHash(components)`. */
  contentHash: string;
  createdBy: string;
  reason: string;
  createdAt: Date;
  /** The deployment.revision_create audit event that recorded it. */
  auditEventId: string;
}

export type NewDeploymentRevision = Omit<DeploymentRevisionRecord, "number" | "contentHash">;

export interface DeploymentListQuery {
  environment?: string;
  first: number;
  /** Opaque cursor from a previous page. */
  after?: string;
}

export interface DeploymentPage {
  items: DeploymentRecord[];
  nextCursor?: string;
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Components in their canonical order: role, backend, model, version (code-unit order). */
export function sortComponents(components: readonly DeploymentComponent[]): DeploymentComponent[] {
  return [...components].sort(
    (a, b) => compare(a.role, b.role) || compare(a.backendId, b.backendId) || compare(a.modelName, b.modelName) || compare(a.version, b.version),
  );
}

/**
 * The content hash of a bundle: SHA-256 hex of the RFC 8785 canonical JSON of its sorted
 * components (each `{ backendId, modelName, role, shadow, version, weight }`). Equal bundles,
 * given in any order, hash equal.
 */
export function componentsHash(components: readonly DeploymentComponent[]): string {
  const content = sortComponents(components).map((c) => ({
    role: c.role,
    backendId: c.backendId,
    modelName: c.modelName,
    version: c.version,
    weight: c.weight,
    shadow: c.shadow,
  }));
  return canonicalSha256(content);
}

export interface DeploymentTx {
  /** The deployment of `name` in `environment`, created (by `createdBy`, at `at`) when missing. */
  ensureDeployment(name: string, environment: string, createdBy: string, at: Date): Promise<DeploymentRecord>;
  getDeployment(name: string, environment: string): Promise<DeploymentRecord | undefined>;
  getDeploymentById(id: string): Promise<DeploymentRecord | undefined>;
  /** Ordered by environment, then name. */
  listDeployments(query: DeploymentListQuery): Promise<DeploymentPage>;
  /**
   * Records a revision as the deployment's next number, sorting its components and computing its
   * content hash. Throws ConflictError when another writer took that number first.
   */
  insertRevision(revision: NewDeploymentRevision): Promise<DeploymentRevisionRecord>;
  getRevision(id: string): Promise<DeploymentRevisionRecord | undefined>;
  latestRevision(deploymentId: string): Promise<DeploymentRevisionRecord | undefined>;
  /** Newest first, at most `limit`. */
  listRevisions(deploymentId: string, limit: number): Promise<DeploymentRevisionRecord[]>;
  getRevisionByNumber(deploymentId: string, number: number): Promise<DeploymentRevisionRecord | undefined>;

  /**
   * Makes `revisionId` the deployment's current revision from `at`: closes the open activation (if
   * any) and opens a new one. Throws ConflictError when another writer activated concurrently.
   */
  activate(activation: Omit<DeploymentActivationRecord, "deactivatedAt">): Promise<DeploymentActivationRecord>;
  /** The open activation: the revision the environment runs now. */
  currentActivation(deploymentId: string): Promise<DeploymentActivationRecord | undefined>;
  /** The deployment's activations, newest first, at most `limit`. */
  listActivations(deploymentId: string, limit: number): Promise<DeploymentActivationRecord[]>;
  /**
   * The activations open at `at` (default: now, i.e. the open ones) of every deployment in
   * `environment`, with their deployments, ordered by deployment name.
   */
  activationsAt(environment: string, at?: Date): Promise<{ deployment: DeploymentRecord; activation: DeploymentActivationRecord }[]>;
  /**
   * Every activation (open or closed) of a revision bundling a version of one model: the bundled
   * version, whether it is a shadow, the deployment's environment and when it was activated; oldest
   * first. What deployment approvals say of a model's versions (drift checks).
   */
  listComponentActivations(backendId: string, modelName: string): Promise<ComponentActivation[]>;
}

export interface ComponentActivation {
  version: string;
  shadow: boolean;
  environment: string;
  activatedAt: Date;
  /** The APPLIED request that activated the revision. */
  requestId: string;
}
