import { describe, expect, it } from "vitest";
import { configSchema } from "./schema.js";

describe("lifecycle: usage, idle, owners", () => {
  it("has defaults: flush every 10 s, idle after 30 days, checked every 15 minutes, no owners", () => {
    const { lifecycle } = configSchema.parse({});
    expect(lifecycle).toEqual({
      usage: { flushIntervalSeconds: 10, retentionDays: 90 },
      idle: { enabled: true, afterDays: 30, checkIntervalSeconds: 900 },
      owners: [],
    });
  });

  it("names an unknown environment, an unknown backend and a rule naming nobody", () => {
    const result = configSchema.safeParse({
      backends: [{ id: "git", kind: "git-yaml", repo: "/tmp/r" }],
      lifecycle: { idle: { environments: ["prod"] }, owners: [{ models: "x-*", backend: "mlflow", team: "t" }, { models: "y-*" }] },
    });
    expect(result.success).toBe(false);
    const issues = result.error!.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    expect(issues).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^lifecycle\.owners\.1: give team, contact or both$/),
      ]),
    );
    const deeper = configSchema.safeParse({
      backends: [{ id: "git", kind: "git-yaml", repo: "/tmp/r" }],
      lifecycle: { idle: { environments: ["prod"] }, owners: [{ models: "x-*", backend: "mlflow", team: "t" }] },
    });
    expect(deeper.error!.issues.map((i) => `${i.path.join(".")}: ${i.message}`)).toEqual([
      'lifecycle.idle.environments.0: unknown environment "prod"; configured: production, staging',
      'lifecycle.owners.0.backend: unknown backend "mlflow"; configured: git (or "*")',
    ]);
  });

  it("refuses unknown keys and out-of-range values", () => {
    expect(configSchema.safeParse({ lifecycle: { usage: { flushIntervalSeconds: 0 } } }).success).toBe(false);
    expect(configSchema.safeParse({ lifecycle: { idle: { afterDays: -1 } } }).success).toBe(false);
    expect(configSchema.safeParse({ lifecycle: { idel: {} } }).success).toBe(false);
  });
});
