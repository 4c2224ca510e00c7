/**
 * Writing so that a reader (BentoML, this adapter, another gateway) sees a file or a version
 * directory either whole or not at all: everything is written under $BENTOML_HOME/.modelgate/tmp,
 * flushed to disk, then renamed into place (rename(2) is atomic on one file system). A crash leaves
 * at most a temporary entry there, which no reader looks at and the next start sweeps away.
 */
import { chmod, mkdir, mkdtemp, open, readdir, rename, rm, rmdir, stat, unlink } from "node:fs/promises";
import { join } from "node:path";
import { randomBytes } from "node:crypto";

/** Writes a new file (never an existing one) and flushes it to disk. */
export async function writeFileDurable(path: string, data: string): Promise<void> {
  const handle = await open(path, "wx", 0o644);
  try {
    await handle.writeFile(data, "utf8");
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Flushes a directory's entries (a rename into it, a new file) to disk. */
export async function fsyncDir(dir: string): Promise<void> {
  const handle = await open(dir, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Flushes every file and directory under `dir` (a version about to be renamed into the store). */
export async function fsyncTree(dir: string): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await fsyncTree(path);
    else if (entry.isFile()) {
      const handle = await open(path, "r");
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
    }
  }
  await fsyncDir(dir);
}

/**
 * A fresh directory under `tmpDir` for one write, with the mode a plain mkdir gives (mkdtemp makes
 * it 0700, which would keep other users, a serving container's included, out of the version).
 */
export async function makeTempDir(tmpDir: string, label: string): Promise<string> {
  await mkdir(tmpDir, { recursive: true });
  const dir = await mkdtemp(join(tmpDir, `${label}-`));
  const probe = `${dir}.mode`;
  await mkdir(probe);
  try {
    await chmod(dir, (await stat(probe)).mode & 0o7777);
  } finally {
    await rmdir(probe);
  }
  return dir;
}

/**
 * Replaces `target` with `data` atomically (temp file in `tmpDir`, flushed, renamed over it), with
 * `mode` when given (the replaced file's, so a rewrite keeps its permissions).
 */
export async function replaceFile(tmpDir: string, target: string, data: string, mode?: number): Promise<void> {
  await mkdir(tmpDir, { recursive: true });
  const temp = join(tmpDir, `file-${randomBytes(8).toString("hex")}`);
  await writeFileDurable(temp, data);
  if (mode !== undefined) await chmod(temp, mode & 0o7777);
  try {
    await rename(temp, target);
  } catch (err) {
    await unlink(temp).catch(() => undefined);
    throw err;
  }
}

/** Removes what crashed writes left in `tmpDir`: entries older than `olderThanMs`. */
export async function sweepTempDir(tmpDir: string, olderThanMs: number): Promise<number> {
  let removed = 0;
  let entries: string[];
  try {
    entries = await readdir(tmpDir);
  } catch {
    return 0;
  }
  for (const name of entries) {
    const path = join(tmpDir, name);
    const st = await stat(path).catch(() => undefined);
    if (st === undefined || Date.now() - st.mtimeMs < olderThanMs) continue;
    await rm(path, { recursive: true, force: true });
    removed++;
  }
  return removed;
}
