import { describe, expect, it } from "vitest";
import { formatDelta, showValue } from "./values";

describe("provenance values on screen", () => {
  it("writes deltas with their sign and six significant digits", () => {
    expect(formatDelta(0.030000000000000027)).toBe("+0.03");
    expect(formatDelta(-2)).toBe("-2");
    expect(formatDelta(0)).toBe("0");
    expect(formatDelta(null)).toBe("—");
  });

  it("writes strings as they are and other values as JSON", () => {
    expect(showValue("sha256:ab")).toBe("sha256:ab");
    expect(showValue({ a: 1 })).toBe('{"a":1}');
    expect(showValue(null)).toBe("—");
  });
});
