import { open, rm } from "node:fs/promises";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createCallContext } from "../../src/core/index.js";
import type { GitYamlAdapter } from "./adapter.js";
import { advanceRef, createFileCommit } from "./commit-file.js";
import { GitRunner } from "./git.js";
import { TempRepo, ctx, isolateGitConfig, openAdapter } from "./test-helpers.js";

isolateGitConfig();

describe("git-yaml concurrent writers", () => {
  let repo: TempRepo;
  let first: GitYamlAdapter;
  let second: GitYamlAdapter;

  beforeEach(async () => {
    repo = await TempRepo.create({ "models/shared.yaml": "name: shared\nversions:\n  - version: 1\n" });
    first = await openAdapter(repo.dir, {}, undefined, "git-a");
    second = await openAdapter(repo.dir, {}, undefined, "git-b");
  });

  afterEach(async () => {
    await first.close();
    await second.close();
    await repo.remove();
  });

  it("loses no write when two instances write the same file at once", async () => {
    const writes = [1, 2, 3, 4, 5, 6].map((i) =>
      (i % 2 === 0 ? first : second).registerVersion({ modelName: "shared", description: `writer ${i}` }, ctx({ id: `user-${i}` })),
    );
    const created = await Promise.all(writes);
    expect(new Set(created.map((v) => v.version)).size).toBe(6);
    const listed = (await first.listVersions("shared", { first: 100 }, ctx())).items;
    expect(listed.map((v) => v.version)).toEqual(["1", "2", "3", "4", "5", "6", "7"]);
    expect(listed.slice(1).map((v) => v.description).sort()).toEqual([1, 2, 3, 4, 5, 6].map((i) => `writer ${i}`).sort());
    expect((await repo.git(["rev-list", "--count", "HEAD"])).trim()).toBe("7");
    expect(await repo.git(["status", "--porcelain"])).toBe("");
  });

  it("loses no write when two instances write different models at once", async () => {
    await Promise.all([
      first.registerVersion({ modelName: "alpha" }, ctx()),
      second.registerVersion({ modelName: "beta" }, ctx()),
      first.setAlias("shared", "champion", "1", ctx()),
      second.registerVersion({ modelName: "shared" }, ctx()),
    ]);
    const names = (await second.listModels({ first: 10 }, ctx())).items.map((m) => m.name);
    expect(names).toEqual(["alpha", "beta", "shared"]);
    expect((await second.getModel("shared", ctx())).aliases).toEqual({ champion: "1" });
    expect((await second.getModel("shared", ctx())).latestVersion).toBe("2");
  });

  it("waits while another git process holds the index lock", async () => {
    const lockPath = path.join(repo.dir, ".git", "index.lock");
    const handle = await open(lockPath, "wx");
    const pending = first.registerVersion({ modelName: "shared" }, ctx());
    await new Promise((resolve) => setTimeout(resolve, 150));
    await handle.close();
    await rm(lockPath);
    expect((await pending).version).toBe("2");
  });

  it("gives up with a CONFLICT naming the lock when it is held past the call's deadline", async () => {
    const lockPath = path.join(repo.dir, ".git", "index.lock");
    const handle = await open(lockPath, "wx");
    try {
      const err = await first.registerVersion({ modelName: "shared" }, ctx(undefined, 300)).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: "CONFLICT", backend: "git-a" });
      expect((err as Error).message).toContain(lockPath);
    } finally {
      await handle.close();
      await rm(lockPath);
    }
    expect((await first.listVersions("shared", { first: 10 }, ctx())).items).toHaveLength(1);
  });

  it("detects a branch moved by someone else between reading and committing", async () => {
    const git = new GitRunner(repo.dir, "test");
    const call = createCallContext({ timeoutMs: 10_000, actor: { id: "tester", roles: [] } });
    const base = (await repo.git(["rev-parse", "HEAD"])).trim();
    const author = { name: "a", email: "a@b" };
    const mine = await createFileCommit(git, path.join(repo.dir, ".git"), { parent: base, path: "x.txt", content: "x\n", message: "x", author }, call);
    const theirs = await createFileCommit(git, path.join(repo.dir, ".git"), { parent: base, path: "y.txt", content: "y\n", message: "y", author }, call);
    expect(await advanceRef(git, "refs/heads/main", theirs.commit, base, "theirs", call)).toBe("advanced");
    expect(await advanceRef(git, "refs/heads/main", mine.commit, base, "mine", call)).toBe("moved");
    expect((await repo.git(["rev-parse", "HEAD"])).trim()).toBe(theirs.commit);
  });
});
