/**
 * listVersionsInStage on git-YAML: every model's served versions in a stage, from the parsed
 * snapshot of HEAD (a commit made outside the gateway is seen at the next read, as by any read).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GitYamlAdapter } from "./adapter.js";
import { TempRepo, ctx, isolateGitConfig, modelYaml, openAdapter } from "./test-helpers.js";

isolateGitConfig();

let repo: TempRepo;
let adapter: GitYamlAdapter;

beforeAll(async () => {
  repo = await TempRepo.create({
    "models/alpha.yaml": modelYaml("alpha", "  - version: 1\n    status: retired\n  - version: 2\n    status: production\n  - version: 10\n    status: production\n"),
    "models/beta.yaml": modelYaml("beta", "  - version: 1\n    status: staging\n  - version: 2\n    status: production\n    prompt_ref: missing-prompt@v1\n"),
    "models/gamma.yaml": modelYaml("gamma", "  - version: 1\n    status: shadow\n"),
  });
  adapter = await openAdapter(repo.dir);
});
afterAll(async () => {
  await adapter.close();
  await repo.remove();
});

describe("listVersionsInStage on git-YAML", () => {
  it("lists every served version in the stage, by model and version, as getVersion reads each", async () => {
    const production = await adapter.listVersionsInStage("PRODUCTION", ctx());
    // beta@2 refers to a prompt the commit does not hold: it is not served, so not listed.
    expect(production.map((v) => `${v.modelName}@${v.version}`)).toEqual(["alpha@2", "alpha@10"]);
    expect(production[1]).toEqual(await adapter.getVersion("alpha", "10", ctx()));
    expect((await adapter.listVersionsInStage("STAGING", ctx())).map((v) => `${v.modelName}@${v.version}`)).toEqual(["beta@1"]);
    expect((await adapter.listVersionsInStage("ARCHIVED", ctx())).map((v) => `${v.modelName}@${v.version}`)).toEqual(["alpha@1"]);
  });

  it("hands out copies: changing an answer changes nothing served later", async () => {
    const [first] = await adapter.listVersionsInStage("SHADOW", ctx());
    first!.tags["changed"] = "yes";
    expect((await adapter.listVersionsInStage("SHADOW", ctx()))[0]?.tags).toEqual({});
  });

  it("reads the commit HEAD points at now", async () => {
    await repo.write({ "models/gamma.yaml": modelYaml("gamma", "  - version: 1\n    status: production\n") });
    await repo.commit("gamma to production, outside the gateway");
    expect((await adapter.listVersionsInStage("PRODUCTION", ctx())).map((v) => `${v.modelName}@${v.version}`)).toEqual(["alpha@2", "alpha@10", "gamma@1"]);
    expect(await adapter.listVersionsInStage("SHADOW", ctx())).toEqual([]);
  });
});
