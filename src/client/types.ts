/**
 * What the client's typed helpers return. Dates are ISO 8601 strings as sent; tag, metric and
 * alias lists are turned into plain records.
 */
import type { GraphQLErrorEntry, ModelgateError } from "./errors.js";

export type Stage = "NONE" | "STAGING" | "SHADOW" | "PRODUCTION" | "ARCHIVED";
export type HealthState = "UP" | "DEGRADED" | "DOWN";
export type CircuitState = "CLOSED" | "OPEN" | "HALF_OPEN" | "ISOLATED";

export interface Backend {
  id: string;
  backendId: string;
  kind: string;
  health: { state: HealthState; latencyMs: number; message: string | null; circuit: CircuitState; checkedAt: string };
  capabilities: {
    asOf: boolean;
    generationConfigs: boolean;
    prompts: boolean;
    aliases: boolean;
    writes: boolean;
    maxPageSize: number;
  };
}

export interface PageInfo {
  hasNextPage: boolean;
  endCursor: string | null;
}

export interface Model {
  /** Opaque global id. */
  id: string;
  name: string;
  backendId: string;
  description: string | null;
  latestVersion: string | null;
  createdAt: string | null;
  updatedAt: string | null;
  tags: Record<string, string>;
  /** alias -> version */
  aliases: Record<string, string>;
}

/** A backend that failed while the others answered: its models are missing from the page. */
export interface BackendFailure {
  backendId: string;
  code: string;
  message: string;
}

export interface ModelPage {
  models: Model[];
  pageInfo: PageInfo;
  failedBackends: BackendFailure[];
  /** The response's GraphQL errors (one per failed backend); empty when every backend answered. */
  errors: GraphQLErrorEntry[];
}

export interface GenerationConfig {
  model: string;
  promptRef: string | null;
  toolsRef: string | null;
  params: Record<string, unknown>;
  eval: { suite: string; score: number; run: string | null; artifactUri: string | null } | null;
  approvedBy: string | null;
}

export interface Lineage {
  runId: string | null;
  runLink: string | null;
  codeCommit: string | null;
  datasetHash: string | null;
  parentModel: string | null;
}

export interface ModelVersion {
  id: string;
  backendId: string;
  modelName: string;
  version: string;
  stage: Stage;
  nativeStage: string | null;
  /** "backend/name@version". */
  registryVersion: string;
  serving: boolean;
  artifactUri: string | null;
  description: string | null;
  aliases: string[];
  tags: Record<string, string>;
  metrics: Record<string, number>;
  params: Record<string, unknown>;
  lineage: Lineage;
  generationConfig: GenerationConfig | null;
  createdAt: string | null;
  updatedAt: string | null;
  createdBy: string | null;
}

export interface VersionPage {
  versions: ModelVersion[];
  pageInfo: PageInfo;
}

/** A generation config as GET /v1/resolve sends it (absent fields left out). */
export interface ResolvedGenerationConfig {
  model: string;
  promptRef?: string;
  toolsRef?: string;
  params: Record<string, unknown>;
  eval?: { suite: string; score: number; run?: string; artifactUri?: string };
  approvedBy?: string;
}

/** A model's answer from GET /v1/resolve/{name}?env=ENV: one version (`kind: "model"`). */
export interface ResolvedEntry {
  kind: "model";
  name: string;
  environment: string;
  backend: string;
  version: string;
  stage: Stage;
  /** "backend/name@version": log it with every call the application makes. */
  registryVersion: string;
  /** TRAIL: the environment resolves from the promotion trail (resolveFrom: trail). */
  selectedBy: "ALIAS" | "STAGE" | "TRAIL";
  /** Where the version comes from (absent from gateways before drift flags). */
  servedFrom?: "BACKEND" | "TRAIL";
  /** The version the backend has for the environment; null when none. */
  backendVersion?: string | null;
  /** The version the promotion trail last approved into the environment's stage; null when none. */
  trailVersion?: string | null;
  /** Set when the backend and the promotion trail disagree (also the X-Modelgate-Drift header). */
  drift?: ResolveDrift | null;
  artifactUri: string | null;
  generationConfig: ResolvedGenerationConfig | null;
  prompt: { name: string; version: string; template: string } | null;
  tools: { name: string; version: string; tools: unknown } | null;
  params: Record<string, unknown>;
  lineage: Record<string, string | undefined>;
  etag: string;
}

/** A disagreement between a backend and the promotion trail, as GET /v1/resolve reports it. */
export interface ResolveDrift {
  kind: "OUT_OF_BAND_CHANGE" | "UNAPPROVED_IN_STAGE";
  version: string;
  trailStage: Stage | null;
  backendStage: Stage | null;
  message: string;
  /** ISO time a drift check recorded it; null until one has. */
  detectedAt: string | null;
}

/** One component of a resolved deployment, ready to use. */
export interface ResolvedComponent {
  /** What it does in the application, e.g. "retriever". */
  role: string;
  /** Percent of the role's live traffic. */
  weight: number;
  /** Mirror traffic to it; never serve its answers. */
  shadow: boolean;
  /** Not shadow and a weight above 0. */
  serving: boolean;
  backend: string;
  model: string;
  version: string;
  stage: Stage;
  /** "backend/name@version" of this component. */
  registryVersion: string;
  artifactUri: string | null;
  generationConfig: ResolvedGenerationConfig | null;
  prompt: { name: string; version: string; template: string } | null;
  tools: { name: string; version: string; tools: unknown } | null;
  params: Record<string, unknown>;
}

/** A deployment's answer from GET /v1/resolve/{name}?env=ENV: the running revision's bundle (`kind: "deployment"`). */
export interface ResolvedDeployment {
  kind: "deployment";
  name: string;
  environment: string;
  /** The revision number that runs. */
  revision: number;
  /** The revision's content hash (the ETag without quotes). */
  contentHash: string;
  /** "name@environment#revision": log it with every call the application makes. */
  registryVersion: string;
  etag: string;
  /** Sorted by role, backend, model, version. */
  components: ResolvedComponent[];
  /** The first component's recorded drift (serving components first); absent from older gateways. */
  drift?: ResolveDrift | null;
}

/** What a name resolves to: switch on `kind`. */
export type Resolution = ResolvedEntry | ResolvedDeployment;

export interface ResolveResult<T extends Resolution = Resolution> {
  entry: T;
  /** Strong ETag (quoted), as sent in the ETag header. */
  etag: string;
  /** True when the gateway answered 304 and `entry` is the cached copy. */
  notModified: boolean;
  /**
   * True when the gateway could not answer (unreachable, timed out, HTTP 5xx) and `entry` is the
   * last good answer from the cache; `staleReason` is the error the request failed with.
   */
  stale: boolean;
  staleReason?: ModelgateError;
  /** When the gateway last confirmed `entry` (a 200 or a 304). */
  fetchedAt: Date;
}

export interface RegisterVersionInput {
  backend: string;
  model: string;
  artifactUri?: string;
  description?: string;
  tags?: Record<string, string>;
  params?: Record<string, unknown>;
  metrics?: Record<string, number>;
  lineage?: Partial<Record<keyof Lineage, string>>;
  generationConfig?: {
    model: string;
    promptRef?: string;
    toolsRef?: string;
    params?: Record<string, unknown>;
    eval?: { suite: string; score: number; run?: string; artifactUri?: string };
  };
  /** Create the model when it does not exist (default true). */
  createModel?: boolean;
  /** Why: recorded in the audit trail. */
  reason?: string;
}

export interface SetAliasInput {
  backend: string;
  model: string;
  alias: string;
  version: string;
  reason?: string;
}

export interface SetAliasResult {
  modelVersion: ModelVersion;
  /** The version the alias pointed to before, or null when it is new. */
  previousVersion: string | null;
}

export interface RemoveAliasInput {
  backend: string;
  model: string;
  alias: string;
  reason?: string;
}

export interface RemoveAliasResult {
  model: Model;
  /** The version the alias pointed to. */
  removedFromVersion: string | null;
}

export type DeploymentRevisionStatus = "DRAFT" | "PENDING" | "ACTIVE" | "SUPERSEDED";
export type DeploymentHealthStatus = "HEALTHY" | "DEGRADED" | "UNKNOWN" | "INACTIVE";
export type PromotionStatus = "PENDING" | "APPLYING" | "APPLIED" | "FAILED" | "REJECTED";

/** One component of a deployment revision (input). */
export interface DeploymentComponentInput {
  /** What it does in the application: a lower-case id such as "retriever". */
  role: string;
  backend: string;
  model: string;
  version: string;
  /** 0 to 100; the non-shadow components of a role sum to 100. */
  weight: number;
  /** Mirrored traffic only (default false). */
  shadow?: boolean;
}

export interface DeploymentRevisionCreateInput {
  name: string;
  environment: string;
  /** Why: recorded in the audit trail. */
  reason: string;
  components: DeploymentComponentInput[];
}

export interface DeploymentPromoteInput {
  name: string;
  environment: string;
  /** The revision number to put in the environment. */
  revision: number;
  reason: string;
  /** Replaying a key returns the first request (`replayed: true`). */
  idempotencyKey?: string;
}

export interface DeploymentRollbackInput {
  name: string;
  environment: string;
  reason: string;
  /** The revision to go back to; default: the one that ran before the current one. */
  revision?: number;
}

export interface DeploymentComponent {
  role: string;
  backendId: string;
  modelName: string;
  version: string;
  weight: number;
  shadow: boolean;
  /** Takes live traffic when the revision runs. */
  serving: boolean;
  /** The version's stage in its backend now; null when the version is gone from it. */
  stage: Stage | null;
}

/** A promotion or rollback request (for a deployment: `modelName` is the deployment, `version` the revision number). */
export interface PromotionRequest {
  id: string;
  kind: "PROMOTION" | "ROLLBACK";
  status: PromotionStatus;
  backendId: string;
  modelName: string;
  version: string;
  environment: string;
  fromStage: Stage;
  toStage: Stage;
  requestedBy: string;
  reason: string;
  failure: string | null;
  createdAt: string;
  updatedAt: string;
  policy: { source: string; approvals: number; canary: boolean; minEvalScore: number | null };
  gates: { gate: string; passed: boolean; detail: string }[];
  decisions: { actor: string; decision: string; comment: string | null; at: string }[];
  /** The deployment revision the request covers; null for a model version. */
  deploymentRevision: { number: number; status: DeploymentRevisionStatus; contentHash: string } | null;
}

export interface DeploymentRevision {
  id: string;
  number: number;
  status: DeploymentRevisionStatus;
  contentHash: string;
  createdBy: string;
  createdAt: string;
  reason: string;
  /** Sorted by role, backend, model, version. */
  components: DeploymentComponent[];
  /** The promotion and rollback requests for this revision, newest first (id, kind, status). */
  requests: { id: string; kind: "PROMOTION" | "ROLLBACK"; status: PromotionStatus; requestedBy: string }[];
}

export interface DeploymentProblem {
  code: "DRIFTED" | "GONE" | "STAGE_NOT_ACCEPTED" | "UNREACHABLE";
  message: string;
  component: { role: string; backendId: string; modelName: string; version: string; shadow: boolean };
}

export interface Deployment {
  id: string;
  name: string;
  environment: string;
  createdBy: string;
  createdAt: string;
  /** The revision the environment runs; null when none. */
  currentRevision: DeploymentRevision | null;
  latestRevision: DeploymentRevision | null;
  /** The current revision's components checked against their backends now. */
  health: { status: DeploymentHealthStatus; problems: DeploymentProblem[] };
}

/** A deployment with every revision (newest first) and which revision ran when. */
export interface DeploymentDetail extends Deployment {
  revisions: DeploymentRevision[];
  activations: { revision: number; activatedAt: string; deactivatedAt: string | null; requestId: string | null; requestKind: "PROMOTION" | "ROLLBACK" | null }[];
}

export interface DeploymentPage {
  deployments: Deployment[];
  pageInfo: PageInfo;
}

export interface DeploymentRevisionCreateResult {
  deployment: { id: string; name: string; environment: string };
  revision: DeploymentRevision;
  /** True when the components equalled the latest revision's: nothing was recorded, that revision is returned. */
  unchanged: boolean;
}

export interface DeploymentPromotionResult {
  deployment: { id: string; name: string; environment: string };
  /** Follow it to APPLIED (see `promotionRequest(id)`). */
  promotionRequest: PromotionRequest;
  /** True when an idempotency key was replayed: the first request is returned, nothing was done again. */
  replayed: boolean;
}

export interface ApprovalSummary {
  requestedBy: string;
  approvedBy: string[];
  approvedAt: string | null;
  request: { id: string; kind: "PROMOTION" | "ROLLBACK" };
}

export interface ProductionState {
  environment: string;
  asOf: string | null;
  /** Deployments with a running revision, by name. */
  deployments: {
    name: string;
    revision: number;
    contentHash: string;
    activatedAt: string;
    components: DeploymentComponent[];
    approval: ApprovalSummary | null;
  }[];
  /** Versions in the environment's stage. */
  versions: {
    backendId: string;
    modelName: string;
    version: string;
    /** "backend/name@version". */
    registryVersion: string;
    /** In no running deployment. */
    standalone: boolean;
    usedBy: { deployment: string; role: string; weight: number; shadow: boolean }[];
    /** null when the gateway did not put it there. */
    approval: ApprovalSummary | null;
    /** Since when the trail has it there; null when it was put there outside the gateway. */
    since: string | null;
  }[];
  /** Backends that could not be listed: their versions are missing. */
  failedBackends: BackendFailure[];
}
