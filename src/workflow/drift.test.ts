import { describe, expect, it } from "vitest";
import type { PromotionRequestRecord } from "../store/workflow-store.js";
import { expectedStages } from "./drift.js";

let n = 0;
function applied(version: string, toStage: PromotionRequestRecord["toStage"], extra: Partial<PromotionRequestRecord> = {}): PromotionRequestRecord {
  n += 1;
  return {
    id: `r${n}`,
    kind: "PROMOTION",
    backendId: "b",
    modelName: "m",
    version,
    environment: "production",
    fromStage: "NONE",
    toStage,
    demoteTo: "ARCHIVED",
    previousVersions: [],
    status: "APPLIED",
    requestedBy: "alice",
    reason: "r",
    policy: { source: "default[0]", eval: null, canary: false, approvals: 0 },
    idempotencyKey: null,
    inputHash: null,
    failure: null,
    deploymentRevisionId: null,
    createdAt: new Date(0),
    updatedAt: new Date(0),
    ...extra,
  };
}

const stages = (m: Map<string, { stage: string }>) => Object.fromEntries([...m].map(([v, e]) => [v, e.stage]));

describe("expectedStages", () => {
  it("replays applies in order: the target's stage, the demoted versions' demote stage", () => {
    const one = applied("1", "STAGING");
    const two = applied("1", "PRODUCTION");
    const three = applied("2", "PRODUCTION", { previousVersions: ["1"], demoteTo: "SHADOW" });
    const expected = expectedStages([one, two, three], new Map());
    expect(stages(expected)).toEqual({ "1": "SHADOW", "2": "PRODUCTION" });
    expect(expected.get("1")?.requestId).toBe(three.id);
  });

  it("uses the versions the apply actually demoted (its outbox steps) over those known at request time", () => {
    const r = applied("3", "PRODUCTION", { previousVersions: ["1"] });
    expect(stages(expectedStages([applied("2", "PRODUCTION"), r], new Map([[r.id, ["2"]]])))).toEqual({ "2": "ARCHIVED", "3": "PRODUCTION" });
  });

  it("forgets earlier holders of a single-holder stage that a later apply took without demoting them", () => {
    const expected = expectedStages([applied("1", "STAGING"), applied("2", "STAGING"), applied("3", "ARCHIVED"), applied("4", "ARCHIVED")], new Map());
    expect(stages(expected)).toEqual({ "2": "STAGING", "3": "ARCHIVED", "4": "ARCHIVED" });
  });

  it("ignores requests that were not applied", () => {
    expect(stages(expectedStages([applied("1", "PRODUCTION", { status: "FAILED" }), applied("2", "STAGING", { status: "REJECTED" })], new Map()))).toEqual({});
  });
});
