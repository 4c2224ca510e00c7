import { describe, expect, it } from "vitest";
import { DEFAULT_STAGE_ALIASES } from "./config.js";
import { StageProjection } from "./stage-projection.js";

const stages = new StageProjection({ ...DEFAULT_STAGE_ALIASES });

describe("StageProjection.stageOf", () => {
  it("reads the stage of the alias a version holds, whatever its tag says", () => {
    expect(stages.stageOf(["production"], "PRODUCTION")).toBe("PRODUCTION");
    expect(stages.stageOf(["production"], undefined)).toBe("PRODUCTION");
    expect(stages.stageOf(["champion", "staging"], "NONE")).toBe("STAGING");
    expect(stages.stageOf(["shadow"], "ARCHIVED")).toBe("SHADOW");
  });

  it("prefers the tag's stage among several held stage aliases, else PRODUCTION > SHADOW > STAGING", () => {
    expect(stages.stageOf(["production", "staging"], "STAGING")).toBe("STAGING");
    expect(stages.stageOf(["staging", "production"], undefined)).toBe("PRODUCTION");
    expect(stages.stageOf(["staging", "shadow"], "NONE")).toBe("SHADOW");
  });

  it("falls back to the tag for NONE and ARCHIVED, and reads a stale aliased-stage tag as NONE", () => {
    expect(stages.stageOf([], "ARCHIVED")).toBe("ARCHIVED");
    expect(stages.stageOf(["champion"], "NONE")).toBe("NONE");
    expect(stages.stageOf([], undefined)).toBe("NONE");
    // The alias moved to another version in MLflow's UI: the version no longer serves.
    expect(stages.stageOf([], "PRODUCTION")).toBe("NONE");
    expect(stages.stageOf([], "garbage")).toBe("NONE");
  });

  it("uses the configured alias names", () => {
    const custom = new StageProjection({ STAGING: "stg", SHADOW: "shd", PRODUCTION: "prod" });
    expect(custom.stageOf(["prod"], undefined)).toBe("PRODUCTION");
    expect(custom.stageOf(["production"], undefined)).toBe("NONE");
    expect(custom.aliasOf("SHADOW")).toBe("shd");
    expect(custom.heldStageAliases(["prod", "champion", "stg"])).toEqual(["prod", "stg"]);
  });
});
