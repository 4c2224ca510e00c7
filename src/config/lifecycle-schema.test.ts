/** `policies.lifecycle` in modelgate.yaml: the deprecation policy's shape and what start-up refuses, naming the key. */
import { describe, expect, it } from "vitest";
import { configSchema } from "./schema.js";

const backends = [{ id: "git", kind: "git-yaml", repo: "registry" }];
const issues = (lifecycle: unknown) => {
  const r = configSchema.safeParse({ backends, policies: { lifecycle } });
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
};

describe("policies.lifecycle", () => {
  it("accepts rules with defaults filled in", () => {
    const config = configSchema.parse({ backends, policies: { lifecycle: { rules: [{ models: "support-*", keepNewest: 3 }], schedule: { everyMinutes: 60 } } } });
    expect(config.policies?.lifecycle).toEqual({
      rules: [{ models: "support-*", backend: "*", keepNewest: 3, archiveAfterDays: 30 }],
      maxArchiveShare: 0.5,
      schedule: { everyMinutes: 60 },
    });
  });

  it("refuses bad numbers, unknown keys, backends and environments, and a schedule without rules", () => {
    expect(issues({ rules: [{ keepNewest: 0 }] })).toEqual(["policies.lifecycle.rules.0.keepNewest: must be at least 1: a model always keeps its newest version"]);
    expect(issues({ rules: [{ keepNewest: 2, maxArchiveShare: 1.5 }] })[0]).toMatch(/^policies\.lifecycle\.rules\.0\.maxArchiveShare: /);
    expect(issues({ rules: [{ keepNewest: 2, archiveAfterDays: -1 }] })[0]).toMatch(/^policies\.lifecycle\.rules\.0\.archiveAfterDays: /);
    expect(issues({ rules: [{ keepNewest: 2, keep: 3 }] })[0]).toMatch(/^policies\.lifecycle\.rules\.0: .*keep/);
    expect(issues({ rules: [{ keepNewest: 2, backend: "mlfow" }] })).toEqual(['policies.lifecycle.rules.0.backend: unknown backend "mlfow"; configured: git (or "*")']);
    expect(issues({ rules: [{ keepNewest: 2 }], environment: "prod" })).toEqual(['policies.lifecycle.environment: unknown environment "prod"; configured: production, staging']);
    expect(issues({ schedule: { everyMinutes: 60 } })).toEqual(["policies.lifecycle.schedule: a schedule needs at least one rule in policies.lifecycle.rules"]);
    expect(issues({ rules: [{ keepNewest: 2 }], schedule: { everyMinutes: 0 } })[0]).toMatch(/^policies\.lifecycle\.schedule\.everyMinutes: /);
  });
});
