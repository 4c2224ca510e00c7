import { describe, expect, it } from "vitest";
import { formatKeyPath, isUnder } from "./key-path.js";

describe("formatKeyPath", () => {
  it.each<[PropertyKey[], string]>([
    [[], "(top level)"],
    [["server", "port"], "server.port"],
    [["backends", 1, "id"], "backends[1].id"],
    [["environments", "my env", "stage"], 'environments["my env"].stage'],
    [["backends", 0, "read-only"], "backends[0].read-only"],
  ])("formats %j as %s", (path, text) => {
    expect(formatKeyPath(path)).toBe(text);
  });
});

describe("isUnder", () => {
  it("matches the path itself and paths below it only", () => {
    expect(isUnder(["server", "port"], ["server", "port"])).toBe(true);
    expect(isUnder(["backends", 1, "id"], ["backends", 1])).toBe(true);
    expect(isUnder(["server"], ["server", "port"])).toBe(false);
    expect(isUnder(["server", "portal"], ["server", "port"])).toBe(false);
  });
});
