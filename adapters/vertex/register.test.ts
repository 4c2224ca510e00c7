/**
 * registerVersion is UploadModel: a new model with `model_id`, a new version with `parent_model`,
 * the operation awaited (polled when not done at once). What Vertex AI has no field for is the
 * version's metadata; names are model ids, case kept in the display name; tags are labels.
 */
import { status } from "@grpc/grpc-js";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { PARENT, codeOf, ctx, modelPath, recordingLogger, startFakeAdapter, type FakeHarness } from "../../test/vertex/harness.js";
import { RpcError } from "../../test/peers/vertex/index.js";
import { IMAGE, fakeClient } from "../../test/peers/vertex/test-client.js";
import type { ModelServiceClient } from "./client.js";
import { toProtoValue } from "./protobuf-value.js";

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
beforeEach(() => {
  h.fake.reset();
  logger.warnings.length = 0;
});

describe("registering", () => {
  it("creates the model with its id and a new version with parent_model, awaiting each upload", async () => {
    const v1 = await h.adapter.registerVersion(
      { modelName: "churn", artifactUri: "gs://models/churn/1", description: "first", modelDescription: "Churn prediction", tags: { team: "growth" } },
      ctx(),
      { reason: "initial" },
    );
    expect(v1).toMatchObject({ modelName: "churn", version: "1", stage: "NONE", artifactUri: "gs://models/churn/1", description: "first", tags: { team: "growth" }, aliases: ["default"] });
    expect(v1.createdBy).toBe("vertex-tester");
    const v2 = await h.adapter.registerVersion({ modelName: "churn", description: "second" }, ctx());
    expect(v2).toMatchObject({ version: "2", aliases: [] });

    const [model] = await raw.getModel({ name: modelPath("churn") });
    expect(model).toMatchObject({ displayName: "churn", description: "Churn prediction", versionId: "1" });
    expect((await h.adapter.getModel("churn", ctx())).description).toBe("Churn prediction");
  });

  it("polls a long-running upload until it is done", async () => {
    h.fake.setUploadPolls(2);
    const created = await h.adapter.registerVersion({ modelName: "slow" }, ctx());
    expect(created.version).toBe("1");
    expect(h.fake.calls("GetOperation")).toBe(2);
  });

  it("keeps the generation config, params, metrics and lineage in the version's metadata", async () => {
    const generationConfig = {
      model: "gpt-x-2026-01-01",
      promptRef: "support-prompt@3",
      params: { temperature: 0.2, stop: ["\n\n"], nested: { on: true, none: null } },
      eval: { suite: "golden", score: 0.91 },
      approvedBy: "carol",
    };
    await h.adapter.registerVersion(
      {
        modelName: "assistant",
        generationConfig,
        params: { epochs: 3 },
        metrics: { accuracy: 0.88 },
        lineage: { runId: "run-7", runLink: "https://runs/7", codeCommit: "abc123", datasetHash: "sha256:ff", parentModel: "base@2" },
      },
      ctx(),
    );
    const read = await h.adapter.getVersion("assistant", "1", ctx());
    expect(read.generationConfig).toEqual(generationConfig);
    expect(read).toMatchObject({ params: { epochs: 3 }, metrics: { accuracy: 0.88 } });
    expect(read.lineage).toEqual({ runId: "run-7", runLink: "https://runs/7", codeCommit: "abc123", datasetHash: "sha256:ff", parentModel: "base@2" });
    const [model] = await raw.getModel({ name: modelPath("assistant", "1") });
    expect(model.metadata?.structValue?.fields?.["modelgate"]?.structValue?.fields?.["generationConfig"]).toBeTruthy();
  });

  it("serves a version whose metadata does not parse without those fields, and logs why", async () => {
    const [op] = await raw.uploadModel({
      parent: PARENT,
      modelId: "hand-made",
      model: { displayName: "hand-made", containerSpec: { imageUri: IMAGE }, metadata: toProtoValue({ modelgate: { v: 1, metrics: { accuracy: "high" } } }) },
    });
    await op.promise();
    const read = await h.adapter.getVersion("hand-made", "1", ctx());
    expect(read).toMatchObject({ version: "1", metrics: {}, params: {} });
    expect(logger.warnings.join("\n")).toMatch(/version 1 of "hand-made" has unreadable modelgate metadata \(modelgate\.metrics\.accuracy: /);
  });

  it("refuses on a missing model when createModel is false, and finds an existing one by a name in another case", async () => {
    expect((await codeOf(h.adapter.registerVersion({ modelName: "absent", createModel: false }, ctx()))).code).toBe("NOT_FOUND");
    await h.adapter.registerVersion({ modelName: "Churn-Model" }, ctx());
    const again = await h.adapter.registerVersion({ modelName: "churn-model", createModel: false }, ctx());
    expect(again).toMatchObject({ modelName: "Churn-Model", version: "2" });
  });

  it("makes two concurrent first registrations of a model its versions 1 and 2", async () => {
    const both = await Promise.all([h.adapter.registerVersion({ modelName: "raced" }, ctx()), h.adapter.registerVersion({ modelName: "raced" }, ctx())]);
    expect(both.map((v) => v.version).sort()).toEqual(["1", "2"]);
  });

  it("makes a first registration whose operation failed on a model created meanwhile a version of it", async () => {
    h.fake.setUploadPolls(1);
    const both = await Promise.all([h.adapter.registerVersion({ modelName: "raced" }, ctx()), h.adapter.registerVersion({ modelName: "raced" }, ctx())]);
    expect(both.map((v) => v.version).sort()).toEqual(["1", "2"]);
    expect(h.fake.calls("UploadModel")).toBe(3);
  });

  it("turns a failed upload operation into its typed error", async () => {
    await h.adapter.registerVersion({ modelName: "churn" }, ctx());
    h.fake.setUploadPolls(1);
    // The model is deleted while the upload of its new version runs: the operation fails with NOT_FOUND.
    h.fake.before("GetOperation", async () => {
      await raw.deleteModel({ name: modelPath("churn") }).then(([op]) => op.promise());
    });
    const failed = await codeOf(h.adapter.registerVersion({ modelName: "churn" }, ctx()));
    expect(failed).toMatchObject({ code: "NOT_FOUND", backend: "vertex-test" });
    expect(failed.message).toMatch(/UploadModel .*operation .*GetOperation/);
  });

  it("finds the version an upload whose answer was lost made, instead of uploading twice", async () => {
    await h.adapter.registerVersion({ modelName: "churn" }, ctx());
    // The upload lands, but its answer never reaches the adapter.
    h.fake.before("UploadModel", async (request) => {
      const r = request as { parent_model: string; model: { display_name: string; labels: Record<string, string>; container_spec: { image_uri: string } } };
      const [op] = await raw.uploadModel({
        parent: PARENT,
        parentModel: r.parent_model,
        model: { displayName: r.model.display_name, labels: r.model.labels, containerSpec: { imageUri: r.model.container_spec.image_uri } },
      });
      await op.promise();
      throw new RpcError(status.UNAVAILABLE, "connection reset");
    });
    const created = await h.adapter.registerVersion({ modelName: "churn", description: "once" }, ctx());
    expect(created.version).toBe("2");
    const versions = await h.adapter.listVersions("churn", { first: 10 }, ctx());
    expect(versions.items.map((v) => v.version)).toEqual(["1", "2"]);
  });
});

describe("names", () => {
  it("are model ids, served in the case they were registered with, and read in any case", async () => {
    await h.adapter.registerVersion({ modelName: "Fraud_Score-V2" }, ctx());
    const [model] = await raw.getModel({ name: modelPath("fraud_score-v2") });
    expect(model.displayName).toBe("Fraud_Score-V2");
    expect((await h.adapter.getModel("fraud_score-v2", ctx())).name).toBe("Fraud_Score-V2");
    expect((await h.adapter.getVersion("FRAUD_SCORE-V2", "1", ctx())).modelName).toBe("Fraud_Score-V2");
    expect((await h.adapter.listModels({ first: 10 }, ctx())).items.map((m) => m.name)).toEqual(["Fraud_Score-V2"]);
  });

  it("of models uploaded elsewhere are their ids, with the display name as the description", async () => {
    const [op] = await raw.uploadModel({ parent: PARENT, model: { displayName: "Credit risk (Q3)", containerSpec: { imageUri: IMAGE } } });
    const [response] = await op.promise();
    const id = (response.model ?? "").split("/").pop() ?? "";
    const model = await h.adapter.getModel(id, ctx());
    expect(model).toMatchObject({ name: id, description: "Credit risk (Q3)", aliases: { default: "1" }, latestVersion: "1" });
  });

  it("that cannot be model ids are refused on write and not found on read", async () => {
    for (const modelName of ["has space", "slash/name", "at@sign", "x".repeat(64), "", "émoji"]) {
      const refused = await codeOf(h.adapter.registerVersion({ modelName }, ctx()));
      expect(refused, modelName).toMatchObject({ code: "INVALID_INPUT", field: "modelName" });
      expect(refused.message).toMatch(/cannot be a Vertex AI model id/);
      if (modelName !== "") expect((await codeOf(h.adapter.getModel(modelName, ctx()))).code).toBe("NOT_FOUND");
    }
    for (const modelName of ["1starts-with-digit", "-dash"]) {
      const refused = await codeOf(h.adapter.registerVersion({ modelName }, ctx()));
      expect(refused.message, modelName).toMatch(/must not start with a digit or '-'/);
    }
  });
});

describe("tags", () => {
  it("that cannot be Vertex AI labels are refused, naming the tag", async () => {
    for (const [key, value] of [
      ["Team", "x"],
      ["team", "Growth"],
      ["a.b", "x"],
      ["1st", "x"],
      ["k", "v".repeat(65)],
    ]) {
      const refused = await codeOf(h.adapter.registerVersion({ modelName: "churn", tags: { [key as string]: value as string } }, ctx()));
      expect(refused, key).toMatchObject({ code: "INVALID_INPUT", field: `tags.${key}` });
      expect(refused.message).toContain(`tag "${key}"="${value}" cannot be a Vertex AI label`);
    }
    const own = await codeOf(h.adapter.registerVersion({ modelName: "churn", tags: { "modelgate-stage": "production" } }, ctx()));
    expect(own).toMatchObject({ code: "INVALID_INPUT", field: "tags.modelgate-stage" });
    expect((await codeOf(h.adapter.getModel("churn", ctx()))).code).toBe("NOT_FOUND");
  });

  it("keep a copy's marker apart: the label modelgate-copy-request-id, served as copyRequestId; one no label can hold is refused", async () => {
    const id = "5f0c2d1e-9a7b-4c3d-8e2f-1a2b3c4d5e6f";
    const marked = await h.adapter.registerVersion({ modelName: "churn", tags: { team: "growth" }, copyRequestId: id }, ctx());
    expect(marked).toMatchObject({ copyRequestId: id, tags: { team: "growth" } });
    expect(Object.keys(marked.tags)).toEqual(["team"]);
    const [stored] = await raw.getModel({ name: modelPath("churn", marked.version) });
    expect(stored.labels).toMatchObject({ "modelgate-copy-request-id": id });
    const refused = await codeOf(h.adapter.registerVersion({ modelName: "churn", copyRequestId: "Copy of Churn" }, ctx()));
    expect(refused).toMatchObject({ code: "INVALID_INPUT", field: "copyRequestId" });
    expect((await h.adapter.listVersions("churn", { first: 10 }, ctx())).items.map((v) => v.version)).toEqual(["1"]);
  });

  it("filter models and versions server-side as labels", async () => {
    await h.adapter.registerVersion({ modelName: "churn", tags: { team: "growth" } }, ctx());
    await h.adapter.registerVersion({ modelName: "churn", tags: { team: "risk" } }, ctx());
    await h.adapter.registerVersion({ modelName: "fraud", tags: { team: "risk" } }, ctx());
    expect((await h.adapter.listModels({ first: 10, filter: { tags: { team: "risk" } } }, ctx())).items.map((m) => m.name)).toEqual(["fraud"]);
    expect((await h.adapter.listVersions("churn", { first: 10, filter: { tags: { team: "risk" } } }, ctx())).items.map((v) => v.version)).toEqual(["2"]);
    expect((await h.adapter.listModels({ first: 10, filter: { tags: { Team: "risk" } } }, ctx())).items).toEqual([]);
  });
});
