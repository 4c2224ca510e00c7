/**
 * One writer per model across processes (gateway replicas sharing a BENTOML_HOME): a lock file
 * created exclusively (O_EXCL), like git's index.lock. BentoML itself takes no lock, so this orders
 * the gateway's writers only; writes to one model.yaml also check, just before the rename, that the
 * file is still what they read (see writer.ts).
 *
 * The holder touches the file while it holds it. A lock whose holder died mid-write is taken over:
 * at once when the holder was a process on this host that no longer exists, else once nobody has
 * touched it for `staleMs`. A live lock is waited for up to `maxWaitMs` (never past the call's
 * deadline), then the write fails with CONFLICT naming the file and its holder.
 */
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { link, mkdir, readFile, rename, stat, unlink, utimes, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { ConflictError, ensureActive, remainingMs, type CallContext } from "modelgate/core";

export interface FileLockOptions {
  staleMs?: number;
  heartbeatMs?: number;
  maxWaitMs?: number;
}

interface Holder {
  token?: string;
  pid?: number;
  host?: string;
  since?: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The holder was a process on this host that has exited (a reused pid counts as alive: wait for staleness). */
function holderIsGone(holder: Holder): boolean {
  if (holder.host !== hostname() || typeof holder.pid !== "number" || holder.pid === process.pid) return false;
  try {
    process.kill(holder.pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "ESRCH";
  }
}

function describe(holder: Holder): string {
  return `process ${holder.pid ?? "?"} on ${holder.host ?? "?"} since ${holder.since ?? "?"}`;
}

export class FileLock {
  private readonly staleMs: number;
  private readonly heartbeatMs: number;
  private readonly maxWaitMs: number;

  constructor(
    private readonly backend: string,
    opts: FileLockOptions = {},
  ) {
    this.staleMs = opts.staleMs ?? 30_000;
    this.heartbeatMs = opts.heartbeatMs ?? Math.max(50, Math.floor(this.staleMs / 4));
    this.maxWaitMs = opts.maxWaitMs ?? 10_000;
  }

  /** Runs `task` holding the lock file `path`; `what` names the locked thing in errors. */
  async withLock<T>(path: string, what: string, ctx: CallContext, task: () => Promise<T>): Promise<T> {
    const release = await this.acquire(path, what, ctx);
    try {
      return await task();
    } finally {
      await release();
    }
  }

  private async acquire(path: string, what: string, ctx: CallContext): Promise<() => Promise<void>> {
    const token = randomUUID();
    const body = JSON.stringify({ token, pid: process.pid, host: hostname(), since: new Date().toISOString() });
    const until = Date.now() + Math.min(this.maxWaitMs, remainingMs(ctx));
    for (let attempt = 0; ; attempt++) {
      ensureActive(ctx, this.backend);
      try {
        await writeFile(path, body, { flag: "wx" });
        break;
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === "ENOENT") {
          await mkdir(dirname(path), { recursive: true });
          continue;
        }
        if (code !== "EEXIST") throw err;
      }
      const st = await stat(path).catch(() => undefined);
      if (st === undefined) continue;
      const holder = (await readFile(path, "utf8").then(JSON.parse, () => ({}))) as Holder;
      if (Date.now() - st.mtimeMs > this.staleMs || holderIsGone(holder)) {
        await this.takeOverStale(path, holder);
        continue;
      }
      if (Date.now() >= until) {
        throw new ConflictError(
          `${what} is being written by another process (${describe(holder)}): ${path} is held; retry, or remove the file if that process is gone`,
          { backend: this.backend },
        );
      }
      await sleep(Math.min(20 * 2 ** Math.min(attempt, 4), 250));
    }
    const heartbeat = setInterval(() => {
      const now = new Date();
      void utimes(path, now, now).catch(() => undefined);
    }, this.heartbeatMs);
    heartbeat.unref();
    return async () => {
      clearInterval(heartbeat);
      const current = await readFile(path, "utf8").catch(() => "");
      if (current.includes(token)) await unlink(path).catch(() => undefined);
    };
  }

  /** Moves a stale lock aside; puts it back if it turned out to be another one (taken over meanwhile). */
  private async takeOverStale(path: string, stale: Holder): Promise<void> {
    const aside = `${path}.stale-${randomUUID()}`;
    try {
      await rename(path, aside);
    } catch {
      return; // gone already: someone released or took it over
    }
    const moved = (await readFile(aside, "utf8").then(JSON.parse, () => ({}))) as Holder;
    if (moved.token !== stale.token) {
      // Another process took the stale lock over between our stat and rename: give it back.
      await link(aside, path).catch(() => undefined);
    }
    await unlink(aside).catch(() => undefined);
  }
}
