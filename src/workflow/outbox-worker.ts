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
 *
 * Exactly once across workers (replicas, a leader hand-over): a worker leases a row under its own
 * owner name and gets a fencing token. Before every backend call it renews the lease, a write the
 * store refuses once the lease ran out by the database's clock or another worker took the row, and
 * the call's deadline ends a margin before the renewed lease can end (./outbox-lease.ts). Every
 * write of the row (progress, completion, failure, release) is conditional on the same lease. A
 * refused write (OutboxLeaseLostError) ends the worker's work on that row at once: no backend call,
 * no compensation, no audit event; the new holder resumes from the last saved step. A stopped
 * worker aborts its in-flight call, saves nothing of that step, and hands the row back for another
 * worker to take once the margin has passed.
 *
 * Tracing on, each pass over a row is one `outbox apply` span whose parent is the trace context the
 * queuing mutation stored with the row (`steps.trace`): a promotion is one trace from the mutation
 * through its apply, whichever worker or replica applies it and however late.
 */
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import {
  createCallContext,
  describeError,
  exponentialDelay,
  isTransient,
  type CallContext,
  type Stage,
  type WriteApproval,
  type WriteOptions,
  type Logger,
} from "../core/index.js";
import type { Catalog } from "../catalog/catalog.js";
import type { ResilientAdapter } from "../catalog/resilient-adapter.js";
import type { AuditEventInput, Store, StoreTx } from "../store/store.js";
import type { DeploymentRevisionRecord } from "../store/deployment-store.js";
import { OutboxLeaseLostError, type OutboxLease, type OutboxRecord, type OutboxSteps, type PromotionRequestRecord } from "../store/workflow-store.js";
import { checkComponents } from "./deployment-stages.js";
import { versionsInStage } from "./evidence.js";
import { HeldLease } from "./outbox-lease.js";
import { applyRolloutStep, rolloutOnActivation } from "./lifecycle/rollouts.js";
import type { GatewayMetrics, OutboxOutcome } from "../observability/metrics.js";
import { SpanStatusCode, continueTrace, outsideTraces, type Span, type Tracer } from "../observability/tracing.js";
import { requestSubject, requestTarget } from "./promotion-service.js";
import { CopyApply, CopyStepError } from "./lifecycle/copy-apply.js";

export const OUTBOX_ACTOR = "modelgate:outbox";

export interface OutboxWorkerOptions {
  /** How often to look for due rows when not kicked (default 1000 ms). */
  pollMs?: number;
  /** Attempts before a transient failure becomes final (default 5). */
  maxAttempts?: number;
  /** Backoff of attempt n (1-based) is baseBackoffMs * 2^(n-1) (default 200 ms). */
  baseBackoffMs?: number;
  /**
   * How long a worker owns a row it is applying, renewed before every backend call; another process
   * may take the row once a lease ran out (default 60 s).
   */
  leaseMs?: number;
  /**
   * The end of each lease no backend call may reach: a call's deadline is this long before the lease
   * it was started under can end, time for a request already sent to land before another worker may
   * take the row (default 5 s, or a quarter of a shorter lease). Shorter than leaseMs.
   */
  leaseMarginMs?: number;
  /** Timeout of each backend call (default 30 s; never past the lease's margin). */
  callTimeoutMs?: number;
  /** The worker's name as lease owner in the store (default: host/pid/random id, unique to this worker). */
  owner?: string;
  clock?: () => Date;
  /** Count each pass's outcome in modelgate_outbox_applies_total. */
  metrics?: GatewayMetrics;
  /** Tracing on: a span per pass over a row, continuing the trace that queued it. */
  tracer?: Tracer;
}

class StepError extends Error {
  constructor(
    message: string,
    readonly transient: boolean,
  ) {
    super(message);
  }
}

/** The worker was stopped while applying a row: nothing more is done or saved for it. */
class WorkerStopped extends Error {
  constructor() {
    super("the outbox worker was stopped");
  }
}


export class OutboxWorker {
  readonly #pollMs: number;
  readonly #maxAttempts: number;
  readonly #baseBackoffMs: number;
  readonly #leaseMs: number;
  readonly #leaseMarginMs: number;
  readonly #callTimeoutMs: number;
  readonly #clock: () => Date;
  /** The lease owner name this worker writes rows under. */
  readonly owner: string;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #again = false;
  #stopped = true;
  /** Aborted by stop(): every backend call of the row being applied listens to it. */
  #controller = new AbortController();
  readonly #metrics: GatewayMetrics | undefined;
  readonly #tracer: Tracer | undefined;
  /** The span of the pass over the current row (tracing on). */
  #span: Span | undefined;

  constructor(
    private readonly store: Store,
    private readonly catalog: Catalog,
    private readonly logger: Pick<Logger, "info" | "warn" | "error">,
    opts: OutboxWorkerOptions = {},
  ) {
    this.#pollMs = opts.pollMs ?? 1_000;
    this.#maxAttempts = opts.maxAttempts ?? 5;
    this.#baseBackoffMs = opts.baseBackoffMs ?? 200;
    this.#leaseMs = opts.leaseMs ?? 60_000;
    this.#leaseMarginMs = opts.leaseMarginMs ?? Math.min(5_000, this.#leaseMs / 4);
    if (!(this.#leaseMarginMs >= 0 && this.#leaseMarginMs < this.#leaseMs)) {
      throw new Error(`outbox leaseMarginMs (${this.#leaseMarginMs}) must be at least 0 and shorter than leaseMs (${this.#leaseMs})`);
    }
    this.#callTimeoutMs = opts.callTimeoutMs ?? 30_000;
    this.#clock = opts.clock ?? (() => new Date());
    this.owner = opts.owner ?? `${hostname()}/${process.pid}/${randomUUID()}`;
    this.#metrics = opts.metrics;
    this.#tracer = opts.tracer;
  }

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    if (this.#controller.signal.aborted) this.#controller = new AbortController();
    this.kick();
  }

  /** Looks for due rows now (called after a request was queued). */
  kick(): void {
    // Woken up from inside a request (an audit append): the rows carry their own traces, not its.
    if (this.#tracer !== undefined) outsideTraces(() => this.#kick());
    else this.#kick();
  }

  #kick(): void {
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

  /**
   * Stops polling, aborts the backend call in flight and waits until the row being applied is
   * handed back: the aborted step's result is not saved, and the step runs again (a no-op where it
   * already took effect) in whichever worker takes the row next.
   */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#controller.abort();
    await this.#running;
  }

  /** Applies every due row once; exposed for tests and `stop()`. */
  async #drain(): Promise<void> {
    for (;;) {
      if (this.#stopped) return;
      const now = this.#clock();
      const requestedAt = performance.now();
      // One transaction: the listed row stays locked until its lease commits (PostgreSQL: FOR UPDATE
      // SKIP LOCKED, under the store's write lock), so no other replica leases it in between.
      const taken = await this.store.transaction(async (tx) => {
        const [due] = await tx.workflow.listDueOutbox(now, 1);
        if (due === undefined) return undefined;
        const lease = await tx.workflow.leaseOutbox(due.id, this.owner, this.#leaseMs);
        return lease === undefined ? null : { row: due, lease };
      });
      if (taken === undefined) return;
      if (taken === null) continue;
      await this.#work(taken.row, new HeldLease(this.store, taken.lease, this.#leaseMs, this.#leaseMarginMs, requestedAt));
    }
  }

  /** Applies one leased row (tracing on: in a span continuing the trace that queued it). */
  async #work(row: OutboxRecord, held: HeldLease): Promise<void> {
    const tracer = this.#tracer;
    if (tracer === undefined) return this.#workOn(row, held);
    const attributes = { "modelgate.outbox.id": row.id, "modelgate.promotion.id": row.requestId, "modelgate.outbox.attempt": row.attempts + 1 };
    return continueTrace(tracer, row.steps.trace, "outbox apply", attributes, async (span) => {
      this.#span = span;
      try {
        await this.#workOn(row, held);
      } finally {
        this.#span = undefined;
      }
    });
  }

  /** The outcome of this pass over the row, for metrics and the span. */
  #outcome(outcome: OutboxOutcome | "lease_lost" | "stopped", failure?: string): void {
    if (outcome === "applied" || outcome === "failed" || outcome === "retry") this.#metrics?.outboxOutcomes.inc({ outcome });
    this.#span?.setAttribute("modelgate.outbox.outcome", outcome);
    if (failure !== undefined) this.#span?.setStatus({ code: SpanStatusCode.ERROR, message: failure });
  }

  /** Applies one leased row; a lost lease or a stop ends the work on it without another backend call. */
  async #workOn(row: OutboxRecord, held: HeldLease): Promise<void> {
    const { owner, token } = held.lease;
    try {
      await this.#applyRow(row, held);
    } catch (err) {
      if (err instanceof OutboxLeaseLostError) {
        this.#outcome("lease_lost");
        this.logger.warn(
          { outboxId: row.id, requestId: row.requestId, owner, token, err },
          "lost the lease on an outbox row (it ran out or another worker took the row); stopped working on it, its holder resumes it",
        );
        return;
      }
      if (!this.#controller.signal.aborted) throw err;
      this.#outcome("stopped");
      // Stopped: the aborted step's result was not saved. The row goes back after the margin, time
      // for a request the aborted call had already sent to land before another worker repeats it.
      try {
        await this.store.workflow.updateOutbox(held.lease, { release: { afterMs: this.#leaseMarginMs } }, this.#clock());
        this.logger.info({ outboxId: row.id, requestId: row.requestId, owner, token }, "outbox worker stopped mid-apply; row handed back, resumes from its last saved step");
      } catch (releaseErr) {
        this.logger.warn(
          { outboxId: row.id, requestId: row.requestId, owner, token, err: releaseErr },
          "outbox worker stopped mid-apply and could not hand the row back; another worker takes it when its lease runs out",
        );
      }
    }
  }

  /**
   * Runs one backend call under the row's lease: renews the lease first (refused: the call is never
   * made), gives the call a deadline before the renewed lease's margin, aborts it on stop(), and
   * drops its result if the worker was stopped meanwhile.
   */
  async #call<T>(held: HeldLease, req: PromotionRequestRecord, fn: (ctx: CallContext) => Promise<T>): Promise<T> {
    this.#throwIfStopped();
    const budgetMs = await held.renewForCall();
    this.#throwIfStopped();
    const ctx = createCallContext({
      timeoutMs: Math.max(1, Math.floor(Math.min(this.#callTimeoutMs, budgetMs))),
      actor: { id: req.requestedBy, displayName: `${req.requestedBy} (via modelgate promotion ${req.id})`, roles: [] },
      signal: this.#controller.signal,
    });
    const result = await fn(ctx);
    this.#throwIfStopped();
    return result;
  }

  #throwIfStopped(): void {
    if (this.#controller.signal.aborted) throw new WorkerStopped();
  }

  /** Lease lost or worker stopped: errors that end the work on a row rather than fail the request. */
  #ends(err: unknown): boolean {
    return err instanceof OutboxLeaseLostError || err instanceof WorkerStopped || this.#controller.signal.aborted;
  }

  async #applyRow(row: OutboxRecord, held: HeldLease): Promise<void> {
    const lease = held.lease;
    const req = await this.store.workflow.getRequest(row.requestId);
    if (req === undefined || req.status !== "APPLYING") {
      // Finished by another worker after this one listed it: nothing to do.
      await this.store.workflow.updateOutbox(lease, { status: "DONE", release: true }, this.#clock());
      return;
    }
    const steps: OutboxSteps = { ...row.steps, demoted: [...row.steps.demoted] };
    const attempt = row.attempts + 1;
    if (req.deploymentRevisionId !== null) {
      await this.#applyDeployment(held, req, req.deploymentRevisionId, steps, attempt);
      return;
    }
    if ((req.copyTarget ?? null) !== null) {
      await this.#applyCopy(held, req, steps, attempt);
      return;
    }
    let adapter: ResilientAdapter;
    try {
      adapter = this.catalog.backend(req.backendId);
    } catch (err) {
      await this.#fail(lease, req, steps, attempt, `backend "${req.backendId}" is no longer configured: ${describeError(err)}`, []);
      return;
    }
    if (req.alias !== undefined && req.alias !== null) {
      await this.#applyAlias(held, adapter, req, req.alias, steps, attempt);
      return;
    }
    const save = () => this.store.workflow.updateOutbox(lease, { steps, attempts: attempt }, this.#clock());
    const reason = `${req.kind === "ROLLBACK" ? "rollback" : "promotion"} ${req.id}: ${req.reason}`;
    try {
      if (steps.holders === null) {
        steps.holders =
          req.toStage === "PRODUCTION"
            ? (await this.#call(held, req, (ctx) => versionsInStage(this.catalog, req.backendId, req.modelName, req.toStage, ctx))).filter(
                (v) => v !== req.version,
              )
            : [];
        await save();
      }
      // Tags first: a reader that sees the new stage sees its tags too (an archive by policy is never untagged).
      if (req.tags != null && Object.keys(req.tags).length > 0 && steps.tagged == null) {
        steps.tagged = await this.#writeTags(held, adapter, req, req.tags, steps, save, reason);
        await save();
      }
      if (!steps.targetSet) {
        const approval = await this.#approval(req);
        await this.#setStage(held, adapter, req, req.version, req.toStage, { reason, ...(approval === undefined ? {} : { approval }) });
        steps.targetSet = true;
        await save();
      }
      for (const holder of steps.holders) {
        if (steps.demoted.includes(holder)) continue;
        await this.#setStage(held, adapter, req, holder, req.demoteTo, { reason: `${reason} (replaced by ${req.version})` });
        steps.demoted.push(holder);
        await save();
      }
    } catch (err) {
      if (this.#ends(err)) throw err;
      const message = err instanceof StepError ? err.message : describeError(err);
      const transient = err instanceof StepError ? err.transient : isTransient(err);
      if (transient && attempt < this.#maxAttempts) {
        await this.#retryLater(lease, req, steps, attempt, message, "promotion apply failed; retrying");
        return;
      }
      const undone = await this.#compensate(held, adapter, req, steps, reason);
      await this.#fail(lease, req, steps, attempt, message, undone);
      return;
    }
    await this.#succeed(lease, req, steps, attempt);
  }

  /**
   * A protected alias move (docs/lifecycle.md#protected-aliases): reads and saves where the alias
   * points now (its previous target), points it at the version with the request's approval, and
   * reads it back. Setting an alias where it already points is a no-op in every adapter, so a step
   * repeated after a crash changes nothing twice. A final failure puts the previous target back.
   */
  async #applyAlias(held: HeldLease, adapter: ResilientAdapter, req: PromotionRequestRecord, alias: string, steps: OutboxSteps, attempt: number): Promise<void> {
    const lease = held.lease;
    const save = () => this.store.workflow.updateOutbox(lease, { steps, attempts: attempt }, this.#clock());
    const reason = `alias move ${req.id}: ${req.reason}`;
    const pointsAt = async (): Promise<string | undefined> => (await this.#call(held, req, (ctx) => adapter.getModel(req.modelName, ctx))).aliases[alias];
    try {
      if (steps.holders === null) {
        const before = await pointsAt();
        steps.holders = before === undefined ? [] : [before];
        await save();
      }
      if (!steps.targetSet) {
        const approval = await this.#approval(req);
        await this.#call(held, req, (ctx) => adapter.setAlias(req.modelName, alias, req.version, ctx, { reason, ...(approval === undefined ? {} : { approval }) }));
        const back = await pointsAt();
        if (back !== req.version) throw new StepError(`alias "${alias}" of ${req.backendId}/${req.modelName} reads back as ${back ?? "unset"} after being set to ${req.version}`, true);
        steps.targetSet = true;
        await save();
      }
    } catch (err) {
      if (this.#ends(err)) throw err;
      const message = err instanceof StepError ? err.message : describeError(err);
      const transient = err instanceof StepError ? err.transient : isTransient(err);
      if (transient && attempt < this.#maxAttempts) {
        await this.#retryLater(lease, req, steps, attempt, message, "alias move failed; retrying");
        return;
      }
      const undone = await this.#undoAlias(held, adapter, req, alias, steps.holders?.[0], reason);
      await this.#fail(lease, req, steps, attempt, message, undone);
      return;
    }
    const previous = steps.holders[0] ?? null;
    const now = this.#clock();
    await this.store.transaction(async (tx) => {
      // First: a worker that lost the row is refused here, and the transaction writes nothing.
      await tx.workflow.updateOutbox(lease, { status: "DONE", steps, attempts: attempt, release: true, lastError: null }, now);
      if (!(await tx.workflow.setStatus(req.id, ["APPLYING"], "APPLIED", now))) return;
      await tx.appendAudit(
        this.#event(req, "promotion.apply", { before: { alias, version: previous }, after: { alias, version: req.version, kind: req.kind, attempts: attempt }, outcome: "SUCCESS" }),
      );
      // The alias's own trail, as a direct move records it (ALIAS_CHANGED for webhooks and subscriptions).
      await tx.appendAudit({
        ...this.#event(req, "alias.set", { before: previous === null ? null : { alias, version: previous }, after: { alias, version: req.version, requestId: req.id }, outcome: "SUCCESS" }),
        targetType: "alias",
        target: `${req.backendId}/${req.modelName}#${alias}`,
      });
    });
    this.#outcome("applied");
    this.logger.info({ requestId: req.id, alias, version: req.version, previous }, "protected alias moved");
  }

  /** Puts a protected alias back where it pointed before a failed move (or removes it if it pointed nowhere). */
  async #undoAlias(held: HeldLease, adapter: ResilientAdapter, req: PromotionRequestRecord, alias: string, previous: string | undefined, reason: string): Promise<string[]> {
    try {
      const now = (await this.#call(held, req, (ctx) => adapter.getModel(req.modelName, ctx))).aliases[alias];
      if (now !== req.version || previous === req.version) return [];
      const undo = { reason: `${reason} (undo after failure)` };
      if (previous === undefined) await this.#call(held, req, (ctx) => adapter.removeAlias(req.modelName, alias, ctx, undo));
      else await this.#call(held, req, (ctx) => adapter.setAlias(req.modelName, alias, previous, ctx, undo));
      return [previous === undefined ? `removed alias ${alias} again` : `put alias ${alias} back on ${previous}`];
    } catch (err) {
      if (this.#ends(err)) throw err;
      const message = `COULD NOT put alias ${alias} back on ${previous ?? "(none)"}: ${describeError(err)}; fix it by hand`;
      this.logger.error({ requestId: req.id, alias, previous, err }, message);
      return [message];
    }
  }

  /**
   * A cross-registry copy (./lifecycle/copy-apply.ts): save that the register is under way, register
   * in the target marked with the request id (a resume after a crash in between adopts the marked
   * version), save the new version at once, check it, set its stage; a final failure removes the
   * registered version again.
   */
  async #applyCopy(held: HeldLease, req: PromotionRequestRecord, steps: OutboxSteps, attempt: number): Promise<void> {
    const lease = held.lease;
    const reason = `copy ${req.id}: ${req.reason}`;
    let copy: CopyApply;
    try {
      copy = new CopyApply(this.catalog, req, reason);
      this.catalog.backend(req.backendId);
      this.catalog.backend(copy.target.slice(0, copy.target.indexOf("/")));
    } catch (err) {
      await this.#fail(lease, req, steps, attempt, `a backend of the copy is no longer configured: ${describeError(err)}`, []);
      return;
    }
    const call = <T>(fn: (ctx: CallContext) => Promise<T>) => this.#call(held, req, fn);
    try {
      await copy.run(steps, call, () => this.store.workflow.updateOutbox(lease, { steps, attempts: attempt }, this.#clock()), await this.#approval(req));
    } catch (err) {
      if (this.#ends(err)) throw err;
      const message = err instanceof CopyStepError ? err.message : describeError(err);
      const transient = err instanceof CopyStepError ? err.transient : isTransient(err);
      if (transient && attempt < this.#maxAttempts) {
        await this.#retryLater(lease, req, steps, attempt, message, "copy apply failed; retrying");
        return;
      }
      const undone = await copy.undo(steps, call, (e) => this.#ends(e));
      await this.#fail(lease, req, steps, attempt, message, undone);
      return;
    }
    await this.#succeed(lease, req, steps, attempt, copy);
  }

  /** A transient failure: saves the progress and releases the row until its backoff (attempt n waits base * 2^(n-1)). */
  async #retryLater(lease: OutboxLease, req: PromotionRequestRecord, steps: OutboxSteps, attempt: number, message: string, log: string): Promise<void> {
    const delay = exponentialDelay(attempt, { initialDelay: this.#baseBackoffMs });
    await this.store.workflow.updateOutbox(
      lease,
      { steps, attempts: attempt, lastError: message, release: true, nextAttemptAt: new Date(this.#clock().getTime() + delay) },
      this.#clock(),
    );
    this.#outcome("retry");
    this.logger.warn({ requestId: req.id, attempt, delayMs: delay, error: message }, log);
  }

  /**
   * Activates a deployment revision: re-reads every component (they may have moved since the
   * request was made) and, when each is still in a stage the environment accepts, makes the revision
   * current in one transaction with its audit event. Nothing is written to the backends. A backend
   * that cannot be read is retried like any transient failure.
   */
  async #applyDeployment(held: HeldLease, req: PromotionRequestRecord, revisionId: string, steps: OutboxSteps, attempt: number): Promise<void> {
    const lease = held.lease;
    const revision = await this.store.deployments.getRevision(revisionId);
    if (revision === undefined) {
      await this.#fail(lease, req, steps, attempt, `deployment revision ${revisionId} is missing from the store`, []);
      return;
    }
    if (req.rolloutStep != null) {
      await this.#applyRolloutStep(lease, req, revision, steps, attempt);
      return;
    }
    const problems = await this.#call(held, req, (ctx) => checkComponents(this.catalog, revision.components, req.toStage, ctx));
    const unreachable = problems.filter((p) => p.code === "UNREACHABLE");
    if (unreachable.length > 0 && attempt < this.#maxAttempts) {
      const message = unreachable.map((p) => p.message).join("; ");
      await this.#retryLater(lease, req, steps, attempt, message, "deployment activation could not read its components; retrying");
      return;
    }
    if (problems.length > 0) {
      await this.#fail(lease, req, steps, attempt, `${requestSubject(req)} cannot enter ${req.environment}: ${problems.map((p) => p.message).join("; ")}`, []);
      return;
    }
    const now = this.#clock();
    await this.store.transaction(async (tx) => {
      // First: a worker that lost the row is refused here, and the transaction writes nothing.
      await tx.workflow.updateOutbox(lease, { status: "DONE", steps, attempts: attempt, release: true, lastError: null }, now);
      if (!(await tx.workflow.setStatus(req.id, ["APPLYING"], "APPLIED", now))) return;
      const before = await tx.deployments.currentActivation(revision.deploymentId);
      const beforeRevision = before === undefined ? undefined : await tx.deployments.getRevision(before.revisionId);
      await tx.deployments.activate({ id: randomUUID(), deploymentId: revision.deploymentId, revisionId: revision.id, requestId: req.id, activatedAt: now });
      // A guarded rollout: the open one closes (rolled back or superseded), a planned revision's starts.
      const deployment = { id: revision.deploymentId, name: req.modelName, environment: req.environment };
      await rolloutOnActivation(tx, { deployment, revision, previous: beforeRevision, req, now });
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
    this.#outcome("applied");
    this.logger.info({ requestId: req.id, deployment: req.modelName, revision: revision.number, environment: req.environment }, "deployment revision activated");
  }

  /**
   * Moves a guarded rollout one step (docs/lifecycle.md#guarded-rollouts): a compare-and-set on the
   * rollout in one transaction with the row's completion, so a step applies exactly once; a rollout
   * that moved meanwhile (paused, rolled back) fails the request, naming why. No backend is read.
   */
  async #applyRolloutStep(lease: OutboxLease, req: PromotionRequestRecord, revision: DeploymentRevisionRecord, steps: OutboxSteps, attempt: number): Promise<void> {
    const now = this.#clock();
    const outcome = await this.store.transaction(async (tx) => {
      // First: a worker that lost the row is refused here, and the transaction writes nothing.
      await tx.workflow.updateOutbox(lease, { status: "DONE", steps, attempts: attempt, release: true, lastError: null }, now);
      const current = await tx.workflow.getRequest(req.id);
      if (current?.status !== "APPLYING") return undefined;
      const applied = await applyRolloutStep(tx, req, revision, now);
      if (applied.ok) {
        await tx.workflow.setStatus(req.id, ["APPLYING"], "APPLIED", now);
        return "applied" as const;
      }
      await tx.workflow.setStatus(req.id, ["APPLYING"], "FAILED", now, applied.failure);
      await tx.appendAudit(
        this.#event(req, "promotion.apply", { before: { stage: req.fromStage }, after: { stage: req.toStage, kind: req.kind, rolloutStep: req.rolloutStep }, outcome: "FAILURE", error: applied.failure }),
      );
      return applied.failure;
    });
    if (outcome === undefined) return;
    if (outcome === "applied") {
      this.#outcome("applied");
      this.logger.info({ requestId: req.id, deployment: req.modelName, environment: req.environment, rolloutStep: req.rolloutStep }, "guarded rollout step applied");
    } else {
      this.#outcome("failed", outcome);
      this.logger.warn({ requestId: req.id, error: outcome }, "guarded rollout step refused");
    }
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

  /** setStage, then read the version back; a read-back without the stage is a transient failure. Each call under a renewed lease. */
  async #setStage(held: HeldLease, adapter: ResilientAdapter, req: PromotionRequestRecord, version: string, stage: Stage, opts: WriteOptions): Promise<void> {
    await this.#call(held, req, (ctx) => adapter.setStage(req.modelName, version, stage, ctx, opts));
    const back = await this.#call(held, req, (ctx) => adapter.getVersion(req.modelName, version, ctx));
    if (back.stage !== stage) {
      throw new StepError(`${req.backendId}/${req.modelName}@${version} reads back as ${back.stage} after being set to ${stage}`, true);
    }
  }

  /**
   * Writes the request's version tags just before its stage (archive by policy), where the backend
   * has a version tag write: saves the values they had first (for an undo), writes, reads them back.
   * UNSUPPORTED otherwise (Vertex AI): the request and its audit events keep the tags.
   */
  async #writeTags(
    held: HeldLease,
    adapter: ResilientAdapter,
    req: PromotionRequestRecord,
    tags: Record<string, string>,
    steps: OutboxSteps,
    save: () => Promise<void>,
    reason: string,
  ): Promise<"WRITTEN" | "UNSUPPORTED"> {
    const update = adapter.updateVersion?.bind(adapter);
    if (update === undefined) return "UNSUPPORTED";
    if (steps.tagsBefore == null) {
      const before = await this.#call(held, req, (ctx) => adapter.getVersion(req.modelName, req.version, ctx));
      steps.tagsBefore = Object.fromEntries(Object.keys(tags).map((k) => [k, before.tags[k] ?? null]));
      await save();
    }
    await this.#call(held, req, (ctx) => update(req.modelName, req.version, { setTags: tags }, ctx, { reason }));
    const back = await this.#call(held, req, (ctx) => adapter.getVersion(req.modelName, req.version, ctx));
    const missing = Object.entries(tags).filter(([k, value]) => back.tags[k] !== value);
    if (missing.length > 0) {
      throw new StepError(`${req.backendId}/${req.modelName}@${req.version} reads back without the tags ${missing.map(([k, value]) => `${k}=${value}`).join(", ")}`, true);
    }
    return "WRITTEN";
  }

  /**
   * Undoes what the apply did, newest step first. Returns what was undone (or could not be). A lost
   * lease or a stop ends the undo too: the row's next holder decides again from the saved steps.
   */
  async #compensate(held: HeldLease, adapter: ResilientAdapter, req: PromotionRequestRecord, steps: OutboxSteps, reason: string): Promise<string[]> {
    const notes: string[] = [];
    const undo = async (version: string, stage: Stage) => {
      try {
        await this.#setStage(held, adapter, req, version, stage, { reason: `${reason} (undo after failure)` });
        notes.push(`put ${version} back in ${stage}`);
      } catch (err) {
        if (this.#ends(err)) throw err;
        const message = `COULD NOT put ${version} back in ${stage}: ${err instanceof StepError ? err.message : describeError(err)}; fix it by hand`;
        notes.push(message);
        this.logger.error({ requestId: req.id, version, stage, err }, message);
      }
    };
    for (const holder of [...steps.demoted].reverse()) await undo(holder, req.toStage);
    const tagsBefore = steps.tagsBefore;
    const update = adapter.updateVersion?.bind(adapter);
    if (tagsBefore != null && update !== undefined) {
      // The tag write may have happened (or partly): put every tag back as it was.
      const setTags = Object.fromEntries(Object.entries(tagsBefore).filter((e): e is [string, string] => e[1] !== null));
      const removeTags = Object.entries(tagsBefore).filter(([, value]) => value === null).map(([k]) => k);
      try {
        await this.#call(held, req, (ctx) => update(req.modelName, req.version, { setTags, removeTags }, ctx, { reason: `${reason} (undo after failure)` }));
        notes.push(`put the tags ${Object.keys(tagsBefore).join(", ")} of ${req.version} back`);
      } catch (err) {
        if (this.#ends(err)) throw err;
        const message = `COULD NOT put the tags ${Object.keys(tagsBefore).join(", ")} of ${req.version} back: ${describeError(err)}; fix it by hand`;
        notes.push(message);
        this.logger.error({ requestId: req.id, version: req.version, err }, message);
      }
    }
    if (steps.targetSet) await undo(req.version, req.fromStage);
    return notes;
  }

  async #succeed(lease: OutboxLease, req: PromotionRequestRecord, steps: OutboxSteps, attempt: number, copy?: CopyApply): Promise<void> {
    const now = this.#clock();
    await this.store.transaction(async (tx) => {
      // First: a worker that lost the row is refused here, and the transaction writes nothing.
      await tx.workflow.updateOutbox(lease, { status: "DONE", steps, attempts: attempt, release: true, lastError: null }, now);
      if (!(await tx.workflow.setStatus(req.id, ["APPLYING"], "APPLIED", now))) return;
      await tx.appendAudit(
        this.#event(req, "promotion.apply", {
          before: { stage: req.fromStage },
          after: {
            stage: req.toStage,
            kind: req.kind,
            attempts: attempt,
            ...(req.tags == null ? {} : { tags: req.tags, tagsWritten: steps.tagged === "WRITTEN" }),
            ...(copy === undefined ? {} : { copyTarget: copy.target, copiedVersion: steps.copiedVersion }),
          },
          outcome: "SUCCESS",
        }),
      );
      if (copy !== undefined) await copy.record(tx, steps, now, (e) => ({ actor: OUTBOX_ACTOR, ...e }));
      for (const holder of steps.demoted) {
        await tx.appendAudit({
          ...this.#event(req, "promotion.demote", { before: { stage: req.toStage }, after: { stage: req.demoteTo, replacedBy: req.version }, outcome: "SUCCESS" }),
          target: `${req.backendId}/${req.modelName}@${holder}`,
          targetType: "model_version",
        });
      }
      await this.#recordProduction(tx, req, now);
    });
    this.#outcome("applied");
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

  async #fail(lease: OutboxLease, req: PromotionRequestRecord, steps: OutboxSteps, attempt: number, message: string, undone: string[]): Promise<void> {
    const now = this.#clock();
    const failure = undone.length === 0 ? message : `${message} (${undone.join("; ")})`;
    await this.store.transaction(async (tx) => {
      // First: a worker that lost the row is refused here, and the transaction writes nothing.
      await tx.workflow.updateOutbox(lease, { status: "DONE", steps, attempts: attempt, release: true, lastError: failure }, now);
      if (!(await tx.workflow.setStatus(req.id, ["APPLYING"], "FAILED", now, failure))) return;
      await tx.appendAudit(
        this.#event(req, "promotion.apply", {
          before: { stage: req.fromStage },
          after: { stage: req.toStage, kind: req.kind, attempts: attempt, undone },
          outcome: "FAILURE",
          error: failure,
        }),
      );
    });
    this.#outcome("failed", failure);
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
      target: requestTarget(req),
      ...(req.backendId === "" ? {} : { backendId: req.backendId }),
      modelName: req.modelName,
      reason: req.reason,
      ...rest,
    };
  }
}

