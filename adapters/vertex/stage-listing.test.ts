/**
 * listVersionsInStage on Vertex AI (the in-process fake): the models in pages, then one
 * ListModelVersions per model filtered by the stage label. ListModels sees each model's default
 * version only, so its label filter would miss a non-default version in the stage: the reason this
 * listing asks every model.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { PARENT, ctx, modelPath, startFakeAdapter, type FakeHarness } from "../../test/vertex/harness.js";
import { IMAGE, fakeClient } from "../../test/peers/vertex/test-client.js";
import type { ModelVersion } from "../../src/core/index.js";
import type { ModelServiceClient } from "./client.js";

let h: FakeHarness;
let raw: ModelServiceClient;

beforeAll(async () => {
  h = await startFakeAdapter({ config: { pageSize: 2, concurrency: 3 } });
  raw = fakeClient(h.fake);
});
afterAll(async () => {
  await raw.close();
  await h.close();
});
beforeEach(() => h.fake.reset());

function names(versions: ModelVersion[]): string[] {
  return versions.map((v) => `${v.modelName}@${v.version}`).sort();
}

describe("listVersionsInStage on Vertex AI", () => {
  it("finds a version in the stage that is not its model's default version", async () => {
    await h.adapter.registerVersion({ modelName: "churn" }, ctx());
    await h.adapter.registerVersion({ modelName: "churn" }, ctx());
    await h.adapter.setStage("churn", "2", "PRODUCTION", ctx());
    // The default version (1) is not in production: ListModels' label filter cannot see version 2.
    const [filtered] = await raw.listModels({ parent: PARENT, filter: 'labels."modelgate-stage"="production"' });
    expect(filtered).toEqual([]);
    const production = await h.adapter.listVersionsInStage("PRODUCTION", ctx());
    expect(names(production)).toEqual(["churn@2"]);
    expect(production[0]).toEqual(await h.adapter.getVersion("churn", "2", ctx()));
  });

  it("costs the model pages plus one filtered ListModelVersions per model", async () => {
    for (const name of ["a", "b", "c", "d", "e"]) {
      await h.adapter.registerVersion({ modelName: name }, ctx());
      await h.adapter.setStage(name, "1", "STAGING", ctx());
    }
    const listModels = h.fake.calls("ListModels");
    const listVersions = h.fake.calls("ListModelVersions");
    const staging = await h.adapter.listVersionsInStage("STAGING", ctx());
    expect(names(staging)).toEqual(["a@1", "b@1", "c@1", "d@1", "e@1"]);
    // Pages of 2: three model pages; five models, each with one page of versions.
    expect(h.fake.calls("ListModels") - listModels).toBe(3);
    expect(h.fake.calls("ListModelVersions") - listVersions).toBe(5);
  });

  it("counts versions without the stage label as NONE, and a label naming no stage as NONE", async () => {
    await h.adapter.registerVersion({ modelName: "churn" }, ctx());
    await h.adapter.registerVersion({ modelName: "churn" }, ctx());
    const [op] = await raw.uploadModel({ parent: PARENT, parentModel: modelPath("churn"), model: { displayName: "churn", containerSpec: { imageUri: IMAGE } } });
    await op.promise();
    await raw.updateModel({ model: { name: modelPath("churn", "2"), labels: { "modelgate-stage": "canary" } }, updateMask: { paths: ["labels"] } });
    await h.adapter.setStage("churn", "1", "PRODUCTION", ctx());
    expect(names(await h.adapter.listVersionsInStage("NONE", ctx()))).toEqual(["churn@2", "churn@3"]);
    expect(names(await h.adapter.listVersionsInStage("PRODUCTION", ctx()))).toEqual(["churn@1"]);
  });
});
