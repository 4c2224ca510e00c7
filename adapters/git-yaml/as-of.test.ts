import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GitYamlAdapter } from "./adapter.js";
import { TempRepo, ctx, isolateGitConfig, openAdapter } from "./test-helpers.js";

isolateGitConfig();

const entry = (version: number, model: string, status: string) =>
  `  - version: ${version}\n    model: ${model}\n    prompt_ref: triage-prompt@v${version}\n    status: ${status}\n`;

describe("git-yaml reads at a past time (asOf)", () => {
  let repo: TempRepo;
  let adapter: GitYamlAdapter;

  beforeAll(async () => {
    // Monday: version 13 in production.
    repo = await TempRepo.create(
      {
        "models/support-triage.yaml": `name: support-triage\naliases: { champion: "13" }\nversions:\n${entry(13, "gpt-5-mini-2026-05-01", "production")}`,
        "prompts/triage-prompt/v13.md": "prompt thirteen\n",
      },
      { message: "support-triage 13", date: "2026-06-01T09:00:00Z" },
    );
    // Wednesday: 14 promoted, 13 retired, prompt v14 added.
    await repo.write({
      "models/support-triage.yaml": `name: support-triage\naliases: { champion: "14" }\nversions:\n${entry(13, "gpt-5-mini-2026-05-01", "retired")}${entry(14, "gpt-5-mini-2026-06-10", "production")}`,
      "prompts/triage-prompt/v14.md": "prompt fourteen\n",
    });
    await repo.commit("promote 14", "2026-06-03T15:30:00Z");
    // Friday: a second model appears.
    await repo.write({ "models/ticket-embedder.yaml": "name: ticket-embedder\nversions:\n  - version: 1\n" });
    await repo.commit("add embedder", "2026-06-05T10:00:00Z");
    adapter = await openAdapter(repo.dir);
  });

  afterAll(async () => {
    await adapter.close();
    await repo.remove();
  });

  it("answers what ran in production last Tuesday", async () => {
    const tuesday = new Date("2026-06-02T12:00:00Z");
    const champion = await adapter.getVersionByAlias("support-triage", "champion", ctx(), { asOf: tuesday });
    expect(champion).toMatchObject({ version: "13", stage: "PRODUCTION" });
    expect(champion.generationConfig?.model).toBe("gpt-5-mini-2026-05-01");
    const production = await adapter.listVersions(
      "support-triage",
      { first: 10, filter: { stage: "PRODUCTION" }, asOf: tuesday },
      ctx(),
    );
    expect(production.items.map((v) => v.version)).toEqual(["13"]);
    await expect(adapter.getVersion("support-triage", "14", ctx(), { asOf: tuesday })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("reads the current state at HEAD and after the last commit", async () => {
    expect((await adapter.getVersionByAlias("support-triage", "champion", ctx())).version).toBe("14");
    const later = await adapter.getVersionByAlias("support-triage", "champion", ctx(), { asOf: new Date("2030-01-01T00:00:00Z") });
    expect(later.version).toBe("14");
  });

  it("includes a commit made exactly at asOf", async () => {
    const exact = new Date("2026-06-03T15:30:00Z");
    expect((await adapter.getVersionByAlias("support-triage", "champion", ctx(), { asOf: exact })).version).toBe("14");
    const justBefore = new Date("2026-06-03T15:29:59Z");
    expect((await adapter.getVersionByAlias("support-triage", "champion", ctx(), { asOf: justBefore })).version).toBe("13");
  });

  it("lists the models that existed then", async () => {
    const thursday = await adapter.listModels({ first: 10, asOf: new Date("2026-06-04T00:00:00Z") }, ctx());
    expect(thursday.items.map((m) => m.name)).toEqual(["support-triage"]);
    const saturday = await adapter.listModels({ first: 10, asOf: new Date("2026-06-06T00:00:00Z") }, ctx());
    expect(saturday.items.map((m) => m.name)).toEqual(["support-triage", "ticket-embedder"]);
    await expect(adapter.getModel("ticket-embedder", ctx(), { asOf: new Date("2026-06-04T00:00:00Z") })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
  });

  it("serves prompts as they were", async () => {
    const tuesday = new Date("2026-06-02T12:00:00Z");
    expect((await adapter.getPrompt("triage-prompt", "v13", ctx(), { asOf: tuesday })).template).toBe("prompt thirteen\n");
    await expect(adapter.getPrompt("triage-prompt", "v14", ctx(), { asOf: tuesday })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("answers NOT_FOUND with a clear message before the first commit", async () => {
    const err = await adapter.getModel("support-triage", ctx(), { asOf: new Date("2026-01-01T00:00:00Z") }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "NOT_FOUND", backend: "git" });
    expect((err as Error).message).toBe(
      "nothing was registered at 2026-01-01T00:00:00.000Z: the history of branch main starts after that",
    );
  });

  it("rejects an invalid date", async () => {
    await expect(adapter.getModel("support-triage", ctx(), { asOf: new Date("nope") })).rejects.toMatchObject({
      code: "INVALID_INPUT",
      field: "asOf",
    });
  });
});
