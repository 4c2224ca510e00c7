import { describe, expect, it } from "vitest";
import { parseModelAddress, parseVersionAddress } from "./version-copy.js";
import { registerInputOf } from "./copy-apply.js";

describe("copy addresses", () => {
  it("reads backend/model@version, keeping slashes and @ inside the model name", () => {
    expect(parseVersionAddress("mlflow/churn@3")).toEqual({ backendId: "mlflow", modelName: "churn", version: "3" });
    expect(parseVersionAddress(" mlflow/team/churn@v@2 ")).toEqual({ backendId: "mlflow", modelName: "team/churn@v", version: "2" });
  });

  it("names what is wrong with a malformed source", () => {
    for (const bad of ["mlflow/churn", "churn@3", "/churn@3", "mlflow/@3", "mlflow/churn@"]) {
      expect(() => parseVersionAddress(bad), bad).toThrow(/from: ".*" is not "backend\/model@version"/);
    }
  });

  it("reads backend/model, or a bare backend keeping the source's model name", () => {
    expect(parseModelAddress("sagemaker/churn-prod", "churn")).toEqual({ backendId: "sagemaker", modelName: "churn-prod" });
    expect(parseModelAddress("vertex", "churn")).toEqual({ backendId: "vertex", modelName: "churn" });
    for (const bad of ["", "vertex/churn@2", "/churn", "vertex/"]) expect(() => parseModelAddress(bad, "churn"), bad).toThrow(/^to: /);
  });
});

describe("what a copy registers", () => {
  it("carries the source's content under the target's name, leaving out what is empty", () => {
    const input = registerInputOf(
      {
        backendId: "git",
        modelName: "chat",
        version: "7",
        stage: "PRODUCTION",
        artifactUri: "gs://b/chat/",
        description: "",
        tags: { team: "support" },
        params: {},
        metrics: { auc: 0.9 },
        lineage: { datasetHash: "sha256:ab" },
        aliases: ["champion"],
        generationConfig: { model: "gpt-5-mini-2026-06-10", params: { temperature: 0 } },
      },
      "chat-copy",
      "the chat model",
    );
    expect(input).toEqual({
      modelName: "chat-copy",
      artifactUri: "gs://b/chat/",
      tags: { team: "support" },
      metrics: { auc: 0.9 },
      lineage: { datasetHash: "sha256:ab" },
      generationConfig: { model: "gpt-5-mini-2026-06-10", params: { temperature: 0 } },
      createModel: true,
      modelDescription: "the chat model",
    });
  });
});
