import { mkdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { TempRepo, ctx, isolateGitConfig, openAdapter, tempDir } from "./test-helpers.js";

isolateGitConfig();

describe("opening and seeding a git-yaml repository", () => {
  let root: string;
  let seed: string;

  beforeEach(async () => {
    root = await tempDir();
    seed = path.join(root, "seed");
    await mkdir(path.join(seed, "models"), { recursive: true });
    await writeFile(path.join(seed, "models", "demo.yaml"), "name: demo\nversions:\n  - version: 1\n    status: production\n");
    await writeFile(path.join(seed, "README.md"), "# seed\n");
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it("creates a missing repository from seedFrom, with one seed commit", async () => {
    const repoDir = path.join(root, "data", "registry");
    const adapter = await openAdapter(repoDir, { seedFrom: seed });
    expect((await adapter.getVersion("demo", "1", ctx())).stage).toBe("PRODUCTION");
    const repo = TempRepo.at(repoDir);
    expect(await repo.git(["log", "--format=%an <%ae>|%s"])).toBe(`modelgate <modelgate@localhost>|seed registry from ${seed}\n`);
    expect(await repo.git(["symbolic-ref", "--short", "HEAD"])).toBe("main\n");
    expect(await repo.git(["status", "--porcelain"])).toBe("");
    await adapter.close();
  });

  it("seeds an empty directory and a repository without commits, on the configured branch", async () => {
    const empty = path.join(root, "empty");
    await mkdir(empty);
    const a = await openAdapter(empty, { seedFrom: seed, branch: "registry" });
    expect(await TempRepo.at(empty).git(["symbolic-ref", "--short", "HEAD"])).toBe("registry\n");
    expect((await a.listModels({ first: 10 }, ctx())).items).toHaveLength(1);
    await a.close();

    const unborn = await TempRepo.create();
    const b = await openAdapter(unborn.dir, { seedFrom: seed });
    expect((await b.listModels({ first: 10 }, ctx())).items.map((m) => m.name)).toEqual(["demo"]);
    await b.close();
    await unborn.remove();
  });

  it("leaves a repository that already has commits alone", async () => {
    const repo = await TempRepo.create({ "models/other.yaml": "name: other\nversions: []\n" });
    const adapter = await openAdapter(repo.dir, { seedFrom: seed });
    expect((await adapter.listModels({ first: 10 }, ctx())).items.map((m) => m.name)).toEqual(["other"]);
    expect(await repo.git(["rev-list", "--count", "HEAD"])).toBe("1\n");
    await adapter.close();
    await repo.remove();
  });

  it("fails with a clear error when the repository is missing and there is no seed", async () => {
    await expect(openAdapter(path.join(root, "nowhere"))).rejects.toMatchObject({
      code: "INVALID_INPUT",
      field: "repo",
      message: expect.stringContaining("does not exist"),
    });
  });

  it("fails when seedFrom is not a directory", async () => {
    await expect(openAdapter(path.join(root, "new"), { seedFrom: path.join(root, "missing-seed") })).rejects.toMatchObject({
      code: "INVALID_INPUT",
      field: "seedFrom",
    });
  });

  it("refuses a folder inside another repository", async () => {
    const repo = await TempRepo.create({ "registry/models/a.yaml": "name: a\n" });
    await expect(openAdapter(path.join(repo.dir, "registry"))).rejects.toMatchObject({
      code: "INVALID_INPUT",
      field: "repo",
      message: expect.stringContaining("is not its top level"),
    });
    await repo.remove();
  });

  it("refuses a directory that is not a git repository", async () => {
    await expect(openAdapter(seed)).rejects.toMatchObject({
      code: "INVALID_INPUT",
      message: expect.stringContaining("not a git repository"),
    });
  });

  it("needs a branch to write to when HEAD is detached, unless read-only", async () => {
    const repo = await TempRepo.create({ "models/a.yaml": "name: a\nversions: []\n" });
    await repo.git(["checkout", "-q", "--detach"]);
    await expect(openAdapter(repo.dir)).rejects.toMatchObject({ code: "INVALID_INPUT", field: "branch" });
    const readOnly = await openAdapter(repo.dir, { readOnly: true });
    expect((await readOnly.getModel("a", ctx())).name).toBe("a");
    await readOnly.close();
    const onBranch = await openAdapter(repo.dir, { branch: "main" });
    await onBranch.registerVersion({ modelName: "a" }, ctx());
    expect(await repo.git(["log", "-1", "--format=%s", "main"])).toBe("a: register version 1\n");
    await onBranch.close();
    await repo.remove();
  });

  it("serves a bare repository", async () => {
    const source = await TempRepo.create({ "models/a.yaml": "name: a\nversions: []\n" });
    const bare = path.join(root, "bare.git");
    await source.git(["clone", "-q", "--bare", source.dir, bare]);
    const adapter = await openAdapter(bare);
    await adapter.registerVersion({ modelName: "a" }, ctx());
    expect((await adapter.getVersion("a", "1", ctx())).version).toBe("1");
    await adapter.close();
    await source.remove();
  });

  it("reports DOWN, without throwing, when the repository goes away", async () => {
    const repo = await TempRepo.create({ "models/a.yaml": "name: a\nversions: []\n" });
    const adapter = await openAdapter(repo.dir);
    expect((await adapter.health(ctx())).state).toBe("UP");
    await repo.remove();
    const health = await adapter.health(ctx());
    expect(health.state).toBe("DOWN");
    expect(health.message).toContain(`the repository directory ${repo.dir} does not exist`);
    await expect(adapter.listModels({ first: 1 }, ctx())).rejects.toMatchObject({ code: "UNAVAILABLE", backend: "git" });
    await adapter.close();
  });
});
