import { describe, expect, it } from "vitest";
import { editDistance } from "./edit-distance.js";

describe("editDistance", () => {
  it("counts insertions, deletions, substitutions and neighbour swaps as one edit each", () => {
    expect(editDistance("port", "port")).toBe(0);
    expect(editDistance("prot", "port")).toBe(1);
    expect(editDistance("weigth", "weight")).toBe(1);
    expect(editDistance("role", "roles")).toBe(1);
    expect(editDistance("model", "mode")).toBe(1);
    expect(editDistance("shadow", "shallow")).toBe(2);
    expect(editDistance("", "abc")).toBe(3);
  });
});
