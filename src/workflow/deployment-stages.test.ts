import { describe, expect, it } from "vitest";
import { acceptedStages } from "./deployment-stages.js";

describe("acceptedStages", () => {
  it("production takes PRODUCTION components, plus SHADOW ones flagged shadow", () => {
    expect(acceptedStages("PRODUCTION", false)).toEqual(["PRODUCTION"]);
    expect(acceptedStages("PRODUCTION", true)).toEqual(["PRODUCTION", "SHADOW"]);
  });

  it("staging also takes what already runs in production, never SHADOW for a serving component", () => {
    expect(acceptedStages("STAGING", false)).toEqual(["STAGING", "PRODUCTION"]);
    expect(acceptedStages("STAGING", true)).toEqual(["STAGING", "PRODUCTION", "SHADOW"]);
  });

  it("never accepts ARCHIVED", () => {
    for (const stage of ["NONE", "STAGING", "SHADOW", "PRODUCTION", "ARCHIVED"] as const) {
      expect(acceptedStages(stage, true)).not.toContain("ARCHIVED");
    }
  });
});
