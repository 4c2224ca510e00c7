import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ConfigError } from "./config-error.js";
import { loadConfig } from "./load-config.js";
import { configSchema } from "./schema.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "modelgate-limits-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function load(yaml: string) {
  writeFileSync(join(dir, "modelgate.yaml"), yaml);
  return loadConfig({ cwd: dir, env: {} });
}

describe("limits: in modelgate.yaml", () => {
  it("defaults every limit", () => {
    expect(configSchema.parse({}).limits).toEqual({
      maxDepth: 12,
      maxIntrospectionDepth: 15,
      maxAliases: 30,
      maxDirectives: 50,
      maxFieldRepeats: 50,
      maxTokens: 1_000,
      maxCost: 1_000_000,
      maxCharacters: 15_000,
    });
  });

  it("reads each key", async () => {
    const loaded = await load("limits:\n  maxDepth: 8\n  maxAliases: 5\n  maxTokens: 500\n  maxCost: 2000\n  maxCharacters: 4000\n  maxDirectives: 3\n  maxIntrospectionDepth: 16\n");
    expect(loaded.config.limits).toEqual({ maxDepth: 8, maxIntrospectionDepth: 16, maxAliases: 5, maxDirectives: 3, maxFieldRepeats: 50, maxTokens: 500, maxCost: 2000, maxCharacters: 4000 });
  });

  it("names a bad or misspelled key with its line", async () => {
    const err = (await load("limits:\n  maxDepht: 8\n  maxTokens: 10\n").catch((e: unknown) => e)) as ConfigError;
    expect(err).toBeInstanceOf(ConfigError);
    expect([...err.problems].sort()).toEqual([
      'limits.maxDepht (line 2): unknown key (did you mean "maxDepth"?)',
      "limits.maxTokens (line 3): expected number to be >=100, got 10",
    ]);
  });

  it("still honours the deprecated server.maxDepth and server.maxAliases, as limits.*", async () => {
    const loaded = await load("server:\n  maxDepth: 20\n  maxAliases: 4\n");
    expect(loaded.config.limits).toMatchObject({ maxDepth: 20, maxAliases: 4 });
    const both = await load("server:\n  maxDepth: 20\nlimits:\n  maxDepth: 20\n");
    expect(both.config.limits.maxDepth).toBe(20);
  });

  it("refuses a deprecated key that contradicts its limits.* successor", async () => {
    const err = (await load("server:\n  maxDepth: 20\nlimits:\n  maxDepth: 9\n").catch((e: unknown) => e)) as ConfigError;
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.problems).toEqual(["server.maxDepth (line 2): deprecated alias of limits.maxDepth, which is set to 9: remove server.maxDepth"]);
  });
});
