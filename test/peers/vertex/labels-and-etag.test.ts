/**
 * UpdateModel as model_service.proto states it: `models/{id}` updates the model (display_name,
 * description, its own labels), `models/{id}@{version}` the version (version_description, its own
 * labels), never both; reads merge model and version labels; labels have a character set; a stale
 * etag is refused with ABORTED.
 */
import { status } from "@grpc/grpc-js";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startVertexFake, type VertexFake } from "./index.js";
import { failure, fakeClient, modelPath, modelWithVersions, upload } from "./test-client.js";
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

async function labelsOf(id: string, version: string) {
  return (await client.getModel({ name: modelPath(id, version) }))[0].labels;
}

describe("labels", () => {
  it("of the model and of a version are merged on read, the version's winning on a shared key", async () => {
    await modelWithVersions(client, "m", 2);
    await client.updateModel({ model: { name: modelPath("m"), labels: { team: "search", tier: "gold" } }, updateMask: { paths: ["labels"] } });
    await client.updateModel({ model: { name: modelPath("m", "2"), labels: { tier: "silver", run: "r7" } }, updateMask: { paths: ["labels"] } });
    expect(await labelsOf("m", "1")).toEqual({ team: "search", tier: "gold" });
    expect(await labelsOf("m", "2")).toEqual({ team: "search", tier: "silver", run: "r7" });
  });

  it("are replaced at the level named, as a whole", async () => {
    await upload(client, "m", { labels: { a: "1", b: "2" } });
    await client.updateModel({ model: { name: modelPath("m", "1"), labels: { c: "3" } }, updateMask: { paths: ["labels"] } });
    expect(await labelsOf("m", "1")).toEqual({ c: "3" });
  });

  it("filter versions with the merged labels", async () => {
    await modelWithVersions(client, "m", 2);
    await client.updateModel({ model: { name: modelPath("m"), labels: { team: "search" } }, updateMask: { paths: ["labels"] } });
    await client.updateModel({ model: { name: modelPath("m", "2"), labels: { stage: "prod" } }, updateMask: { paths: ["labels"] } });
    const [both] = await client.listModelVersions({ name: modelPath("m"), filter: 'labels.team="search"' }, { autoPaginate: false });
    expect(both.map((v) => v.versionId)).toEqual(["1", "2"]);
    const [one] = await client.listModelVersions({ name: modelPath("m"), filter: 'labels.team="search" AND labels.stage="prod"' }, { autoPaginate: false });
    expect(one.map((v) => v.versionId)).toEqual(["2"]);
  });

  it("allow lowercase letters (international ones too), digits, '_' and '-', at most 64 characters", async () => {
    await upload(client, "m", { labels: { "größe_1-x": "wert", "チーム": "検索", empty: "" } });
    expect(await labelsOf("m", "1")).toEqual({ "größe_1-x": "wert", "チーム": "検索", empty: "" });
    const refusedLabels: Record<string, string>[] = [{ Team: "x" }, { team: "Search" }, { "a key": "x" }, { "a.b": "x" }, { k: "x".repeat(65) }, { ["k".repeat(65)]: "x" }, { "": "x" }];
    for (const labels of refusedLabels) {
      const refused = await failure(client.updateModel({ model: { name: modelPath("m", "1"), labels }, updateMask: { paths: ["labels"] } }));
      expect(refused.code, JSON.stringify(labels)).toBe(status.INVALID_ARGUMENT);
    }
    expect((await failure(upload(client, "n", { labels: { Bad: "x" } }))).code).toBe(status.INVALID_ARGUMENT);
  });
});

describe("UpdateModel", () => {
  it("updates model fields through the model name and version fields through a version name, never crossed", async () => {
    await modelWithVersions(client, "m", 2);
    const [model] = await client.updateModel({ model: { name: modelPath("m"), displayName: "M", description: "the model" }, updateMask: { paths: ["display_name", "description"] } });
    expect(model).toMatchObject({ displayName: "M", description: "the model", versionId: "1" });
    const [version] = await client.updateModel({ model: { name: modelPath("m", "2"), versionDescription: "second" }, updateMask: { paths: ["versionDescription"] } });
    expect(version).toMatchObject({ displayName: "M", versionDescription: "second", versionId: "2" });

    const crossedToVersion = await failure(client.updateModel({ model: { name: modelPath("m", "2"), description: "x" }, updateMask: { paths: ["description"] } }));
    expect(crossedToVersion.code).toBe(status.FAILED_PRECONDITION);
    const crossedToModel = await failure(client.updateModel({ model: { name: modelPath("m"), versionDescription: "x" }, updateMask: { paths: ["version_description"] } }));
    expect(crossedToModel.code).toBe(status.FAILED_PRECONDITION);
  });

  it("needs an update_mask naming updatable fields", async () => {
    await upload(client, "m");
    expect((await failure(client.updateModel({ model: { name: modelPath("m"), description: "x" } }))).code).toBe(status.INVALID_ARGUMENT);
    expect((await failure(client.updateModel({ model: { name: modelPath("m"), artifactUri: "gs://x" }, updateMask: { paths: ["artifact_uri"] } }))).code).toBe(
      status.INVALID_ARGUMENT,
    );
    expect((await failure(client.updateModel({ model: { name: modelPath("m"), displayName: "" }, updateMask: { paths: ["display_name"] } }))).code).toBe(
      status.INVALID_ARGUMENT,
    );
  });

  it("refuses a stale etag with ABORTED, and accepts the current one or none", async () => {
    await modelWithVersions(client, "m", 2);
    const [read] = await client.getModel({ name: modelPath("m", "2") });
    await client.updateModel({ model: { name: modelPath("m", "2"), labels: { by: "other" }, etag: read.etag }, updateMask: { paths: ["labels"] } });
    const stale = await failure(
      client.updateModel({ model: { name: modelPath("m", "2"), labels: { by: "me" }, etag: read.etag }, updateMask: { paths: ["labels"] } }),
    );
    expect(stale.code).toBe(status.ABORTED);
    expect(await labelsOf("m", "2")).toEqual({ by: "other" });

    const [fresh] = await client.getModel({ name: modelPath("m", "2") });
    expect(fresh.etag).not.toBe(read.etag);
    await client.updateModel({ model: { name: modelPath("m", "2"), labels: { by: "me" }, etag: fresh.etag }, updateMask: { paths: ["labels"] } });
    await client.updateModel({ model: { name: modelPath("m", "2"), labels: { by: "blind" } }, updateMask: { paths: ["labels"] } });
    expect(await labelsOf("m", "2")).toEqual({ by: "blind" });
  });

  it("changes a version's etag when anything it shows changes: its aliases, or the model's fields", async () => {
    await modelWithVersions(client, "m", 2);
    const etag = async () => (await client.getModel({ name: modelPath("m", "1") }))[0].etag;
    const first = await etag();
    await client.mergeVersionAliases({ name: modelPath("m", "2"), versionAliases: ["default"] });
    const afterAliasMove = await etag();
    expect(afterAliasMove).not.toBe(first);
    await client.updateModel({ model: { name: modelPath("m"), description: "changed" }, updateMask: { paths: ["description"] } });
    expect(await etag()).not.toBe(afterAliasMove);
  });
});
