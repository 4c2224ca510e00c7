import { describe, expect, it } from "vitest";
import { sideOf, wordDiff } from "./word-diff";

describe("wordDiff", () => {
  it("marks the words added and removed, keeping the rest", () => {
    const parts = wordDiff("Route this support ticket. Call `route_ticket` once.", "Route this ticket. Call `route_ticket` or `escalate_to_human` once.");
    // Where the whitespace between changes goes is a tie; the words are not.
    expect(parts.map((p) => [p.kind, p.text.trim()])).toEqual([
      ["same", "Route this"],
      ["removed", "support"],
      ["same", "ticket. Call `route_ticket`"],
      ["added", "or `escalate_to_human`"],
      ["same", "once."],
    ]);
  });

  it("gives back both texts exactly, whitespace and newlines included", () => {
    const before = "a  b\nc d\n\n{{ticket}}\n";
    const after = "a b\nc e d\n{{ticket}}\n";
    const parts = wordDiff(before, after);
    expect(sideOf(parts, "before")).toBe(before);
    expect(sideOf(parts, "after")).toBe(after);
  });

  it("handles empty sides and identical texts", () => {
    expect(wordDiff("", "new prompt")).toEqual([{ kind: "added", text: "new prompt" }]);
    expect(wordDiff("old", "")).toEqual([{ kind: "removed", text: "old" }]);
    expect(wordDiff("same text", "same text")).toEqual([{ kind: "same", text: "same text" }]);
  });

  it("replaces a middle too large to compare as a whole, still exactly", () => {
    const before = Array.from({ length: 2500 }, (_, i) => `a${i}`).join(" ");
    const after = Array.from({ length: 2500 }, (_, i) => `b${i}`).join(" ");
    const parts = wordDiff(`head ${before} tail`, `head ${after} tail`);
    expect(parts[0]).toEqual({ kind: "same", text: "head " });
    expect(sideOf(parts, "before")).toBe(`head ${before} tail`);
    expect(sideOf(parts, "after")).toBe(`head ${after} tail`);
  });
});
