/**
 * UploadModel (long-running, `parent_model` for a new version, model_id rules), GetModel by
 * version id and alias, DeleteModelVersion / DeleteModel rules, and UNIMPLEMENTED for the methods
 * the fake does not serve.
 */
import { status } from "@grpc/grpc-js";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startVertexFake, type VertexFake } from "./index.js";
import { IMAGE, PARENT, failure, fakeClient, modelPath, modelWithVersions, upload } from "./test-client.js";
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

describe("UploadModel", () => {
  it("answers a done operation whose response names the model and the new version id", async () => {
    const [operation] = await client.uploadModel({ parent: PARENT, modelId: "churn", model: { displayName: "Churn", containerSpec: { imageUri: IMAGE } } });
    expect(operation.done).toBe(true);
    expect(operation.name).toMatch(new RegExp(`^${PARENT}/models/churn/operations/\\d+$`));
    const [response, metadata] = await operation.promise();
    expect(response).toMatchObject({ model: modelPath("churn"), modelVersionId: "1" });
    expect(metadata?.genericMetadata?.createTime).toBeTruthy();
  });

  it("adds auto-incrementing versions under parent_model, and generates a numeric id without model_id", async () => {
    expect(await modelWithVersions(client, "m", 3)).toEqual(["1", "2", "3"]);
    const [operation] = await client.uploadModel({ parent: PARENT, model: { displayName: "unnamed", containerSpec: { imageUri: IMAGE } } });
    const [response] = await operation.promise();
    expect(response.model).toMatch(new RegExp(`^${PARENT}/models/[1-9][0-9]+$`));
  });

  it("completes a pending operation through GetOperation polls; the version exists only then", async () => {
    await upload(client, "m");
    fake.setUploadPolls(2);
    const [operation] = await client.uploadModel({ parent: PARENT, parentModel: modelPath("m"), model: { displayName: "m", containerSpec: { imageUri: IMAGE } } });
    expect(operation.done).toBe(false);
    expect((await failure(client.getModel({ name: modelPath("m", "2") }))).code).toBe(status.NOT_FOUND);
    const [response] = await operation.promise();
    expect(response.modelVersionId).toBe("2");
    expect(fake.calls("GetOperation")).toBe(2);
    expect((await client.getModel({ name: modelPath("m", "2") }))[0].versionId).toBe("2");
  });

  it("reports a conflict found when a pending operation completes as the operation's error", async () => {
    fake.setUploadPolls(1);
    const [first] = await client.uploadModel({ parent: PARENT, modelId: "race", model: { displayName: "race", containerSpec: { imageUri: IMAGE } } });
    const [second] = await client.uploadModel({ parent: PARENT, modelId: "race", model: { displayName: "race", containerSpec: { imageUri: IMAGE } } });
    await first.promise();
    expect((await failure(second.promise())).code).toBe(status.ALREADY_EXISTS);
  });

  it("enforces model_id, display_name, container_spec and parent_model rules", async () => {
    await upload(client, "taken");
    const cases: [Parameters<ModelServiceClient["uploadModel"]>[0], status][] = [
      [{ parent: PARENT, modelId: "taken", model: { displayName: "x", containerSpec: { imageUri: IMAGE } } }, status.ALREADY_EXISTS],
      [{ parent: PARENT, modelId: "Upper", model: { displayName: "x", containerSpec: { imageUri: IMAGE } } }, status.INVALID_ARGUMENT],
      [{ parent: PARENT, modelId: "1digit", model: { displayName: "x", containerSpec: { imageUri: IMAGE } } }, status.INVALID_ARGUMENT],
      [{ parent: PARENT, modelId: "-dash", model: { displayName: "x", containerSpec: { imageUri: IMAGE } } }, status.INVALID_ARGUMENT],
      [{ parent: PARENT, modelId: "x".repeat(64), model: { displayName: "x", containerSpec: { imageUri: IMAGE } } }, status.INVALID_ARGUMENT],
      [{ parent: PARENT, modelId: "ok", model: { displayName: "", containerSpec: { imageUri: IMAGE } } }, status.INVALID_ARGUMENT],
      [{ parent: PARENT, modelId: "ok", model: { displayName: "x".repeat(129), containerSpec: { imageUri: IMAGE } } }, status.INVALID_ARGUMENT],
      [{ parent: PARENT, modelId: "ok", model: { displayName: "x" } }, status.INVALID_ARGUMENT],
      [{ parent: PARENT, parentModel: modelPath("missing"), model: { displayName: "x", containerSpec: { imageUri: IMAGE } } }, status.NOT_FOUND],
      [{ parent: PARENT, parentModel: modelPath("taken", "1"), model: { displayName: "x", containerSpec: { imageUri: IMAGE } } }, status.INVALID_ARGUMENT],
      [{ parent: "projects/p", modelId: "ok", model: { displayName: "x", containerSpec: { imageUri: IMAGE } } }, status.INVALID_ARGUMENT],
    ];
    for (const [request, code] of cases) {
      expect((await failure(client.uploadModel(request))).code, JSON.stringify(request)).toBe(code);
    }
    expect(await upload(client, "_under-score_9")).toBe("1");
  });

  it("keeps what was uploaded and returns no input-only container_spec", async () => {
    await client.uploadModel({
      parent: PARENT,
      modelId: "m",
      model: {
        displayName: "M",
        description: "model text",
        versionDescription: "version text",
        artifactUri: "gs://bucket/m/1",
        containerSpec: { imageUri: IMAGE },
        metadata: { structValue: { fields: { k: { stringValue: "v" } } } },
      },
    });
    const [model] = await client.getModel({ name: modelPath("m") });
    expect(model).toMatchObject({ displayName: "M", description: "model text", versionDescription: "version text", artifactUri: "gs://bucket/m/1", containerSpec: null });
    expect(model.metadata?.structValue?.fields?.["k"]?.stringValue).toBe("v");
    expect(model.versionCreateTime?.seconds).toBeTruthy();
    expect(model.etag).toBeTruthy();
  });
});

describe("GetModel", () => {
  it("reads a version by id or alias, and answers NOT_FOUND for unknown ones", async () => {
    await modelWithVersions(client, "m", 2);
    await client.mergeVersionAliases({ name: modelPath("m", "2"), versionAliases: ["golden"] });
    expect((await client.getModel({ name: modelPath("m", "2") }))[0].versionId).toBe("2");
    expect((await client.getModel({ name: modelPath("m", "golden") }))[0].versionId).toBe("2");
    for (const name of [modelPath("m", "3"), modelPath("m", "silver"), modelPath("nope")]) {
      expect((await failure(client.getModel({ name }))).code, name).toBe(status.NOT_FOUND);
    }
    expect((await failure(client.getModel({ name: "models/m" }))).code).toBe(status.INVALID_ARGUMENT);
  });
});

describe("DeleteModelVersion", () => {
  it("refuses the only version and the default one, and deletes another", async () => {
    await upload(client, "solo");
    const only = await failure(client.deleteModelVersion({ name: modelPath("solo", "1") }));
    expect(only.code).toBe(status.FAILED_PRECONDITION);
    expect(only.details).toMatch(/only version/);

    await modelWithVersions(client, "m", 2);
    const byDefault = await failure(client.deleteModelVersion({ name: modelPath("m", "1") }));
    expect(byDefault.code).toBe(status.FAILED_PRECONDITION);
    expect(byDefault.details).toMatch(/default version/);

    const [operation] = await client.deleteModelVersion({ name: modelPath("m", "2") });
    await operation.promise();
    expect((await failure(client.getModel({ name: modelPath("m", "2") }))).code).toBe(status.NOT_FOUND);
    expect((await failure(client.deleteModelVersion({ name: modelPath("m") }))).code).toBe(status.INVALID_ARGUMENT);
  });

  it("DeleteModel removes the model with all its versions", async () => {
    await modelWithVersions(client, "m", 2);
    const [operation] = await client.deleteModel({ name: modelPath("m") });
    await operation.promise();
    expect((await failure(client.getModel({ name: modelPath("m") }))).code).toBe(status.NOT_FOUND);
  });
});

describe("methods the fake does not serve", () => {
  it("answer UNIMPLEMENTED", async () => {
    await upload(client, "m");
    expect((await failure(client.listModelVersionCheckpoints({ name: modelPath("m") }, { autoPaginate: false }))).code).toBe(status.UNIMPLEMENTED);
    expect((await failure(client.exportModel({ name: modelPath("m") }))).code).toBe(status.UNIMPLEMENTED);
  });
});
