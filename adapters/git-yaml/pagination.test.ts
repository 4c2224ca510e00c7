import { describe, expect, it } from "vitest";
import { compareVersions, decodeCursor, encodeCursor, paginate } from "./pagination.js";

describe("pagination", () => {
  it("orders numeric versions by value before string versions", () => {
    expect(["10", "b", "2", "canary", "1", "014", "100"].sort(compareVersions)).toEqual(["1", "2", "10", "100", "014", "b", "canary"]);
  });

  it("round-trips cursors and rejects foreign ones", () => {
    expect(decodeCursor(encodeCursor("support-triage"), "git")).toBe("support-triage");
    expect(() => decodeCursor("%%%", "git")).toThrow(/not a cursor/);
    expect(() => decodeCursor(Buffer.from('{"x":1}').toString("base64url"), "git")).toThrow(/not a cursor/);
  });

  it("continues after the cursor's key even when that entry is gone", () => {
    const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
    const id = (s: string) => s;
    const first = paginate(["a", "b", "c", "d"], id, cmp, { first: 2 }, 100, "git");
    expect(first.items).toEqual(["a", "b"]);
    const after = paginate(["a", "c", "d"], id, cmp, { first: 2, after: first.nextCursor! }, 100, "git");
    expect(after).toEqual({ items: ["c", "d"] });
  });

  it("never returns more than the backend's page size", () => {
    const items = Array.from({ length: 10 }, (_, i) => String(i));
    const page = paginate(items, (s) => s, compareVersions, { first: 50 }, 4, "git");
    expect(page.items).toHaveLength(4);
    expect(page.nextCursor).toBeDefined();
  });
});
