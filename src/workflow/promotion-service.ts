/**
 * The promotion workflow: requests, gates, approvals, evidence and rollback. Every state change
 * commits in one store transaction with its audit events; an approved change is handed to the
 * outbox in that same transaction and applied to the backend by the OutboxWorker.
 */
import { randomUUID } from "node:crypto";
import {
  ConflictError,
  ForbiddenError,
  InvalidInputError,
  NotFoundError,
  isStage,
  type CallContext,
  type ModelVersion,
  type Stage,
} from "../core/index.js";
import type { ModelgateConfig } from "../config/schema.js";
import type { Catalog } from "../catalog/catalog.js";
import { canonicalSha256 } from "../core/canonical-json.js";
import type { AuditEventInput, Store, StoreTx } from "../store/store.js";
import type {
  ApprovalRecord,
  CanaryResultRecord,
  EvalRecord,
  GateResultRecord,
  NewPromotionRequest,
  PromotionRequestRecord,
  RequestPolicy,
} from "../store/workflow-store.js";
import { readEvalEvidence, versionsInStage } from "./evidence.js";
import { evaluateGates, type EvalEvidence, type GateOutcome } from "./gates.js";
import type { PromotionPolicies } from "./policy.js";
import { traceCarrier } from "../observability/tracing.js";
import { evaluateProvenanceGates, hasProvenanceGates, type ProvenanceEvidence, type ProvenanceGateEvidence } from "./provenance-gates.js";
import { readTrail } from "./trail-reader.js";
import { approvedInto } from "./trail-stages.js";

export interface PromotionRequestInput {
  backend: string;
  model: string;
  version: string;
  toStage: string;
  environment: string;
  reason: string;
  idempotencyKey?: string;
  /** The version that must hold `toStage` now ("" for none): compare-and-set. */
  expectedCurrentVersion?: string;
}

export interface RollbackInput {
  backend: string;
  model: string;
  environment: string;
  reason: string;
}

export interface EvalRecordInput {
  backend: string;
  model: string;
  version: string;
  suite: string;
  score: number;
  run?: string;
  artifactUri?: string;
}

export interface CanaryResultInput {
  backend: string;
  model: string;
  version: string;
  environment: string;
  clean: boolean;
  evidence?: string;
  notes?: string;
  /** Share of failed requests, 0..1 (a guarded rollout's maxErrorRate checks it). */
  errorRate?: number;
  /** Requests the canary served (a guarded rollout's minRequests adds them up). */
  requests?: number;
  /** Named measurements, e.g. { accuracy: 0.93 } (a guarded rollout's metricFloor reads them). */
  metrics?: Record<string, number>;
}

export interface RequestResult {
  request: PromotionRequestRecord;
  /** True when an idempotency key was replayed: nothing was done this time. */
  replayed: boolean;
}


function withProvenance(provenance: ProvenanceEvidence | undefined): { provenance?: ProvenanceEvidence } {
  return provenance === undefined ? {} : { provenance };
}

export function slotKey(backendId: string, modelName: string, environment: string): string {
  return `${backendId}/${modelName}/${environment}`;
}

function target(r: Pick<PromotionRequestRecord, "backendId" | "modelName" | "version">): string {
  return `${r.backendId}/${r.modelName}@${r.version}`;
}

/** How audit events name a request's subject: "backend/model@version" or "deployment name#revision". */
export function requestSubject(r: Pick<PromotionRequestRecord, "backendId" | "modelName" | "version" | "deploymentRevisionId" | "alias">): string {
  if (r.alias !== undefined && r.alias !== null) return `alias ${r.alias} of ${target(r)}`;
  return r.deploymentRevisionId === null ? target(r) : `deployment ${r.modelName}#${r.version}`;
}

/** How audit events name a request: its subject, target stage (none for an alias move), environment and id. */
export function requestTarget(r: PromotionRequestRecord): string {
  const to = r.alias !== undefined && r.alias !== null ? "" : ` -> ${r.toStage}`;
  return `${requestSubject(r)}${to} (${r.environment}) [${r.id}]`;
}

/** A request prepared by another service (deployments), recorded and gated here. */
export interface OpenRequestSpec {
  request: Omit<NewPromotionRequest, "id" | "status" | "at" | "idempotencyKey" | "inputHash" | "lockKey">;
  lockKey: string;
  /** Further open lock keys that must be free (e.g. the rollback key of the same deployment). */
  alsoFree?: readonly string[];
  idempotencyKey?: string;
  /** Hash of the caller's input, for idempotency replays. */
  inputHash: string;
  /** Audit action of the request's creation, and what it records. */
  action: string;
  before: unknown;
  after: Record<string, unknown>;
  /** false: skip the gates and queue at once (rollbacks; the caller checked the role). */
  gated: boolean;
  /**
   * A request about one model version (a protected alias move): its gates see the version's eval,
   * canary, shadow and provenance evidence from the start, as a stage request's do.
   */
  versionEvidence?: boolean;
}

export class PromotionService {
  constructor(
    private readonly config: ModelgateConfig,
    private readonly catalog: Catalog,
    private readonly store: Store,
    readonly policies: PromotionPolicies,
    private readonly clock: () => Date = () => new Date(),
    /** Evidence for the SIGNATURE and LINEAGE gates (absent: a signature gate fails, naming that nothing verifies). */
    private readonly provenance?: ProvenanceGateEvidence,
  ) {}

  #checkEnvironment(environment: string): void {
    if (!(environment in this.config.environments)) {
      throw new NotFoundError(`unknown environment "${environment}"; configured: ${Object.keys(this.config.environments).join(", ")}`, {
        field: "environment",
      });
    }
  }

  async request(input: PromotionRequestInput, ctx: CallContext): Promise<RequestResult> {
    const actor = ctx.actor.id;
    const reason = input.reason.trim();
    if (reason === "") throw new InvalidInputError("reason: must not be empty", { field: "reason" });
    if (!isStage(input.toStage)) throw new InvalidInputError(`toStage: "${input.toStage}" is not a stage`, { field: "toStage" });
    const toStage: Stage = input.toStage;
    const inputHash = canonicalSha256({ ...input, actor, idempotencyKey: null });
    if (input.idempotencyKey !== undefined) {
      const replay = await this.#replay(input.idempotencyKey, inputHash);
      if (replay !== undefined) return { request: replay, replayed: true };
    }
    this.#checkEnvironment(input.environment);
    const adapter = this.catalog.backend(input.backend);
    const version = await adapter.getVersion(input.model, input.version, ctx);
    // A version the backend already has in the stage: refused when the trail approved it there;
    // otherwise this request ratifies it (it was put there outside the gateway, or before the
    // gateway ran): the same gates and approvals, an apply that changes no stage but demotes other
    // holders, and the trail vouches for it from then on (its UNAPPROVED_IN_STAGE drift resolves).
    let ratifies = false;
    if (version.stage === toStage) {
      const { replay } = await readTrail(this.store, this.config.environments, input.backend, input.model);
      if (approvedInto(replay, input.version, toStage)) {
        throw new InvalidInputError(`${input.backend}/${input.model}@${input.version} is already in ${toStage}, approved through the gateway`, { field: "toStage" });
      }
      ratifies = true;
    } else {
      this.policies.checkTransition(version.stage, toStage);
    }
    const holders = (await versionsInStage(this.catalog, input.backend, input.model, toStage, ctx)).filter((v) => v !== input.version);
    if (input.expectedCurrentVersion !== undefined) {
      const current = holders.join(",");
      if (current !== input.expectedCurrentVersion) {
        throw new ConflictError(
          `expected ${input.expectedCurrentVersion === "" ? "no version" : `version ${input.expectedCurrentVersion}`} in ${toStage}, but ${current === "" ? "none is" : `${current} is`}; re-read and retry`,
          { field: "expectedCurrentVersion" },
        );
      }
    }
    const matched = this.policies.match(input.backend, input.model, input.environment, toStage, version.stage);
    const { demoteTo, ...policy } = matched;
    const base = { backendId: input.backend, modelName: input.model, version: input.version };
    const evals = policy.eval === null ? [] : await readEvalEvidence(this.store, this.catalog, base, ctx, version);
    const provenance = await this.#provenanceEvidence(policy, base, ctx, version);
    await this.#refuseOnProvenance(policy, provenance, { ...base, environment: input.environment, toStage }, ctx);
    const now = this.clock();
    const lockKey = slotKey(input.backend, input.model, input.environment);

    const { request, replay } = await this.store.transaction(async (tx) => {
      if (input.idempotencyKey !== undefined) {
        const raced = await tx.workflow.findByIdempotencyKey(input.idempotencyKey);
        if (raced !== undefined) return { request: this.#sameInput(raced, inputHash, input.idempotencyKey), replay: true };
      }
      const open = await tx.workflow.findOpen(lockKey);
      if (open !== undefined) {
        throw new ConflictError(
          `${lockKey} already has an open request ${open.id} (version ${open.version} to ${open.toStage}, ${open.status}); wait for it to end or reject it`,
          { field: "model" },
        );
      }
      const id = randomUUID();
      await tx.workflow.insertRequest({
        id,
        kind: "PROMOTION",
        ...base,
        environment: input.environment,
        fromStage: version.stage,
        toStage,
        demoteTo: toStage === "PRODUCTION" ? demoteTo : version.stage,
        previousVersions: toStage === "PRODUCTION" ? holders : [],
        status: "PENDING",
        requestedBy: actor,
        reason,
        policy,
        idempotencyKey: input.idempotencyKey ?? null,
        inputHash,
        lockKey,
        at: now,
      });
      if (toStage === "PRODUCTION") await this.#seedProduction(tx, input.backend, input.model, input.environment, holders, now);
      const created = (await tx.workflow.getRequest(id))!;
      await tx.appendAudit(
        this.#event(ctx, created, "promotion.request", {
          before: { stage: version.stage, production: holders },
          after: { stage: toStage, environment: input.environment, policy, requestId: id, ...(ratifies ? { ratifies: true } : {}) },
          reason,
        }),
      );
      await this.#evaluate(tx, created, { evals, canaries: await this.#canaries(tx, created), approvals: [], ...withProvenance(provenance) }, ctx);
      return { request: (await tx.workflow.getRequest(id))!, replay: false };
    });
    return { request, replayed: replay };
  }

  /**
   * Records a request prepared elsewhere (deployment promotions and rollbacks) with its audit event
   * in one transaction, then evaluates its gates like any request (or queues it at once when not
   * gated). Approvals, rejections and the outbox treat it like every other request.
   */
  async openRequest(spec: OpenRequestSpec, ctx: CallContext): Promise<RequestResult> {
    if (spec.idempotencyKey !== undefined) {
      const replay = await this.#replay(spec.idempotencyKey, spec.inputHash);
      if (replay !== undefined) return { request: replay, replayed: true };
    }
    const ref = { backendId: spec.request.backendId, modelName: spec.request.modelName, version: spec.request.version };
    const evals = spec.versionEvidence === true && spec.request.policy.eval !== null ? await readEvalEvidence(this.store, this.catalog, ref, ctx) : [];
    const provenance = spec.versionEvidence === true ? await this.#provenanceEvidence(spec.request.policy, ref, ctx) : undefined;
    const now = this.clock();
    const { request, replay } = await this.store.transaction(async (tx) => {
      // The alsoFree check below must stay true until commit (see #queue).
      await tx.workflow.lockSlot(spec.lockKey);
      if (spec.idempotencyKey !== undefined) {
        const raced = await tx.workflow.findByIdempotencyKey(spec.idempotencyKey);
        if (raced !== undefined) return { request: this.#sameInput(raced, spec.inputHash, spec.idempotencyKey), replay: true };
      }
      for (const key of [spec.lockKey, ...(spec.alsoFree ?? [])]) {
        const open = await tx.workflow.findOpen(key);
        if (open !== undefined && (key === spec.lockKey || open.status === "APPLYING")) {
          throw new ConflictError(
            `${spec.request.modelName} in ${spec.request.environment} already has an open request ${open.id} (${requestSubject(open)}, ${open.status}); wait for it to end or reject it`,
            { field: "name" },
          );
        }
      }
      const id = randomUUID();
      await tx.workflow.insertRequest({
        ...spec.request,
        id,
        status: "PENDING",
        idempotencyKey: spec.idempotencyKey ?? null,
        inputHash: spec.inputHash,
        lockKey: spec.lockKey,
        at: now,
      });
      const created = (await tx.workflow.getRequest(id))!;
      await tx.appendAudit(this.#event(ctx, created, spec.action, { before: spec.before, after: { ...spec.after, requestId: id }, reason: created.reason }));
      const canaries = spec.versionEvidence === true ? await this.#canaries(tx, created) : [];
      if (spec.gated) await this.#evaluate(tx, created, { evals, canaries, approvals: [], ...withProvenance(provenance) }, ctx);
      else await this.#queue(tx, created, now, ctx);
      return { request: (await tx.workflow.getRequest(id))!, replay: false };
    });
    return { request, replayed: replay };
  }

  async #replay(key: string, inputHash: string): Promise<PromotionRequestRecord | undefined> {
    const existing = await this.store.workflow.findByIdempotencyKey(key);
    return existing === undefined ? undefined : this.#sameInput(existing, inputHash, key);
  }

  #sameInput(existing: PromotionRequestRecord, inputHash: string, key: string): PromotionRequestRecord {
    if (existing.inputHash !== inputHash) {
      throw new ConflictError(
        `idempotency key "${key}" was already used for a different request (${existing.id}); use a new key for a new request`,
        { field: "idempotencyKey" },
      );
    }
    return existing;
  }

  /** Records what the backend runs before the gateway's first promotion of a slot, so rollback and asOf know it. */
  async #seedProduction(tx: StoreTx, backendId: string, modelName: string, environment: string, holders: string[], now: Date): Promise<void> {
    if (holders.length === 0) return;
    if ((await tx.workflow.productionHistory(backendId, modelName, environment)).length > 0) return;
    for (const version of holders) {
      await tx.workflow.insertProduction({ id: randomUUID(), backendId, modelName, environment, version, requestId: null, since: now, until: null });
    }
  }

  async #canaries(tx: StoreTx, r: PromotionRequestRecord): Promise<CanaryResultRecord[]> {
    return tx.workflow.listCanaryResults(r.backendId, r.modelName, r.version, r.environment);
  }

  /**
   * Re-evaluates a PENDING request's gates inside `tx`: records each changed result (with an audit
   * event), and when every gate passes hands the request to the outbox. Returns true when queued.
   */
  async #evaluate(
    tx: StoreTx,
    r: PromotionRequestRecord,
    evidence: { evals: EvalEvidence[]; canaries: CanaryResultRecord[]; approvals: ApprovalRecord[]; provenance?: ProvenanceEvidence },
    ctx: CallContext,
  ): Promise<boolean> {
    const now = this.clock();
    const shadows = r.policy.shadow ? await tx.lifecycle.listShadowReports(r.backendId, r.modelName, r.version, r.environment) : undefined;
    const outcomes = evaluateGates(r.policy, shadows === undefined ? evidence : { ...evidence, shadows });
    const previous = new Map((await tx.workflow.listGateResults(r.id)).map((g) => [g.gate, g]));
    for (const o of outcomes) {
      const before = previous.get(o.gate);
      if (before !== undefined && before.passed === o.passed && before.detail === o.detail) continue;
      const record: GateResultRecord = { requestId: r.id, ...o, evaluatedAt: now };
      await tx.workflow.upsertGateResult(record);
      await tx.appendAudit(
        this.#event(ctx, r, "promotion.gate", {
          before: before === undefined ? null : { gate: before.gate, passed: before.passed, detail: before.detail },
          after: { gate: o.gate, passed: o.passed, detail: o.detail, evidence: o.evidence ?? null },
        }),
      );
    }
    if (!outcomes.every((o: GateOutcome) => o.passed)) return false;
    await this.#queue(tx, r, now, ctx);
    return true;
  }

  async #queue(tx: StoreTx, r: PromotionRequestRecord, now: Date, ctx: CallContext): Promise<void> {
    // Serialised with rollback()'s "nothing APPLYING in this slot" check (PostgreSQL replicas).
    await tx.workflow.lockSlot(slotKey(r.backendId, r.modelName, r.environment));
    if (!(await tx.workflow.setStatus(r.id, ["PENDING"], "APPLYING", now))) {
      throw new ConflictError(`request ${r.id} is no longer pending`, { field: "id" });
    }
    // The mutation's trace context (tracing on): the apply continues its trace.
    const trace = traceCarrier();
    await tx.workflow.insertOutbox({
      id: randomUUID(),
      requestId: r.id,
      status: "PENDING",
      attempts: 0,
      steps: { holders: null, targetSet: false, demoted: [], ...(trace === undefined ? {} : { trace }) },
      nextAttemptAt: now,
      createdAt: now,
    });
    await tx.appendAudit(this.#event(ctx, r, "promotion.queue", { after: { status: "APPLYING", toStage: r.toStage } }));
  }

  async #pending(id: string): Promise<PromotionRequestRecord> {
    const r = await this.store.workflow.getRequest(id);
    if (r === undefined) throw new NotFoundError(`no promotion request ${id}`, { field: "id" });
    if (r.status !== "PENDING") {
      throw new ConflictError(`request ${id} is ${r.status}, not PENDING: it can no longer be decided on`, { field: "id" });
    }
    return r;
  }

  async approve(id: string, comment: string | undefined, ctx: CallContext): Promise<PromotionRequestRecord> {
    return this.#decide(id, "APPROVED", comment, ctx);
  }

  async reject(id: string, comment: string | undefined, ctx: CallContext): Promise<PromotionRequestRecord> {
    return this.#decide(id, "REJECTED", comment, ctx);
  }

  async #decide(id: string, decision: "APPROVED" | "REJECTED", comment: string | undefined, ctx: CallContext): Promise<PromotionRequestRecord> {
    const r = await this.#pending(id);
    if (r.requestedBy === ctx.actor.id) {
      throw new ForbiddenError(
        `${ctx.actor.id} requested ${r.id} and may not ${decision === "APPROVED" ? "approve" : "reject"} it: a different approver must decide (four eyes)`,
        { field: "id" },
      );
    }
    const evals = r.policy.eval === null ? [] : await readEvalEvidence(this.store, this.catalog, r, ctx);
    const provenance = decision === "APPROVED" ? await this.#provenanceEvidence(r.policy, r, ctx) : undefined;
    const now = this.clock();
    return this.store.transaction(async (tx) => {
      const current = await tx.workflow.getRequest(id);
      if (current?.status !== "PENDING") {
        throw new ConflictError(`request ${id} is ${current?.status ?? "gone"}, not PENDING: it can no longer be decided on`, { field: "id" });
      }
      await tx.workflow.insertApproval({ id: randomUUID(), requestId: id, actor: ctx.actor.id, decision, comment: comment ?? null, at: now });
      await tx.appendAudit(
        this.#event(ctx, current, decision === "APPROVED" ? "promotion.approve" : "promotion.reject", {
          after: { decision, comment: comment ?? null },
          ...(comment === undefined ? {} : { reason: comment }),
        }),
      );
      const approvals = await tx.workflow.listApprovals(id);
      if (decision === "REJECTED") {
        await tx.workflow.setStatus(id, ["PENDING"], "REJECTED", now, `rejected by ${ctx.actor.id}${comment === undefined ? "" : `: ${comment}`}`);
        await tx.workflow.upsertGateResult({
          requestId: id,
          gate: "APPROVAL",
          passed: false,
          detail: `rejected by ${ctx.actor.id}`,
          evidence: { approvers: approvals.filter((a) => a.decision === "APPROVED").map((a) => a.actor), rejectedBy: ctx.actor.id },
          evaluatedAt: now,
        });
        return (await tx.workflow.getRequest(id))!;
      }
      await this.#evaluate(tx, current, { evals, canaries: await this.#canaries(tx, current), approvals, ...withProvenance(provenance) }, ctx);
      return (await tx.workflow.getRequest(id))!;
    });
  }

  async recordEval(input: EvalRecordInput, ctx: CallContext): Promise<EvalRecord> {
    await this.catalog.backend(input.backend).getVersion(input.model, input.version, ctx);
    const record: EvalRecord = {
      id: randomUUID(),
      backendId: input.backend,
      modelName: input.model,
      version: input.version,
      suite: input.suite,
      score: input.score,
      run: input.run ?? null,
      artifactUri: input.artifactUri ?? null,
      recordedBy: ctx.actor.id,
      at: this.clock(),
    };
    await this.store.transaction(async (tx) => {
      await tx.workflow.insertEvalRecord(record);
      await tx.appendAudit({
        ...this.#base(ctx),
        action: "eval.record",
        targetType: "model_version",
        target: target(record),
        backendId: record.backendId,
        modelName: record.modelName,
        after: { suite: record.suite, score: record.score, run: record.run, artifactUri: record.artifactUri },
        outcome: "SUCCESS",
      });
    });
    await this.#reevaluateOpen(input.backend, input.model, input.version, undefined, ctx);
    return record;
  }

  async recordCanary(input: CanaryResultInput, ctx: CallContext): Promise<CanaryResultRecord> {
    this.#checkEnvironment(input.environment);
    await this.catalog.backend(input.backend).getVersion(input.model, input.version, ctx);
    const record: CanaryResultRecord = {
      id: randomUUID(),
      backendId: input.backend,
      modelName: input.model,
      version: input.version,
      environment: input.environment,
      clean: input.clean,
      evidence: input.evidence ?? null,
      notes: input.notes ?? null,
      recordedBy: ctx.actor.id,
      at: this.clock(),
      ...checkCanaryMeasures(input),
    };
    await this.store.transaction(async (tx) => {
      await tx.workflow.insertCanaryResult(record);
      await tx.appendAudit({
        ...this.#base(ctx),
        action: "canary.record",
        targetType: "model_version",
        target: target(record),
        backendId: record.backendId,
        modelName: record.modelName,
        after: {
          environment: record.environment,
          clean: record.clean,
          evidence: record.evidence,
          notes: record.notes,
          ...(record.errorRate == null ? {} : { errorRate: record.errorRate }),
          ...(record.requests == null ? {} : { requests: record.requests }),
          ...(record.metrics == null ? {} : { metrics: record.metrics }),
        },
        outcome: "SUCCESS",
      });
    });
    await this.#reevaluateOpen(input.backend, input.model, input.version, input.environment, ctx);
    return record;
  }

  /**
   * New evidence (an eval, canary or shadow record): re-evaluates the pending requests of that
   * version (in that environment, when given), stage requests and protected alias moves alike.
   */
  async reevaluate(backendId: string, modelName: string, version: string, environment: string | undefined, ctx: CallContext): Promise<void> {
    await this.#reevaluateOpen(backendId, modelName, version, environment, ctx);
  }

  async #reevaluateOpen(backendId: string, modelName: string, version: string, environment: string | undefined, ctx: CallContext): Promise<void> {
    // "": requests of no environment (cross-registry copies that land in NONE).
    const envs = environment === undefined ? [...Object.keys(this.config.environments), ""] : [environment];
    const pending = [];
    for (const env of envs) {
      for (const r of await this.store.workflow.listOpenFor(backendId, modelName, env)) if (r.status === "PENDING" && r.version === version) pending.push(r);
    }
    for (const open of pending) {
      const evals = open.policy.eval === null ? [] : await readEvalEvidence(this.store, this.catalog, open, ctx);
      const provenance = await this.#provenanceEvidence(open.policy, open, ctx);
      await this.store.transaction(async (tx) => {
        const current = await tx.workflow.getRequest(open.id);
        if (current?.status !== "PENDING") return false;
        const approvals = await tx.workflow.listApprovals(current.id);
        return this.#evaluate(tx, current, { evals, canaries: await this.#canaries(tx, current), approvals, ...withProvenance(provenance) }, ctx);
      });
    }
  }

  /**
   * Puts back the production version before the current one, through the outbox. Skips the gates
   * (an emergency path: the resolver demands the approver role); refused while another apply of the
   * same slot is in flight.
   */
  async rollback(input: RollbackInput, ctx: CallContext): Promise<PromotionRequestRecord> {
    const reason = input.reason.trim();
    if (reason === "") throw new InvalidInputError("reason: must not be empty", { field: "reason" });
    this.#checkEnvironment(input.environment);
    const adapter = this.catalog.backend(input.backend);
    const slot = slotKey(input.backend, input.model, input.environment);
    const history = await this.store.workflow.productionHistory(input.backend, input.model, input.environment);
    const current = history.find((h) => h.until === null);
    const previous = history.find((h) => h.until !== null && h.version !== current?.version);
    if (current === undefined || previous === undefined) {
      throw new NotFoundError(
        `no earlier production version of ${input.backend}/${input.model} in ${input.environment} is recorded: rollback puts back a version the gateway promoted from`,
        { field: "model" },
      );
    }
    const version = await adapter.getVersion(input.model, previous.version, ctx);
    const now = this.clock();
    const request = await this.store.transaction(async (tx) => {
      // Until commit no other transaction can queue a request of this slot (see #queue), so the
      // check below stays true with several gateway replicas on one PostgreSQL database.
      await tx.workflow.lockSlot(slot);
      const open = await tx.workflow.listOpenFor(input.backend, input.model, input.environment);
      const applying = open.find((o) => o.status === "APPLYING");
      if (applying !== undefined) {
        throw new ConflictError(`${slot} is being changed by request ${applying.id} right now; retry when it has ended`, { field: "model" });
      }
      const id = randomUUID();
      const policy: RequestPolicy = { source: "rollback", eval: null, canary: false, approvals: 0 };
      await tx.workflow.insertRequest({
        id,
        kind: "ROLLBACK",
        backendId: input.backend,
        modelName: input.model,
        version: previous.version,
        environment: input.environment,
        fromStage: version.stage,
        toStage: "PRODUCTION",
        demoteTo: this.policies.match(input.backend, input.model, input.environment, "PRODUCTION").demoteTo,
        previousVersions: [current.version],
        status: "PENDING",
        requestedBy: ctx.actor.id,
        reason,
        policy,
        idempotencyKey: null,
        inputHash: null,
        lockKey: `${slot}#rollback`,
        at: now,
      });
      const created = (await tx.workflow.getRequest(id))!;
      await tx.appendAudit(
        this.#event(ctx, created, "promotion.rollback", {
          before: { production: current.version },
          after: { production: previous.version, requestId: id },
          reason,
        }),
      );
      await this.#queue(tx, created, now, ctx);
      return (await tx.workflow.getRequest(id))!;
    });
    return request;
  }

  /** The signature (verified afresh) and lineage of a version whose policy has provenance gates. */
  async #provenanceEvidence(
    policy: RequestPolicy,
    ref: Pick<PromotionRequestRecord, "backendId" | "modelName" | "version">,
    ctx: CallContext,
    version?: ModelVersion,
  ): Promise<ProvenanceEvidence | undefined> {
    if (!hasProvenanceGates(policy) || ref.backendId === "") return undefined;
    const v = version ?? (await this.catalog.backend(ref.backendId).getVersion(ref.modelName, ref.version, ctx));
    return this.provenance === undefined ? { lineage: v.lineage } : this.provenance.collect(policy, v, ctx);
  }

  /**
   * A provenance gate that fails refuses the request before it is recorded: the refusal, with the
   * verification evidence, goes to the audit trail, and the caller gets a CONFLICT naming it.
   */
  async #refuseOnProvenance(
    policy: RequestPolicy,
    evidence: ProvenanceEvidence | undefined,
    r: { backendId: string; modelName: string; version: string; environment: string; toStage: Stage },
    ctx: CallContext,
  ): Promise<void> {
    if (!hasProvenanceGates(policy)) return;
    const outcomes = evaluateProvenanceGates(policy, evidence);
    const failed = outcomes.filter((o) => !o.passed);
    if (failed.length === 0) return;
    const message = `${target(r)} cannot go to ${r.toStage} in ${r.environment}: ${failed.map((o) => `${o.gate} gate: ${o.detail}`).join("; ")} (policy ${policy.source})`;
    await this.store.transaction((tx) =>
      tx.appendAudit({
        ...this.#base(ctx),
        action: "promotion.refuse",
        targetType: "model_version",
        target: target(r),
        backendId: r.backendId,
        modelName: r.modelName,
        after: { toStage: r.toStage, environment: r.environment, policy: policy.source, gates: outcomes.map((o) => ({ gate: o.gate, passed: o.passed, detail: o.detail, evidence: o.evidence ?? null })) },
        outcome: "FAILURE",
        error: message,
      }),
    );
    throw new ConflictError(message, { field: "version" });
  }

  #base(ctx: CallContext): Pick<AuditEventInput, "actor" | "requestId"> {
    return { actor: ctx.actor.id, ...(ctx.requestId === undefined ? {} : { requestId: ctx.requestId }) };
  }

  #event(
    ctx: CallContext,
    r: PromotionRequestRecord,
    action: string,
    rest: { before?: unknown; after?: unknown; reason?: string },
  ): AuditEventInput {
    return {
      ...this.#base(ctx),
      action,
      targetType: "promotion_request",
      target: requestTarget(r),
      ...(r.backendId === "" ? {} : { backendId: r.backendId }),
      modelName: r.modelName,
      ...rest,
      outcome: "SUCCESS",
    };
  }
}

/** A canary result's measurements, checked (field names as in the input). */
function checkCanaryMeasures(input: CanaryResultInput): Pick<CanaryResultRecord, "errorRate" | "requests" | "metrics"> {
  const out: Pick<CanaryResultRecord, "errorRate" | "requests" | "metrics"> = {};
  if (input.errorRate !== undefined) {
    if (!(input.errorRate >= 0 && input.errorRate <= 1)) throw new InvalidInputError(`errorRate: must be a share from 0 to 1, got ${input.errorRate}`, { field: "errorRate" });
    out.errorRate = input.errorRate;
  }
  if (input.requests !== undefined) {
    if (!(Number.isInteger(input.requests) && input.requests >= 0)) throw new InvalidInputError(`requests: must be a whole number from 0, got ${input.requests}`, { field: "requests" });
    out.requests = input.requests;
  }
  if (input.metrics !== undefined) {
    const entries = Object.entries(input.metrics);
    if (entries.length > 32) throw new InvalidInputError(`metrics: at most 32, got ${entries.length}`, { field: "metrics" });
    for (const [i, [name, value]] of entries.entries()) {
      if (name.trim() === "" || name.length > 128) throw new InvalidInputError(`metrics.${i}.name: must be 1 to 128 characters`, { field: `metrics.${i}.name` });
      if (!Number.isFinite(value)) throw new InvalidInputError(`metrics.${i}.value: must be a finite number`, { field: `metrics.${i}.value` });
    }
    out.metrics = Object.fromEntries(entries.map(([n, v]) => [n.trim(), v]));
  }
  return out;
}
