import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { GitYamlAdapter } from "./adapter.js";
import { TempRepo, ctx, isolateGitConfig, memoryLogger, openAdapter } from "./test-helpers.js";

isolateGitConfig();

const TRIAGE = `# Support triage: which queue a ticket goes to.
name: support-triage   # must match the file name
description: Routes support tickets
tags: {team: support}

aliases:
  champion: "14"   # promoted after the June eval

versions:
  # June snapshot, evaluated on triage-eval-v4
  - version: 14
    model: gpt-5-mini-2026-06-10
    prompt_ref: triage-prompt@v9
    params: {max_tokens: 300, temperature: 0.2}
    status: production    # live since 2026-06-10

  - version: 15
    model: gpt-5-mini-latest   # floating: fine while in staging
    prompt_ref: triage-prompt@v9
    status: staging
`;

const jane = { id: "jdoe", displayName: "Jane Doe", email: "jane@example.com" };

describe("git-yaml writes", () => {
  let repo: TempRepo;
  let adapter: GitYamlAdapter;
  let logger: ReturnType<typeof memoryLogger>;

  beforeEach(async () => {
    repo = await TempRepo.create({
      "models/support-triage.yaml": TRIAGE,
      "prompts/triage-prompt/v9.md": "You triage.\n",
      "tools/triage-tools/v3.json": "[]\n",
    });
    logger = memoryLogger();
    adapter = await openAdapter(repo.dir, {}, logger);
  });

  afterEach(async () => {
    await adapter.close();
    await repo.remove();
  });

  const head = async () => (await repo.git(["rev-parse", "HEAD"])).trim();
  const lastCommit = async () => {
    const [author, committer, subject, ...body] = (await repo.git(["log", "-1", "--format=%an <%ae>%n%cn <%ce>%n%s%n%b"])).split("\n");
    return { author, committer, subject, body: body.join("\n").trim() };
  };

  it("commits as the acting user, saying what changed and why", async () => {
    const v = await adapter.registerVersion(
      { modelName: "support-triage", generationConfig: { model: "gpt-5-mini-2026-07-01", promptRef: "triage-prompt@v9", params: {} } },
      ctx(jane),
      { reason: "July snapshot passed triage-eval-v4" },
    );
    expect(v).toMatchObject({ version: "16", stage: "NONE", nativeStage: "draft", createdBy: "jdoe" });
    expect(await lastCommit()).toEqual({
      author: "Jane Doe <jane@example.com>",
      committer: "modelgate <modelgate@localhost>",
      subject: "support-triage: register version 16",
      body: "July snapshot passed triage-eval-v4\n\nModelgate-Actor: jdoe",
    });
  });

  it("uses the actor id when there is no display name or email", async () => {
    await adapter.setAlias("support-triage", "challenger", "15", ctx({ id: "svc-deployer" }));
    expect((await lastCommit()).author).toBe("svc-deployer <svc-deployer@modelgate.local>");
  });

  it("describes each kind of write in the commit subject", async () => {
    const subjects: string[] = [];
    const record = async () => subjects.push((await lastCommit()).subject!);
    await adapter.setAlias("support-triage", "champion", "15", ctx(jane));
    await record();
    await adapter.setAlias("support-triage", "challenger", "14", ctx(jane));
    await record();
    await adapter.removeAlias("support-triage", "challenger", ctx(jane));
    await record();
    await adapter.setStage("support-triage", "14", "ARCHIVED", ctx(jane));
    await record();
    await adapter.registerVersion({ modelName: "ticket-embedder", artifactUri: "s3://m/1", modelDescription: "Embeds tickets" }, ctx(jane));
    await record();
    expect(subjects).toEqual([
      "support-triage: move alias champion 14 -> 15",
      "support-triage: set alias challenger -> 14",
      "support-triage: remove alias challenger (was 14)",
      "support-triage@14: status production -> retired",
      "ticket-embedder: create model, register version 1",
    ]);
    expect(await repo.show("HEAD", "models/ticket-embedder.yaml")).toMatch(
      /^name: ticket-embedder\ndescription: Embeds tickets\nversions:\n {2}- version: 1\n {4}status: draft\n {4}artifact_uri: s3:\/\/m\/1\n/,
    );
  });

  it("keeps comments and the formatting of untouched lines", async () => {
    await adapter.setStage("support-triage", "15", "SHADOW", ctx(jane));
    await adapter.setAlias("support-triage", "champion", "15", ctx(jane));
    await adapter.registerVersion({ modelName: "support-triage", params: { max_tokens: 500 } }, ctx(jane));
    const text = await repo.show("HEAD", "models/support-triage.yaml");
    const expected = TRIAGE.replace('champion: "14"   # promoted after the June eval', 'champion: "15" # promoted after the June eval').replace(
      "    status: staging\n",
      "    status: shadow\n",
    );
    expect(text.startsWith(expected)).toBe(true);
    expect(text.slice(expected.length)).toMatch(
      /^\n {2}- version: 16\n {4}params: \{ max_tokens: 500 \}\n {4}status: draft\n {4}created_at: \S+\n {4}created_by: jdoe\n$/,
    );
  });

  it("refuses to put a floating model id into production, naming file, line and field", async () => {
    const before = await head();
    const err = await adapter.setStage("support-triage", "15", "PRODUCTION", ctx(jane)).catch((e: unknown) => e);
    expect(err).toMatchObject({
      code: "INVALID_INPUT",
      backend: "git",
      file: "models/support-triage.yaml",
      line: 18,
      field: "versions[1].model",
    });
    expect((err as Error).message).toMatch(
      /^refusing to set support-triage@15 to production: models\/support-triage\.yaml:18: versions\[1\]\.model: .*"gpt-5-mini-latest".*pin a dated snapshot/,
    );
    expect(await head()).toBe(before);
  });

  it("accepts a floating model id in a draft, and refuses to promote it", async () => {
    const draft = await adapter.registerVersion(
      { modelName: "support-triage", generationConfig: { model: "gpt-5-mini-latest", params: {} } },
      ctx(jane),
    );
    expect(draft.stage).toBe("NONE");
    await expect(adapter.setStage("support-triage", draft.version, "PRODUCTION", ctx(jane))).rejects.toMatchObject({
      code: "INVALID_INPUT",
      field: "versions[2].model",
    });
  });

  it("lets a refused production version be moved out of production", async () => {
    await repo.write({ "models/support-triage.yaml": TRIAGE.replace("    status: staging\n", "    status: production\n") });
    await repo.commit("oops: floating model in production");
    await expect(adapter.getVersion("support-triage", "15", ctx())).rejects.toMatchObject({ code: "INVALID_INPUT" });
    const fixed = await adapter.setStage("support-triage", "15", "ARCHIVED", ctx(jane));
    expect(fixed.stage).toBe("ARCHIVED");
    expect(await adapter.problems(ctx())).toEqual([]);
  });

  it("refuses references to prompts and tool sets that do not exist", async () => {
    await expect(
      adapter.registerVersion(
        { modelName: "support-triage", generationConfig: { model: "gpt-5-mini-2026-07-01", promptRef: "triage-prompt@v404", params: {} } },
        ctx(jane),
      ),
    ).rejects.toMatchObject({ code: "INVALID_INPUT", field: "generationConfig.promptRef" });
    await expect(
      adapter.registerVersion(
        { modelName: "support-triage", generationConfig: { model: "gpt-5-mini-2026-07-01", toolsRef: "triage-tools@v9", params: {} } },
        ctx(jane),
      ),
    ).rejects.toMatchObject({ code: "INVALID_INPUT", field: "generationConfig.toolsRef" });
    const ok = await adapter.registerVersion(
      { modelName: "support-triage", generationConfig: { model: "gpt-5-mini-2026-07-01", toolsRef: "triage-tools@v3", params: {} } },
      ctx(jane),
    );
    expect(ok.generationConfig?.toolsRef).toBe("triage-tools@v3");
  });

  it("validates names, aliases and stages", async () => {
    await expect(adapter.registerVersion({ modelName: "../escape" }, ctx())).rejects.toMatchObject({
      code: "INVALID_INPUT",
      field: "modelName",
    });
    await expect(adapter.setAlias("support-triage", "latest", "14", ctx())).rejects.toMatchObject({ code: "INVALID_INPUT", field: "alias" });
    await expect(adapter.setAlias("support-triage", "has space", "14", ctx())).rejects.toMatchObject({ code: "INVALID_INPUT", field: "alias" });
    await expect(adapter.setAlias("support-triage", "champion", "99", ctx())).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(adapter.setStage("support-triage", "14", "LIVE" as never, ctx())).rejects.toMatchObject({ code: "INVALID_INPUT", field: "stage" });
  });

  it("makes no commit when nothing changes", async () => {
    const before = await head();
    expect((await adapter.setAlias("support-triage", "champion", "14", ctx())).version).toBe("14");
    expect((await adapter.setStage("support-triage", "14", "PRODUCTION", ctx())).stage).toBe("PRODUCTION");
    expect(await head()).toBe(before);
  });

  it("refuses to write a model whose file is invalid until it is fixed", async () => {
    await repo.write({ "models/support-triage.yaml": TRIAGE.replace("status: staging", "status: later") });
    await repo.commit("break the file");
    await expect(adapter.registerVersion({ modelName: "support-triage" }, ctx())).rejects.toMatchObject({
      code: "INVALID_INPUT",
      file: "models/support-triage.yaml",
      line: 20,
      field: "versions[1].status",
    });
  });

  it("sees commits made with plain git right away", async () => {
    expect((await adapter.getVersionByAlias("support-triage", "champion", ctx())).version).toBe("14");
    await repo.write({ "models/support-triage.yaml": TRIAGE.replace('champion: "14"', 'champion: "15"') });
    await repo.commit("move champion by hand");
    expect((await adapter.getVersionByAlias("support-triage", "champion", ctx())).version).toBe("15");
    const v = await adapter.registerVersion({ modelName: "support-triage" }, ctx());
    expect(v.version).toBe("16");
    expect(await repo.git(["log", "-1", "--format=%s", "HEAD~1"])).toBe("move champion by hand\n");
  });

  it("keeps the checkout in step, leaving unrelated uncommitted changes alone", async () => {
    await writeFile(path.join(repo.dir, "notes.txt"), "scratch\n");
    await repo.write({ "prompts/triage-prompt/v9.md": "You triage. (editing)\n" });
    await adapter.setAlias("support-triage", "champion", "15", ctx());
    expect(await readFile(path.join(repo.dir, "models/support-triage.yaml"), "utf8")).toBe(
      await repo.show("HEAD", "models/support-triage.yaml"),
    );
    expect((await repo.git(["status", "--porcelain"])).split("\n").filter(Boolean).sort()).toEqual([
      " M prompts/triage-prompt/v9.md",
      "?? notes.txt",
    ]);
    expect(await repo.show("HEAD", "prompts/triage-prompt/v9.md")).toBe("You triage.\n");
  });

  it("never overwrites uncommitted edits to the file it writes", async () => {
    const edited = TRIAGE.replace("Routes support tickets", "Routes support tickets (WIP)");
    await repo.write({ "models/support-triage.yaml": edited });
    await adapter.setAlias("support-triage", "champion", "15", ctx());
    expect(await readFile(path.join(repo.dir, "models/support-triage.yaml"), "utf8")).toBe(edited);
    expect(await repo.show("HEAD", "models/support-triage.yaml")).toContain('champion: "15"');
    expect(await repo.show("HEAD", "models/support-triage.yaml")).not.toContain("(WIP)");
    expect(logger.records.some((r) => r.level === "warn" && JSON.stringify(r.obj).includes("models/support-triage.yaml"))).toBe(true);
  });

  it("refuses every write when read-only", async () => {
    const readOnly = await openAdapter(repo.dir, { readOnly: true });
    expect(readOnly.capabilities().writes).toBe(false);
    await expect(readOnly.setAlias("support-triage", "champion", "15", ctx())).rejects.toMatchObject({ code: "UNSUPPORTED" });
    await expect(readOnly.registerVersion({ modelName: "x" }, ctx())).rejects.toMatchObject({ code: "UNSUPPORTED" });
    await readOnly.close();
  });
});
