import { readFile } from "node:fs/promises";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { GitYamlAdapter } from "./adapter.js";
import { TempRepo, ctx, isolateGitConfig, memoryLogger, openAdapter } from "./test-helpers.js";

isolateGitConfig();

const CHURN = `# Churn model, trained weekly.
name: churn
description: Who leaves next month
tags: {team: growth}
x-owner-slack: "#growth-ml"   # an extension key: kept, served as native

versions:
  - version: 1
    status: production
    artifact_uri: s3://models/churn/1
    x-dataset: { rows: 120000, snapshot: "2026-05-01" }
  - version: 2
    status: draft
    artifact_uri: s3://models/churn/2
`;

const jane = { id: "jdoe", displayName: "Jane Doe", email: "jane@example.com" };

describe("git-yaml metadata writes and extension keys", () => {
  let repo: TempRepo;
  let adapter: GitYamlAdapter;

  beforeEach(async () => {
    repo = await TempRepo.create({ "models/churn.yaml": CHURN });
    adapter = await openAdapter(repo.dir, {}, memoryLogger());
  });

  afterEach(async () => {
    await adapter.close();
    await repo.remove();
  });

  const file = () => readFile(path.join(repo.dir, "models/churn.yaml"), "utf8");
  const subject = async () => (await repo.git(["log", "-1", "--format=%s"])).trim();

  it("serves x- keys of the model and of a version as native fields, without a problem", async () => {
    expect((await adapter.getModel("churn", ctx())).native).toEqual({ "x-owner-slack": "#growth-ml" });
    expect((await adapter.getVersion("churn", "1", ctx())).native).toEqual({ "x-dataset": { rows: 120000, snapshot: "2026-05-01" } });
    expect((await adapter.getVersion("churn", "2", ctx())).native).toBeUndefined();
    expect(await adapter.problems(ctx())).toEqual([]);
  });

  it("still reports a misspelt key that is not an extension", async () => {
    await repo.write({ "models/churn.yaml": CHURN.replace("x-owner-slack", "owner-slack") });
    await repo.commit("typo");
    const problems = await adapter.problems(ctx());
    expect(problems).toMatchObject([{ file: "models/churn.yaml", field: "owner-slack", message: 'unknown field "owner-slack"' }]);
  });

  it("sets and removes version tags and the description in one commit, keeping comments and extension keys", async () => {
    const v = await adapter.updateVersion("churn", "2", { description: "retrained", setTags: { owner: "jane", tier: "1" } }, ctx(jane));
    expect(v).toMatchObject({ version: "2", description: "retrained", tags: { owner: "jane", tier: "1" } });
    expect(await subject()).toBe("churn@2: set description; set tags owner, tier");
    const after = await adapter.updateVersion("churn", "2", { removeTags: ["owner", "absent"] }, ctx(jane));
    expect(after.tags).toEqual({ tier: "1" });
    const text = await file();
    expect(text).toContain("# Churn model, trained weekly.");
    expect(text).toContain('x-owner-slack: "#growth-ml"   # an extension key');
    expect((await adapter.getVersion("churn", "1", ctx())).native).toEqual({ "x-dataset": { rows: 120000, snapshot: "2026-05-01" } });
  });

  it("changes the model's tags and description; an unchanged patch makes no commit", async () => {
    const m = await adapter.updateModel("churn", { setTags: { tier: "gold" }, removeTags: ["team"], description: "" }, ctx(jane));
    expect(m.tags).toEqual({ tier: "gold" });
    expect(m.description).toBeUndefined();
    const head = await repo.git(["rev-parse", "HEAD"]);
    await adapter.updateModel("churn", { setTags: { tier: "gold" } }, ctx(jane));
    expect(await repo.git(["rev-parse", "HEAD"])).toBe(head);
  });

  it("creates an empty model that a first version can join; refuses an existing name", async () => {
    const m = await adapter.createModel({ name: "fraud", description: "Card fraud", tags: { team: "risk" } }, ctx(jane));
    expect(m).toMatchObject({ name: "fraud", description: "Card fraud", tags: { team: "risk" }, aliases: {} });
    expect(await subject()).toBe("fraud: create model");
    const v = await adapter.registerVersion({ modelName: "fraud", artifactUri: "s3://models/fraud/1", createModel: false }, ctx(jane));
    expect(v.version).toBe("1");
    await expect(adapter.createModel({ name: "churn" }, ctx(jane))).rejects.toMatchObject({ code: "ALREADY_EXISTS" });
  });
});
