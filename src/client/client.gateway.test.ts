/** The typed helpers against a real gateway over the example registry. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestGateway, type TestGateway } from "../../test/support/test-gateway.js";
import { ModelgateClient } from "./client.js";
import { ModelgateError, ModelgateUserError } from "./errors.js";

let gw: TestGateway;
let client: ModelgateClient;

beforeAll(async () => {
  gw = await startTestGateway();
  client = new ModelgateClient({ url: gw.url, timeoutMs: 10_000 });
});
afterAll(async () => {
  await gw?.stop();
});

describe("ModelgateClient against a gateway", () => {
  it("lists backends with health and capabilities", async () => {
    const [backend, ...rest] = await client.backends();
    expect(rest).toEqual([]);
    expect(backend).toMatchObject({ backendId: "example", kind: "git-yaml", health: { state: "UP", circuit: "CLOSED" } });
    expect(backend?.capabilities).toMatchObject({ asOf: true, writes: true });
  });

  it("pages models and turns tags and aliases into records", async () => {
    const first = await client.models({ first: 2 });
    expect(first.models.map((m) => m.name)).toEqual(["reply-drafter", "support-triage"]);
    expect(first.pageInfo.hasNextPage).toBe(true);
    expect(first.failedBackends).toEqual([]);
    expect(first.models[1]?.aliases).toEqual({ champion: "14", challenger: "15" });
    const next = await client.models({ first: 2, after: first.pageInfo.endCursor as string });
    expect(next.models.map((m) => m.name)).toEqual(["ticket-embedder"]);
    expect(next.pageInfo.hasNextPage).toBe(false);
  });

  it("filters versions by stage and says NOT_FOUND for an unknown model", async () => {
    const page = await client.versions("example", "support-triage", { stage: "STAGING" });
    expect(page.versions.map((v) => [v.version, v.stage, v.aliases])).toEqual([["15", "STAGING", ["challenger"]]]);
    const err = await client.versions("example", "nope").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelgateError);
    expect(err).toMatchObject({ code: "NOT_FOUND", message: 'no model "nope" in backend "example"' });
  });

  it("revalidates resolve with the ETag: 304 while nothing changed, the new entry after a change", async () => {
    const first = await client.resolve("support-triage", "production");
    expect(first).toMatchObject({ notModified: false, entry: { registryVersion: "example/support-triage@14" } });
    expect(first.etag).toBe(first.entry.etag);

    const again = await client.resolve("support-triage", "production");
    expect(again.notModified).toBe(true);
    expect(again.entry).toBe(first.entry);

    await client.setAlias({ backend: "example", model: "support-triage", alias: "production", version: "15", reason: "client test" });
    const changed = await client.resolve("support-triage", "production");
    expect(changed.notModified).toBe(false);
    expect(changed.etag).not.toBe(first.etag);
    expect(changed.entry).toMatchObject({ registryVersion: "example/support-triage@15", selectedBy: "ALIAS" });

    const removed = await client.removeAlias({ backend: "example", model: "support-triage", alias: "production" });
    expect(removed.removedFromVersion).toBe("15");
  });

  it("registers a version and throws ModelgateUserError for refused input", async () => {
    const version = await client.registerVersion({
      backend: "example",
      model: "ticket-embedder",
      artifactUri: "s3://acme-models/ticket-embedder/3/model.onnx",
      metrics: { recall_at_10: 0.86 },
      lineage: { runId: "emb-402" },
    });
    expect(version).toMatchObject({ registryVersion: "example/ticket-embedder@3", metrics: { recall_at_10: 0.86 }, lineage: { runId: "emb-402" } });

    const err = await client
      .setAlias({ backend: "example", model: "ticket-embedder", alias: "bad alias!", version: "3" })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelgateUserError);
    expect((err as ModelgateUserError).userErrors[0]).toMatchObject({ field: ["input", "alias"], code: "INVALID_INPUT" });
  });
});
