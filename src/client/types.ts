/**
 * What the client's typed helpers return and take. The GraphQL shapes come from the schema:
 * graphql-codegen derives them from schema/schema.graphql and the operations in ./operations into
 * ./generated/graphql.ts (`npm run codegen`; CI fails when it is stale). This file names them and
 * declares how the helpers reshape them: tag, metric and alias lists become plain records, a
 * component's stage is lifted from its version. Dates are ISO 8601 strings as sent.
 *
 * GET /v1/resolve answers JSON, not GraphQL: its types (Resolved*) are declared here by hand.
 */
import type { GraphQLErrorEntry, ModelgateError } from "./errors.js";
import type * as G from "./generated/graphql.js";

export type Stage = G.Stage;
export type HealthState = G.HealthState;
export type CircuitState = G.CircuitState;
export type DeploymentRevisionStatus = G.DeploymentRevisionStatus;
export type DeploymentHealthStatus = G.DeploymentHealthStatus;
export type DeploymentProblemCode = G.DeploymentProblemCode;
export type PromotionStatus = G.PromotionStatus;
export type PromotionKind = G.PromotionKind;
export type GateName = G.GateName;
export type ApprovalState = G.ApprovalState;

/** A backend with its live health and capabilities. */
export type Backend = G.ModelgateBackendsQuery["backends"][number];

export type PageInfo = G.ModelgateModelsQuery["models"]["pageInfo"];

export interface Model extends Omit<G.ModelFieldsFragment, "tags" | "aliases"> {
  /** Opaque global id. */
  id: G.ModelFieldsFragment["id"];
  tags: Record<string, string>;
  /** alias -> version */
  aliases: Record<string, string>;
}

/** A backend that failed while the others answered: its models are missing from the page. */
export type BackendFailure = G.ModelgateModelsQuery["models"]["failedBackends"][number];

export interface ModelPage {
  models: Model[];
  pageInfo: PageInfo;
  failedBackends: BackendFailure[];
  /** The response's GraphQL errors (one per failed backend); empty when every backend answered. */
  errors: GraphQLErrorEntry[];
}

export type GenerationConfig = NonNullable<G.VersionFieldsFragment["generationConfig"]>;

export type Lineage = G.VersionFieldsFragment["lineage"];

export interface ModelVersion extends Omit<G.VersionFieldsFragment, "tags" | "metrics"> {
  /** "backend/name@version". */
  registryVersion: G.VersionFieldsFragment["registryVersion"];
  tags: Record<string, string>;
  metrics: Record<string, number>;
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
  /** The drift a drift check recorded for this version; absent from older gateways. */
  drift?: ResolveDrift | null;
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

/** modelVersionRegister's input, with tags and metrics as records. */
export interface RegisterVersionInput extends Omit<G.ModelVersionRegisterInput, "tags" | "metrics"> {
  tags?: Record<string, string>;
  metrics?: Record<string, number>;
  /** Create the model when it does not exist (default true). */
  createModel?: G.ModelVersionRegisterInput["createModel"];
  /** Why: recorded in the audit trail. */
  reason?: G.ModelVersionRegisterInput["reason"];
}

export type SetAliasInput = G.AliasSetInput;

export interface SetAliasResult {
  modelVersion: ModelVersion;
  /** The version the alias pointed to before, or null when it is new. */
  previousVersion: G.ModelgateSetAliasMutation["aliasSet"]["previousVersion"];
}

export type RemoveAliasInput = G.AliasRemoveInput;

export interface RemoveAliasResult {
  model: Model;
  /** The version the alias pointed to. */
  removedFromVersion: G.ModelgateRemoveAliasMutation["aliasRemove"]["removedFromVersion"];
}

/** One component of a deployment revision (input). */
export type DeploymentComponentInput = G.DeploymentComponentInput;
export type DeploymentRevisionCreateInput = G.DeploymentRevisionCreateInput;
export type DeploymentPromoteInput = G.DeploymentPromoteInput;
export type DeploymentRollbackInput = G.DeploymentRollbackInput;

export interface DeploymentComponent extends Omit<G.ComponentFieldsFragment, "modelVersion"> {
  /** Takes live traffic when the revision runs. */
  serving: G.ComponentFieldsFragment["serving"];
  /** The version's stage in its backend now; null when the version is gone from it. */
  stage: Stage | null;
}

/** A promotion or rollback request (for a deployment: `modelName` is the deployment, `version` the revision number). */
export type PromotionRequest = G.PromotionRequestFieldsFragment;

export interface DeploymentRevision extends Omit<G.RevisionFieldsFragment, "components"> {
  /** Sorted by role, backend, model, version. */
  components: DeploymentComponent[];
  /** The promotion and rollback requests for this revision, newest first (id, kind, status). */
  requests: G.RevisionFieldsFragment["requests"];
}

/** Why a component makes its deployment degraded. */
export type DeploymentProblem = G.DeploymentFieldsFragment["health"]["problems"][number];

export interface Deployment extends Omit<G.DeploymentFieldsFragment, "currentRevision" | "latestRevision"> {
  /** The revision the environment runs; null when none. */
  currentRevision: DeploymentRevision | null;
  latestRevision: DeploymentRevision | null;
  /** The current revision's components checked against their backends now. */
  health: G.DeploymentFieldsFragment["health"];
}

type RawActivation = NonNullable<G.ModelgateDeploymentQuery["deployment"]>["activations"][number];

/** A deployment with every revision (newest first) and which revision ran when. */
export interface DeploymentDetail extends Deployment {
  revisions: DeploymentRevision[];
  activations: {
    revision: RawActivation["revision"]["number"];
    activatedAt: RawActivation["activatedAt"];
    deactivatedAt: RawActivation["deactivatedAt"];
    /** The promotion or rollback that activated it. */
    requestId: NonNullable<RawActivation["request"]>["id"] | null;
    requestKind: NonNullable<RawActivation["request"]>["kind"] | null;
  }[];
}

export interface DeploymentPage {
  deployments: Deployment[];
  pageInfo: PageInfo;
}

type DeploymentRef = NonNullable<G.ModelgateDeploymentRevisionCreateMutation["deploymentRevisionCreate"]["deployment"]>;

export interface DeploymentRevisionCreateResult {
  deployment: DeploymentRef;
  revision: DeploymentRevision;
  /** True when the components equalled the latest revision's: nothing was recorded, that revision is returned. */
  unchanged: boolean;
}

export interface DeploymentPromotionResult {
  deployment: DeploymentRef;
  /** Follow it to APPLIED (see `promotionRequest(id)`). */
  promotionRequest: PromotionRequest;
  /** True when an idempotency key was replayed: the first request is returned, nothing was done again. */
  replayed: boolean;
}

export type ApprovalSummary = G.ApprovalFieldsFragment;

type Production = G.ModelgateWhatRunsInProductionQuery["whatRunsInProduction"];
type RunningDeployment = Production["deployments"][number];
type RunningVersion = Production["versions"][number];

export interface ProductionState {
  environment: Production["environment"];
  asOf: Production["asOf"];
  /** Deployments with a running revision, by name. */
  deployments: {
    name: RunningDeployment["deployment"]["name"];
    revision: RunningDeployment["revision"]["number"];
    contentHash: RunningDeployment["revision"]["contentHash"];
    activatedAt: RunningDeployment["activatedAt"];
    components: DeploymentComponent[];
    approval: ApprovalSummary | null;
  }[];
  /** Versions in the environment's stage. */
  versions: (RunningVersion & {
    /** "backend/name@version". */
    registryVersion: string;
    /** In no running deployment. */
    standalone: RunningVersion["standalone"];
    /** null when the gateway did not put it there. */
    approval: RunningVersion["approval"];
    /** Since when the trail has it there; null when it was put there outside the gateway. */
    since: RunningVersion["since"];
  })[];
  /** Backends that could not be listed: their versions are missing. */
  failedBackends: Production["failedBackends"];
}

/** What the deprecation policy would archive now, and why (docs/lifecycle.md#deprecation-policy). */
export type LifecyclePlan = G.LifecyclePlanFieldsFragment;
export type LifecyclePlanFilter = G.LifecyclePlanFilter;
export type LifecyclePlanApplyInput = G.LifecyclePlanApplyInput;
export type LifecycleApplyOutcome = G.LifecycleApplyOutcome;
export type LifecycleKeepReason = G.LifecycleKeepReason;
/** The plan that was applied and, per candidate, the archive request made (or why none was). */
export type LifecyclePlanApplyResult = {
  plan: LifecyclePlan;
  results: NonNullable<G.ModelgateLifecyclePlanApplyMutation["lifecyclePlanApply"]>["results"];
};
/** A shadow report to record (docs/lifecycle.md#shadow-evidence); times as ISO-8601 strings. */
export type ShadowReportInput = G.ShadowReportInput;
/** A recorded shadow report: the SHADOW gate's evidence. */
export type ShadowReport = NonNullable<G.ModelgateShadowReportMutation["shadowReport"]["shadowReport"]>;
/** A request to move a protected alias (docs/lifecycle.md#protected-aliases). */
export type AliasMoveRequestInput = G.AliasMoveRequestInput;
export interface AliasMoveRequestResult {
  /** The promotion request (its `alias` is set). */
  promotionRequest: PromotionRequest & { alias: string | null };
  /** True when the idempotency key was replayed: nothing was done again. */
  replayed: boolean;
}
