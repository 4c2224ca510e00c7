import path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createCallContext } from "../../src/core/index.js";
import type { GitYamlAdapter } from "./adapter.js";
import * as commitFile from "./commit-file.js";
import { GitRunner } from "./git.js";
import { TempRepo, ctx, isolateGitConfig, openAdapter } from "./test-helpers.js";

vi.mock("./commit-file.js", async (importOriginal) => {
  const actual = await importOriginal<typeof import("./commit-file.js")>();
  return { ...actual, advanceRef: vi.fn(actual.advanceRef) };
});

isolateGitConfig();

const MODEL = "name: shared\nversions:\n  - version: 1\n";

describe("git-yaml write retry", () => {
  let repo: TempRepo;
  let adapter: GitYamlAdapter;

  beforeEach(async () => {
    repo = await TempRepo.create({ "models/shared.yaml": MODEL });
    adapter = await openAdapter(repo.dir);
  });

  afterEach(async () => {
    vi.mocked(commitFile.advanceRef).mockReset();
    await adapter.close();
    await repo.remove();
  });

  /** Commits `content` to models/shared.yaml and moves main, the way a push would: no index lock. */
  async function pushBehindTheAdaptersBack(content: string): Promise<void> {
    const git = new GitRunner(repo.dir, "pusher");
    const call = createCallContext({ timeoutMs: 10_000, actor: { id: "tester", roles: [] } });
    const head = (await repo.git(["rev-parse", "main"])).trim();
    const { commit } = await commitFile.createFileCommit(
      git,
      path.join(repo.dir, ".git"),
      { parent: head, path: "models/shared.yaml", content, message: "pushed by hand", author: { name: "p", email: "p@x" } },
      call,
    );
    await repo.git(["update-ref", "refs/heads/main", commit, head]);
  }

  it("starts again on the new head when the branch moves between reading and committing", async () => {
    const real = await vi.importActual<typeof import("./commit-file.js")>("./commit-file.js");
    vi.mocked(commitFile.advanceRef)
      .mockImplementationOnce(async (...args) => {
        await pushBehindTheAdaptersBack(`${MODEL}  - version: 2\n    description: pushed\n`);
        return real.advanceRef(...args);
      })
      .mockImplementation(real.advanceRef);

    const created = await adapter.registerVersion({ modelName: "shared", description: "via gateway" }, ctx());
    expect(created.version).toBe("3");
    expect(vi.mocked(commitFile.advanceRef)).toHaveBeenCalledTimes(2);
    const versions = (await adapter.listVersions("shared", { first: 10 }, ctx())).items;
    expect(versions.map((v) => [v.version, v.description])).toEqual([
      ["1", undefined],
      ["2", "pushed"],
      ["3", "via gateway"],
    ]);
    expect(await repo.git(["log", "--format=%s", "main"])).toBe("shared: register version 3\npushed by hand\ninitial registry\n");
  });

  it("gives up with CONFLICT when the branch keeps moving", async () => {
    vi.mocked(commitFile.advanceRef).mockResolvedValue("moved");
    const before = (await repo.git(["rev-parse", "main"])).trim();
    const err = await adapter.registerVersion({ modelName: "shared" }, ctx()).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "CONFLICT", backend: "git" });
    expect((err as Error).message).toContain("moved under each of 8 attempts");
    expect((await repo.git(["rev-parse", "main"])).trim()).toBe(before);
  });
});
