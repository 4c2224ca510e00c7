import { describe, expect, it } from "vitest";
import { decodeJsonCursor, decodeOpaqueCursor, encodeJsonCursor, encodeOpaqueCursor, queryFingerprint } from "./cursor.js";

describe("opaque cursors", () => {
  it("are the prefix plus base64url of the text, and decode back", () => {
    expect(encodeOpaqueCursor("audit:desc:5")).toBe(Buffer.from("audit:desc:5").toString("base64url"));
    expect(decodeOpaqueCursor(encodeOpaqueCursor("req:x"))).toBe("req:x");
    const cursor = encodeJsonCursor({ s: 2, f: "abc" }, "vx1.");
    expect(cursor).toBe(`vx1.${Buffer.from('{"s":2,"f":"abc"}').toString("base64url")}`);
    expect(decodeJsonCursor(cursor, "vx1.")).toEqual({ ok: true, value: { s: 2, f: "abc" } });
  });

  it("say why a cursor holds nothing usable", () => {
    expect(decodeOpaqueCursor("sm1.xyz", "vx1.")).toBeUndefined();
    expect(decodeJsonCursor("sm1.e30", "vx1.")).toEqual({ ok: false, why: "unknown format" });
    expect(decodeJsonCursor(`vx1.${Buffer.from("{not json").toString("base64url")}`, "vx1.")).toEqual({ ok: false, why: "unreadable" });
  });

  it("bind a cursor to its query with a short fingerprint", () => {
    expect(queryFingerprint("models", "a")).toHaveLength(12);
    expect(queryFingerprint("models", "a")).toBe(queryFingerprint("models", "a"));
    expect(queryFingerprint("models", "a")).not.toBe(queryFingerprint("models", "b"));
    expect(queryFingerprint("models", undefined)).toBe(queryFingerprint("models", null));
  });
});
