import { execFileSync } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { RefReader } from "./ref-reader.js";

const ENV = { ...process.env, GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@x", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@x" };
let dir: string;
const git = (...args: string[]) => execFileSync("git", ["-C", dir, ...args], { encoding: "utf8", env: ENV }).trim();

async function commit(message: string): Promise<string> {
  await writeFile(path.join(dir, "f.txt"), message);
  git("add", "f.txt");
  git("commit", "-q", "-m", message);
  return git("rev-parse", "HEAD");
}

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "modelgate-refs-"));
  git("init", "-q", "-b", "main");
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("RefReader", () => {
  it("answers unborn for a branch without commits", async () => {
    expect(await new RefReader(path.join(dir, ".git")).read("refs/heads/main")).toEqual({ kind: "unborn" });
  });

  it("reads loose refs and sees new commits at once", async () => {
    const reader = new RefReader(path.join(dir, ".git"));
    const first = await commit("one");
    expect(await reader.read("refs/heads/main")).toEqual({ kind: "commit", sha: first });
    const second = await commit("two");
    expect(await reader.read("refs/heads/main")).toEqual({ kind: "commit", sha: second });
    expect(await reader.read("HEAD")).toEqual({ kind: "commit", sha: second });
  });

  it("reads packed refs", async () => {
    const sha = await commit("one");
    git("pack-refs", "--all", "--prune");
    expect(await new RefReader(path.join(dir, ".git")).read("refs/heads/main")).toEqual({ kind: "commit", sha });
  });

  it("reads a detached HEAD", async () => {
    const first = await commit("one");
    await commit("two");
    git("checkout", "-q", "--detach", first);
    expect(await new RefReader(path.join(dir, ".git")).read("HEAD")).toEqual({ kind: "commit", sha: first });
  });

  it("finds refs of a linked worktree in the common dir", async () => {
    const sha = await commit("one");
    const wt = `${dir}-wt`;
    git("worktree", "add", "-q", "-b", "side", wt);
    try {
      const gitDir = execFileSync("git", ["-C", wt, "rev-parse", "--absolute-git-dir"], { encoding: "utf8" }).trim();
      expect(await new RefReader(gitDir).read("refs/heads/main")).toEqual({ kind: "commit", sha });
      expect(await new RefReader(gitDir).read("HEAD")).toEqual({ kind: "commit", sha });
    } finally {
      await rm(wt, { recursive: true, force: true });
    }
  });

  it("answers unknown for what it does not read itself", async () => {
    await commit("one");
    expect(await new RefReader(path.join(dir, ".git")).read("refs/tags/v1")).toEqual({ kind: "unknown" });
    expect(await new RefReader(path.join(dir, "no-such-dir")).read("HEAD")).toEqual({ kind: "unknown" });
  });

  it("shares concurrent reads of a ref, but never answers a caller from a read that started before it", async () => {
    const first = await commit("one");
    const gitDir = path.join(dir, ".git");
    let reads = 0;
    let hold: Promise<void> | undefined;
    const reader = new RefReader(gitDir, async (file) => {
      reads += 1;
      await hold;
      return (await readFile(file, "utf8").catch(() => undefined))?.trim();
    });
    await reader.read("refs/heads/main"); // finds the common dir
    // One read under way, held before it reads the files.
    let release!: () => void;
    hold = new Promise<void>((resolve) => (release = resolve));
    reads = 0;
    const early = reader.read("refs/heads/main");
    // A commit lands while it is held; callers arriving now must see it.
    const second = await commit("two");
    const late = Array.from({ length: 10 }, () => reader.read("refs/heads/main"));
    hold = undefined;
    release();
    expect(await early).toEqual({ kind: "commit", sha: second }); // it read the files after the commit too
    for (const answer of await Promise.all(late)) expect(answer).toEqual({ kind: "commit", sha: second });
    // The held read and the one queued behind it for all ten late callers, each reading HEAD and the loose ref.
    expect(reads).toBe(4);
    expect(first).not.toBe(second);
  });

  it("serves a later caller a read that starts after the commit it made", async () => {
    const gitDir = path.join(dir, ".git");
    const reader = new RefReader(gitDir);
    for (let i = 0; i < 5; i++) {
      const pending = reader.read("refs/heads/main"); // under way while the commit lands
      const sha = await commit(`c${i}`);
      expect(await reader.read("refs/heads/main")).toEqual({ kind: "commit", sha });
      await pending;
    }
  });
});
