import { rm } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GitYamlAdapter } from "./adapter.js";
import { TempRepo, ctx, isolateGitConfig, openAdapter, tempDir } from "./test-helpers.js";

isolateGitConfig();

const EXAMPLE = path.resolve(import.meta.dirname, "../../examples/registry");

describe("the bundled example registry (examples/registry)", () => {
  let dir: string;
  let adapter: GitYamlAdapter;

  beforeAll(async () => {
    dir = path.join(await tempDir(), "registry");
    adapter = await openAdapter(dir, { seedFrom: EXAMPLE });
  });

  afterAll(async () => {
    await adapter.close();
    await rm(path.dirname(dir), { recursive: true, force: true });
  });

  it("validates cleanly", async () => {
    expect(await adapter.problems(ctx())).toEqual([]);
    expect((await adapter.health(ctx())).state).toBe("UP");
  });

  it("holds the three example models", async () => {
    const names = (await adapter.listModels({ first: 10 }, ctx())).items.map((m) => m.name);
    expect(names).toEqual(["reply-drafter", "support-triage", "ticket-embedder"]);
  });

  it("has an LLM entry with production, staging and draft versions whose references resolve", async () => {
    const versions = (await adapter.listVersions("support-triage", { first: 10 }, ctx())).items;
    const stages = versions.map((v) => v.stage);
    expect(stages).toEqual(expect.arrayContaining(["PRODUCTION", "STAGING", "NONE"]));
    const champion = await adapter.getVersionByAlias("support-triage", "champion", ctx());
    expect(champion.stage).toBe("PRODUCTION");
    for (const v of versions) {
      const config = v.generationConfig!;
      const [promptName, promptVersion] = config.promptRef!.split("@");
      const [toolsName, toolsVersion] = config.toolsRef!.split("@");
      expect((await adapter.getPrompt(promptName!, promptVersion!, ctx())).template).toContain("{{ticket}}");
      expect(Array.isArray((await adapter.getToolSet(toolsName!, toolsVersion!, ctx())).tools)).toBe(true);
    }
  });

  it("has a fine-tuned adapter with artifact and lineage, and a plain artifact model", async () => {
    const lora = await adapter.getVersionByAlias("reply-drafter", "champion", ctx());
    expect(lora.generationConfig).toBeDefined();
    expect(lora.artifactUri).toMatch(/^s3:\/\//);
    expect(lora.lineage.parentModel).toBeDefined();
    const embedder = await adapter.getVersionByAlias("ticket-embedder", "champion", ctx());
    expect(embedder.generationConfig).toBeUndefined();
    expect(embedder.artifactUri).toMatch(/^s3:\/\//);
    expect(embedder.lineage).toMatchObject({ runId: expect.any(String), datasetHash: expect.any(String) });
  });

  it("was committed as the seed", async () => {
    expect(await TempRepo.at(dir).git(["log", "--format=%s"])).toBe(`seed registry from ${EXAMPLE}\n`);
  });
});
