import { describe, expect, it } from "vitest";
import { labelFilter, labelProblem, stageOfLabels, tagsAsLabels, userTags } from "./labels.js";
import { creatableModelId, gatewayName, isAlias, isVersionId, modelIdOf, modelIdOfResource } from "./names.js";

describe("names", () => {
  it("map to lower-case model ids; a name no model id can be maps to none", () => {
    expect(modelIdOf("Churn-Model_2")).toBe("churn-model_2");
    expect(modelIdOf("1234567890123")).toBe("1234567890123");
    for (const name of ["", "a b", "a/b", "a@b", "ä", "x".repeat(64)]) expect(modelIdOf(name), name).toBeUndefined();
    expect(creatableModelId("Churn", "b")).toBe("churn");
    expect(() => creatableModelId("9lives", "b")).toThrow(/must not start with a digit or '-'/);
  });

  it("are served in the display name's case only when it is the id in another case", () => {
    expect(gatewayName("churn-model", "Churn-Model")).toBe("Churn-Model");
    expect(gatewayName("churn-model", "Churn model")).toBe("churn-model");
    expect(gatewayName("8461", "Credit risk")).toBe("8461");
    expect(gatewayName("churn", undefined)).toBe("churn");
    expect(modelIdOfResource("projects/p/locations/l/models/m1@3")).toBe("m1");
  });

  it("tell version ids from aliases", () => {
    expect(isVersionId("12")).toBe(true);
    expect(isVersionId("0")).toBe(false);
    expect(isVersionId("v1")).toBe(false);
    expect(isAlias("champion")).toBe(true);
    expect(isAlias("12")).toBe(false);
  });
});

describe("labels", () => {
  it("follow Google Cloud's label rules", () => {
    expect(labelProblem("team", "growth")).toBeUndefined();
    expect(labelProblem("größe", "検索")).toBeUndefined();
    expect(labelProblem("team", "")).toBeUndefined();
    expect(labelProblem("Team", "x")).toMatch(/start with a lowercase letter/);
    expect(labelProblem("_team", "x")).toMatch(/start with a lowercase letter/);
    expect(labelProblem("team", "a b")).toMatch(/values may only contain/);
    expect(labelProblem("k".repeat(65), "x")).toMatch(/at most 64/);
  });

  it("carry tags, the adapter's own labels hidden from them", () => {
    expect(tagsAsLabels({ team: "growth" }, "b")).toEqual({ team: "growth" });
    expect(() => tagsAsLabels({ "modelgate-x": "y" }, "b")).toThrow(/belong to the gateway/);
    expect(userTags({ team: "growth", "modelgate-stage": "staging", "modelgate-request-id": "r" })).toEqual({ team: "growth" });
  });

  it("carry the stage lower-case", () => {
    expect(stageOfLabels({ "modelgate-stage": "production" })).toEqual({ stage: "PRODUCTION", recognised: true });
    expect(stageOfLabels({})).toEqual({ stage: "NONE", recognised: true });
    expect(stageOfLabels({ "modelgate-stage": "PRODUCTION" })).toEqual({ stage: "NONE", recognised: false });
  });

  it("filter with quoted keys and values joined by AND", () => {
    expect(labelFilter({ "modelgate-stage": "staging", team: "growth" })).toBe('labels."modelgate-stage"="staging" AND labels."team"="growth"');
    expect(labelFilter({})).toBe("");
  });
});
