import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { GitYamlAdapter } from "./adapter.js";
import { GitRunner } from "./git.js";
import { TempRepo, ctx, isolateGitConfig, openAdapter } from "./test-helpers.js";

isolateGitConfig();

const TRIAGE = `name: support-triage
description: Routes support tickets
tags: { team: support }
aliases: { champion: "14", challenger: "15" }
versions:
  - version: 13
    model: gpt-5-mini-2026-05-01
    prompt_ref: triage-prompt@v8
    status: retired
  - version: 14
    model: gpt-5-mini-2026-06-10
    prompt_ref: triage-prompt@v9
    tools_ref: triage-tools@v3
    params: { max_tokens: 300, temperature: 0.2 }
    eval: { suite: triage-eval-v4, score: 0.94, run: 2026-06-10 }
    approved_by: jdoe
    status: production
    created_at: 2026-06-10T12:00:00Z
  - version: 15
    model: gpt-5-mini-latest
    prompt_ref: triage-prompt@v9
    status: staging
  - version: 2
    status: shadow
  - version: canary-a
    model: claude-x@20260101
  - version: 100
    status: draft
`;

const EMBEDDER = `name: ticket-embedder
tags: { team: search, kind: embedding }
versions:
  - version: 1
    artifact_uri: s3://models/ticket-embedder/1
    status: production
    metrics: { recall_at_10: 0.81 }
    lineage: { run_id: 42, code_commit: abc123, dataset_hash: sha256-deadbeef, parent_model: e5-base@2 }
    tags: { framework: onnx }
`;

describe("git-yaml reads", () => {
  let repo: TempRepo;
  let adapter: GitYamlAdapter;

  beforeAll(async () => {
    repo = await TempRepo.create({
      "models/support-triage.yaml": TRIAGE,
      "models/ticket-embedder.yaml": EMBEDDER,
      "models/zeta.yaml": "name: zeta\nversions: []\n",
      "models/README.md": "# models\n",
      "prompts/triage-prompt/v8.txt": "old prompt\n",
      "prompts/triage-prompt/v9.md": "You triage tickets into {{queues}}.\n",
      "prompts/triage-prompt/v9.txt": "shadowed by the .md file\n",
      "tools/triage-tools/v3.json": JSON.stringify([{ name: "route", parameters: { type: "object" } }]),
    });
    adapter = await openAdapter(repo.dir);
  });

  afterAll(async () => {
    await adapter.close();
    await repo.remove();
  });

  it("maps a model file to a registered model", async () => {
    const model = await adapter.getModel("support-triage", ctx());
    expect(model).toEqual({
      backendId: "git",
      name: "support-triage",
      description: "Routes support tickets",
      tags: { team: "support" },
      aliases: { champion: "14", challenger: "15" },
      latestVersion: "canary-a",
      createdAt: new Date("2026-06-10T12:00:00Z"),
    });
  });

  it("maps a version with a generation config, status and eval", async () => {
    const v = await adapter.getVersion("support-triage", "14", ctx());
    expect(v).toEqual({
      backendId: "git",
      modelName: "support-triage",
      version: "14",
      stage: "PRODUCTION",
      nativeStage: "production",
      tags: {},
      params: { max_tokens: 300, temperature: 0.2 },
      metrics: {},
      lineage: {},
      aliases: ["champion"],
      createdAt: new Date("2026-06-10T12:00:00Z"),
      generationConfig: {
        model: "gpt-5-mini-2026-06-10",
        promptRef: "triage-prompt@v9",
        toolsRef: "triage-tools@v3",
        params: { max_tokens: 300, temperature: 0.2 },
        eval: { suite: "triage-eval-v4", score: 0.94, run: "2026-06-10" },
        approvedBy: "jdoe",
      },
    });
    expect(await adapter.getEvalResults("support-triage", "14", ctx())).toEqual([
      { suite: "triage-eval-v4", score: 0.94, run: "2026-06-10" },
    ]);
  });

  it("maps a plain artifact version with lineage and no generation config", async () => {
    const v = await adapter.getVersion("ticket-embedder", "1", ctx());
    expect(v.generationConfig).toBeUndefined();
    expect(v).toMatchObject({
      artifactUri: "s3://models/ticket-embedder/1",
      metrics: { recall_at_10: 0.81 },
      tags: { framework: "onnx" },
      lineage: { runId: "42", codeCommit: "abc123", datasetHash: "sha256-deadbeef", parentModel: "e5-base@2" },
    });
  });

  it("maps every status to its stage, keeping the status word as nativeStage", async () => {
    const versions = (await adapter.listVersions("support-triage", { first: 100 }, ctx())).items;
    expect(versions.map((v) => [v.version, v.stage, v.nativeStage])).toEqual([
      ["2", "SHADOW", "shadow"],
      ["13", "ARCHIVED", "retired"],
      ["14", "PRODUCTION", "production"],
      ["15", "STAGING", "staging"],
      ["100", "NONE", "draft"],
      ["canary-a", "NONE", "draft"],
    ]);
  });

  it("orders models by name and skips files that are not model files", async () => {
    const page = await adapter.listModels({ first: 10 }, ctx());
    expect(page.items.map((m) => m.name)).toEqual(["support-triage", "ticket-embedder", "zeta"]);
    expect(page.nextCursor).toBeUndefined();
    expect(await adapter.problems(ctx())).toEqual([]);
  });

  it("honours first exactly and continues after the cursor", async () => {
    const first = await adapter.listVersions("support-triage", { first: 4 }, ctx());
    expect(first.items.map((v) => v.version)).toEqual(["2", "13", "14", "15"]);
    const rest = await adapter.listVersions("support-triage", { first: 4, after: first.nextCursor! }, ctx());
    expect(rest.items.map((v) => v.version)).toEqual(["100", "canary-a"]);
    expect(rest.nextCursor).toBeUndefined();
  });

  it("rejects a cursor it did not issue and a page size below 1", async () => {
    await expect(adapter.listModels({ first: 2, after: "not-a-cursor" }, ctx())).rejects.toMatchObject({
      code: "INVALID_INPUT",
      field: "after",
    });
    await expect(adapter.listModels({ first: 0 }, ctx())).rejects.toMatchObject({ code: "INVALID_INPUT", field: "first" });
  });

  it("filters models by tags and versions by stage and tags", async () => {
    const search = await adapter.listModels({ first: 10, filter: { tags: { team: "search" } } }, ctx());
    expect(search.items.map((m) => m.name)).toEqual(["ticket-embedder"]);
    const staged = await adapter.listVersions("support-triage", { first: 10, filter: { stage: "PRODUCTION" } }, ctx());
    expect(staged.items.map((v) => v.version)).toEqual(["14"]);
    const tagged = await adapter.listVersions("ticket-embedder", { first: 10, filter: { tags: { framework: "onnx" } } }, ctx());
    expect(tagged.items).toHaveLength(1);
  });

  it("resolves aliases, and the reserved alias latest to the highest version", async () => {
    expect((await adapter.getVersionByAlias("support-triage", "champion", ctx())).version).toBe("14");
    expect((await adapter.getVersionByAlias("support-triage", "latest", ctx())).version).toBe("canary-a");
    await expect(adapter.getVersionByAlias("zeta", "latest", ctx())).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("does not refuse a floating model id outside production", async () => {
    const v = await adapter.getVersion("support-triage", "15", ctx());
    expect(v.generationConfig?.model).toBe("gpt-5-mini-latest");
  });

  it("serves prompts (.md over .txt) and tool sets", async () => {
    const prompt = await adapter.getPrompt("triage-prompt", "v9", ctx());
    expect(prompt).toEqual({
      name: "triage-prompt",
      version: "v9",
      template: "You triage tickets into {{queues}}.\n",
      location: "prompts/triage-prompt/v9.md",
    });
    expect((await adapter.getPrompt("triage-prompt", "v8", ctx())).template).toBe("old prompt\n");
    const tools = await adapter.getToolSet("triage-tools", "v3", ctx());
    expect(tools.tools).toEqual([{ name: "route", parameters: { type: "object" } }]);
    await expect(adapter.getPrompt("triage-prompt", "v99", ctx())).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(adapter.getToolSet("nope", "v1", ctx())).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("returns copies: changing a result does not change the next read", async () => {
    const v = await adapter.getVersion("support-triage", "14", ctx());
    v.tags["mutated"] = "yes";
    v.params["max_tokens"] = 1;
    const again = await adapter.getVersion("support-triage", "14", ctx());
    expect(again.tags["mutated"]).toBeUndefined();
    expect(again.params["max_tokens"]).toBe(300);
  });

  it("names the backend and commit in NOT_FOUND errors", async () => {
    const err = await adapter.getModel("nope", ctx()).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "NOT_FOUND", backend: "git" });
    expect((err as Error).message).toMatch(/model "nope" not found \(backend "git", commit [0-9a-f]{12}\)/);
  });

  it("parses a commit once: later reads run no git process at all", async () => {
    await adapter.getModel("support-triage", ctx());
    const text = vi.spyOn(GitRunner.prototype, "text");
    const buffer = vi.spyOn(GitRunner.prototype, "buffer");
    try {
      await adapter.getModel("support-triage", ctx());
      await adapter.listVersions("support-triage", { first: 3 }, ctx());
      await adapter.listModels({ first: 3 }, ctx());
      // The branch head is read from the ref files; the parsed commit comes from the cache.
      expect(text).not.toHaveBeenCalled();
      expect(buffer).not.toHaveBeenCalled();
    } finally {
      text.mockRestore();
      buffer.mockRestore();
    }
  });

  it("works with a deadline far beyond timer limits", async () => {
    const farAway = { ...ctx(), deadline: Date.now() + 100 * 24 * 3600_000 };
    expect((await adapter.getModel("support-triage", farAway)).name).toBe("support-triage");
    const uncached = await adapter.getModel("ticket-embedder", farAway, { asOf: new Date() });
    expect(uncached.name).toBe("ticket-embedder");
  });
});
