/**
 * Applies approved promotions to the backends: one outbox row at a time, in the order they were
 * queued. Each step (read the versions to demote, set the target's stage, demote each previous
 * version) is read back from the backend and saved before the next, so a gateway that stops midway
 * resumes where it stopped; setting a stage a version already has is a no-op in every adapter, so
 * a step repeated after a crash changes nothing twice.
 *
 * Transient backend errors (UNAVAILABLE, DEADLINE_EXCEEDED, a read-back that does not show the new
 * stage yet) are retried with backoff up to `maxAttempts`; anything else, or the last attempt, fails
 * the request: the target is put back in its old stage and any demoted version back in the target
 * stage, so the previous production version stays in place, and the request ends FAILED with the
 * backend's reason.
 *
 * The write that moves the target version carries the request's approval (its approvers, or a
 * rollback's requester) so each adapter mirrors it to the backend's native place; demotions and
 * undo writes carry only a reason.
 */
import { randomUUID } from "node:crypto";
import {
  createCallContext,
  isRegistryError,
  isTransient,
  type CallContext,
  type Stage,
  type WriteApproval,
  type WriteOptions,
} from "../core/index.js";
import type { Catalog } from "../catalog/catalog.js";
import type { ResilientAdapter } from "../catalog/resilient-adapter.js";
import type { AuditEventInput, Store, StoreTx } from "../store/store.js";
import type { OutboxRecord, OutboxSteps, PromotionRequestRecord } from "../store/workflow-store.js";
import { checkComponents } from "./deployment-stages.js";
import { versionsInStage } from "./evidence.js";
import { requestSubject } from "./promotion-service.js";

export const OUTBOX_ACTOR = "modelgate:outbox";

export interface OutboxWorkerOptions {
  /** How often to look for due rows when not kicked (default 1000 ms). */
  pollMs?: number;
  /** Attempts before a transient failure becomes final (default 5). */
  maxAttempts?: number;
  /** Backoff of attempt n (1-based) is baseBackoffMs * 2^(n-1) (default 200 ms). */
  baseBackoffMs?: number;
  /** How long a worker owns a row it is applying; another process may take it after (default 60 s). */
  leaseMs?: number;
  /** Timeout of each backend call (default 30 s). */
  callTimeoutMs?: number;
  clock?: () => Date;
}

export interface OutboxLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

class StepError extends Error {
  constructor(
    message: string,
    readonly transient: boolean,
  ) {
    super(message);
  }
}

function describe(err: unknown): string {
  if (isRegistryError(err)) return `${err.code}: ${err.message}`;
  return err instanceof Error ? err.message : String(err);
}

export class OutboxWorker {
  readonly #pollMs: number;
  readonly #maxAttempts: number;
  readonly #baseBackoffMs: number;
  readonly #leaseMs: number;
  readonly #callTimeoutMs: number;
  readonly #clock: () => Date;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #again = false;
  #stopped = true;
  readonly #controller = new AbortController();

  constructor(
    private readonly store: Store,
    private readonly catalog: Catalog,
    private readonly logger: OutboxLogger,
    opts: OutboxWorkerOptions = {},
  ) {
    this.#pollMs = opts.pollMs ?? 1_000;
    this.#maxAttempts = opts.maxAttempts ?? 5;
    this.#baseBackoffMs = opts.baseBackoffMs ?? 200;
    this.#leaseMs = opts.leaseMs ?? 60_000;
    this.#callTimeoutMs = opts.callTimeoutMs ?? 30_000;
    this.#clock = opts.clock ?? (() => new Date());
  }

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.kick();
  }

  /** Looks for due rows now (called after a request was queued). */
  kick(): void {
    if (this.#stopped) return;
    if (this.#running !== undefined) {
      this.#again = true;
      return;
    }
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#running = this.#drain()
      .catch((err: unknown) => this.logger.error({ err }, "outbox worker pass failed; retrying on the next poll"))
      .finally(() => {
        this.#running = undefined;
        if (this.#stopped) return;
        if (this.#again) {
          this.#again = false;
          this.kick();
        } else {
          this.#timer = setTimeout(() => this.kick(), this.#pollMs);
          this.#timer.unref();
        }
      });
  }

  /** Stops polling and waits for the row being applied (its next steps resume after a restart). */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#running;
    this.#controller.abort();
  }

  /** Applies every due row once; exposed for tests and `stop()`. */
  async #drain(): Promise<void> {
    for (;;) {
      if (this.#stopped) return;
      const now = this.#clock();
      // One transaction: the listed row stays locked until its lease commits (PostgreSQL: FOR UPDATE
      // SKIP LOCKED, under the store's write lock), so no other replica leases it in between.
      const row = await this.store.transaction(async (tx) => {
        const [due] = await tx.workflow.listDueOutbox(now, 1);
        if (due === undefined) return undefined;
        return (await tx.workflow.leaseOutbox(due.id, now, new Date(now.getTime() + this.#leaseMs))) ? due : null;
      });
      if (row === undefined) return;
      if (row === null) continue;
      await this.#applyRow(row);
    }
  }

  #ctx(req: PromotionRequestRecord): CallContext {
    return createCallContext({
      timeoutMs: this.#callTimeoutMs,
      actor: { id: req.requestedBy, displayName: `${req.requestedBy} (via modelgate promotion ${req.id})`, roles: [] },
      signal: this.#controller.signal,
    });
  }

  async #applyRow(row: OutboxRecord): Promise<void> {
    const req = await this.store.workflow.getRequest(row.requestId);
    if (req === undefined || req.status !== "APPLYING") {
      // Finished by another worker after this one listed it: nothing to do.
      await this.store.workflow.updateOutbox(row.id, { status: "DONE", leaseUntil: null }, this.#clock());
      return;
    }
    const steps: OutboxSteps = { ...row.steps, demoted: [...row.steps.demoted] };
    const attempt = row.attempts + 1;
    if (req.deploymentRevisionId !== null) {
      await this.#applyDeployment(row, req, req.deploymentRevisionId, steps, attempt);
      return;
    }
    let adapter: ResilientAdapter;
    try {
      adapter = this.catalog.backend(req.backendId);
    } catch (err) {
      await this.#fail(row, req, steps, attempt, `backend "${req.backendId}" is no longer configured: ${describe(err)}`, []);
      return;
    }
    const save = () => this.store.workflow.updateOutbox(row.id, { steps, attempts: attempt }, this.#clock());
    const reason = `${req.kind === "ROLLBACK" ? "rollback" : "promotion"} ${req.id}: ${req.reason}`;
    try {
      if (steps.holders === null) {
        steps.holders =
          req.toStage === "PRODUCTION"
            ? (await versionsInStage(this.catalog, req.backendId, req.modelName, req.toStage, this.#ctx(req))).filter((v) => v !== req.version)
            : [];
        await save();
      }
      if (!steps.targetSet) {
        const approval = await this.#approval(req);
        await this.#setStage(adapter, req, req.version, req.toStage, { reason, ...(approval === undefined ? {} : { approval }) });
        steps.targetSet = true;
        await save();
      }
      for (const holder of steps.holders) {
        if (steps.demoted.includes(holder)) continue;
        await this.#setStage(adapter, req, holder, req.demoteTo, { reason: `${reason} (replaced by ${req.version})` });
        steps.demoted.push(holder);
        await save();
      }
    } catch (err) {
      const message = err instanceof StepError ? err.message : describe(err);
      const transient = err instanceof StepError ? err.transient : isTransient(err);
      if (transient && attempt < this.#maxAttempts) {
        await this.#retryLater(row, req, steps, attempt, message, "promotion apply failed; retrying");
        return;
      }
      const undone = await this.#compensate(adapter, req, steps, reason);
      await this.#fail(row, req, steps, attempt, message, undone);
      return;
    }
    await this.#succeed(row, req, steps, attempt);
  }

  /** A transient failure: saves the progress and releases the row until its backoff (attempt n waits base * 2^(n-1)). */
  async #retryLater(row: OutboxRecord, req: PromotionRequestRecord, steps: OutboxSteps, attempt: number, message: string, log: string): Promise<void> {
    const delay = this.#baseBackoffMs * 2 ** (attempt - 1);
    this.logger.warn({ requestId: req.id, attempt, delayMs: delay, error: message }, log);
    await this.store.workflow.updateOutbox(
      row.id,
      { steps, attempts: attempt, lastError: message, leaseUntil: null, nextAttemptAt: new Date(this.#clock().getTime() + delay) },
      this.#clock(),
    );
  }

  /**
   * Activates a deployment revision: re-reads every component (they may have moved since the
   * request was made) and, when each is still in a stage the environment accepts, makes the revision
   * current in one transaction with its audit event. Nothing is written to the backends. A backend
   * that cannot be read is retried like any transient failure.
   */
  async #applyDeployment(row: OutboxRecord, req: PromotionRequestRecord, revisionId: string, steps: OutboxSteps, attempt: number): Promise<void> {
    const revision = await this.store.deployments.getRevision(revisionId);
    if (revision === undefined) {
      await this.#fail(row, req, steps, attempt, `deployment revision ${revisionId} is missing from the store`, []);
      return;
    }
    const problems = await checkComponents(this.catalog, revision.components, req.toStage, this.#ctx(req));
    const unreachable = problems.filter((p) => p.code === "UNREACHABLE");
    if (unreachable.length > 0 && attempt < this.#maxAttempts) {
      const message = unreachable.map((p) => p.message).join("; ");
      await this.#retryLater(row, req, steps, attempt, message, "deployment activation could not read its components; retrying");
      return;
    }
    if (problems.length > 0) {
      await this.#fail(row, req, steps, attempt, `${requestSubject(req)} cannot enter ${req.environment}: ${problems.map((p) => p.message).join("; ")}`, []);
      return;
    }
    const now = this.#clock();
    await this.store.transaction(async (tx) => {
      if (!(await tx.workflow.setStatus(req.id, ["APPLYING"], "APPLIED", now))) return;
      await tx.workflow.updateOutbox(row.id, { status: "DONE", steps, attempts: attempt, leaseUntil: null, lastError: null }, now);
      const before = await tx.deployments.currentActivation(revision.deploymentId);
      const beforeRevision = before === undefined ? undefined : await tx.deployments.getRevision(before.revisionId);
      await tx.deployments.activate({ id: randomUUID(), deploymentId: revision.deploymentId, revisionId: revision.id, requestId: req.id, activatedAt: now });
      await tx.appendAudit({
        actor: OUTBOX_ACTOR,
        action: "deployment.activate",
        targetType: "deployment",
        target: `${req.modelName}@${req.environment}#${revision.number}`,
        modelName: req.modelName,
        reason: req.reason,
        before: beforeRevision === undefined ? null : { revision: beforeRevision.number, contentHash: beforeRevision.contentHash },
        after: { revision: revision.number, contentHash: revision.contentHash, kind: req.kind, requestId: req.id, attempts: attempt },
        outcome: "SUCCESS",
      });
    });
    this.logger.info({ requestId: req.id, deployment: req.modelName, revision: revision.number, environment: req.environment }, "deployment revision activated");
  }

  /**
   * Who approved the request, for the backend's native record of it: a promotion's APPROVED
   * decisions (undefined when its policy needed none), a rollback's requester.
   */
  async #approval(req: PromotionRequestRecord): Promise<WriteApproval | undefined> {
    if (req.kind === "ROLLBACK") return { requestId: req.id, approvedBy: [req.requestedBy], approvedAt: req.createdAt };
    const approved = (await this.store.workflow.listApprovals(req.id)).filter((a) => a.decision === "APPROVED");
    const last = approved.at(-1);
    if (last === undefined) return undefined;
    return { requestId: req.id, approvedBy: approved.map((a) => a.actor), approvedAt: last.at };
  }

  /** setStage, then read the version back; a read-back without the stage is a transient failure. */
  async #setStage(adapter: ResilientAdapter, req: PromotionRequestRecord, version: string, stage: Stage, opts: WriteOptions): Promise<void> {
    const ctx = this.#ctx(req);
    await adapter.setStage(req.modelName, version, stage, ctx, opts);
    const back = await adapter.getVersion(req.modelName, version, this.#ctx(req));
    if (back.stage !== stage) {
      throw new StepError(`${req.backendId}/${req.modelName}@${version} reads back as ${back.stage} after being set to ${stage}`, true);
    }
  }

  /** Undoes what the apply did, newest step first. Returns what was undone (or could not be). */
  async #compensate(adapter: ResilientAdapter, req: PromotionRequestRecord, steps: OutboxSteps, reason: string): Promise<string[]> {
    const notes: string[] = [];
    const undo = async (version: string, stage: Stage) => {
      try {
        await this.#setStage(adapter, req, version, stage, { reason: `${reason} (undo after failure)` });
        notes.push(`put ${version} back in ${stage}`);
      } catch (err) {
        const message = `COULD NOT put ${version} back in ${stage}: ${err instanceof StepError ? err.message : describe(err)}; fix it by hand`;
        notes.push(message);
        this.logger.error({ requestId: req.id, version, stage, err }, message);
      }
    };
    for (const holder of [...steps.demoted].reverse()) await undo(holder, req.toStage);
    if (steps.targetSet) await undo(req.version, req.fromStage);
    return notes;
  }

  async #succeed(row: OutboxRecord, req: PromotionRequestRecord, steps: OutboxSteps, attempt: number): Promise<void> {
    const now = this.#clock();
    await this.store.transaction(async (tx) => {
      if (!(await tx.workflow.setStatus(req.id, ["APPLYING"], "APPLIED", now))) return;
      await tx.workflow.updateOutbox(row.id, { status: "DONE", steps, attempts: attempt, leaseUntil: null, lastError: null }, now);
      await tx.appendAudit(
        this.#event(req, "promotion.apply", {
          before: { stage: req.fromStage },
          after: { stage: req.toStage, kind: req.kind, attempts: attempt },
          outcome: "SUCCESS",
        }),
      );
      for (const holder of steps.demoted) {
        await tx.appendAudit({
          ...this.#event(req, "promotion.demote", { before: { stage: req.toStage }, after: { stage: req.demoteTo, replacedBy: req.version }, outcome: "SUCCESS" }),
          target: `${req.backendId}/${req.modelName}@${holder}`,
          targetType: "model_version",
        });
      }
      await this.#recordProduction(tx, req, now);
    });
    this.logger.info({ requestId: req.id, version: req.version, stage: req.toStage }, "promotion applied");
  }

  async #recordProduction(tx: StoreTx, req: PromotionRequestRecord, now: Date): Promise<void> {
    const open = await tx.workflow.currentProduction(req.backendId, req.modelName, req.environment);
    if (req.toStage === "PRODUCTION") {
      for (const entry of open) await tx.workflow.closeProduction(entry.id, now);
      await tx.workflow.insertProduction({
        id: randomUUID(),
        backendId: req.backendId,
        modelName: req.modelName,
        environment: req.environment,
        version: req.version,
        requestId: req.id,
        since: now,
        until: null,
      });
    } else if (req.fromStage === "PRODUCTION") {
      for (const entry of open) if (entry.version === req.version) await tx.workflow.closeProduction(entry.id, now);
    }
  }

  async #fail(row: OutboxRecord, req: PromotionRequestRecord, steps: OutboxSteps, attempt: number, message: string, undone: string[]): Promise<void> {
    const now = this.#clock();
    const failure = undone.length === 0 ? message : `${message} (${undone.join("; ")})`;
    await this.store.transaction(async (tx) => {
      if (!(await tx.workflow.setStatus(req.id, ["APPLYING"], "FAILED", now, failure))) return;
      await tx.workflow.updateOutbox(row.id, { status: "DONE", steps, attempts: attempt, leaseUntil: null, lastError: failure }, now);
      await tx.appendAudit(
        this.#event(req, "promotion.apply", {
          before: { stage: req.fromStage },
          after: { stage: req.toStage, kind: req.kind, attempts: attempt, undone },
          outcome: "FAILURE",
          error: failure,
        }),
      );
    });
    this.logger.warn({ requestId: req.id, error: failure }, "promotion failed");
  }

  #event(
    req: PromotionRequestRecord,
    action: string,
    rest: Pick<AuditEventInput, "before" | "after" | "outcome"> & { error?: string },
  ): AuditEventInput {
    return {
      actor: OUTBOX_ACTOR,
      action,
      targetType: "promotion_request",
      target: `${requestSubject(req)} -> ${req.toStage} (${req.environment}) [${req.id}]`,
      ...(req.backendId === "" ? {} : { backendId: req.backendId }),
      modelName: req.modelName,
      reason: req.reason,
      ...rest,
    };
  }
}

