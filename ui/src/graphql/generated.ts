/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
/** PENDING: a request waiting for approvals. APPROVED/REJECTED: a decision an approver made. */
export type ApprovalState =
  | 'APPROVED'
  | 'PENDING'
  | 'REJECTED';

export type AuditEventFilter = {
  action?: string | null | undefined;
  actor?: string | null | undefined;
  backend?: string | null | undefined;
  /** Inclusive. */
  from?: string | null | undefined;
  model?: string | null | undefined;
  order?: SortOrder | null | undefined;
  /** Exclusive. */
  to?: string | null | undefined;
};

export type AuditOutcome =
  | 'FAILURE'
  | 'SUCCESS';

/** HEALTHY: every component of the current revision is where the environment needs it. DEGRADED: a component is gone, out of an accepted stage or drifted (see problems). UNKNOWN: a backend could not be read. INACTIVE: no revision runs. */
export type DeploymentHealthStatus =
  | 'DEGRADED'
  | 'HEALTHY'
  | 'INACTIVE'
  | 'UNKNOWN';

export type DeploymentProblemCode =
  | 'DRIFTED'
  | 'GONE'
  | 'STAGE_NOT_ACCEPTED'
  | 'UNREACHABLE';

export type DeploymentPromoteInput = {
  environment: string;
  /** Replaying a key returns the first request (replayed: true). */
  idempotencyKey?: string | null | undefined;
  name: string;
  reason: string;
  /** The revision number to put in the environment. */
  revision: number;
};

/** DRAFT: recorded only. PENDING: a request to run it is open. ACTIVE: the environment runs it. SUPERSEDED: it ran; another runs now. */
export type DeploymentRevisionStatus =
  | 'ACTIVE'
  | 'DRAFT'
  | 'PENDING'
  | 'SUPERSEDED';

export type DeploymentRollbackInput = {
  environment: string;
  name: string;
  reason: string;
  /** The revision to go back to; default: the one that ran before the current one. */
  revision?: number | null | undefined;
};

export type GateName =
  | 'APPROVAL'
  | 'CANARY'
  | 'EVAL';

export type ModelFilter = {
  /** Case-insensitive substring of the name. */
  nameContains?: string | null | undefined;
  /** Every tag must match. */
  tags?: Array<TagInput> | null | undefined;
};

export type ModelRollbackInput = {
  backend: string;
  environment: string;
  model: string;
  reason: string;
};

export type PromotionDecisionInput = {
  comment?: string | null | undefined;
  /** The PromotionRequest's id. */
  id: string | number;
};

export type PromotionKind =
  | 'PROMOTION'
  | 'ROLLBACK';

export type PromotionRequestInput = {
  backend: string;
  environment: string;
  /** Compare-and-set: the version(s) holding toStage now, comma-separated ("" for none); refused with CONFLICT otherwise. */
  expectedCurrentVersion?: string | null | undefined;
  /** Replaying a key returns the first request and does nothing again. */
  idempotencyKey?: string | null | undefined;
  model: string;
  reason: string;
  toStage: Stage;
  version: string;
};

/** PENDING: gates unmet. APPLYING: every gate passed, queued in the outbox. APPLIED: the backend carries the new stage. FAILED: the backend refused; nothing stayed changed. REJECTED: an approver said no. */
export type PromotionStatus =
  | 'APPLIED'
  | 'APPLYING'
  | 'FAILED'
  | 'PENDING'
  | 'REJECTED';

/** Which registry events to deliver: every criterion given must match. */
export type RegistryEventFilter = {
  /** Backend id. */
  backend?: string | null | undefined;
  /** Environment; events that concern no environment do not match. */
  environment?: string | null | undefined;
  /** Model name. */
  model?: string | null | undefined;
  /** Any of these types; absent or empty: every type. */
  types?: Array<RegistryEventType> | null | undefined;
};

/** What kind of change a registry event is. */
export type RegistryEventType =
  /** An alias was set or removed (alias.set, alias.remove). */
  | 'ALIAS_CHANGED'
  /** A promotion request was approved or rejected (promotion.approve, promotion.reject). */
  | 'APPROVAL'
  /** A deployment changed (deployment.*). */
  | 'DEPLOYMENT_CHANGED'
  /** A version was found changed outside modelgate, or back in line (OUT_OF_BAND_CHANGE, DRIFT_RESOLVED). */
  | 'DRIFT'
  /** An eval or canary result was recorded (eval.record, canary.record). */
  | 'EVIDENCE_RECORDED'
  /** Any other audited change. */
  | 'OTHER'
  /** A promotion request was opened, gated, queued, rolled back or failed to apply (promotion.request, promotion.gate, promotion.queue, promotion.rollback, promotion.apply that failed). */
  | 'PROMOTION_UPDATED'
  /** A version's stage changed: a promotion was applied, or a version demoted (promotion.apply, promotion.demote). */
  | 'STAGE_CHANGED'
  /** A model version (or a model) was registered (model_version.register, model.create). */
  | 'VERSION_REGISTERED';

/** What a caller may do. VIEWER reads; PUBLISHER also registers, records evidence and asks for promotions; APPROVER approves, rejects and rolls back; ADMIN holds every role. */
export type Role =
  | 'ADMIN'
  | 'APPROVER'
  | 'PUBLISHER'
  | 'VIEWER';

export type SortOrder =
  | 'ASC'
  | 'DESC';

/** Lifecycle stage. SHADOW receives mirrored traffic only and is never reported as serving. */
export type Stage =
  | 'ARCHIVED'
  | 'NONE'
  | 'PRODUCTION'
  | 'SHADOW'
  | 'STAGING';

export type TagInput = {
  key: string;
  value: string;
};

export type UserErrorCode =
  | 'ALREADY_EXISTS'
  | 'CONFLICT'
  | 'FORBIDDEN'
  | 'INVALID_INPUT'
  | 'NOT_FOUND'
  | 'UNSUPPORTED';

export type RequestFieldsFragment = { id: string, kind: PromotionKind, backendId: string, modelName: string, version: string, environment: string, fromStage: Stage, toStage: Stage, reason: string, requestedBy: string, createdAt: string, updatedAt: string, status: PromotionStatus, failure: string | null, previousVersions: Array<string>, policy: { approvals: number, minEvalScore: number | null, evalSuite: string | null, canary: boolean, source: string }, gates: Array<{ gate: GateName, passed: boolean, detail: string, evidence: unknown, evaluatedAt: string }>, decisions: Array<{ actor: string, decision: ApprovalState, comment: string | null, at: string }>, deploymentRevision: { number: number } | null };

export type PromotionQueueQueryVariables = Exact<{ [key: string]: never; }>;


export type PromotionQueueQuery = { pending: { nodes: Array<{ id: string, kind: PromotionKind, backendId: string, modelName: string, version: string, environment: string, fromStage: Stage, toStage: Stage, reason: string, requestedBy: string, createdAt: string, updatedAt: string, status: PromotionStatus, failure: string | null, previousVersions: Array<string>, policy: { approvals: number, minEvalScore: number | null, evalSuite: string | null, canary: boolean, source: string }, gates: Array<{ gate: GateName, passed: boolean, detail: string, evidence: unknown, evaluatedAt: string }>, decisions: Array<{ actor: string, decision: ApprovalState, comment: string | null, at: string }>, deploymentRevision: { number: number } | null }> }, recent: { nodes: Array<{ id: string, kind: PromotionKind, backendId: string, modelName: string, version: string, environment: string, fromStage: Stage, toStage: Stage, reason: string, requestedBy: string, createdAt: string, updatedAt: string, status: PromotionStatus, failure: string | null, previousVersions: Array<string>, policy: { approvals: number, minEvalScore: number | null, evalSuite: string | null, canary: boolean, source: string }, gates: Array<{ gate: GateName, passed: boolean, detail: string, evidence: unknown, evaluatedAt: string }>, decisions: Array<{ actor: string, decision: ApprovalState, comment: string | null, at: string }>, deploymentRevision: { number: number } | null }> } };

export type PromotionApproveMutationVariables = Exact<{
  input: PromotionDecisionInput;
}>;


export type PromotionApproveMutation = { promotionApprove: { promotionRequest: { id: string, status: PromotionStatus } | null, userErrors: Array<{ code: UserErrorCode, field: Array<string> | null, message: string }> } };

export type PromotionRejectMutationVariables = Exact<{
  input: PromotionDecisionInput;
}>;


export type PromotionRejectMutation = { promotionReject: { promotionRequest: { id: string, status: PromotionStatus } | null, userErrors: Array<{ code: UserErrorCode, field: Array<string> | null, message: string }> } };

export type PendingCountQueryVariables = Exact<{ [key: string]: never; }>;


export type PendingCountQuery = { promotionRequests: { nodes: Array<{ id: string }> } };

export type AuditEventFieldsFragment = { id: string, seq: number, at: string, actor: string, action: string, outcome: AuditOutcome, target: string, targetType: string, backendId: string | null, modelName: string | null, reason: string | null, error: string | null, requestId: string | null, before: unknown, after: unknown, hash: string, prevHash: string };

export type AuditEventsQueryVariables = Exact<{
  filter?: AuditEventFilter | null | undefined;
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type AuditEventsQuery = { auditEvents: { nodes: Array<{ id: string, seq: number, at: string, actor: string, action: string, outcome: AuditOutcome, target: string, targetType: string, backendId: string | null, modelName: string | null, reason: string | null, error: string | null, requestId: string | null, before: unknown, after: unknown, hash: string, prevHash: string }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } };

export type AuditVerificationQueryVariables = Exact<{ [key: string]: never; }>;


export type AuditVerificationQuery = { auditVerification: { ok: boolean, events: number, headSeq: number | null, headHash: string | null, firstBrokenSeq: number | null, reason: string | null } };

export type DeploymentListQueryVariables = Exact<{
  environment?: string | null | undefined;
  after?: string | null | undefined;
}>;


export type DeploymentListQuery = { deployments: { nodes: Array<{ id: string, name: string, environment: string, createdAt: string, createdBy: string, currentRevision: { number: number } | null, latestRevision: { number: number, status: DeploymentRevisionStatus } | null, health: { status: DeploymentHealthStatus } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } };

export type DeploymentDetailQueryVariables = Exact<{
  environment: string;
  name: string;
}>;


export type DeploymentDetailQuery = { deployment: { id: string, name: string, environment: string, createdAt: string, createdBy: string, health: { status: DeploymentHealthStatus, problems: Array<{ code: DeploymentProblemCode, message: string, component: { role: string, backendId: string, modelName: string, version: string, weight: number, shadow: boolean, serving: boolean } }> }, currentRevision: { number: number } | null, revisions: Array<{ id: string, number: number, status: DeploymentRevisionStatus, createdAt: string, createdBy: string, reason: string, contentHash: string, components: Array<{ role: string, backendId: string, modelName: string, version: string, weight: number, shadow: boolean, serving: boolean, modelVersion: { stage: Stage } | null }> }>, activations: Array<{ activatedAt: string, deactivatedAt: string | null, revision: { number: number }, request: { id: string, kind: PromotionKind, requestedBy: string, status: PromotionStatus, reason: string, decisions: Array<{ actor: string, decision: ApprovalState, at: string }> } | null }> } | null };

export type DeploymentRollbackMutationVariables = Exact<{
  input: DeploymentRollbackInput;
}>;


export type DeploymentRollbackMutation = { deploymentRollback: { promotionRequest: { id: string, status: PromotionStatus } | null, userErrors: Array<{ code: UserErrorCode, field: Array<string> | null, message: string }> } };

export type DeploymentPromoteMutationVariables = Exact<{
  input: DeploymentPromoteInput;
}>;


export type DeploymentPromoteMutation = { deploymentPromote: { promotionRequest: { id: string, status: PromotionStatus } | null, userErrors: Array<{ code: UserErrorCode, field: Array<string> | null, message: string }> } };

export type RegistryEventsSubscriptionVariables = Exact<{
  filter?: RegistryEventFilter | null | undefined;
}>;


export type RegistryEventsSubscription = { registryEvents: { seq: number, type: RegistryEventType, action: string, actor: string, at: string, backendId: string | null, modelName: string | null, environment: string | null } };

export type ModelListQueryVariables = Exact<{
  filter?: ModelFilter | null | undefined;
  backend?: string | null | undefined;
  after?: string | null | undefined;
}>;


export type ModelListQuery = { models: { nodes: Array<{ id: string, name: string, backendId: string, description: string | null, latestVersion: string | null, aliases: Array<{ name: string, version: string }> }>, failedBackends: Array<{ backendId: string, message: string }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } };

export type ModelDetailQueryVariables = Exact<{
  backend: string;
  name: string;
  after?: string | null | undefined;
}>;


export type ModelDetailQuery = { model: { id: string, name: string, backendId: string, description: string | null, latestVersion: string | null, backend: { kind: string }, aliases: Array<{ name: string, version: string }>, tags: Array<{ key: string, value: string }>, versions: { nodes: Array<{ version: string, stage: Stage, nativeStage: string | null, aliases: Array<string>, createdAt: string | null, createdBy: string | null, description: string | null, drift: { expectedStage: Stage, actualStage: Stage | null, detectedAt: string } | null }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } } | null, environments: Array<{ name: string, stage: Stage }>, policies: { transitions: Array<{ from: Stage, to: Array<Stage> }> } };

export type VersionDetailQueryVariables = Exact<{
  backend: string;
  model: string;
  version: string;
}>;


export type VersionDetailQuery = { modelVersion: { version: string, stage: Stage, aliases: Array<string>, registryVersion: string, description: string | null, artifactUri: string | null, createdAt: string | null, createdBy: string | null, params: Record<string, unknown>, drift: { expectedStage: Stage, actualStage: Stage | null, detectedAt: string } | null, generationConfig: { model: string, promptRef: string | null, toolsRef: string | null, params: Record<string, unknown>, approvedBy: string | null, eval: { suite: string, score: number, run: string | null, artifactUri: string | null } | null } | null, prompt: { name: string, version: string, template: string } | null, lineage: { runId: string | null, runLink: string | null, codeCommit: string | null, datasetHash: string | null, parentModel: string | null }, metrics: Array<{ key: string, value: number }>, tags: Array<{ key: string, value: string }>, evalRecords: Array<{ suite: string, score: number, run: string | null, artifactUri: string | null, recordedBy: string, at: string }> } | null };

export type PromotionRequestCreateMutationVariables = Exact<{
  input: PromotionRequestInput;
}>;


export type PromotionRequestCreateMutation = { promotionRequest: { promotionRequest: { id: string, status: PromotionStatus } | null, userErrors: Array<{ code: UserErrorCode, field: Array<string> | null, message: string }> } };

export type ModelRollbackMutationVariables = Exact<{
  input: ModelRollbackInput;
}>;


export type ModelRollbackMutation = { modelRollback: { promotionRequest: { id: string, status: PromotionStatus } | null, userErrors: Array<{ code: UserErrorCode, field: Array<string> | null, message: string }> } };

export type ModelHistoryQueryVariables = Exact<{
  filter: AuditEventFilter;
}>;


export type ModelHistoryQuery = { auditEvents: { nodes: Array<{ id: string, seq: number, at: string, actor: string, action: string, outcome: AuditOutcome, target: string, targetType: string, backendId: string | null, modelName: string | null, reason: string | null, error: string | null, requestId: string | null, before: unknown, after: unknown, hash: string, prevHash: string }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } };

export type OverviewSetupQueryVariables = Exact<{ [key: string]: never; }>;


export type OverviewSetupQuery = { environments: Array<{ name: string, stage: Stage }>, backends: Array<{ backendId: string, kind: string }> };

export type ComponentFieldsFragment = { role: string, backendId: string, modelName: string, version: string, weight: number, shadow: boolean, serving: boolean };

export type ApprovalFieldsFragment = { approvedAt: string | null, approvedBy: Array<string>, requestedBy: string };

export type ProductionOverviewQueryVariables = Exact<{
  environment: string;
  asOf?: string | null | undefined;
  past: boolean;
}>;


export type ProductionOverviewQuery = { whatRunsInProduction: { environment: string, asOf: string | null, failedBackends: Array<{ backendId: string, code: string, message: string }>, deployments: Array<{ activatedAt: string, approval: { approvedAt: string | null, approvedBy: Array<string>, requestedBy: string } | null, deployment: { id: string, name: string, environment: string, health?: { status: DeploymentHealthStatus, problems: Array<{ code: DeploymentProblemCode, message: string, component: { role: string, backendId: string, modelName: string, version: string, weight: number, shadow: boolean, serving: boolean } }> } }, revision: { number: number, components: Array<{ role: string, backendId: string, modelName: string, version: string, weight: number, shadow: boolean, serving: boolean }> } }>, versions: Array<{ backendId: string, modelName: string, version: string, since: string | null, standalone: boolean, approval: { approvedAt: string | null, approvedBy: Array<string>, requestedBy: string } | null, usedBy: Array<{ deployment: string, role: string, shadow: boolean, weight: number }>, modelVersion: { stage: Stage, drift: { expectedStage: Stage, actualStage: Stage | null, detectedAt: string } | null } | null }> } };

export type ViewerQueryVariables = Exact<{ [key: string]: never; }>;


export type ViewerQuery = { viewer: { id: string, displayName: string, roles: Array<Role>, developmentMode: boolean } };

export class TypedDocumentString<TResult, TVariables>
  extends String
  implements DocumentTypeDecoration<TResult, TVariables>
{
  __apiType?: NonNullable<DocumentTypeDecoration<TResult, TVariables>['__apiType']>;
  private value: string;
  public __meta__?: Record<string, any> | undefined;

  constructor(value: string, __meta__?: Record<string, any> | undefined) {
    super(value);
    this.value = value;
    this.__meta__ = __meta__;
  }

  override toString(): string & DocumentTypeDecoration<TResult, TVariables> {
    return this.value;
  }
}
export const RequestFieldsFragmentDoc = new TypedDocumentString(`
    fragment RequestFields on PromotionRequest {
  id
  kind
  backendId
  modelName
  version
  environment
  fromStage
  toStage
  reason
  requestedBy
  createdAt
  updatedAt
  status
  failure
  previousVersions
  policy {
    approvals
    minEvalScore
    evalSuite
    canary
    source
  }
  gates {
    gate
    passed
    detail
    evidence
    evaluatedAt
  }
  decisions {
    actor
    decision
    comment
    at
  }
  deploymentRevision {
    number
  }
}
    `, {"fragmentName":"RequestFields"}) as unknown as TypedDocumentString<RequestFieldsFragment, unknown>;
export const AuditEventFieldsFragmentDoc = new TypedDocumentString(`
    fragment AuditEventFields on AuditEvent {
  id
  seq
  at
  actor
  action
  outcome
  target
  targetType
  backendId
  modelName
  reason
  error
  requestId
  before
  after
  hash
  prevHash
}
    `, {"fragmentName":"AuditEventFields"}) as unknown as TypedDocumentString<AuditEventFieldsFragment, unknown>;
export const ComponentFieldsFragmentDoc = new TypedDocumentString(`
    fragment ComponentFields on DeploymentComponent {
  role
  backendId
  modelName
  version
  weight
  shadow
  serving
}
    `, {"fragmentName":"ComponentFields"}) as unknown as TypedDocumentString<ComponentFieldsFragment, unknown>;
export const ApprovalFieldsFragmentDoc = new TypedDocumentString(`
    fragment ApprovalFields on ApprovalSummary {
  approvedAt
  approvedBy
  requestedBy
}
    `, {"fragmentName":"ApprovalFields"}) as unknown as TypedDocumentString<ApprovalFieldsFragment, unknown>;
export const PromotionQueueDocument = new TypedDocumentString(`
    query PromotionQueue {
  pending: promotionRequests(status: PENDING, first: 100) {
    nodes {
      ...RequestFields
    }
  }
  recent: promotionRequests(first: 20) {
    nodes {
      ...RequestFields
    }
  }
}
    fragment RequestFields on PromotionRequest {
  id
  kind
  backendId
  modelName
  version
  environment
  fromStage
  toStage
  reason
  requestedBy
  createdAt
  updatedAt
  status
  failure
  previousVersions
  policy {
    approvals
    minEvalScore
    evalSuite
    canary
    source
  }
  gates {
    gate
    passed
    detail
    evidence
    evaluatedAt
  }
  decisions {
    actor
    decision
    comment
    at
  }
  deploymentRevision {
    number
  }
}`) as unknown as TypedDocumentString<PromotionQueueQuery, PromotionQueueQueryVariables>;
export const PromotionApproveDocument = new TypedDocumentString(`
    mutation PromotionApprove($input: PromotionDecisionInput!) {
  promotionApprove(input: $input) {
    promotionRequest {
      id
      status
    }
    userErrors {
      code
      field
      message
    }
  }
}
    `) as unknown as TypedDocumentString<PromotionApproveMutation, PromotionApproveMutationVariables>;
export const PromotionRejectDocument = new TypedDocumentString(`
    mutation PromotionReject($input: PromotionDecisionInput!) {
  promotionReject(input: $input) {
    promotionRequest {
      id
      status
    }
    userErrors {
      code
      field
      message
    }
  }
}
    `) as unknown as TypedDocumentString<PromotionRejectMutation, PromotionRejectMutationVariables>;
export const PendingCountDocument = new TypedDocumentString(`
    query PendingCount {
  promotionRequests(status: PENDING, first: 100) {
    nodes {
      id
    }
  }
}
    `) as unknown as TypedDocumentString<PendingCountQuery, PendingCountQueryVariables>;
export const AuditEventsDocument = new TypedDocumentString(`
    query AuditEvents($filter: AuditEventFilter, $first: Int, $after: String) {
  auditEvents(filter: $filter, first: $first, after: $after) {
    nodes {
      ...AuditEventFields
    }
    pageInfo {
      hasNextPage
      endCursor
    }
  }
}
    fragment AuditEventFields on AuditEvent {
  id
  seq
  at
  actor
  action
  outcome
  target
  targetType
  backendId
  modelName
  reason
  error
  requestId
  before
  after
  hash
  prevHash
}`) as unknown as TypedDocumentString<AuditEventsQuery, AuditEventsQueryVariables>;
export const AuditVerificationDocument = new TypedDocumentString(`
    query AuditVerification {
  auditVerification {
    ok
    events
    headSeq
    headHash
    firstBrokenSeq
    reason
  }
}
    `) as unknown as TypedDocumentString<AuditVerificationQuery, AuditVerificationQueryVariables>;
export const DeploymentListDocument = new TypedDocumentString(`
    query DeploymentList($environment: String, $after: String) {
  deployments(first: 100, environment: $environment, after: $after) {
    nodes {
      id
      name
      environment
      createdAt
      createdBy
      currentRevision {
        number
      }
      latestRevision {
        number
        status
      }
      health {
        status
      }
    }
    pageInfo {
      hasNextPage
      endCursor
    }
  }
}
    `) as unknown as TypedDocumentString<DeploymentListQuery, DeploymentListQueryVariables>;
export const DeploymentDetailDocument = new TypedDocumentString(`
    query DeploymentDetail($environment: String!, $name: String!) {
  deployment(environment: $environment, name: $name) {
    id
    name
    environment
    createdAt
    createdBy
    health {
      status
      problems {
        code
        message
        component {
          ...ComponentFields
        }
      }
    }
    currentRevision {
      number
    }
    revisions(first: 100) {
      id
      number
      status
      createdAt
      createdBy
      reason
      contentHash
      components {
        ...ComponentFields
        modelVersion {
          stage
        }
      }
    }
    activations(first: 100) {
      activatedAt
      deactivatedAt
      revision {
        number
      }
      request {
        id
        kind
        requestedBy
        status
        reason
        decisions {
          actor
          decision
          at
        }
      }
    }
  }
}
    fragment ComponentFields on DeploymentComponent {
  role
  backendId
  modelName
  version
  weight
  shadow
  serving
}`) as unknown as TypedDocumentString<DeploymentDetailQuery, DeploymentDetailQueryVariables>;
export const DeploymentRollbackDocument = new TypedDocumentString(`
    mutation DeploymentRollback($input: DeploymentRollbackInput!) {
  deploymentRollback(input: $input) {
    promotionRequest {
      id
      status
    }
    userErrors {
      code
      field
      message
    }
  }
}
    `) as unknown as TypedDocumentString<DeploymentRollbackMutation, DeploymentRollbackMutationVariables>;
export const DeploymentPromoteDocument = new TypedDocumentString(`
    mutation DeploymentPromote($input: DeploymentPromoteInput!) {
  deploymentPromote(input: $input) {
    promotionRequest {
      id
      status
    }
    userErrors {
      code
      field
      message
    }
  }
}
    `) as unknown as TypedDocumentString<DeploymentPromoteMutation, DeploymentPromoteMutationVariables>;
export const RegistryEventsDocument = new TypedDocumentString(`
    subscription RegistryEvents($filter: RegistryEventFilter) {
  registryEvents(filter: $filter) {
    seq
    type
    action
    actor
    at
    backendId
    modelName
    environment
  }
}
    `) as unknown as TypedDocumentString<RegistryEventsSubscription, RegistryEventsSubscriptionVariables>;
export const ModelListDocument = new TypedDocumentString(`
    query ModelList($filter: ModelFilter, $backend: String, $after: String) {
  models(first: 100, filter: $filter, backend: $backend, after: $after) {
    nodes {
      id
      name
      backendId
      description
      latestVersion
      aliases {
        name
        version
      }
    }
    failedBackends {
      backendId
      message
    }
    pageInfo {
      hasNextPage
      endCursor
    }
  }
}
    `) as unknown as TypedDocumentString<ModelListQuery, ModelListQueryVariables>;
export const ModelDetailDocument = new TypedDocumentString(`
    query ModelDetail($backend: String!, $name: String!, $after: String) {
  model(backend: $backend, name: $name) {
    id
    name
    backendId
    description
    latestVersion
    backend {
      kind
    }
    aliases {
      name
      version
    }
    tags {
      key
      value
    }
    versions(first: 100, after: $after) {
      nodes {
        version
        stage
        nativeStage
        aliases
        createdAt
        createdBy
        description
        drift {
          expectedStage
          actualStage
          detectedAt
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
  environments {
    name
    stage
  }
  policies {
    transitions {
      from
      to
    }
  }
}
    `) as unknown as TypedDocumentString<ModelDetailQuery, ModelDetailQueryVariables>;
export const VersionDetailDocument = new TypedDocumentString(`
    query VersionDetail($backend: String!, $model: String!, $version: String!) {
  modelVersion(backend: $backend, model: $model, version: $version) {
    version
    stage
    aliases
    drift {
      expectedStage
      actualStage
      detectedAt
    }
    registryVersion
    description
    artifactUri
    createdAt
    createdBy
    params
    generationConfig {
      model
      promptRef
      toolsRef
      params
      approvedBy
      eval {
        suite
        score
        run
        artifactUri
      }
    }
    prompt {
      name
      version
      template
    }
    lineage {
      runId
      runLink
      codeCommit
      datasetHash
      parentModel
    }
    metrics {
      key
      value
    }
    tags {
      key
      value
    }
    evalRecords {
      suite
      score
      run
      artifactUri
      recordedBy
      at
    }
  }
}
    `) as unknown as TypedDocumentString<VersionDetailQuery, VersionDetailQueryVariables>;
export const PromotionRequestCreateDocument = new TypedDocumentString(`
    mutation PromotionRequestCreate($input: PromotionRequestInput!) {
  promotionRequest(input: $input) {
    promotionRequest {
      id
      status
    }
    userErrors {
      code
      field
      message
    }
  }
}
    `) as unknown as TypedDocumentString<PromotionRequestCreateMutation, PromotionRequestCreateMutationVariables>;
export const ModelRollbackDocument = new TypedDocumentString(`
    mutation ModelRollback($input: ModelRollbackInput!) {
  modelRollback(input: $input) {
    promotionRequest {
      id
      status
    }
    userErrors {
      code
      field
      message
    }
  }
}
    `) as unknown as TypedDocumentString<ModelRollbackMutation, ModelRollbackMutationVariables>;
export const ModelHistoryDocument = new TypedDocumentString(`
    query ModelHistory($filter: AuditEventFilter!) {
  auditEvents(filter: $filter, first: 50) {
    nodes {
      ...AuditEventFields
    }
    pageInfo {
      hasNextPage
      endCursor
    }
  }
}
    fragment AuditEventFields on AuditEvent {
  id
  seq
  at
  actor
  action
  outcome
  target
  targetType
  backendId
  modelName
  reason
  error
  requestId
  before
  after
  hash
  prevHash
}`) as unknown as TypedDocumentString<ModelHistoryQuery, ModelHistoryQueryVariables>;
export const OverviewSetupDocument = new TypedDocumentString(`
    query OverviewSetup {
  environments {
    name
    stage
  }
  backends {
    backendId
    kind
  }
}
    `) as unknown as TypedDocumentString<OverviewSetupQuery, OverviewSetupQueryVariables>;
export const ProductionOverviewDocument = new TypedDocumentString(`
    query ProductionOverview($environment: String!, $asOf: DateTime, $past: Boolean!) {
  whatRunsInProduction(environment: $environment, asOf: $asOf) {
    environment
    asOf
    failedBackends {
      backendId
      code
      message
    }
    deployments {
      activatedAt
      approval {
        ...ApprovalFields
      }
      deployment {
        id
        name
        environment
        health @skip(if: $past) {
          status
          problems {
            code
            message
            component {
              ...ComponentFields
            }
          }
        }
      }
      revision {
        number
        components {
          ...ComponentFields
        }
      }
    }
    versions {
      backendId
      modelName
      version
      since
      standalone
      approval {
        ...ApprovalFields
      }
      usedBy {
        deployment
        role
        shadow
        weight
      }
      modelVersion {
        stage
        drift {
          expectedStage
          actualStage
          detectedAt
        }
      }
    }
  }
}
    fragment ComponentFields on DeploymentComponent {
  role
  backendId
  modelName
  version
  weight
  shadow
  serving
}
fragment ApprovalFields on ApprovalSummary {
  approvedAt
  approvedBy
  requestedBy
}`) as unknown as TypedDocumentString<ProductionOverviewQuery, ProductionOverviewQueryVariables>;
export const ViewerDocument = new TypedDocumentString(`
    query Viewer {
  viewer {
    id
    displayName
    roles
    developmentMode
  }
}
    `) as unknown as TypedDocumentString<ViewerQuery, ViewerQueryVariables>;