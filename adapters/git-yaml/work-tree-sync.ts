/**
 * After a commit made with plumbing, brings the checked-out copy of the one file it touched up to
 * date: the work tree file and its index entry, but only when both were clean (equal to the file
 * before the commit), so a user's uncommitted edits are never overwritten. The index is updated
 * under the index lock the write holds, then the lock is released.
 */
import { randomUUID } from "node:crypto";
import { copyFile, mkdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import type { AdapterLogger, CallContext } from "../../src/core/index.js";
import type { GitRunner } from "./git.js";
import type { IndexLock } from "./index-lock.js";

export interface WorkTreeSync {
  git: GitRunner;
  lock: IndexLock;
  workTree: string;
  gitDir: string;
  /** Repository path of the file (forward slashes). */
  file: string;
  /** The file's blob before the commit (undefined: it did not exist). */
  oldBlob?: string;
  content: string;
  logger: AdapterLogger;
}

export async function syncWorkTreeFile(sync: WorkTreeSync, ctx: CallContext): Promise<"updated" | "left-alone"> {
  const { git, lock, file } = sync;
  let tempIndex: string | undefined;
  try {
    const staged = await indexEntry(git, file, ctx);
    const onDisk = await workTreeBlob(git, sync.workTree, file, ctx);
    if (staged !== sync.oldBlob || onDisk !== sync.oldBlob) {
      sync.logger.warn(
        { file },
        "the checked-out copy of this file has uncommitted changes; left as is (the commit is on the branch)",
      );
      await lock.release();
      return "left-alone";
    }
    const target = path.join(sync.workTree, ...file.split("/"));
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, sync.content);

    tempIndex = path.join(sync.gitDir, `modelgate-index-${process.pid}-${randomUUID()}`);
    await copyFile(lock.indexPath, tempIndex).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== "ENOENT") throw err;
    });
    await git.text(["update-index", "--add", "--", file], ctx, { env: { GIT_INDEX_FILE: tempIndex } });
    await lock.replaceIndex(await readFile(tempIndex));
    return "updated";
  } finally {
    await lock.release();
    if (tempIndex !== undefined) {
      await rm(tempIndex, { force: true });
      await rm(`${tempIndex}.lock`, { force: true });
    }
  }
}

/** The stage-0 blob of `file` in the index; "conflict" when it has merge stages. */
async function indexEntry(git: GitRunner, file: string, ctx: CallContext): Promise<string | undefined> {
  const { stdout } = await git.text(["ls-files", "-s", "-z", "--", file], ctx);
  const entries = stdout.split("\0").filter((e) => e.length > 0);
  if (entries.length === 0) return undefined;
  if (entries.length > 1) return "conflict";
  const [, oid, stage] = entries[0]!.split("\t")[0]!.split(" ");
  return stage === "0" ? oid : "conflict";
}

async function workTreeBlob(git: GitRunner, workTree: string, file: string, ctx: CallContext): Promise<string | undefined> {
  try {
    const info = await stat(path.join(workTree, ...file.split("/")));
    if (!info.isFile()) return "not-a-file";
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
  return (await git.text(["hash-object", "--", file], ctx)).stdout.trim();
}
