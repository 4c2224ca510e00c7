/**
 * The promotion workflow's tables, as the store exposes them inside a transaction (`tx.workflow`)
 * and outside one (`store.workflow`, each call its own transaction). The Kysely implementation in
 * ./workflow-kysely.ts uses only SQL both SQLite and PostgreSQL accept, so a PostgreSQL store can
 * hand out the same class over its own connection.
 */
import type { Stage } from "../core/stage.js";

export type PromotionKind = "PROMOTION" | "ROLLBACK";
export type PromotionStatus = "PENDING" | "APPLYING" | "APPLIED" | "FAILED" | "REJECTED";
export type GateName = "EVAL" | "CANARY" | "APPROVAL" | "SHADOW" | "SIGNATURE" | "LINEAGE";
export type ApprovalDecision = "APPROVED" | "REJECTED";

export const OPEN_STATUSES: readonly PromotionStatus[] = ["PENDING", "APPLYING"];

/** The gates a request must pass, fixed when the request is made. */
export interface RequestPolicy {
  /** Index of the configured rule that matched, or "default". */
  source: string;
  eval: { minScore: number; suite?: string } | null;
  canary: boolean;
  approvals: number;
  /**
   * Shadow evidence (docs/lifecycle.md#shadow-evidence): the newest shadow report of the version in
   * the environment must have at least `minRequests` requests, an agreement rate of at least
   * `minAgreement` and an error rate of at most `maxErrorRate`. Absent or null: no shadow gate.
   */
  shadow?: { minRequests: number; minAgreement: number; maxErrorRate: number } | null;
  /**
   * A verified model signature (docs/provenance.md): the signing key and identity ids that may
   * sign, both empty for any configured signer. Absent or null: no signature gate.
   */
  signature?: { keys: string[]; identities: string[] } | null;
  /** Lineage fields the version must carry (absent or empty: no lineage gate). */
  lineage?: string[];
}

export interface PromotionRequestRecord {
  id: string;
  kind: PromotionKind;
  backendId: string;
  modelName: string;
  version: string;
  environment: string;
  fromStage: Stage;
  toStage: Stage;
  /** Where the versions it replaces go (promotions to PRODUCTION). */
  demoteTo: Stage;
  /** The versions holding `toStage` when the request was made that the apply demotes. */
  previousVersions: string[];
  status: PromotionStatus;
  requestedBy: string;
  reason: string;
  policy: RequestPolicy;
  idempotencyKey: string | null;
  inputHash: string | null;
  failure: string | null;
  createdAt: Date;
  updatedAt: Date;
  /**
   * Set when the request puts a whole deployment revision in its environment (deploymentPromote /
   * deploymentRollback); then `modelName` is the deployment's name, `version` the revision number,
   * `backendId` is "" and `toStage` the environment's stage. null for model-version requests.
   */
  deploymentRevisionId: string | null;
  /**
   * A protected alias move (docs/lifecycle.md#protected-aliases): the apply points this alias at
   * `version` (the stage does not change; `previousVersions` holds the version it pointed at).
   */
  alias?: string | null;
  /** A guarded rollout's step (0-based) the apply moves the deployment's open rollout to. */
  rolloutStep?: number | null;
  /** A cross-registry copy of `version` into this "backend/model" (docs/lifecycle.md#cross-registry-copies). */
  copyTarget?: string | null;
  /** Version tags the apply writes with the target's stage (e.g. `modelgate.archived-by: policy`). */
  tags?: Record<string, string> | null;
}

export type NewPromotionRequest = Omit<PromotionRequestRecord, "status" | "failure" | "createdAt" | "updatedAt" | "deploymentRevisionId"> & {
  status: "PENDING" | "APPLYING";
  deploymentRevisionId?: string | null;
  /** The slot only one open request may hold ("backend/model/environment"). */
  lockKey: string;
  at: Date;
};

export interface GateResultRecord {
  requestId: string;
  gate: GateName;
  passed: boolean;
  detail: string;
  evidence: unknown;
  evaluatedAt: Date;
}

export interface ApprovalRecord {
  id: string;
  requestId: string;
  actor: string;
  decision: ApprovalDecision;
  comment: string | null;
  at: Date;
}

export interface EvalRecord {
  id: string;
  backendId: string;
  modelName: string;
  version: string;
  suite: string;
  score: number;
  run: string | null;
  artifactUri: string | null;
  recordedBy: string;
  at: Date;
}

export interface CanaryResultRecord {
  id: string;
  backendId: string;
  modelName: string;
  version: string;
  environment: string;
  clean: boolean;
  evidence: string | null;
  notes: string | null;
  recordedBy: string;
  at: Date;
  /** Share of failed requests in the canary, 0..1 (guarded rollouts check it; null: not reported). */
  errorRate?: number | null;
  /** Requests the canary served. */
  requests?: number | null;
  /** Named measurements (name -> value), e.g. { "accuracy": 0.93 }; a rollout's metric floor reads them. */
  metrics?: Record<string, number> | null;
}

/** Progress of one apply, saved after every step so a restart resumes where it stopped. */
export interface OutboxSteps {
  /** Versions holding the target stage when the apply started, which it demotes (null: not read yet). */
  holders: string[] | null;
  /** The target version carries the new stage (read back). */
  targetSet: boolean;
  /** Previous versions already demoted (read back). */
  demoted: string[];
  /** A copy request: the version registered in the target (saved right after registering, so an undo can remove it). */
  copiedVersion?: string | null;
  /**
   * A copy request: saved just before the register call, which marks the version with the request
   * id (`RegisterVersionInput.copyRequestId`). Set without `copiedVersion`, the call may have landed
   * unanswered (a crash, a lost lease, a lost answer): the apply and its undo look in the target for
   * the version carrying the marker before registering again or giving up.
   */
  copyRegistering?: boolean;
  /** A copy request: the target model did not exist before the copy's first register call (the copy creates it). */
  copyCreatedModel?: boolean;
  /**
   * The request's `tags` (an archive by policy): the values they had before the apply wrote them
   * (null: absent), saved before writing so an undo can put them back; then how it went: WRITTEN
   * (read back), or UNSUPPORTED when the backend has no version tag write (the trail keeps them).
   */
  tagsBefore?: Record<string, string | null> | null;
  tagged?: "WRITTEN" | "UNSUPPORTED" | null;
  /**
   * The trace context (W3C `traceparent`, `tracestate`) of the mutation that queued the row, so its
   * apply continues that trace; absent when tracing was off.
   */
  trace?: Record<string, string>;
}

export interface OutboxRecord {
  id: string;
  requestId: string;
  status: "PENDING" | "DONE";
  attempts: number;
  steps: OutboxSteps;
  nextAttemptAt: Date;
  /** When the current lease ends, by the database's clock (null: nobody holds the row). */
  leaseUntil: Date | null;
  /** Who holds (or last held, until it expires) the lease; null once released. */
  leaseOwner: string | null;
  /** The fencing token of the newest lease: incremented by every lease of the row, never reset (0: never leased). */
  leaseToken: number;
  lastError: string | null;
  createdAt: Date;
}

/** One lease of one outbox row: only the holder of this owner and token may write the row. */
export interface OutboxLease {
  readonly id: string;
  readonly owner: string;
  readonly token: number;
}

/**
 * A write of an outbox row was refused: the writer's lease ran out (by the database's clock) or
 * another worker has leased the row since (a newer token). The writer must stop working on the row
 * and make no further backend call for it; whoever holds the row now resumes from its saved steps.
 */
export class OutboxLeaseLostError extends Error {
  constructor(
    readonly lease: OutboxLease,
    readonly detail: string,
  ) {
    super(`outbox row ${lease.id}: lease ${lease.token} of ${lease.owner} is no longer held (${detail})`);
    this.name = "OutboxLeaseLostError";
  }
}

/** What a lease holder may change on its row (`release`: give the lease up, now or `afterMs` from now by the database's clock). */
export interface OutboxPatch {
  status?: "PENDING" | "DONE";
  attempts?: number;
  steps?: OutboxSteps;
  nextAttemptAt?: Date;
  lastError?: string | null;
  release?: true | { afterMs: number };
}

export interface ProductionRecord {
  id: string;
  backendId: string;
  modelName: string;
  environment: string;
  version: string;
  requestId: string | null;
  since: Date;
  until: Date | null;
}

export interface RequestListQuery {
  status?: PromotionStatus;
  first: number;
  /** Opaque cursor from a previous page. */
  after?: string;
}

export interface RequestPage {
  items: PromotionRequestRecord[];
  nextCursor?: string;
}

export interface ProductionQuery {
  environment: string;
  /** Entries current at this time (default: now). */
  asOf?: Date;
  backendId?: string;
  modelName?: string;
}

/**
 * OUT_OF_BAND_CHANGE: a version the promotion trail tracks is not in the stage the trail put it in.
 * UNAPPROVED_IN_STAGE: the backend has a version in a governed stage (an environment's stage) that
 * the trail never approved into it.
 */
export type DriftKind = "OUT_OF_BAND_CHANGE" | "UNAPPROVED_IN_STAGE";
export const DRIFT_KINDS: readonly DriftKind[] = ["OUT_OF_BAND_CHANGE", "UNAPPROVED_IN_STAGE"];

/**
 * A version whose native stage differs from what the promotion trail says (changed outside the
 * gateway). Open until the backend is back in line (or the trail no longer expects anything of it).
 */
export interface DriftObservationRecord {
  id: string;
  kind: DriftKind;
  backendId: string;
  modelName: string;
  version: string;
  /** The stage the trail says (UNAPPROVED_IN_STAGE: the stage it last put the version in, NONE when it never staged it). */
  expectedStage: Stage;
  /** null: the version no longer exists in the backend. */
  actualStage: Stage | null;
  detectedAt: Date;
  resolvedAt: Date | null;
  /** The OUT_OF_BAND_CHANGE audit event that recorded it. */
  auditEventId: string;
}

export interface DriftListQuery {
  first: number;
  /** Opaque cursor from a previous page. */
  after?: string;
}

export interface DriftPage {
  items: DriftObservationRecord[];
  nextCursor?: string;
}

export interface TrackedModel {
  backendId: string;
  modelName: string;
}

export interface WorkflowTx {
  /** Throws ConflictError when another open request holds the lock key or the idempotency key is taken. */
  insertRequest(request: NewPromotionRequest): Promise<void>;
  getRequest(id: string): Promise<PromotionRequestRecord | undefined>;
  findByIdempotencyKey(key: string): Promise<PromotionRequestRecord | undefined>;
  /** The open request holding `lockKey`, if any. */
  findOpen(lockKey: string): Promise<PromotionRequestRecord | undefined>;
  /**
   * Serialises this transaction with every other one that locks a slot (backend/model/environment
   * key) or appends audit events, until it commits: what it reads after this call stays true for
   * its commit. No-op on SQLite, whose writing transactions are already serialised; on PostgreSQL it
   * takes the audit chain's advisory lock, which every slot-changing transaction takes anyway when
   * it appends its events (a separate per-slot lock would deadlock against it, taken in the other
   * order by transactions that append before they lock).
   */
  lockSlot(key: string): Promise<void>;
  /** Open requests of one backend/model/environment (any lock key). */
  listOpenFor(backendId: string, modelName: string, environment: string): Promise<PromotionRequestRecord[]>;
  /** Every request for one deployment revision, newest first. */
  listRequestsForRevision(revisionId: string): Promise<PromotionRequestRecord[]>;
  /** Moves a request on; a terminal status releases its lock key. Returns false when it was not in `from`. */
  setStatus(id: string, from: readonly PromotionStatus[], to: PromotionStatus, at: Date, failure?: string): Promise<boolean>;
  listRequests(query: RequestListQuery): Promise<RequestPage>;

  upsertGateResult(result: GateResultRecord): Promise<void>;
  listGateResults(requestId: string): Promise<GateResultRecord[]>;

  /** Throws ConflictError when the actor already decided on the request. */
  insertApproval(approval: ApprovalRecord): Promise<void>;
  listApprovals(requestId: string): Promise<ApprovalRecord[]>;
  /** Decisions of one kind across requests, newest first. */
  listDecisions(decision: ApprovalDecision, limit: number): Promise<ApprovalRecord[]>;

  insertEvalRecord(record: EvalRecord): Promise<void>;
  /** Newest first. */
  listEvalRecords(backendId: string, modelName: string, version: string): Promise<EvalRecord[]>;
  insertCanaryResult(record: CanaryResultRecord): Promise<void>;
  /** Newest first. */
  listCanaryResults(backendId: string, modelName: string, version: string, environment: string): Promise<CanaryResultRecord[]>;

  insertOutbox(record: Omit<OutboxRecord, "leaseUntil" | "leaseOwner" | "leaseToken" | "lastError">): Promise<void>;
  getOutboxByRequest(requestId: string): Promise<OutboxRecord | undefined>;
  /**
   * Pending rows due at `now` (their `nextAttemptAt`, the caller's clock) whose lease (if any) has
   * expired by the database's clock, oldest first. On PostgreSQL the rows are locked for the rest of
   * the transaction and rows another transaction holds are skipped (FOR UPDATE SKIP LOCKED): list and
   * lease in one transaction and no other replica can lease them in between.
   */
  listDueOutbox(now: Date, limit: number): Promise<OutboxRecord[]>;
  /**
   * Leases a pending row to `owner` for `leaseMs` from the database's clock, unless a lease that has
   * not expired by that clock holds it. Returns the lease with its new fencing token (one more than
   * any earlier lease of the row), or undefined when the row was not free.
   */
  leaseOutbox(id: string, owner: string, leaseMs: number): Promise<OutboxLease | undefined>;
  /**
   * Extends a held lease to `leaseMs` from the database's clock. Throws OutboxLeaseLostError when
   * the lease is not held any more (another owner or token, or expired by the database's clock:
   * an expired lease is never renewed, even if nobody took the row).
   */
  renewOutboxLease(lease: OutboxLease, leaseMs: number): Promise<void>;
  /**
   * Writes the row, only while `lease` holds it (same owner and token, not expired by the
   * database's clock); throws OutboxLeaseLostError otherwise and changes nothing. Inside a
   * transaction a refusal rolls the whole transaction back when it is allowed to propagate.
   */
  updateOutbox(lease: OutboxLease, patch: OutboxPatch, at: Date): Promise<void>;

  /** The open (until = null) production entries of a slot, newest first. */
  currentProduction(backendId: string, modelName: string, environment: string): Promise<ProductionRecord[]>;
  /** Closed and open entries of a slot, newest first. */
  productionHistory(backendId: string, modelName: string, environment: string): Promise<ProductionRecord[]>;
  insertProduction(record: ProductionRecord): Promise<void>;
  closeProduction(id: string, until: Date): Promise<void>;
  listProduction(query: ProductionQuery): Promise<ProductionRecord[]>;

  /** Every stage request of one model (any environment, any status; not alias moves or copies), oldest change first. */
  listRequestsForModel(backendId: string, modelName: string): Promise<PromotionRequestRecord[]>;
  /**
   * The APPLIED cross-registry copies into one target model ("backend/model"), oldest change first:
   * a copy landing in a stage is the target model's approval of that version (its trail).
   */
  listCopiesInto(target: string): Promise<PromotionRequestRecord[]>;
  /** The backend/model pairs with at least one APPLIED request, ordered by backend then model. */
  listTrackedModels(): Promise<TrackedModel[]>;
  /**
   * Records a new open drift observation. Throws ConflictError when the same version already has an
   * open observation of the same actual stage.
   */
  insertDriftObservation(record: Omit<DriftObservationRecord, "resolvedAt">): Promise<void>;
  /** Closes an open observation; false when it was not open. */
  resolveDriftObservation(id: string, at: Date): Promise<boolean>;
  /** The open observations of one model (all of its versions), or of one version. */
  listOpenDrifts(backendId: string, modelName: string, version?: string): Promise<DriftObservationRecord[]>;
  /** Open observations across every model, newest first. */
  listOpenDriftPage(query: DriftListQuery): Promise<DriftPage>;

  /** How many outbox rows are still to apply, and when the oldest was queued (metrics). */
  outboxBacklog(): Promise<OutboxBacklog>;
  /** Open drift observations per backend and kind, by backend id then kind (metrics). */
  countOpenDrifts(): Promise<{ backendId: string; kind: DriftKind; open: number }[]>;
}

export interface OutboxBacklog {
  pending: number;
  /** `createdAt` of the oldest pending row; null when none is pending. */
  oldestCreatedAt: Date | null;
}
