import { describe, expect, it } from "vitest";
import { OperationNames } from "./operation-names.js";

describe("OperationNames", () => {
  it("labels the first names by themselves and every later new one as other", () => {
    const names = new OperationNames(2);
    expect(names.label("Models")).toBe("Models");
    expect(names.label("Resolve")).toBe("Resolve");
    expect(names.label("Random1")).toBe("other");
    expect(names.label("Models")).toBe("Models");
    expect(names.label("Random2")).toBe("other");
  });

  it("labels an unnamed operation anonymous and a very long name other", () => {
    const names = new OperationNames(10);
    expect(names.label(undefined)).toBe("anonymous");
    expect(names.label(null)).toBe("anonymous");
    expect(names.label("x".repeat(101))).toBe("other");
  });

  it("with a cap of 0 labels every named operation other", () => {
    expect(new OperationNames(0).label("Models")).toBe("other");
  });
});
