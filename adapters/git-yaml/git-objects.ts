/** Reading a commit's files straight from git's object database (never from the work tree). */
import { UnavailableError, type CallContext } from "../../src/core/index.js";
import type { GitRunner } from "./git.js";

export interface TreeFile {
  /** Path from the repository root, with forward slashes. */
  path: string;
  /** Blob object id. */
  oid: string;
}

/** Regular files (not symlinks or submodules) below `dirs` at `commit`. */
export async function listFiles(
  git: GitRunner,
  commit: string,
  dirs: readonly string[],
  ctx: CallContext,
): Promise<TreeFile[]> {
  const { stdout } = await git.text(["ls-tree", "-r", "-z", "--full-tree", commit, "--", ...dirs], ctx);
  const files: TreeFile[] = [];
  for (const record of stdout.split("\0")) {
    if (record.length === 0) continue;
    // "<mode> SP <type> SP <oid> TAB <path>"
    const tab = record.indexOf("\t");
    const [mode, type, oid] = record.slice(0, tab).split(" ");
    if (type !== "blob" || oid === undefined || (mode !== "100644" && mode !== "100755")) continue;
    files.push({ path: record.slice(tab + 1), oid });
  }
  return files;
}

/** Contents of many blobs in one `git cat-file --batch` call. */
export async function readBlobs(
  git: GitRunner,
  oids: readonly string[],
  ctx: CallContext,
): Promise<Map<string, Buffer>> {
  const result = new Map<string, Buffer>();
  const wanted = [...new Set(oids)];
  if (wanted.length === 0) return result;
  const { stdout } = await git.buffer(["cat-file", "--batch"], ctx, { input: wanted.join("\n") + "\n" });
  let pos = 0;
  for (const oid of wanted) {
    const eol = stdout.indexOf(0x0a, pos);
    if (eol < 0) throw truncated(git, oid);
    const header = stdout.subarray(pos, eol).toString("utf8");
    const [, type, sizeText] = header.split(" ");
    if (type !== "blob" || sizeText === undefined) {
      throw new UnavailableError(`git cat-file could not read blob ${oid}: ${header}`, { backend: git.backend });
    }
    const size = Number(sizeText);
    const start = eol + 1;
    if (start + size > stdout.length) throw truncated(git, oid);
    result.set(oid, stdout.subarray(start, start + size));
    pos = start + size + 1; // content is followed by a newline
  }
  return result;
}

function truncated(git: GitRunner, oid: string): UnavailableError {
  return new UnavailableError(`git cat-file returned truncated output while reading blob ${oid}`, {
    backend: git.backend,
  });
}
