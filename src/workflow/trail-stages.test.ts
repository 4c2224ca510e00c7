import { describe, expect, it } from "vitest";
import type { PromotionRequestRecord } from "../store/workflow-store.js";
import { approvedInto, governedStages, judgeServing, judgeVersion, replayTrail, trailHolder } from "./trail-stages.js";

let n = 0;
function applied(version: string, toStage: PromotionRequestRecord["toStage"], at: number, extra: Partial<PromotionRequestRecord> = {}): PromotionRequestRecord {
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
    createdAt: new Date(at),
    updatedAt: new Date(at),
    ...extra,
  };
}

const GOVERNED = governedStages({ production: { stage: "PRODUCTION" }, staging: { stage: "STAGING" }, archive: { stage: "ARCHIVED" } });

describe("governedStages", () => {
  it("are the serving stages of the configured environments", () => {
    expect([...GOVERNED].sort()).toEqual(["PRODUCTION", "STAGING"]);
  });
});

describe("judgeVersion", () => {
  const trail = replayTrail([applied("1", "STAGING", 1), applied("1", "PRODUCTION", 2), applied("2", "STAGING", 3)], new Map());

  it("is in line where the trail put a version, and for versions in no governed stage", () => {
    expect(judgeVersion(trail, "1", "PRODUCTION", GOVERNED)).toBeNull();
    expect(judgeVersion(trail, "2", "STAGING", GOVERNED)).toBeNull();
    expect(judgeVersion(trail, "3", "NONE", GOVERNED)).toBeNull();
    expect(judgeVersion(trail, "3", "SHADOW", GOVERNED)).toBeNull();
  });

  it("says OUT_OF_BAND_CHANGE for a tracked version elsewhere, UNAPPROVED_IN_STAGE for one in a governed stage the trail never put it in", () => {
    expect(judgeVersion(trail, "1", null, GOVERNED)).toMatchObject({ kind: "OUT_OF_BAND_CHANGE", trailStage: "PRODUCTION", backendStage: null });
    expect(judgeVersion(trail, "3", "PRODUCTION", GOVERNED)).toEqual({
      kind: "UNAPPROVED_IN_STAGE",
      version: "3",
      trailStage: null,
      backendStage: "PRODUCTION",
      unapprovedIn: "PRODUCTION",
      requestId: null,
    });
  });

  it("keeps approving a single-holder stage's earlier holder the trail never moved, though it no longer checks it", () => {
    const superseded = replayTrail([applied("1", "STAGING", 1), applied("2", "STAGING", 2)], new Map());
    expect(superseded.expected.has("1")).toBe(false);
    expect(judgeVersion(superseded, "1", "STAGING", GOVERNED)).toBeNull();
    // ... but not into a stage it never approved.
    expect(judgeVersion(superseded, "1", "PRODUCTION", GOVERNED)).toMatchObject({ kind: "UNAPPROVED_IN_STAGE", trailStage: "STAGING" });
  });

  it("counts a deployment activation as an approval, unless a later apply moved the version", () => {
    const deployed = replayTrail([applied("5", "ARCHIVED", 10)], new Map(), [
      { version: "4", stage: "PRODUCTION", at: new Date(5), requestId: "d1" },
      { version: "5", stage: "PRODUCTION", at: new Date(1), requestId: "d0" },
      { version: "6", stage: "SHADOW", at: new Date(5), requestId: "d1" },
    ]);
    expect(judgeVersion(deployed, "4", "PRODUCTION", GOVERNED)).toBeNull();
    expect(approvedInto(deployed, "5", "PRODUCTION")).toBe(false);
    expect(judgeVersion(deployed, "5", "PRODUCTION", GOVERNED)).toMatchObject({ kind: "OUT_OF_BAND_CHANGE", trailStage: "ARCHIVED" });
    expect(judgeVersion(deployed, "6", "PRODUCTION", GOVERNED)).toMatchObject({ kind: "UNAPPROVED_IN_STAGE" });
  });
});

describe("judgeServing and trailHolder", () => {
  it("judge the version an environment serves by the environment's stage, and name the trail's latest approval there", () => {
    const trail = replayTrail([applied("1", "PRODUCTION", 1), applied("2", "PRODUCTION", 2, { previousVersions: ["1"] })], new Map());
    expect(trailHolder(trail, "PRODUCTION")).toEqual({ version: "2", requestId: expect.any(String) });
    expect(judgeServing(trail, "2", "PRODUCTION", "PRODUCTION")).toBeNull();
    // Served through an alias while the backend has it in STAGING: never approved into production.
    expect(judgeServing(trail, "3", "STAGING", "PRODUCTION")).toMatchObject({ kind: "UNAPPROVED_IN_STAGE", unapprovedIn: "PRODUCTION", backendStage: "STAGING" });
    // The demoted one back in production by hand: the trail said ARCHIVED.
    expect(judgeServing(trail, "1", "PRODUCTION", "PRODUCTION")).toMatchObject({ kind: "OUT_OF_BAND_CHANGE", trailStage: "ARCHIVED" });
    expect(trailHolder(trail, "STAGING")).toBeUndefined();
  });

  it("take a later deployment approval as the latest version approved into a stage", () => {
    const trail = replayTrail([applied("1", "PRODUCTION", 1)], new Map(), [{ version: "7", stage: "PRODUCTION", at: new Date(3), requestId: "d" }]);
    expect(trailHolder(trail, "PRODUCTION")).toEqual({ version: "7", requestId: "d" });
  });
});
