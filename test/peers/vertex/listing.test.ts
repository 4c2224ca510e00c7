/**
 * ListModels / ListModelVersions: pagination (page_size, page_token bound to its request,
 * next_page_token empty on the last page), the documented filters, order_by, and one entry per
 * model (its default version).
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

async function listModelPage(request: { filter?: string; pageSize?: number; pageToken?: string; orderBy?: string }) {
  const [models, , raw] = await client.listModels({ parent: PARENT, ...request }, { autoPaginate: false });
  return { ids: models.map((m) => m.name?.split("/models/")[1] ?? ""), next: raw?.nextPageToken ?? "" };
}

async function listModelIds(request: { filter?: string; orderBy?: string } = {}): Promise<string[]> {
  return (await listModelPage(request)).ids;
}

describe("pagination", () => {
  it("walks every model once in pages of page_size; the last page has no next_page_token", async () => {
    for (const id of ["a1", "a2", "a3", "a4", "a5"]) await upload(client, id);
    const pages: string[][] = [];
    let token = "";
    do {
      const page = await listModelPage({ pageSize: 2, ...(token ? { pageToken: token } : {}) });
      pages.push(page.ids);
      token = page.next;
    } while (token !== "");
    expect(pages).toEqual([["a1", "a2"], ["a3", "a4"], ["a5"]]);
  });

  it("pages versions the same way, naming each version models/{id}@{version_id}", async () => {
    await modelWithVersions(client, "m", 3);
    const [first, , raw] = await client.listModelVersions({ name: modelPath("m"), pageSize: 2 }, { autoPaginate: false });
    expect(first.map((v) => v.name)).toEqual([modelPath("m", "1"), modelPath("m", "2")]);
    const [rest, , last] = await client.listModelVersions({ name: modelPath("m"), pageSize: 2, pageToken: raw?.nextPageToken ?? "" }, { autoPaginate: false });
    expect(rest.map((v) => v.versionId)).toEqual(["3"]);
    expect(last?.nextPageToken).toBe("");
  });

  it("uses a default page size for 0 and coerces one above the maximum of 100", async () => {
    for (let i = 0; i < 101; i++) await upload(client, `m${i}`);
    expect((await listModelPage({ pageSize: 0 })).ids).toHaveLength(100);
    expect((await listModelPage({ pageSize: 500 })).ids).toHaveLength(100);
  });

  it("refuses a negative page size, a foreign page token and a token of another request", async () => {
    for (const id of ["a1", "a2", "a3"]) await upload(client, id, { labels: { k: "v" } });
    expect((await failure(listModelPage({ pageSize: -1 }))).code).toBe(status.INVALID_ARGUMENT);
    expect((await failure(listModelPage({ pageToken: "not-a-token" }))).code).toBe(status.INVALID_ARGUMENT);
    const { next } = await listModelPage({ pageSize: 1, filter: 'labels.k="v"' });
    expect(next).not.toBe("");
    expect((await failure(listModelPage({ pageSize: 1, pageToken: next }))).code).toBe(status.INVALID_ARGUMENT);
  });
});

describe("ListModels", () => {
  it("lists one entry per model: its default version", async () => {
    await modelWithVersions(client, "m", 3);
    await client.mergeVersionAliases({ name: modelPath("m", "3"), versionAliases: ["default"] });
    const [models] = await client.listModels({ parent: PARENT }, { autoPaginate: false });
    expect(models.map((m) => [m.name, m.versionId])).toEqual([[modelPath("m"), "3"]]);
  });

  it("filters on model id, display name (= and !=) and labels (equality, key existence, quoted keys)", async () => {
    await upload(client, "churn", { displayName: "Churn model", labels: { team: "growth", "has-dash": "yes" } });
    await upload(client, "fraud", { displayName: "Fraud", labels: { team: "risk" } });
    await upload(client, "spam", { displayName: "Churn model" });
    expect(await listModelIds({ filter: "model=fraud" })).toEqual(["fraud"]);
    expect(await listModelIds({ filter: 'display_name="Churn model"' })).toEqual(["churn", "spam"]);
    expect(await listModelIds({ filter: 'displayName!="Churn model"' })).toEqual(["fraud"]);
    expect(await listModelIds({ filter: 'labels.team="growth"' })).toEqual(["churn"]);
    expect(await listModelIds({ filter: "labels.team=risk" })).toEqual(["fraud"]);
    expect(await listModelIds({ filter: "labels.team:*" })).toEqual(["churn", "fraud"]);
    expect(await listModelIds({ filter: "labels:team" })).toEqual(["churn", "fraud"]);
    expect(await listModelIds({ filter: 'labels."has-dash"="yes"' })).toEqual(["churn"]);
    expect(await listModelIds({ filter: 'display_name="Churn model" AND labels.team:*' })).toEqual(["churn"]);
    expect(await listModelIds({ filter: 'baseModelName="text-bison"' })).toEqual([]);
  });

  it("refuses filters it does not implement rather than ignoring them", async () => {
    await upload(client, "m");
    for (const filter of ['display_name:"x"', "labels.a=1 OR labels.b=2", "NOT labels.a=1", "-labels.a=1", "(labels.a=1)", "version_id=1", 'display_name="open']) {
      expect((await failure(listModelIds({ filter }))).code, filter).toBe(status.INVALID_ARGUMENT);
    }
    const versions = await failure(client.listModelVersions({ name: modelPath("m"), filter: 'display_name="m"' }, { autoPaginate: false }));
    expect(versions.code).toBe(status.INVALID_ARGUMENT);
  });

  it("orders by display_name, create_time or update_time, ascending or desc", async () => {
    await upload(client, "b", { displayName: "Beta" });
    await upload(client, "a", { displayName: "Alpha" });
    await upload(client, "c", { displayName: "Gamma" });
    expect(await listModelIds()).toEqual(["b", "a", "c"]);
    expect(await listModelIds({ orderBy: "display_name" })).toEqual(["a", "b", "c"]);
    expect(await listModelIds({ orderBy: "create_time desc" })).toEqual(["c", "a", "b"]);
    await client.updateModel({ model: { name: modelPath("b"), description: "touched" }, updateMask: { paths: ["description"] } });
    expect(await listModelIds({ orderBy: "updateTime desc" })).toEqual(["b", "c", "a"]);
    expect((await failure(listModelIds({ orderBy: "labels" }))).code).toBe(status.INVALID_ARGUMENT);
  });

  it("honours read_mask", async () => {
    await upload(client, "m", { description: "kept out" });
    const [models] = await client.listModels({ parent: PARENT, readMask: { paths: ["name", "version_id"] } }, { autoPaginate: false });
    expect(models[0]).toMatchObject({ name: modelPath("m"), versionId: "1", description: "" });
    expect((await failure(client.listModels({ parent: PARENT, readMask: { paths: ["no_such_field"] } }, { autoPaginate: false }))).code).toBe(
      status.INVALID_ARGUMENT,
    );
  });

  it("keeps locations apart and refuses a parent that is not a location", async () => {
    await upload(client, "m");
    const [elsewhere] = await client.listModels({ parent: "projects/fake-project/locations/europe-west4" }, { autoPaginate: false });
    expect(elsewhere).toEqual([]);
    expect((await failure(client.listModels({ parent: "projects/fake-project" }, { autoPaginate: false }))).code).toBe(status.INVALID_ARGUMENT);
  });
});
