/**
 * Which commit a read sees, and the parsed snapshot of that commit. The branch head is read from
 * the ref files on every call (falling back to `git rev-parse`), so commits made with plain git
 * are visible at once without a process per read; parsed
 * commits are kept in a small LRU, and a load is shared by the calls that need it.
 */
import {
  DeadlineExceededError,
  InvalidInputError,
  LruCache,
  NotFoundError,
  ensureActive,
  isRegistryError,
  remainingMs,
  type CallContext,
  type ReadOptions,
} from "../../src/core/index.js";
import type { GitRunner } from "./git.js";
import type { RefReader } from "./ref-reader.js";
import { createParseCaches, emptySnapshot, loadSnapshot, type ParseCaches, type Snapshot } from "./snapshot.js";

/** Parsed commits kept in memory. */
const SNAPSHOT_CACHE_SIZE = 16;
/** setTimeout's limit (about 24.8 days); longer delays would fire at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;
/** Loads a caller re-runs after the call that started them was cancelled. */
const MAX_LOAD_ATTEMPTS = 3;

export class SnapshotStore {
  private readonly snapshots = new LruCache<string, Promise<Snapshot>>(SNAPSHOT_CACHE_SIZE);
  private readonly parseCaches: ParseCaches = createParseCaches();

  constructor(
    private readonly git: GitRunner,
    private readonly backend: string,
    /** "refs/heads/<branch>" or "HEAD". */
    private readonly ref: string,
    private readonly refs?: RefReader,
  ) {}

  get branch(): string {
    return this.ref.replace(/^refs\/heads\//, "");
  }

  /** The snapshot a read sees: the branch head, or the last commit at or before `opts.asOf`. */
  async read(ctx: CallContext, opts?: ReadOptions): Promise<Snapshot> {
    ensureActive(ctx, this.backend);
    const head = await this.head(ctx);
    const commit = opts?.asOf === undefined ? head : await this.commitAsOf(head, opts.asOf, ctx);
    return this.at(commit, ctx);
  }

  /** The branch's commit, or undefined when it has none yet. */
  async head(ctx: CallContext): Promise<string | undefined> {
    const fast = await this.refs?.read(this.ref);
    if (fast?.kind === "commit") return fast.sha;
    if (fast?.kind === "unborn") return undefined;
    const result = await this.git.text(["rev-parse", "--verify", "-q", `${this.ref}^{commit}`], ctx, { okExitCodes: [1] });
    return result.exitCode === 0 ? result.stdout.trim() : undefined;
  }

  /**
   * The parsed commit, loaded once and shared. A caller whose own call is still alive re-runs a
   * load that failed only because the call that started it was cancelled.
   */
  async at(commit: string | undefined, ctx: CallContext): Promise<Snapshot> {
    if (commit === undefined) return emptySnapshot();
    for (let attempt = 1; ; attempt++) {
      let pending = this.snapshots.get(commit);
      if (pending === undefined) {
        const loading = loadSnapshot(this.git, commit, this.backend, this.parseCaches, ctx);
        pending = loading;
        this.snapshots.set(commit, loading);
        loading.catch(() => {
          if (this.snapshots.get(commit) === loading) this.snapshots.delete(commit);
        });
      }
      try {
        return await within(pending, ctx, this.backend);
      } catch (err) {
        const callerAlive = !ctx.signal.aborted && Date.now() < ctx.deadline;
        if (isRegistryError(err) && err.code === "DEADLINE_EXCEEDED" && callerAlive && attempt < MAX_LOAD_ATTEMPTS) continue;
        throw err;
      }
    }
  }

  clear(): void {
    this.snapshots.clear();
  }

  /** The last commit on the branch's first-parent line made at or before `asOf`. */
  private async commitAsOf(head: string | undefined, asOf: Date, ctx: CallContext): Promise<string> {
    if (!(asOf instanceof Date) || Number.isNaN(asOf.getTime())) {
      throw new InvalidInputError("asOf is not a valid date", { backend: this.backend, field: "asOf" });
    }
    const when = asOf.toISOString();
    if (head === undefined) {
      throw new NotFoundError(`nothing was registered at ${when}: branch ${this.branch} has no commits yet`, { backend: this.backend });
    }
    const seconds = Math.floor(asOf.getTime() / 1000);
    const { stdout } = await this.git.text(["rev-list", "-1", "--first-parent", `--before=@${seconds}`, head], ctx);
    const commit = stdout.trim();
    if (commit.length === 0) {
      throw new NotFoundError(`nothing was registered at ${when}: the history of branch ${this.branch} starts after that`, {
        backend: this.backend,
      });
    }
    return commit;
  }
}

/** Awaits `promise`, but rejects as soon as the call is cancelled or past its deadline. */
function within<T>(promise: Promise<T>, ctx: CallContext, backend: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const fail = () => {
      cleanup();
      try {
        ensureActive(ctx, backend);
        reject(new DeadlineExceededError("the call ran past its deadline", { backend }));
      } catch (err) {
        reject(err);
      }
    };
    const timer = setTimeout(fail, Math.min(MAX_TIMER_MS, Math.max(0, remainingMs(ctx))));
    const cleanup = () => {
      clearTimeout(timer);
      ctx.signal.removeEventListener("abort", fail);
    };
    if (ctx.signal.aborted) return fail();
    ctx.signal.addEventListener("abort", fail, { once: true });
    promise.then(
      (value) => {
        cleanup();
        resolve(value);
      },
      (err: unknown) => {
        cleanup();
        reject(err);
      },
    );
  });
}
