import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { appendVersion, removeAliasIn, renderNewModelFile, setAliasIn, setCardIn, setStatusIn } from "./model-file-edits.js";

const SOURCE = `# header comment
name: demo   # trailing comment
tags: {team: x,  tier: "1"}

versions:
  - version: 1    # first
    params: {a: 1}
    status: production

  - version: 2
    status: draft
`;

describe("model file edits", () => {
  it("changes only the edited line, keeping every other byte", () => {
    const out = setStatusIn(SOURCE, 1, "staging");
    expect(out).toBe(SOURCE.replace("    status: draft\n", "    status: staging\n"));
  });

  it("moves an alias inside an existing map", () => {
    const withAliases = SOURCE.replace("\nversions:", 'aliases: {champion: "1"}\n\nversions:');
    const out = setAliasIn(withAliases, "champion", "2");
    expect(out).toBe(withAliases.replace('aliases: {champion: "1"}', 'aliases: { champion: "2" }'));
  });

  it("adds an aliases map ahead of versions when there is none, and removes it when emptied", () => {
    const added = setAliasIn(SOURCE, "champion", "1");
    expect(added).toContain('tags: {team: x,  tier: "1"}\naliases:\n  champion: "1"\n\nversions:');
    expect(parse(added).aliases).toEqual({ champion: "1" });
    const removed = removeAliasIn(added, "champion");
    expect(parse(removed).aliases).toBeUndefined();
    expect(removed).toContain("# header comment\nname: demo   # trailing comment\n");
  });

  it("appends a version in the file's rhythm, small maps on one line", () => {
    const out = appendVersion(SOURCE, {
      version: "3",
      model: "gpt-5-mini-2026-06-10",
      params: { max_tokens: 300 },
      status: "draft",
      lineage: { run_id: "r1", run_link: "l", code_commit: "c", dataset_hash: "d", parent_model: "p" },
    });
    expect(out.startsWith(SOURCE)).toBe(true);
    expect(out.slice(SOURCE.length)).toBe(
      [
        "",
        "  - version: 3",
        "    model: gpt-5-mini-2026-06-10",
        "    params: { max_tokens: 300 }",
        "    status: draft",
        "    lineage:",
        "      run_id: r1",
        "      run_link: l",
        "      code_commit: c",
        "      dataset_hash: d",
        "      parent_model: p",
        "",
      ].join("\n"),
    );
    expect(parse(out).versions[2].version).toBe(3);
  });

  it("turns an empty flow list of versions into a block list", () => {
    const out = appendVersion("name: demo\nversions: []\n", { version: "1", status: "draft" });
    expect(out).toBe("name: demo\nversions:\n  - version: 1\n    status: draft\n");
  });

  it("keeps string versions as strings and quotes numeric-looking alias targets", () => {
    const out = appendVersion(SOURCE, { version: "canary-a", status: "draft" });
    expect(parse(out).versions[2].version).toBe("canary-a");
    expect(setAliasIn(SOURCE, "champion", "2")).toContain('champion: "2"');
  });

  it("keeps Windows line endings", () => {
    const crlf = SOURCE.replace(/\n/g, "\r\n");
    const out = setStatusIn(crlf, 0, "retired");
    expect(out).toBe(crlf.replace("status: production", "status: retired"));
  });

  it("falls back to a plain rendering when lines cannot be matched, keeping the data exact", () => {
    const multiline = "name: demo\nparams: {\n  a: 1,\n  b: 2 }\nversions:\n  - version: 1\n    status: draft\n";
    const out = setStatusIn(multiline, 0, "staging");
    expect(parse(out)).toEqual({ name: "demo", params: { a: 1, b: 2 }, versions: [{ version: 1, status: "staging" }] });
  });

  it("renders a new model file", () => {
    expect(
      renderNewModelFile({
        name: "demo",
        description: "A demo",
        tags: { team: "x" },
        version: { version: "1", status: "draft", artifact_uri: "s3://b/k", tags: {} },
      }),
    ).toBe("name: demo\ndescription: A demo\ntags: { team: x }\nversions:\n  - version: 1\n    status: draft\n    artifact_uri: s3://b/k\n");
  });
});

describe("setCardIn", () => {
  const file = "name: m\ntags: { team: a }\nversions:\n  - version: 1\n    status: draft\n";
  it("writes the model's card before versions and a version's in its entry, snake_case, and removes them when empty", () => {
    const withModel = setCardIn(file, undefined, { intendedUse: "Scoring.", caveats: "None." });
    expect(withModel).toBe("name: m\ntags: { team: a }\ncard:\n  caveats: None.\n  intended_use: Scoring.\nversions:\n  - version: 1\n    status: draft\n");
    const withVersion = setCardIn(withModel, 0, { ethicalConsiderations: "Bias reviewed." });
    expect(withVersion).toContain("    status: draft\n    card:\n      ethical_considerations: Bias reviewed.\n");
    expect(setCardIn(setCardIn(withVersion, 0, {}), undefined, {})).toBe(file);
  });
});
