import { describe, expect, it } from "vitest";
import { gitYamlConfigSchema } from "./config.js";

describe("gitYamlConfigSchema", () => {
  it("accepts the documented keys with readOnly defaulting to false and refCheckMs to 1000", () => {
    expect(gitYamlConfigSchema.parse({ repo: "registry", branch: "main", seedFrom: "examples/registry" })).toEqual({
      repo: "registry",
      branch: "main",
      seedFrom: "examples/registry",
      readOnly: false,
      refCheckMs: 1_000,
    });
    expect(() => gitYamlConfigSchema.parse({ repo: "registry", refCheckMs: 0 })).toThrow(/refCheckMs/);
  });

  it("rejects misspelt keys, a missing repo and bad branch names", () => {
    expect(gitYamlConfigSchema.safeParse({ repo: "r", seed_from: "x" }).error?.issues[0]?.message).toContain("seed_from");
    expect(gitYamlConfigSchema.safeParse({}).success).toBe(false);
    for (const branch of ["-x", "a..b", "a/", "has space"]) {
      expect(gitYamlConfigSchema.safeParse({ repo: "r", branch }).success, branch).toBe(false);
    }
  });
});
