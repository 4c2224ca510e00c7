import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GitYamlAdapter } from "./adapter.js";
import { TempRepo, ctx, isolateGitConfig, openAdapter } from "./test-helpers.js";

isolateGitConfig();

describe("git-yaml validation of registry content", () => {
  let repo: TempRepo;
  let adapter: GitYamlAdapter;

  beforeAll(async () => {
    repo = await TempRepo.create({
      "models/good.yaml": "name: good\nversions:\n  - version: 1\n    status: production\n",
      // line 6: status is not a status word
      "models/bad-status.yaml": [
        "name: bad-status",
        "versions:",
        "  - version: 1",
        "    status: draft",
        "  - version: 2",
        "    status: live",
        "",
      ].join("\n"),
      // line 4: a misspelt key
      "models/typo.yaml": "name: typo\nversions:\n  - version: 1\n    promt_ref: p@v1\n",
      // line 3: YAML syntax error
      "models/broken-yaml.yaml": "name: broken-yaml\nversions:\n  - version: [1\n",
      "models/wrong-name.yaml": "name: other-name\nversions: []\n",
      "models/floating.yaml": [
        "name: floating",
        "aliases: { champion: \"2\" }",
        "versions:",
        "  - version: 1",
        "    model: gpt-5-mini-2026-06-10",
        "    status: production",
        "  - version: 2",
        "    model: gpt-5-mini-latest",
        "    status: production",
        "",
      ].join("\n"),
      "models/dangling.yaml": [
        "name: dangling",
        "versions:",
        "  - version: 1",
        "    model: gpt-5-mini-2026-06-10",
        "    prompt_ref: triage-prompt@v1",
        "  - version: 2",
        "    model: gpt-5-mini-2026-06-10",
        "    prompt_ref: triage-prompt@v404",
        "  - version: 3",
        "    model: gpt-5-mini-2026-06-10",
        "    tools_ref: broken-tools@v1",
        "",
      ].join("\n"),
      "models/bad-alias.yaml": "name: bad-alias\naliases:\n  best: \"9\"\nversions:\n  - version: 1\n",
      "models/dupes.yaml": "name: dupes\nversions:\n  - version: 1\n  - version: 1\n",
      "models/nested/deep.yaml": "name: deep\n",
      "prompts/triage-prompt/v1.md": "hello\n",
      "tools/broken-tools/v1.json": '{\n  "tools": [\n    { "name": "x", }\n  ]\n}\n',
    });
    adapter = await openAdapter(repo.dir);
  });

  afterAll(async () => {
    await adapter.close();
    await repo.remove();
  });

  async function problem(file: string) {
    return (await adapter.problems(ctx())).filter((p) => p.file === file);
  }

  it("reports an invalid field with its file, line and field, and keeps serving other models", async () => {
    expect(await problem("models/bad-status.yaml")).toEqual([
      {
        file: "models/bad-status.yaml",
        line: 6,
        field: "versions[1].status",
        message: expect.stringContaining('expected one of "draft"|"staging"|"shadow"|"production"|"retired"'),
        model: "bad-status",
      },
    ]);
    const names = (await adapter.listModels({ first: 100 }, ctx())).items.map((m) => m.name);
    expect(names).toEqual(["bad-alias", "dangling", "floating", "good"]);
    expect((await adapter.getVersion("good", "1", ctx())).stage).toBe("PRODUCTION");
  });

  it("fails getModel on a broken file with an INVALID_INPUT naming file, line and field", async () => {
    const err = await adapter.getModel("bad-status", ctx()).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "INVALID_INPUT", backend: "git", file: "models/bad-status.yaml", line: 6, field: "versions[1].status" });
    expect((err as Error).message).toContain("models/bad-status.yaml:6: versions[1].status:");
    await expect(adapter.listVersions("bad-status", { first: 5 }, ctx())).rejects.toMatchObject({ code: "INVALID_INPUT" });
  });

  it("reports an unknown key at its line, suggesting the field meant", async () => {
    const [p] = await problem("models/typo.yaml");
    expect(p).toMatchObject({ line: 4, field: "versions[0].promt_ref" });
    expect(p!.message).toContain('did you mean "prompt_ref"?');
  });

  it("reports YAML syntax errors with their line", async () => {
    const [p] = await problem("models/broken-yaml.yaml");
    expect(p!.message).toMatch(/^YAML syntax:/);
    expect(p!.line).toBeGreaterThanOrEqual(3);
  });

  it("requires the file name to match the model name", async () => {
    expect(await problem("models/wrong-name.yaml")).toEqual([
      expect.objectContaining({ line: 1, field: "name", message: expect.stringContaining('declares name "other-name"') }),
    ]);
    await expect(adapter.getModel("other-name", ctx())).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("reports duplicate versions at the second one", async () => {
    expect(await problem("models/dupes.yaml")).toEqual([
      expect.objectContaining({ line: 4, field: "versions[1].version", message: expect.stringContaining("duplicate version 1") }),
    ]);
  });

  it("reports files in models/ that are not models/<name>.yaml", async () => {
    expect(await problem("models/nested/deep.yaml")).toEqual([expect.objectContaining({ field: "(file)" })]);
  });

  it("refuses a floating model id in production on read: that version is excluded, the rest served", async () => {
    expect(await problem("models/floating.yaml")).toEqual([
      {
        file: "models/floating.yaml",
        line: 8,
        field: "versions[1].model",
        message: expect.stringMatching(/floating model alias "gpt-5-mini-latest".*pin a dated snapshot/),
        model: "floating",
        version: "2",
      },
    ]);
    const versions = (await adapter.listVersions("floating", { first: 10 }, ctx())).items.map((v) => v.version);
    expect(versions).toEqual(["1"]);
    const err = await adapter.getVersion("floating", "2", ctx()).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "INVALID_INPUT", file: "models/floating.yaml", line: 8, field: "versions[1].model" });
    await expect(adapter.getVersionByAlias("floating", "champion", ctx())).rejects.toMatchObject({ code: "INVALID_INPUT" });
  });

  it("excludes versions whose prompt_ref or tools_ref does not resolve", async () => {
    const problems = await problem("models/dangling.yaml");
    expect(problems.map((p) => [p.line, p.field, p.version])).toEqual([
      [8, "versions[1].prompt_ref", "2"],
      [11, "versions[2].tools_ref", "3"],
    ]);
    expect(problems[0]!.message).toContain("there is no prompts/triage-prompt/v404.md");
    expect(problems[1]!.message).toContain("not valid JSON");
    const versions = (await adapter.listVersions("dangling", { first: 10 }, ctx())).items.map((v) => v.version);
    expect(versions).toEqual(["1"]);
  });

  it("reports invalid tool JSON at its line", async () => {
    const [p] = await problem("tools/broken-tools/v1.json");
    expect(p).toMatchObject({ line: 3, field: "(file)" });
    await expect(adapter.getToolSet("broken-tools", "v1", ctx())).rejects.toMatchObject({
      code: "INVALID_INPUT",
      file: "tools/broken-tools/v1.json",
      line: 3,
    });
  });

  it("drops an alias that points at a missing version, reporting it", async () => {
    expect(await problem("models/bad-alias.yaml")).toEqual([
      expect.objectContaining({ line: 3, field: "aliases.best", message: expect.stringContaining("version 9") }),
    ]);
    expect((await adapter.getModel("bad-alias", ctx())).aliases).toEqual({});
  });

  it("is DEGRADED in health, naming the files with problems", async () => {
    const health = await adapter.health(ctx());
    expect(health.state).toBe("DEGRADED");
    expect(health.message).toContain("models/bad-status.yaml");
    expect(health.message).toContain("models/floating.yaml");
  });
});
