import { describe, expect, it } from "vitest";
import { changedSections, missingLabel } from "./card-sections";

describe("editing card sections", () => {
  it("sends only the sections whose text changed, an emptied one as a clear", () => {
    const shown = { intendedUse: "Scoring churn.", caveats: "Small data." };
    expect(changedSections(shown, { intendedUse: "Scoring churn. ", caveats: "", factors: "Region." })).toEqual({ caveats: "", factors: "Region." });
    expect(changedSections(shown, { intendedUse: "Scoring churn." })).toEqual({});
  });

  it("names what a card lacks in words", () => {
    expect(missingLabel("ethicalConsiderations")).toBe("ethical considerations");
    expect(missingLabel("license")).toBe("license");
  });
});
