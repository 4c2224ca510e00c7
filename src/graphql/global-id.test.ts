import { describe, expect, it } from "vitest";
import { expectGlobalId, fromGlobalId, toGlobalId } from "./global-id.js";

describe("global ids", () => {
  it("round-trip keys with any characters", () => {
    const id = toGlobalId("ModelVersion", "git", "team/model:with@odd chars", "14");
    expect(fromGlobalId(id)).toEqual({ type: "ModelVersion", key: ["git", "team/model:with@odd chars", "14"] });
    expect(id).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it("are opaque (no readable type or key)", () => {
    expect(toGlobalId("RegisteredModel", "git", "support-triage")).not.toContain("support-triage");
  });

  it("reject ids that are not ours, naming the field", () => {
    expect(() => fromGlobalId("abc", "input.id")).toThrow(/input.id: "abc" is not a modelgate id/);
    expect(() => fromGlobalId(Buffer.from('mg1:["Nope","x"]').toString("base64url"))).toThrow(/not a modelgate id/);
  });

  it("check the expected type", () => {
    const id = toGlobalId("Backend", "git");
    expect(expectGlobalId(id, "Backend", 1)).toEqual(["git"]);
    expect(() => expectGlobalId(id, "ModelVersion", 3)).toThrow(/expected the id of a ModelVersion, got one of a Backend/);
  });
});
