/**
 * The workflow tables over a Kysely connection (SQLite now; the SQL is portable to PostgreSQL).
 * The caller supplies the transaction: every method runs on the connection it is given.
 */
import { sql, type ExpressionBuilder, type Kysely, type RawBuilder, type Selectable } from "kysely";
import { decodeOpaqueCursor, encodeOpaqueCursor } from "../core/cursor.js";
import { ConflictError, InvalidInputError } from "../core/errors.js";
import { dialectOf } from "./dialect.js";
import { lockAuditChain } from "./postgres-locks.js";
import type { Stage } from "../core/stage.js";
import type {
  PromotionApprovalsTable,
  CanaryResultsTable,
  DriftObservationsTable,
  EvalRecordsTable,
  ProductionHistoryTable,
  PromotionGateResultsTable,
  PromotionOutboxTable,
  PromotionRequestsTable,
  WorkflowDatabase,
} from "./workflow-db-schema.js";
import {
  OPEN_STATUSES,
  type ApprovalRecord,
  type CanaryResultRecord,
  type DriftKind,
  type DriftListQuery,
  type DriftObservationRecord,
  type DriftPage,
  type EvalRecord,
  type GateResultRecord,
  type NewPromotionRequest,
  type OutboxBacklog,
  OutboxLeaseLostError,
  type OutboxLease,
  type OutboxPatch,
  type OutboxRecord,
  type OutboxSteps,
  type ProductionQuery,
  type ProductionRecord,
  type PromotionRequestRecord,
  type PromotionStatus,
  type RequestListQuery,
  type RequestPage,
  type TrackedModel,
  type WorkflowTx,
} from "./workflow-store.js";

const TERMINAL: ReadonlySet<PromotionStatus> = new Set(["APPLIED", "FAILED", "REJECTED"]);

/** A unique constraint refused the row (SQLite or PostgreSQL). */
export function isUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === "SQLITE_CONSTRAINT_UNIQUE" || code === "SQLITE_CONSTRAINT_PRIMARYKEY" || code === "23505";
}

const iso = (d: Date): string => d.toISOString();
const date = (s: string): Date => new Date(s);
const json = (v: unknown): string => JSON.stringify(v);

/**
 * The database's clock, `plusMs` ahead, as the fixed-width ISO text timestamps are stored in
 * ("2026-03-01T00:00:00.000Z"). Leases are set and checked against this one clock, so workers whose
 * own clocks disagree still agree on who holds a row. PostgreSQL: clock_timestamp() (the time of the
 * statement, not of the transaction's start); SQLite: 'now', the clock of the machine that holds
 * the file (the same as the gateway's).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any schema: only the dialect is read
function dbClock(db: Kysely<any>, plusMs = 0): RawBuilder<string> {
  if (!Number.isFinite(plusMs)) throw new InvalidInputError(`lease length must be a finite number of ms, got ${plusMs}`, { field: "leaseMs" });
  const ms = Math.round(plusMs);
  if (dialectOf(db) === "postgres") {
    return sql<string>`to_char((clock_timestamp() + interval '1 millisecond' * ${ms}::double precision) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
  }
  return sql<string>`strftime('%Y-%m-%dT%H:%M:%fZ', 'now', ${`${ms >= 0 ? "+" : ""}${ms / 1000} seconds`})`;
}

function requestFrom(row: Selectable<PromotionRequestsTable>): PromotionRequestRecord {
  return {
    id: row.id,
    kind: row.kind as PromotionRequestRecord["kind"],
    backendId: row.backend_id,
    modelName: row.model_name,
    version: row.version,
    environment: row.environment,
    fromStage: row.from_stage as Stage,
    toStage: row.to_stage as Stage,
    demoteTo: row.demote_to as Stage,
    previousVersions: JSON.parse(row.previous_versions_json) as string[],
    status: row.status as PromotionStatus,
    requestedBy: row.requested_by,
    reason: row.reason,
    policy: JSON.parse(row.policy_json) as PromotionRequestRecord["policy"],
    idempotencyKey: row.idempotency_key,
    inputHash: row.input_hash,
    failure: row.failure,
    createdAt: date(row.created_at),
    updatedAt: date(row.updated_at),
    deploymentRevisionId: row.deployment_revision_id,
    // Set only on the requests of docs/lifecycle.md (alias moves, rollout steps, copies, archives).
    ...(row.alias === null ? {} : { alias: row.alias }),
    ...(row.rollout_step === null ? {} : { rolloutStep: row.rollout_step }),
    ...(row.copy_target === null ? {} : { copyTarget: row.copy_target }),
    ...(row.tags_json === null ? {} : { tags: JSON.parse(row.tags_json) as Record<string, string> }),
  };
}

function gateFrom(row: Selectable<PromotionGateResultsTable>): GateResultRecord {
  return {
    requestId: row.request_id,
    gate: row.gate as GateResultRecord["gate"],
    passed: row.passed === 1,
    detail: row.detail,
    evidence: row.evidence_json === null ? null : JSON.parse(row.evidence_json),
    evaluatedAt: date(row.evaluated_at),
  };
}

function approvalFrom(row: Selectable<PromotionApprovalsTable>): ApprovalRecord {
  return {
    id: row.id,
    requestId: row.request_id,
    actor: row.actor,
    decision: row.decision as ApprovalRecord["decision"],
    comment: row.comment,
    at: date(row.at),
  };
}

function evalFrom(row: Selectable<EvalRecordsTable>): EvalRecord {
  return {
    id: row.id,
    backendId: row.backend_id,
    modelName: row.model_name,
    version: row.version,
    suite: row.suite,
    score: row.score,
    run: row.run,
    artifactUri: row.artifact_uri,
    recordedBy: row.recorded_by,
    at: date(row.at),
  };
}

function canaryFrom(row: Selectable<CanaryResultsTable>): CanaryResultRecord {
  return {
    id: row.id,
    backendId: row.backend_id,
    modelName: row.model_name,
    version: row.version,
    environment: row.environment,
    clean: row.clean === 1,
    evidence: row.evidence,
    notes: row.notes,
    recordedBy: row.recorded_by,
    at: date(row.at),
    ...(row.error_rate === null ? {} : { errorRate: Number(row.error_rate) }),
    ...(row.requests === null ? {} : { requests: Number(row.requests) }),
    ...(row.metrics_json === null ? {} : { metrics: JSON.parse(row.metrics_json) as Record<string, number> }),
  };
}

function outboxFrom(row: Selectable<PromotionOutboxTable>): OutboxRecord {
  return {
    id: row.id,
    requestId: row.request_id,
    status: row.status as OutboxRecord["status"],
    attempts: row.attempts,
    steps: JSON.parse(row.steps_json) as OutboxSteps,
    nextAttemptAt: date(row.next_attempt_at),
    leaseUntil: row.lease_until === null ? null : date(row.lease_until),
    leaseOwner: row.lease_owner,
    leaseToken: Number(row.lease_token),
    lastError: row.last_error,
    createdAt: date(row.created_at),
  };
}

function productionFrom(row: Selectable<ProductionHistoryTable>): ProductionRecord {
  return {
    id: row.id,
    backendId: row.backend_id,
    modelName: row.model_name,
    environment: row.environment,
    version: row.version,
    requestId: row.request_id,
    since: date(row.since),
    until: row.until === null ? null : date(row.until),
  };
}

function driftFrom(row: Selectable<DriftObservationsTable>): DriftObservationRecord {
  return {
    id: row.id,
    kind: row.kind as DriftKind,
    backendId: row.backend_id,
    modelName: row.model_name,
    version: row.version,
    expectedStage: row.expected_stage as Stage,
    actualStage: row.actual_stage as Stage | null,
    detectedAt: date(row.detected_at),
    resolvedAt: row.resolved_at === null ? null : date(row.resolved_at),
    auditEventId: row.audit_event_id,
  };
}

/** What `open_key` holds for an open observation (the version's observed stage, or "GONE"). */
function driftOpenKey(actualStage: Stage | null): string {
  return actualStage ?? "GONE";
}

/** Drift page cursors: base64url of "drift:<detected_at>:<id>" of the page's last row (newest first). */
export function encodeDriftCursor(r: DriftObservationRecord): string {
  return encodeOpaqueCursor(`drift:${iso(r.detectedAt)}:${r.id}`);
}

function decodeDriftCursor(cursor: string): { detectedAt: string; id: string } {
  const match = /^drift:(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z):([0-9a-f-]{36})$/.exec(decodeOpaqueCursor(cursor) ?? "");
  if (match === null) {
    throw new InvalidInputError("invalid drift cursor: pass the endCursor of a previous page unchanged", { field: "after" });
  }
  return { detectedAt: match[1]!, id: match[2]! };
}

/** Request page cursors: base64url of "req:<created_at>:<id>" of the page's last row (newest first). */
export function encodeRequestCursor(r: PromotionRequestRecord): string {
  return encodeOpaqueCursor(`req:${iso(r.createdAt)}:${r.id}`);
}

function decodeRequestCursor(cursor: string): { createdAt: string; id: string } {
  const match = /^req:(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z):([0-9a-f-]{36})$/.exec(decodeOpaqueCursor(cursor) ?? "");
  if (match === null) {
    throw new InvalidInputError("invalid promotion request cursor: pass the endCursor of a previous page unchanged", { field: "after" });
  }
  return { createdAt: match[1]!, id: match[2]! };
}

function openConflict(r: NewPromotionRequest, open: PromotionRequestRecord): ConflictError {
  return new ConflictError(
    `${r.backendId}/${r.modelName}/${r.environment} already has an open request ${open.id} (${open.kind.toLowerCase()} of version ${open.version} to ${open.toStage}, ${open.status}); wait for it to end or reject it`,
    { field: "model" },
  );
}

function keyConflict(key: string, cause?: unknown): ConflictError {
  return new ConflictError(`idempotency key "${key}" was already used`, { field: "idempotencyKey", ...(cause === undefined ? {} : { cause }) });
}

export class KyselyWorkflowTx implements WorkflowTx {
  constructor(private readonly db: Kysely<WorkflowDatabase>) {}

  async insertRequest(r: NewPromotionRequest): Promise<void> {
    // Checked first for a message naming the open request; the unique indexes decide under races
    // (after a violation PostgreSQL aborts the transaction, so nothing is read in the catch).
    const open = await this.findOpen(r.lockKey);
    if (open !== undefined) throw openConflict(r, open);
    if (r.idempotencyKey !== null && (await this.findByIdempotencyKey(r.idempotencyKey)) !== undefined) {
      throw keyConflict(r.idempotencyKey);
    }
    try {
      await this.db
        .insertInto("promotion_requests")
        .values({
          id: r.id,
          kind: r.kind,
          backend_id: r.backendId,
          model_name: r.modelName,
          version: r.version,
          environment: r.environment,
          from_stage: r.fromStage,
          to_stage: r.toStage,
          demote_to: r.demoteTo,
          previous_versions_json: json(r.previousVersions),
          status: r.status,
          requested_by: r.requestedBy,
          reason: r.reason,
          policy_json: json(r.policy),
          idempotency_key: r.idempotencyKey,
          input_hash: r.inputHash,
          lock_key: r.lockKey,
          failure: null,
          created_at: iso(r.at),
          updated_at: iso(r.at),
          deployment_revision_id: r.deploymentRevisionId ?? null,
          alias: r.alias ?? null,
          rollout_step: r.rolloutStep ?? null,
          copy_target: r.copyTarget ?? null,
          tags_json: r.tags === undefined || r.tags === null ? null : json(r.tags),
        })
        .execute();
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      const text = `${(err as { constraint?: unknown }).constraint ?? ""} ${err instanceof Error ? err.message : ""}`;
      if (text.includes("idempotency_key") && r.idempotencyKey !== null) throw keyConflict(r.idempotencyKey, err);
      throw new ConflictError(`${r.lockKey} already has an open request (created concurrently); wait for it to end or reject it`, {
        field: "model",
        cause: err,
      });
    }
  }

  async getRequest(id: string): Promise<PromotionRequestRecord | undefined> {
    const row = await this.db.selectFrom("promotion_requests").selectAll().where("id", "=", id).executeTakeFirst();
    return row === undefined ? undefined : requestFrom(row);
  }

  async findByIdempotencyKey(key: string): Promise<PromotionRequestRecord | undefined> {
    const row = await this.db.selectFrom("promotion_requests").selectAll().where("idempotency_key", "=", key).executeTakeFirst();
    return row === undefined ? undefined : requestFrom(row);
  }

  async findOpen(lockKey: string): Promise<PromotionRequestRecord | undefined> {
    const row = await this.db.selectFrom("promotion_requests").selectAll().where("lock_key", "=", lockKey).executeTakeFirst();
    return row === undefined ? undefined : requestFrom(row);
  }

  async lockSlot(key: string): Promise<void> {
    if (key.trim() === "") throw new InvalidInputError("lockSlot: the slot key must not be empty", { field: "key" });
    if (dialectOf(this.db) === "postgres") await lockAuditChain(this.db);
  }

  async listOpenFor(backendId: string, modelName: string, environment: string): Promise<PromotionRequestRecord[]> {
    const rows = await this.db
      .selectFrom("promotion_requests")
      .selectAll()
      .where("backend_id", "=", backendId)
      .where("model_name", "=", modelName)
      .where("environment", "=", environment)
      .where("status", "in", [...OPEN_STATUSES])
      .where("deployment_revision_id", "is", null)
      .orderBy("created_at")
      .execute();
    return rows.map(requestFrom);
  }

  async listRequestsForRevision(revisionId: string): Promise<PromotionRequestRecord[]> {
    const rows = await this.db
      .selectFrom("promotion_requests")
      .selectAll()
      .where("deployment_revision_id", "=", revisionId)
      .orderBy("created_at", "desc")
      .orderBy("id", "desc")
      .execute();
    return rows.map(requestFrom);
  }

  async setStatus(id: string, from: readonly PromotionStatus[], to: PromotionStatus, at: Date, failure?: string): Promise<boolean> {
    const result = await this.db
      .updateTable("promotion_requests")
      .set({
        status: to,
        updated_at: iso(at),
        ...(TERMINAL.has(to) ? { lock_key: null } : {}),
        ...(failure === undefined ? {} : { failure }),
      })
      .where("id", "=", id)
      .where("status", "in", [...from])
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async listRequests(query: RequestListQuery): Promise<RequestPage> {
    let q = this.db.selectFrom("promotion_requests").selectAll();
    if (query.status !== undefined) q = q.where("status", "=", query.status);
    if (query.after !== undefined) {
      const c = decodeRequestCursor(query.after);
      q = q.where((eb) =>
        eb.or([eb("created_at", "<", c.createdAt), eb.and([eb("created_at", "=", c.createdAt), eb("id", "<", c.id)])]),
      );
    }
    const rows = await q.orderBy("created_at", "desc").orderBy("id", "desc").limit(query.first + 1).execute();
    const items = rows.slice(0, query.first).map(requestFrom);
    return rows.length > query.first ? { items, nextCursor: encodeRequestCursor(items.at(-1)!) } : { items };
  }

  async upsertGateResult(g: GateResultRecord): Promise<void> {
    const values = {
      passed: g.passed ? 1 : 0,
      detail: g.detail,
      evidence_json: g.evidence === undefined || g.evidence === null ? null : json(g.evidence),
      evaluated_at: iso(g.evaluatedAt),
    };
    await this.db
      .insertInto("promotion_gate_results")
      .values({ request_id: g.requestId, gate: g.gate, ...values })
      .onConflict((oc) => oc.columns(["request_id", "gate"]).doUpdateSet(values))
      .execute();
  }

  async listGateResults(requestId: string): Promise<GateResultRecord[]> {
    const rows = await this.db.selectFrom("promotion_gate_results").selectAll().where("request_id", "=", requestId).orderBy("gate").execute();
    return rows.map(gateFrom);
  }

  async insertApproval(a: ApprovalRecord): Promise<void> {
    try {
      await this.db
        .insertInto("promotion_approvals")
        .values({ id: a.id, request_id: a.requestId, actor: a.actor, decision: a.decision, comment: a.comment, at: iso(a.at) })
        .execute();
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      throw new ConflictError(`${a.actor} has already decided on request ${a.requestId}`, { field: "id", cause: err });
    }
  }

  async listApprovals(requestId: string): Promise<ApprovalRecord[]> {
    const rows = await this.db.selectFrom("promotion_approvals").selectAll().where("request_id", "=", requestId).orderBy("at").orderBy("id").execute();
    return rows.map(approvalFrom);
  }

  async listDecisions(decision: ApprovalRecord["decision"], limit: number): Promise<ApprovalRecord[]> {
    const rows = await this.db
      .selectFrom("promotion_approvals")
      .selectAll()
      .where("decision", "=", decision)
      .orderBy("at", "desc")
      .orderBy("id", "desc")
      .limit(limit)
      .execute();
    return rows.map(approvalFrom);
  }

  async insertEvalRecord(r: EvalRecord): Promise<void> {
    await this.db
      .insertInto("eval_records")
      .values({
        id: r.id,
        backend_id: r.backendId,
        model_name: r.modelName,
        version: r.version,
        suite: r.suite,
        score: r.score,
        run: r.run,
        artifact_uri: r.artifactUri,
        recorded_by: r.recordedBy,
        at: iso(r.at),
      })
      .execute();
  }

  async listEvalRecords(backendId: string, modelName: string, version: string): Promise<EvalRecord[]> {
    const rows = await this.db
      .selectFrom("eval_records")
      .selectAll()
      .where("backend_id", "=", backendId)
      .where("model_name", "=", modelName)
      .where("version", "=", version)
      .orderBy("at", "desc")
      .orderBy("id", "desc")
      .execute();
    return rows.map(evalFrom);
  }

  async insertCanaryResult(r: CanaryResultRecord): Promise<void> {
    await this.db
      .insertInto("canary_results")
      .values({
        id: r.id,
        backend_id: r.backendId,
        model_name: r.modelName,
        version: r.version,
        environment: r.environment,
        clean: r.clean ? 1 : 0,
        evidence: r.evidence,
        notes: r.notes,
        recorded_by: r.recordedBy,
        at: iso(r.at),
        error_rate: r.errorRate ?? null,
        requests: r.requests ?? null,
        metrics_json: r.metrics === undefined || r.metrics === null ? null : json(r.metrics),
      })
      .execute();
  }

  async listCanaryResults(backendId: string, modelName: string, version: string, environment: string): Promise<CanaryResultRecord[]> {
    const rows = await this.db
      .selectFrom("canary_results")
      .selectAll()
      .where("backend_id", "=", backendId)
      .where("model_name", "=", modelName)
      .where("version", "=", version)
      .where("environment", "=", environment)
      .orderBy("at", "desc")
      .orderBy("id", "desc")
      .execute();
    return rows.map(canaryFrom);
  }

  async insertOutbox(r: Omit<OutboxRecord, "leaseUntil" | "leaseOwner" | "leaseToken" | "lastError">): Promise<void> {
    await this.db
      .insertInto("promotion_outbox")
      .values({
        id: r.id,
        request_id: r.requestId,
        status: r.status,
        attempts: r.attempts,
        steps_json: json(r.steps),
        next_attempt_at: iso(r.nextAttemptAt),
        lease_until: null,
        lease_owner: null,
        lease_token: 0,
        last_error: null,
        created_at: iso(r.createdAt),
        updated_at: iso(r.createdAt),
      })
      .execute();
  }

  async getOutboxByRequest(requestId: string): Promise<OutboxRecord | undefined> {
    const row = await this.db.selectFrom("promotion_outbox").selectAll().where("request_id", "=", requestId).executeTakeFirst();
    return row === undefined ? undefined : outboxFrom(row);
  }

  async listDueOutbox(now: Date, limit: number): Promise<OutboxRecord[]> {
    const rows = await this.db
      .selectFrom("promotion_outbox")
      .selectAll()
      .where("status", "=", "PENDING")
      .where("next_attempt_at", "<=", iso(now))
      .where((eb) => eb.or([eb("lease_until", "is", null), eb("lease_until", "<=", dbClock(this.db))]))
      .orderBy("created_at")
      .orderBy("id")
      .limit(limit)
      // PostgreSQL: several replicas drain one outbox; SQLite has one writer and no row locks.
      .$if(dialectOf(this.db) === "postgres", (q) => q.forUpdate().skipLocked())
      .execute();
    return rows.map(outboxFrom);
  }

  async leaseOutbox(id: string, owner: string, leaseMs: number): Promise<OutboxLease | undefined> {
    if (owner === "") throw new InvalidInputError("an outbox lease needs an owner", { field: "owner" });
    const now = dbClock(this.db);
    const row = await this.db
      .updateTable("promotion_outbox")
      .set((eb) => ({ lease_owner: owner, lease_token: eb("lease_token", "+", 1), lease_until: dbClock(this.db, leaseMs), updated_at: now }))
      .where("id", "=", id)
      .where("status", "=", "PENDING")
      .where((eb) => eb.or([eb("lease_until", "is", null), eb("lease_until", "<=", now)]))
      .returning("lease_token")
      .executeTakeFirst();
    return row === undefined ? undefined : { id, owner, token: Number(row.lease_token) };
  }

  async renewOutboxLease(lease: OutboxLease, leaseMs: number): Promise<void> {
    const result = await this.db
      .updateTable("promotion_outbox")
      .set({ lease_until: dbClock(this.db, leaseMs), updated_at: dbClock(this.db) })
      .where((eb) => this.#held(eb, lease))
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) throw await this.#lost(lease);
  }

  async updateOutbox(lease: OutboxLease, patch: OutboxPatch, at: Date): Promise<void> {
    const release =
      patch.release === undefined
        ? {}
        : patch.release === true
          ? { lease_until: null, lease_owner: null }
          : // Still this owner's until then, but it writes no more: another worker may take the row after.
            { lease_until: dbClock(this.db, patch.release.afterMs) };
    const result = await this.db
      .updateTable("promotion_outbox")
      .set({
        updated_at: iso(at),
        ...(patch.status === undefined ? {} : { status: patch.status }),
        ...(patch.attempts === undefined ? {} : { attempts: patch.attempts }),
        ...(patch.steps === undefined ? {} : { steps_json: json(patch.steps) }),
        ...(patch.nextAttemptAt === undefined ? {} : { next_attempt_at: iso(patch.nextAttemptAt) }),
        ...(patch.lastError === undefined ? {} : { last_error: patch.lastError }),
        ...release,
      })
      .where((eb) => this.#held(eb, lease))
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) throw await this.#lost(lease);
  }

  /** The row is `lease`'s: same owner and token, and not expired by the database's clock. */
  #held(eb: ExpressionBuilder<WorkflowDatabase, "promotion_outbox">, lease: OutboxLease) {
    return eb.and([
      eb("id", "=", lease.id),
      eb("lease_owner", "=", lease.owner),
      eb("lease_token", "=", lease.token),
      eb("lease_until", ">", dbClock(this.db)),
    ]);
  }

  /** Why a conditional write matched no row, as the typed error the writer stops on. */
  async #lost(lease: OutboxLease): Promise<OutboxLeaseLostError> {
    const row = await this.db
      .selectFrom("promotion_outbox")
      .select(["status", "lease_owner", "lease_token", "lease_until"])
      .select(dbClock(this.db).as("db_now"))
      .where("id", "=", lease.id)
      .executeTakeFirst();
    if (row === undefined) return new OutboxLeaseLostError(lease, "the row does not exist");
    const token = Number(row.lease_token);
    if (token !== lease.token || row.lease_owner !== lease.owner) {
      return new OutboxLeaseLostError(
        lease,
        row.lease_owner === null ? `released; newest lease is ${token}` : `now lease ${token} of ${row.lease_owner}`,
      );
    }
    return new OutboxLeaseLostError(lease, `expired at ${row.lease_until ?? "(released)"} by the database's clock, now ${row.db_now}`);
  }

  async currentProduction(backendId: string, modelName: string, environment: string): Promise<ProductionRecord[]> {
    const rows = await this.db
      .selectFrom("production_history")
      .selectAll()
      .where("backend_id", "=", backendId)
      .where("model_name", "=", modelName)
      .where("environment", "=", environment)
      .where("until", "is", null)
      .orderBy("since", "desc")
      .execute();
    return rows.map(productionFrom);
  }

  async productionHistory(backendId: string, modelName: string, environment: string): Promise<ProductionRecord[]> {
    const rows = await this.db
      .selectFrom("production_history")
      .selectAll()
      .where("backend_id", "=", backendId)
      .where("model_name", "=", modelName)
      .where("environment", "=", environment)
      .orderBy("since", "desc")
      .orderBy("id", "desc")
      .execute();
    return rows.map(productionFrom);
  }

  async insertProduction(r: ProductionRecord): Promise<void> {
    await this.db
      .insertInto("production_history")
      .values({
        id: r.id,
        backend_id: r.backendId,
        model_name: r.modelName,
        environment: r.environment,
        version: r.version,
        request_id: r.requestId,
        since: iso(r.since),
        until: r.until === null ? null : iso(r.until),
      })
      .execute();
  }

  async closeProduction(id: string, until: Date): Promise<void> {
    await this.db.updateTable("production_history").set({ until: iso(until) }).where("id", "=", id).where("until", "is", null).execute();
  }

  async listProduction(query: ProductionQuery): Promise<ProductionRecord[]> {
    let q = this.db.selectFrom("production_history").selectAll().where("environment", "=", query.environment);
    if (query.backendId !== undefined) q = q.where("backend_id", "=", query.backendId);
    if (query.modelName !== undefined) q = q.where("model_name", "=", query.modelName);
    if (query.asOf === undefined) {
      q = q.where("until", "is", null);
    } else {
      const at = iso(query.asOf);
      q = q.where("since", "<=", at).where((eb) => eb.or([eb("until", "is", null), eb("until", ">", at)]));
    }
    const rows = await q.orderBy("backend_id").orderBy("model_name").orderBy("since", "desc").execute();
    return rows.map(productionFrom);
  }

  async listRequestsForModel(backendId: string, modelName: string): Promise<PromotionRequestRecord[]> {
    const rows = await this.db
      .selectFrom("promotion_requests")
      .selectAll()
      .where("backend_id", "=", backendId)
      .where("model_name", "=", modelName)
      .where("deployment_revision_id", "is", null)
      // Alias moves and copies change no stage: the drift replay must not see them.
      .where("alias", "is", null)
      .where("copy_target", "is", null)
      .orderBy("updated_at")
      .orderBy("created_at")
      .orderBy("id")
      .execute();
    return rows.map(requestFrom);
  }

  async listCopiesInto(target: string): Promise<PromotionRequestRecord[]> {
    const rows = await this.db
      .selectFrom("promotion_requests")
      .selectAll()
      .where("copy_target", "=", target)
      .where("status", "=", "APPLIED")
      .orderBy("updated_at")
      .orderBy("created_at")
      .orderBy("id")
      .execute();
    return rows.map(requestFrom);
  }

  async listTrackedModels(): Promise<TrackedModel[]> {
    const rows = await this.db
      .selectFrom("promotion_requests")
      .select(["backend_id", "model_name"])
      .where("status", "=", "APPLIED")
      .where("deployment_revision_id", "is", null)
      .where("alias", "is", null)
      .where("copy_target", "is", null)
      .groupBy(["backend_id", "model_name"])
      .orderBy("backend_id")
      .orderBy("model_name")
      .execute();
    return rows.map((r) => ({ backendId: r.backend_id, modelName: r.model_name }));
  }

  async insertDriftObservation(r: Omit<DriftObservationRecord, "resolvedAt">): Promise<void> {
    try {
      await this.db
        .insertInto("drift_observations")
        .values({
          id: r.id,
          backend_id: r.backendId,
          model_name: r.modelName,
          version: r.version,
          expected_stage: r.expectedStage,
          actual_stage: r.actualStage,
          open_key: driftOpenKey(r.actualStage),
          detected_at: iso(r.detectedAt),
          resolved_at: null,
          audit_event_id: r.auditEventId,
          kind: r.kind,
        })
        .execute();
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      throw new ConflictError(
        `${r.backendId}/${r.modelName}@${r.version} already has an open drift observation (now ${r.actualStage ?? "gone"})`,
        { field: "version", cause: err },
      );
    }
  }

  async resolveDriftObservation(id: string, at: Date): Promise<boolean> {
    const result = await this.db
      .updateTable("drift_observations")
      .set({ open_key: null, resolved_at: iso(at) })
      .where("id", "=", id)
      .where("resolved_at", "is", null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async listOpenDrifts(backendId: string, modelName: string, version?: string): Promise<DriftObservationRecord[]> {
    let q = this.db
      .selectFrom("drift_observations")
      .selectAll()
      .where("backend_id", "=", backendId)
      .where("model_name", "=", modelName)
      .where("resolved_at", "is", null);
    if (version !== undefined) q = q.where("version", "=", version);
    const rows = await q.orderBy("version").orderBy("detected_at", "desc").orderBy("id", "desc").execute();
    return rows.map(driftFrom);
  }

  async listOpenDriftPage(query: DriftListQuery): Promise<DriftPage> {
    let q = this.db.selectFrom("drift_observations").selectAll().where("resolved_at", "is", null);
    if (query.after !== undefined) {
      const c = decodeDriftCursor(query.after);
      q = q.where((eb) => eb.or([eb("detected_at", "<", c.detectedAt), eb.and([eb("detected_at", "=", c.detectedAt), eb("id", "<", c.id)])]));
    }
    const rows = await q.orderBy("detected_at", "desc").orderBy("id", "desc").limit(query.first + 1).execute();
    const items = rows.slice(0, query.first).map(driftFrom);
    return rows.length > query.first ? { items, nextCursor: encodeDriftCursor(items.at(-1)!) } : { items };
  }

  async outboxBacklog(): Promise<OutboxBacklog> {
    const row = await this.db
      .selectFrom("promotion_outbox")
      .select((eb) => [eb.fn.countAll().as("pending"), eb.fn.min("created_at").as("oldest")])
      .where("status", "=", "PENDING")
      .executeTakeFirstOrThrow();
    return { pending: Number(row.pending), oldestCreatedAt: row.oldest === null ? null : date(row.oldest) };
  }

  async countOpenDrifts(): Promise<{ backendId: string; kind: DriftKind; open: number }[]> {
    const rows = await this.db
      .selectFrom("drift_observations")
      .select((eb) => ["backend_id", "kind", eb.fn.countAll().as("open")])
      .where("resolved_at", "is", null)
      .groupBy(["backend_id", "kind"])
      .orderBy("backend_id")
      .orderBy("kind")
      .execute();
    return rows.map((r) => ({ backendId: r.backend_id, kind: r.kind as DriftKind, open: Number(r.open) }));
  }
}
