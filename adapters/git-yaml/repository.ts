/**
 * Opening the configured repository: seeding it when asked, checking it is a repository of its own
 * (not a folder inside another one), and finding the branch, git dir and index.
 */
import { cp, mkdir, readdir, realpath, stat } from "node:fs/promises";
import path from "node:path";
import { InvalidInputError, type AdapterLogger, type CallContext } from "../../src/core/index.js";
import { COMMITTER } from "./commit-file.js";
import type { GitYamlConfig } from "./config.js";
import { GitRunner } from "./git.js";

export interface RepositoryLayout {
  /** The work tree's top level, or the git dir of a bare repository. */
  root: string;
  gitDir: string;
  indexPath: string;
  bare: boolean;
  /** "refs/heads/<branch>", or "HEAD" for a read-only backend on a detached HEAD. */
  ref: string;
}

export const DEFAULT_BRANCH = "main";

export async function openRepository(
  backend: string,
  config: GitYamlConfig,
  configDir: string,
  logger: AdapterLogger,
  ctx: CallContext,
): Promise<RepositoryLayout> {
  const root = path.resolve(configDir, config.repo);
  if (config.seedFrom !== undefined) {
    const seeded = await seedIfEmpty(backend, root, path.resolve(configDir, config.seedFrom), config, ctx);
    if (seeded) logger.info({ backend, repo: root, seedFrom: config.seedFrom }, "seeded the registry repository");
  }

  if (!(await isDirectory(root))) {
    throw new InvalidInputError(
      `git-yaml backend "${backend}": repo ${root} does not exist; create it with "git init" or set seedFrom to create it from seed files`,
      { backend, field: "repo" },
    );
  }
  const git = new GitRunner(root, backend);
  const probe = await git.text(["rev-parse", "--is-bare-repository", "--absolute-git-dir"], ctx, { okExitCodes: [128] });
  if (probe.exitCode !== 0) {
    throw new InvalidInputError(`git-yaml backend "${backend}": repo ${root} is not a git repository (${probe.stderr.trim()})`, {
      backend,
      field: "repo",
    });
  }
  const [bareText, gitDir] = probe.stdout.trim().split("\n");
  const bare = bareText === "true";
  const top = bare ? gitDir! : (await git.text(["rev-parse", "--show-toplevel"], ctx)).stdout.trim();
  if ((await realpath(top)) !== (await realpath(root))) {
    throw new InvalidInputError(
      `git-yaml backend "${backend}": repo ${root} is inside the git repository ${top} but is not its top level; ` +
        `point repo at a repository of its own (or use seedFrom to create one)`,
      { backend, field: "repo" },
    );
  }
  const indexPath = path.resolve(root, (await git.text(["rev-parse", "--git-path", "index"], ctx)).stdout.trim());

  let ref: string;
  if (config.branch !== undefined) {
    const check = await git.text(["check-ref-format", `refs/heads/${config.branch}`], ctx, { okExitCodes: [1] });
    if (check.exitCode !== 0) {
      throw new InvalidInputError(`git-yaml backend "${backend}": branch "${config.branch}" is not a valid branch name`, {
        backend,
        field: "branch",
      });
    }
    ref = `refs/heads/${config.branch}`;
  } else {
    const head = await git.text(["symbolic-ref", "-q", "HEAD"], ctx, { okExitCodes: [1] });
    if (head.exitCode === 0) {
      ref = head.stdout.trim();
    } else if (config.readOnly) {
      ref = "HEAD";
    } else {
      throw new InvalidInputError(
        `git-yaml backend "${backend}": HEAD of ${root} is detached, so there is no branch to commit to; set branch (or readOnly: true)`,
        { backend, field: "branch" },
      );
    }
  }
  return { root, gitDir: gitDir!, indexPath, bare, ref };
}

/**
 * Creates and seeds the repository when `root` is missing, an empty directory, or a repository
 * without commits. Returns whether it seeded.
 */
async function seedIfEmpty(
  backend: string,
  root: string,
  seedDir: string,
  config: GitYamlConfig,
  ctx: CallContext,
): Promise<boolean> {
  let needsInit: boolean;
  if (!(await exists(root))) {
    needsInit = true;
  } else if (!(await isDirectory(root))) {
    throw new InvalidInputError(`git-yaml backend "${backend}": repo ${root} is not a directory`, { backend, field: "repo" });
  } else if ((await readdir(root)).length === 0) {
    needsInit = true;
  } else if (await isUnbornRepository(new GitRunner(root, backend), root, ctx)) {
    needsInit = false;
  } else {
    return false;
  }

  if (!(await isDirectory(seedDir))) {
    throw new InvalidInputError(`git-yaml backend "${backend}": seedFrom ${seedDir} is not a directory`, {
      backend,
      field: "seedFrom",
    });
  }
  const entries = (await readdir(seedDir)).filter((name) => name !== ".git");
  if (entries.length === 0) {
    throw new InvalidInputError(`git-yaml backend "${backend}": seedFrom ${seedDir} is empty`, { backend, field: "seedFrom" });
  }

  await mkdir(root, { recursive: true });
  const git = new GitRunner(root, backend);
  if (needsInit) await git.text(["init", "-q", "-b", config.branch ?? DEFAULT_BRANCH], ctx);
  for (const name of entries) {
    await cp(path.join(seedDir, name), path.join(root, name), { recursive: true, force: false, errorOnExist: false });
  }
  await git.text(["add", "--", ...entries], ctx);
  const identity = {
    GIT_AUTHOR_NAME: COMMITTER.name,
    GIT_AUTHOR_EMAIL: COMMITTER.email,
    GIT_COMMITTER_NAME: COMMITTER.name,
    GIT_COMMITTER_EMAIL: COMMITTER.email,
  };
  await git.text(["commit", "-q", "--no-verify", "--no-gpg-sign", "-m", `seed registry from ${config.seedFrom ?? seedDir}`], ctx, {
    env: identity,
  });
  return true;
}

async function isUnbornRepository(git: GitRunner, root: string, ctx: CallContext): Promise<boolean> {
  const top = await git.text(["rev-parse", "--show-toplevel"], ctx, { okExitCodes: [128] });
  if (top.exitCode !== 0 || (await realpath(top.stdout.trim())) !== (await realpath(root))) return false;
  const head = await git.text(["rev-parse", "--verify", "-q", "HEAD^{commit}"], ctx, { okExitCodes: [1] });
  return head.exitCode !== 0;
}

async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw err;
  }
}

async function isDirectory(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isDirectory();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw err;
  }
}
