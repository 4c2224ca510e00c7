/**
 * `policies.deprecation` in modelgate.yaml: the deprecation policy's shape, what start-up refuses
 * naming the key, and its old name `policies.lifecycle` refused with the new one.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ConfigError } from "./config-error.js";
import { loadConfig } from "./load-config.js";
import { configSchema } from "./schema.js";

const backends = [{ id: "git", kind: "git-yaml", repo: "registry" }];
const issues = (deprecation: unknown) => {
  const r = configSchema.safeParse({ backends, policies: { deprecation } });
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
};

describe("policies.deprecation", () => {
  it("accepts rules with defaults filled in", () => {
    const config = configSchema.parse({ backends, policies: { deprecation: { rules: [{ models: "support-*", keepNewest: 3 }], schedule: { everyMinutes: 60 } } } });
    expect(config.policies?.deprecation).toEqual({
      rules: [{ models: "support-*", backend: "*", keepNewest: 3, archiveAfterDays: 30 }],
      maxArchiveShare: 0.5,
      schedule: { everyMinutes: 60 },
    });
  });

  it("refuses bad numbers, unknown keys, backends and environments, and a schedule without rules", () => {
    expect(issues({ rules: [{ keepNewest: 0 }] })).toEqual(["policies.deprecation.rules.0.keepNewest: must be at least 1: a model always keeps its newest version"]);
    expect(issues({ rules: [{ keepNewest: 2, maxArchiveShare: 1.5 }] })[0]).toMatch(/^policies\.deprecation\.rules\.0\.maxArchiveShare: /);
    expect(issues({ rules: [{ keepNewest: 2, archiveAfterDays: -1 }] })[0]).toMatch(/^policies\.deprecation\.rules\.0\.archiveAfterDays: /);
    expect(issues({ rules: [{ keepNewest: 2, keep: 3 }] })[0]).toMatch(/^policies\.deprecation\.rules\.0: .*keep/);
    expect(issues({ rules: [{ keepNewest: 2, backend: "mlfow" }] })).toEqual(['policies.deprecation.rules.0.backend: unknown backend "mlfow"; configured: git (or "*")']);
    expect(issues({ rules: [{ keepNewest: 2 }], environment: "prod" })).toEqual(['policies.deprecation.environment: unknown environment "prod"; configured: production, staging']);
    expect(issues({ schedule: { everyMinutes: 60 } })).toEqual(["policies.deprecation.schedule: a schedule needs at least one rule in policies.deprecation.rules"]);
    expect(issues({ rules: [{ keepNewest: 2 }], schedule: { everyMinutes: 0 } })[0]).toMatch(/^policies\.deprecation\.schedule\.everyMinutes: /);
  });
});

describe("start-up with the old key, or the policy's keys in the wrong section", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "modelgate-deprecation-"));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  async function problems(yaml: string): Promise<readonly string[]> {
    writeFileSync(join(dir, "modelgate.yaml"), yaml);
    const err = await loadConfig({ cwd: dir, env: {} }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }

  it("refuses policies.lifecycle, naming its new key and line, and accepts nothing of it", async () => {
    const yaml = ["backends:", "  - { id: git, kind: git-yaml, repo: registry }", "policies:", "  lifecycle:", "    rules: [{ models: 'support-*', keepNewest: 3 }]", ""].join("\n");
    expect(await problems(yaml)).toEqual(["policies.lifecycle (line 4): renamed to policies.deprecation (same fields)"]);
    // Also when the new key is there too: the old one is never silently ignored.
    const both = yaml + ["  deprecation:", "    rules: [{ keepNewest: 3 }]", ""].join("\n");
    expect(await problems(both)).toEqual(["policies.lifecycle (line 4): renamed to policies.deprecation (same fields)"]);
  });

  it("points the policy's keys under the top-level lifecycle: to policies.deprecation, and suggests policies' own keys", async () => {
    const yaml = ["lifecycle:", "  idle: { afterDays: 10 }", "  rules: [{ keepNewest: 3 }]", "  schedule: { everyMinutes: 60 }", "policies:", "  deprecaton: {}", ""].join("\n");
    const got = await problems(yaml);
    expect(got).toHaveLength(3);
    expect(got).toEqual(
      expect.arrayContaining([
        "lifecycle.rules (line 3): unknown key (the deprecation policy's keys go under policies.deprecation)",
        "lifecycle.schedule (line 4): unknown key (the deprecation policy's keys go under policies.deprecation)",
        'policies.deprecaton (line 6): unknown key (did you mean "deprecation"?)',
      ]),
    );
  });

  it("loads the same policy under its new name", async () => {
    writeFileSync(join(dir, "modelgate.yaml"), "policies:\n  deprecation:\n    rules: [{ keepNewest: 3 }]\n    maxArchiveShare: 0.2\n");
    const { config } = await loadConfig({ cwd: dir, env: {} });
    expect(config.policies?.deprecation).toMatchObject({ rules: [{ keepNewest: 3 }], maxArchiveShare: 0.2 });
  });
});
