import { describe, expect, it } from "vitest";
import { parseModelFile } from "./parse-model-file.js";

const PATH = "models/a.yaml";
const problems = (text: string) => parseModelFile(PATH, text).problems.map((p) => [p.line, p.field, p.message]);

describe("parseModelFile", () => {
  it("parses a valid file with no problems", () => {
    const parsed = parseModelFile(PATH, "name: a\ntags: { tier: 1 }\nversions:\n  - version: 3\n    status: staging\n");
    expect(parsed.problems).toEqual([]);
    expect(parsed.file).toMatchObject({ name: "a", tags: { tier: "1" }, versions: [{ version: "3", status: "staging", line: 4 }] });
  });

  it("names line and field of invalid values, and says when a required field is missing", () => {
    expect(problems("name: a\nversions:\n  - version: 1.5\n    created_at: yesterday\n    eval: { suite: s }\n")).toEqual([
      [3, "versions[0].version", expect.stringContaining("1.5 is not a version")],
      [4, "versions[0].created_at", "expected an ISO 8601 timestamp"],
      [5, "versions[0].eval.score", "is required (expected number)"],
    ]);
  });

  it("reports values of the wrong type at their key's line", () => {
    expect(problems("name: a\nversions:\n  - version: 1\n    metrics: { acc: high }\n    tags:\n      - x\n")).toEqual([
      [4, "versions[0].metrics.acc", expect.stringContaining("expected number")],
      [5, "versions[0].tags", expect.stringContaining("expected record")],
    ]);
  });

  it("reports invalid and reserved alias names", () => {
    expect(problems("name: a\naliases:\n  Bad Alias: 1\n  latest: 1\nversions:\n  - version: 1\n")).toEqual([
      [3, "aliases.Bad Alias (key)", expect.stringContaining("alias names are")],
      [4, "aliases.latest (key)", expect.stringContaining("reserved")],
    ]);
  });

  it("reports an empty file, a list, and duplicate keys", () => {
    expect(problems("")).toEqual([[1, "(file)", "a model file is a map with name and versions; the file is empty"]]);
    expect(problems("- 1\n")).toEqual([[1, "(file)", "a model file is a map with name and versions; got a list"]]);
    expect(problems("name: a\nname: b\n")).toEqual([[2, "name", expect.stringMatching(/^YAML syntax: Map keys must be unique/)]]);
  });

  it("reports bad indentation as a syntax error at the line it happens", () => {
    const [p] = problems("name: a\nversions:\n  - version: 1\n    model: x\n  status: draft\n");
    expect(p?.[0]).toBe(5);
    expect(p?.[2]).toMatch(/^YAML syntax:/);
  });
});
