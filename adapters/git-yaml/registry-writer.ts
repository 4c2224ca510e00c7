/**
 * The write procedure: one file edit becomes one commit authored by the acting user.
 *
 * Under this instance's mutex and git's own index lock (./index-lock.ts), read the file at the
 * branch head, plan the edit, validate the result, build the commit in a temporary index and move
 * the branch with a compare-and-swap (./commit-file.ts); if someone moved the branch first, start
 * again on the new head. Then bring the checked-out copy of the file up to date
 * (./work-tree-sync.ts) and release the lock.
 */
import {
  ConflictError,
  DeadlineExceededError,
  createCallContext,
  ensureActive,
  type AdapterLogger,
  type CallContext,
  type WriteApproval,
  type WriteOptions,
} from "../../src/core/index.js";
import { advanceRef, createFileCommit, toIdentity } from "./commit-file.js";
import type { GitRunner } from "./git.js";
import { IndexLock } from "./index-lock.js";
import { buildModelEntry } from "./model-entry.js";
import { Mutex } from "../../src/core/index.js";
import { parseModelFile } from "./parse-model-file.js";
import { problemError } from "./problems.js";
import type { RepositoryLayout } from "./repository.js";
import type { Snapshot } from "./snapshot.js";
import type { SnapshotStore } from "./snapshot-store.js";
import { syncWorkTreeFile } from "./work-tree-sync.js";

/** Attempts of one write when another writer moves the branch first. */
const MAX_WRITE_ATTEMPTS = 8;
/** How long a write waits for another git process to release the index lock. */
const LOCK_WAIT_MS = 10_000;
/** Budget for work after a write has landed (it must not fail the call). */
const AFTER_COMMIT_TIMEOUT_MS = 30_000;

/** What a write changes: one file, and the version whose state the call returns. */
export interface WritePlan {
  path: string;
  content: string;
  /** The commit subject, e.g. "support-triage: register version 15". */
  subject: string;
  /** What the write does, for refusals: "set support-triage@3 to production". */
  action: string;
  model: string;
  /** The version the call returns, which must be served after the write. */
  version?: string;
  /** The file's blob before the write; undefined when the write creates the file. */
  oldBlob?: string;
}

export type PlanOutcome<T> = WritePlan | { unchanged: T };
export type WriteOutcome<T> = { unchanged: T } | { commit: string; plan: WritePlan };

export class RegistryWriter {
  private readonly mutex = new Mutex();

  constructor(
    private readonly git: GitRunner,
    private readonly repo: RepositoryLayout,
    private readonly store: SnapshotStore,
    private readonly backend: string,
    private readonly logger: AdapterLogger,
  ) {}

  async run<T>(ctx: CallContext, opts: WriteOptions | undefined, plan: (snapshot: Snapshot) => Promise<PlanOutcome<T>>): Promise<WriteOutcome<T>> {
    return this.mutex.run(() => this.attempt(ctx, opts, plan), ctx.signal, () => cancelled(ctx, this.backend));
  }

  /** Resolves once writes already queued are done. */
  async drain(): Promise<void> {
    await this.mutex.run(async () => undefined);
  }

  private async attempt<T>(
    ctx: CallContext,
    opts: WriteOptions | undefined,
    plan: (snapshot: Snapshot) => Promise<PlanOutcome<T>>,
  ): Promise<WriteOutcome<T>> {
    for (let attempt = 1; attempt <= MAX_WRITE_ATTEMPTS; attempt++) {
      const lock = await IndexLock.acquire(this.repo.indexPath, ctx, this.backend, LOCK_WAIT_MS);
      let landed: { commit: string; plan: WritePlan } | undefined;
      try {
        const head = await this.store.head(ctx);
        const snapshot = await this.store.at(head, ctx);
        const outcome = await plan(snapshot);
        if ("unchanged" in outcome) return outcome;
        this.validate(snapshot, outcome);
        const author = toIdentity(ctx.actor.displayName ?? ctx.actor.id, ctx.actor.email ?? `${ctx.actor.id}@modelgate.local`);
        const { commit } = await createFileCommit(
          this.git,
          this.repo.gitDir,
          {
            ...(head === undefined ? {} : { parent: head }),
            path: outcome.path,
            content: outcome.content,
            message: commitMessage(outcome.subject, opts?.reason, ctx, opts?.approval),
            author,
          },
          ctx,
        );
        // The last point at which the caller may still back out: after this the write lands.
        ensureActive(ctx, this.backend);
        const moved = await advanceRef(this.git, this.repo.ref, commit, head, outcome.subject, afterCommitContext(ctx));
        if (moved === "moved") continue;
        landed = { commit, plan: outcome };
      } finally {
        if (landed === undefined) await lock.release();
      }
      await this.finish(lock, landed.commit, landed.plan, ctx);
      return landed;
    }
    throw new ConflictError(
      `could not write to ${this.repo.root}: branch ${this.store.branch} moved under each of ${MAX_WRITE_ATTEMPTS} attempts; retry`,
      { backend: this.backend },
    );
  }

  /** Refuses a write whose result would not be served: the file, or the version it touches, invalid. */
  private validate(snapshot: Snapshot, plan: WritePlan): void {
    const built = buildModelEntry(parseModelFile(plan.path, plan.content), snapshot.refs, this.backend);
    if (built.entry === undefined) {
      throw problemError(built.problems, this.backend, `refusing to ${plan.action}: the file would be invalid`);
    }
    if (plan.version !== undefined) {
      const excluded = built.entry.excluded.get(plan.version);
      if (excluded !== undefined) throw problemError(excluded, this.backend, `refusing to ${plan.action}`);
    }
  }

  /** The write has landed: update the checkout and release the lock. Never fails the write. */
  private async finish(lock: IndexLock, commit: string, plan: WritePlan, ctx: CallContext): Promise<void> {
    const internal = afterCommitContext(ctx);
    try {
      if (await this.isCheckedOut(internal)) {
        await syncWorkTreeFile(
          {
            git: this.git,
            lock,
            workTree: this.repo.root,
            gitDir: this.repo.gitDir,
            file: plan.path,
            ...(plan.oldBlob === undefined ? {} : { oldBlob: plan.oldBlob }),
            content: plan.content,
            logger: this.logger,
          },
          internal,
        );
      }
    } catch (err) {
      this.logger.warn(
        { backend: this.backend, file: plan.path, commit, err: err instanceof Error ? err.message : String(err) },
        "committed, but could not update the checked-out copy of the file",
      );
    } finally {
      await lock.release();
    }
    this.logger.info({ backend: this.backend, commit, subject: plan.subject, actor: ctx.actor.id }, "registry write committed");
  }

  /** Whether the written branch is checked out in the work tree (so its file needs updating). */
  private async isCheckedOut(ctx: CallContext): Promise<boolean> {
    if (this.repo.bare) return false;
    const head = await this.git.text(["symbolic-ref", "-q", "HEAD"], ctx, { okExitCodes: [1] });
    return head.exitCode === 0 && head.stdout.trim() === this.repo.ref;
  }
}

/** A context for work after a write landed: the caller's actor, not its cancellation. */
export function afterCommitContext(ctx: CallContext): CallContext {
  return createCallContext({
    timeoutMs: AFTER_COMMIT_TIMEOUT_MS,
    actor: ctx.actor,
    ...(ctx.requestId === undefined ? {} : { requestId: ctx.requestId }),
  });
}

/**
 * Subject, the reason as the body, and trailers naming the actor and (HTTP) request. A write that
 * applies an approved promotion or a rollback adds the promotion request and its approvers:
 *
 *     Modelgate-Promotion: 3f1c…
 *     Approved-by: alice
 *     Approved-by: bob
 *     Approved-at: 2026-11-29T21:40:00.000Z
 *
 * (`git log --format='%(trailers:key=Approved-by,valueonly)'` lists them.)
 */
export function commitMessage(subject: string, reason: string | undefined, ctx: CallContext, approval?: WriteApproval): string {
  const parts = [subject];
  if (reason !== undefined && reason.trim().length > 0) parts.push(reason.trim());
  const trailers = [`Modelgate-Actor: ${trailerValue(ctx.actor.id)}`];
  if (ctx.requestId !== undefined) trailers.push(`Modelgate-Request-Id: ${trailerValue(ctx.requestId)}`);
  if (approval !== undefined) {
    trailers.push(`Modelgate-Promotion: ${trailerValue(approval.requestId)}`);
    for (const approver of approval.approvedBy) trailers.push(`Approved-by: ${trailerValue(approver)}`);
    trailers.push(`Approved-at: ${approval.approvedAt.toISOString()}`);
  }
  parts.push(trailers.join("\n"));
  return `${parts.join("\n\n")}\n`;
}

/** A trailer value on one line: line breaks and other control characters become spaces. */
function trailerValue(value: string): string {
  // eslint-disable-next-line no-control-regex
  return value.replace(/[\u0000-\u001f\u007f]+/g, " ").trim();
}

function cancelled(ctx: CallContext, backend: string): unknown {
  try {
    ensureActive(ctx, backend);
  } catch (err) {
    return err;
  }
  return new DeadlineExceededError("the call was cancelled", { backend });
}
