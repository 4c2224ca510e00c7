/**
 * Git's own lock on the index (`<git dir>/index.lock`), used as the cross-process write lock. Git
 * creates that file exclusively before it changes the index and renames it over the index when done;
 * holding it keeps `git add`/`git commit` and every other modelgate process out while one write
 * reads the file at HEAD, edits it and commits. Releasing writes the updated index the same way.
 */
import { randomInt } from "node:crypto";
import { open, rename, unlink, type FileHandle } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";
import {
  ConflictError,
  UnavailableError,
  ensureActive,
  exponentialDelay,
  remainingMs,
  type CallContext,
} from "../../src/core/index.js";

/** Give up waiting this long before the call's deadline, so the caller learns why it waited. */
const DEADLINE_MARGIN_MS = 25;

export class IndexLock {
  private released = false;

  private constructor(
    readonly indexPath: string,
    readonly lockPath: string,
    private readonly handle: FileHandle,
  ) {}

  /**
   * Waits (polling, with jitter) up to `maxWaitMs`, and never past the call's deadline, for the lock.
   * A lock still held then is a ConflictError naming the lock file.
   */
  static async acquire(indexPath: string, ctx: CallContext, backend: string, maxWaitMs: number): Promise<IndexLock> {
    const lockPath = `${indexPath}.lock`;
    const giveUpAt = Date.now() + Math.min(maxWaitMs, remainingMs(ctx) - DEADLINE_MARGIN_MS);
    for (let attempt = 0; ; attempt++) {
      ensureActive(ctx, backend);
      try {
        return new IndexLock(indexPath, lockPath, await open(lockPath, "wx"));
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code !== "EEXIST") {
          throw new UnavailableError(`cannot create the git index lock ${lockPath}: ${(err as Error).message}`, {
            backend,
            cause: err,
          });
        }
      }
      const left = giveUpAt - Date.now();
      if (left <= 0) {
        throw new ConflictError(
          `the registry repository is locked: ${lockPath} exists. Another git command or modelgate instance is writing; ` +
            `retry, and if no git process is running, remove that stale lock file`,
          { backend },
        );
      }
      const delay = Math.min(left, exponentialDelay(attempt + 1, { initialDelay: 5, maxDelay: 80 }) + randomInt(0, 10));
      try {
        await sleep(delay, undefined, { signal: ctx.signal });
      } catch {
        ensureActive(ctx, backend);
      }
    }
  }

  /** Replaces the index with `content` and releases the lock (git's protocol: write the lock, rename it). */
  async replaceIndex(content: Buffer): Promise<void> {
    if (this.released) throw new Error("the index lock was already released");
    this.released = true;
    try {
      await this.handle.writeFile(content);
      await this.handle.sync();
      await this.handle.close();
      await rename(this.lockPath, this.indexPath);
    } catch (err) {
      await this.handle.close().catch(() => undefined);
      await unlink(this.lockPath).catch(() => undefined);
      throw err;
    }
  }

  /** Releases the lock without touching the index. Safe to call more than once. */
  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    await this.handle.close().catch(() => undefined);
    await unlink(this.lockPath).catch(() => undefined);
  }
}
