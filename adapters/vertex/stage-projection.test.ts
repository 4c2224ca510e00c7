/**
 * The gateway stage is the version label `modelgate-stage` (lower-case), written with UpdateModel
 * and the etag of the read it modifies: a concurrent change (ABORTED) is retried from a fresh read.
 */
import { status } from "@grpc/grpc-js";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { PARENT, codeOf, ctx, modelPath, recordingLogger, startFakeAdapter, type FakeHarness } from "../../test/vertex/harness.js";
import { IMAGE, fakeClient } from "../../test/peers/vertex/test-client.js";
import type { ModelServiceClient } from "./client.js";

let h: FakeHarness;
let raw: ModelServiceClient;
const logger = recordingLogger();

beforeAll(async () => {
  h = await startFakeAdapter({ logger });
  raw = fakeClient(h.fake);
});
afterAll(async () => {
  await raw.close();
  await h.close();
});
beforeEach(() => h.fake.reset());

async function labelsOf(id: string, version: string): Promise<Record<string, string>> {
  return ((await raw.getModel({ name: modelPath(id, version) }))[0].labels ?? {}) as Record<string, string>;
}

describe("stage label", () => {
  it("is written lower-case next to the user's labels, and read back as the stage", async () => {
    await h.adapter.registerVersion({ modelName: "churn", tags: { team: "growth" } }, ctx());
    expect(await labelsOf("churn", "1")).toMatchObject({ team: "growth", "modelgate-stage": "none" });
    const written = await h.adapter.setStage("churn", "1", "STAGING", ctx());
    expect(written).toMatchObject({ stage: "STAGING", tags: { team: "growth" } });
    expect(written.tags).not.toHaveProperty("modelgate-stage");
    expect(await labelsOf("churn", "1")).toMatchObject({ team: "growth", "modelgate-stage": "staging" });
  });

  it("filters versions server-side by stage, NONE including versions uploaded without the label", async () => {
    await h.adapter.registerVersion({ modelName: "churn" }, ctx());
    await h.adapter.registerVersion({ modelName: "churn" }, ctx());
    const [op] = await raw.uploadModel({ parent: PARENT, parentModel: modelPath("churn"), model: { displayName: "churn", containerSpec: { imageUri: IMAGE } } });
    await op.promise();
    await h.adapter.setStage("churn", "2", "PRODUCTION", ctx());

    const before = h.fake.calls("ListModelVersions");
    const production = await h.adapter.listVersions("churn", { first: 10, filter: { stage: "PRODUCTION" } }, ctx());
    expect(production.items.map((v) => v.version)).toEqual(["2"]);
    expect(h.fake.calls("ListModelVersions") - before).toBe(1);
    const none = await h.adapter.listVersions("churn", { first: 10, filter: { stage: "NONE" } }, ctx());
    expect(none.items.map((v) => [v.version, v.stage])).toEqual([
      ["1", "NONE"],
      ["3", "NONE"],
    ]);
  });

  it("reads a label value that names no stage as NONE, keeping the label visible as a tag", async () => {
    await h.adapter.registerVersion({ modelName: "churn" }, ctx());
    await raw.updateModel({ model: { name: modelPath("churn", "1"), labels: { "modelgate-stage": "canary" } }, updateMask: { paths: ["labels"] } });
    const read = await h.adapter.getVersion("churn", "1", ctx());
    expect(read).toMatchObject({ stage: "NONE", tags: { "modelgate-stage": "canary" } });
  });

  it("retries from a fresh read when the version changed between read and write, keeping that change", async () => {
    await h.adapter.registerVersion({ modelName: "churn", tags: { team: "growth" } }, ctx());
    // Someone else labels the version right after the adapter read it: the adapter's etag is stale.
    h.fake.before("UpdateModel", async () => {
      const [current] = await raw.getModel({ name: modelPath("churn", "1") });
      await raw.updateModel({ model: { name: modelPath("churn", "1"), labels: { ...current.labels, owner: "ops" } }, updateMask: { paths: ["labels"] } });
    });
    const written = await h.adapter.setStage("churn", "1", "SHADOW", ctx());
    expect(written.stage).toBe("SHADOW");
    expect(h.fake.calls("UpdateModel")).toBe(3);
    expect(await labelsOf("churn", "1")).toMatchObject({ team: "growth", owner: "ops", "modelgate-stage": "shadow" });
  });

  it("gives up with CONFLICT when every attempt meets a changed version", async () => {
    await h.adapter.registerVersion({ modelName: "churn" }, ctx());
    h.fake.fail("UpdateModel", status.ABORTED, 5, "etag mismatch");
    const failed = await codeOf(h.adapter.setStage("churn", "1", "STAGING", ctx()));
    expect(failed).toMatchObject({ code: "CONFLICT", backend: "vertex-test" });
    expect(failed.message).toMatch(/kept changing.*5 attempts.*ABORTED.*etag mismatch/);
    expect((await h.adapter.getVersion("churn", "1", ctx())).stage).toBe("NONE");
  });

  it("refuses PRODUCTION for a generation config with a floating model id", async () => {
    await h.adapter.registerVersion({ modelName: "assistant", generationConfig: { model: "gpt-x-latest", params: {} } }, ctx());
    const refused = await codeOf(h.adapter.setStage("assistant", "1", "PRODUCTION", ctx()));
    expect(refused).toMatchObject({ code: "INVALID_INPUT", field: "stage" });
    expect(refused.message).toMatch(/floating model id "gpt-x-latest"/);
    expect((await h.adapter.setStage("assistant", "1", "STAGING", ctx())).stage).toBe("STAGING");
  });

  it("answers NOT_FOUND for a version that is not a version id, and INVALID_INPUT for a stage that is none", async () => {
    await h.adapter.registerVersion({ modelName: "churn" }, ctx());
    expect((await codeOf(h.adapter.setStage("churn", "default", "STAGING", ctx()))).code).toBe("NOT_FOUND");
    expect((await codeOf(h.adapter.setStage("churn", "7", "STAGING", ctx()))).code).toBe("NOT_FOUND");
    expect((await codeOf(h.adapter.setStage("churn", "1", "LIVE" as never, ctx()))).code).toBe("INVALID_INPUT");
  });
});
