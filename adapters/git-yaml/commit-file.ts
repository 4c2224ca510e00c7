/**
 * Commits one file on top of a parent without touching the work tree or the repository's index:
 * the blob is written with `hash-object`, the tree is built in a temporary index (GIT_INDEX_FILE),
 * the commit is made with `commit-tree`, and the branch moves with `update-ref <new> <expected>`,
 * which fails if anyone moved it in between (the caller then retries on the new head).
 */
import { randomUUID } from "node:crypto";
import { rm } from "node:fs/promises";
import path from "node:path";
import { UnavailableError, type CallContext } from "../../src/core/index.js";
import type { GitRunner } from "./git.js";

export interface Identity {
  name: string;
  email: string;
}

export const COMMITTER: Identity = { name: "modelgate", email: "modelgate@localhost" };

export interface FileCommitInput {
  /** The commit to build on; undefined for the first commit of a branch. */
  parent?: string;
  path: string;
  content: string;
  message: string;
  author: Identity;
}

export interface FileCommit {
  commit: string;
  blob: string;
}

export async function createFileCommit(
  git: GitRunner,
  gitDir: string,
  input: FileCommitInput,
  ctx: CallContext,
): Promise<FileCommit> {
  const blob = (await git.text(["hash-object", "-w", "--stdin", `--path=${input.path}`], ctx, { input: input.content }))
    .stdout.trim();
  const tempIndex = path.join(gitDir, `modelgate-index-${process.pid}-${randomUUID()}`);
  try {
    const env = { GIT_INDEX_FILE: tempIndex };
    await git.text(input.parent === undefined ? ["read-tree", "--empty"] : ["read-tree", input.parent], ctx, { env });
    await git.text(["update-index", "--add", "--cacheinfo", `100644,${blob},${input.path}`], ctx, { env });
    const tree = (await git.text(["write-tree"], ctx, { env })).stdout.trim();
    const args = ["commit-tree", tree, "--no-gpg-sign", "-F", "-"];
    if (input.parent !== undefined) args.push("-p", input.parent);
    const commit = (
      await git.text(args, ctx, {
        input: input.message,
        env: {
          GIT_AUTHOR_NAME: input.author.name,
          GIT_AUTHOR_EMAIL: input.author.email,
          GIT_COMMITTER_NAME: COMMITTER.name,
          GIT_COMMITTER_EMAIL: COMMITTER.email,
        },
      })
    ).stdout.trim();
    return { commit, blob };
  } finally {
    await rm(tempIndex, { force: true });
    await rm(`${tempIndex}.lock`, { force: true });
  }
}

/**
 * Moves `ref` from `expected` (undefined: the ref must not exist yet) to `commit`. Returns "moved"
 * when someone else moved or locked the ref first.
 */
export async function advanceRef(
  git: GitRunner,
  ref: string,
  commit: string,
  expected: string | undefined,
  reflogMessage: string,
  ctx: CallContext,
): Promise<"advanced" | "moved"> {
  const result = await git.text(["update-ref", "-m", `modelgate: ${reflogMessage}`, ref, commit, expected ?? ""], ctx, {
    okExitCodes: [1, 128],
  });
  if (result.exitCode === 0) return "advanced";
  if (/but expected|cannot lock ref|unable to create .*\.lock|file exists|already exists/i.test(result.stderr)) {
    return "moved";
  }
  throw new UnavailableError(`git update-ref ${ref} failed: ${result.stderr.trim()}`, { backend: git.backend });
}

/** Names and emails as git accepts them: no angle brackets or line breaks. */
export function toIdentity(name: string, email: string): Identity {
  const clean = (text: string) => text.replace(/[<>\r\n]/g, "").trim();
  return { name: clean(name) || "unknown", email: clean(email).replace(/\s+/g, "-") || "unknown@modelgate.local" };
}
