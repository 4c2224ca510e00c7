/** Model evaluations belong to a version: a versioned parent names it, a bare model name means the default version. */
import { status } from "@grpc/grpc-js";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startVertexFake, type VertexFake } from "./index.js";
import { failure, fakeClient, modelPath, modelWithVersions } from "./test-client.js";
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

const metrics = (auRoc: number) => ({ structValue: { fields: { auRoc: { numberValue: auRoc } } } });

/** Display names of every evaluation under `parent`, read in pages of `pageSize`. */
async function evaluationNames(parent: string, pageSize = 0): Promise<string[]> {
  const names: string[] = [];
  let pageToken = "";
  do {
    const [evaluations, , raw] = await client.listModelEvaluations({ parent, pageSize, pageToken }, { autoPaginate: false });
    names.push(...evaluations.map((e) => e.displayName ?? ""));
    pageToken = raw?.nextPageToken ?? "";
  } while (pageToken !== "");
  return names;
}

describe("model evaluations", () => {
  it("are imported to and listed for one version", async () => {
    await modelWithVersions(client, "m", 2);
    await client.mergeVersionAliases({ name: modelPath("m", "2"), versionAliases: ["golden"] });
    await client.importModelEvaluation({ parent: modelPath("m"), modelEvaluation: { displayName: "on-default", metrics: metrics(0.7) } });
    await client.importModelEvaluation({ parent: modelPath("m", "2"), modelEvaluation: { displayName: "on-two", metrics: metrics(0.8) } });
    await client.importModelEvaluation({ parent: modelPath("m", "golden"), modelEvaluation: { displayName: "on-golden", metrics: metrics(0.9) } });
    expect(await evaluationNames(modelPath("m", "1"))).toEqual(["on-default"]);
    expect(await evaluationNames(modelPath("m"))).toEqual(["on-default"]);
    expect(await evaluationNames(modelPath("m", "2"), 1)).toEqual(["on-two", "on-golden"]);
  });

  it("are read back by name, with their metrics", async () => {
    await modelWithVersions(client, "m", 1);
    const [imported] = await client.importModelEvaluation({ parent: modelPath("m", "1"), modelEvaluation: { displayName: "holdout", metrics: metrics(0.91) } });
    expect(imported.name).toMatch(new RegExp(`^${modelPath("m")}/evaluations/\\d+$`));
    const [read] = await client.getModelEvaluation({ name: imported.name ?? "" });
    expect(read.displayName).toBe("holdout");
    expect(read.metrics?.structValue?.fields?.["auRoc"]?.numberValue).toBe(0.91);
    expect(read.createTime?.seconds).toBeTruthy();
    expect((await failure(client.getModelEvaluation({ name: `${modelPath("m")}/evaluations/1` }))).code).toBe(status.NOT_FOUND);
    expect((await failure(client.listModelEvaluations({ parent: modelPath("nope") }, { autoPaginate: false }))).code).toBe(status.NOT_FOUND);
  });
});
