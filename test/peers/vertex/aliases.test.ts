/**
 * Version aliases as model.proto / model_service.proto and the reference page state them:
 * `[a-z][a-zA-Z0-9-]{0,126}[a-z0-9]`; the first version gets `default` and exactly one version
 * holds it; a bare model name reads the default version; setting an alias held by another version
 * moves it; a `-` prefix removes one; MergeVersionAliases needs an explicit version id.
 */
import { status } from "@grpc/grpc-js";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startVertexFake, type VertexFake } from "./index.js";
import { PARENT, failure, fakeClient, modelPath, modelWithVersions, upload } from "./test-client.js";
import type { ModelServiceClient } from "../../../adapters/vertex/client.js";

let fake: VertexFake;
let client: ModelServiceClient;

beforeAll(async () => {
  fake = await startVertexFake();
  client = fakeClient(fake);
});
afterAll(async () => {
  await client.close();
  await fake.stop();
});
beforeEach(() => fake.reset());

async function aliasesOf(id: string): Promise<Record<string, string[]>> {
  const [versions] = await client.listModelVersions({ name: modelPath(id) }, { autoPaginate: false });
  return Object.fromEntries(versions.map((v) => [v.versionId ?? "", [...(v.versionAliases ?? [])].sort()]));
}

describe("the default alias", () => {
  it("goes to the first version only, and a bare model name reads that version", async () => {
    await modelWithVersions(client, "m", 3);
    expect(await aliasesOf("m")).toEqual({ "1": ["default"], "2": [], "3": [] });
    const [bare] = await client.getModel({ name: modelPath("m") });
    expect(bare.versionId).toBe("1");
  });

  it("moves when set on another version, so exactly one version holds it", async () => {
    await modelWithVersions(client, "m", 2);
    const [moved] = await client.mergeVersionAliases({ name: modelPath("m", "2"), versionAliases: ["default"] });
    expect(moved.versionAliases).toEqual(["default"]);
    expect(await aliasesOf("m")).toEqual({ "1": [], "2": ["default"] });
    expect((await client.getModel({ name: modelPath("m") }))[0].versionId).toBe("2");
    const [listed] = await client.listModels({ parent: PARENT }, { autoPaginate: false });
    expect(listed.map((m) => m.versionId)).toEqual(["2"]);
  });

  it("cannot be removed from the version holding it", async () => {
    await modelWithVersions(client, "m", 2);
    const refused = await failure(client.mergeVersionAliases({ name: modelPath("m", "1"), versionAliases: ["-default"] }));
    expect(refused.code).toBe(status.FAILED_PRECONDITION);
    expect(refused.details).toMatch(/default.*cannot be removed/);
    expect(await aliasesOf("m")).toEqual({ "1": ["default"], "2": [] });
  });

  it("is taken by a new version uploaded with it", async () => {
    await upload(client, "m");
    await upload(client, "m", { versionAliases: ["default", "fresh"] }, true);
    expect(await aliasesOf("m")).toEqual({ "1": [], "2": ["default", "fresh"] });
  });
});

describe("other aliases", () => {
  it("move from the version holding them, and resolve with @alias", async () => {
    await modelWithVersions(client, "m", 3);
    await client.mergeVersionAliases({ name: modelPath("m", "1"), versionAliases: ["champion"] });
    await client.mergeVersionAliases({ name: modelPath("m", "3"), versionAliases: ["champion", "challenger"] });
    expect(await aliasesOf("m")).toEqual({ "1": ["default"], "2": [], "3": ["challenger", "champion"] });
    expect((await client.getModel({ name: modelPath("m", "champion") }))[0].versionId).toBe("3");
  });

  it("are removed with a '-' prefix, and adding and removing one in a request cancel out", async () => {
    await modelWithVersions(client, "m", 2);
    await client.mergeVersionAliases({ name: modelPath("m", "2"), versionAliases: ["a1", "b2"] });
    await client.mergeVersionAliases({ name: modelPath("m", "2"), versionAliases: ["-a1"] });
    expect(await aliasesOf("m")).toEqual({ "1": ["default"], "2": ["b2"] });
    await client.mergeVersionAliases({ name: modelPath("m", "2"), versionAliases: ["b2", "-b2", "c3", "-c3"] });
    expect(await aliasesOf("m")).toEqual({ "1": ["default"], "2": ["b2"] });
    expect((await failure(client.getModel({ name: modelPath("m", "a1") }))).code).toBe(status.NOT_FOUND);
  });

  it("follow the pattern [a-z][a-zA-Z0-9-]{0,126}[a-z0-9]", async () => {
    await upload(client, "m");
    for (const ok of ["ab", "champion", "blueGreen-2", `a${"b".repeat(126)}c`]) {
      await client.mergeVersionAliases({ name: modelPath("m", "1"), versionAliases: [ok] });
    }
    for (const bad of ["a", "Champion", "1st", "-", "ends-", "endsX", "has_underscore", "has space", `a${"b".repeat(127)}c`]) {
      const refused = await failure(client.mergeVersionAliases({ name: modelPath("m", "1"), versionAliases: [bad] }));
      expect(refused.code, bad).toBe(status.INVALID_ARGUMENT);
    }
    const refusedOnUpload = await failure(upload(client, "m", { versionAliases: ["Bad"] }, true));
    expect(refusedOnUpload.code).toBe(status.INVALID_ARGUMENT);
  });
});

describe("MergeVersionAliases", () => {
  it("needs a version id in the name, and at least one alias", async () => {
    await upload(client, "m");
    for (const name of [modelPath("m"), modelPath("m", "default")]) {
      expect((await failure(client.mergeVersionAliases({ name, versionAliases: ["x1"] }))).code).toBe(status.INVALID_ARGUMENT);
    }
    expect((await failure(client.mergeVersionAliases({ name: modelPath("m", "1"), versionAliases: [] }))).code).toBe(status.INVALID_ARGUMENT);
    expect((await failure(client.mergeVersionAliases({ name: modelPath("m", "9"), versionAliases: ["x1"] }))).code).toBe(status.NOT_FOUND);
  });
});
