import { describe, expect, it } from "vitest";
import { configSchema } from "../config/schema.js";
import { InvalidInputError } from "../core/index.js";
import { PromotionPolicies, globMatches } from "./policy.js";

describe("promotion policies", () => {
  it("matches model globs literally except for *", () => {
    expect(globMatches("support-*", "support-triage")).toBe(true);
    expect(globMatches("support-*", "reply-drafter")).toBe(false);
    expect(globMatches("a.b", "axb")).toBe(false);
    expect(globMatches("*", "anything")).toBe(true);
  });

  it("uses the first matching rule, by backend, model, environment and target stage", () => {
    const config = configSchema.parse({
      backends: [{ id: "git", kind: "git-yaml" }],
      policies: {
        rules: [
          { backend: "git", models: "support-*", environment: "production", toStages: ["PRODUCTION"], gates: { eval: { minScore: 0.9, suite: "s" }, approvals: 2 }, demoteTo: "STAGING" },
          { models: "*", gates: { canary: true } },
        ],
      },
    });
    const p = new PromotionPolicies(config.policies);
    expect(p.isDefault).toBe(false);
    expect(p.match("git", "support-triage", "production", "PRODUCTION")).toEqual({
      source: "rules[0]",
      eval: { minScore: 0.9, suite: "s" },
      canary: false,
      approvals: 2,
      demoteTo: "STAGING",
    });
    expect(p.match("git", "support-triage", "staging", "PRODUCTION").source).toBe("rules[1]");
    expect(p.match("git", "support-triage", "production", "SHADOW")).toMatchObject({ source: "rules[1]", canary: true, approvals: 0 });
  });

  it("falls back to one approval when no configured rule matches", () => {
    const p = new PromotionPolicies(configSchema.parse({ policies: { rules: [{ models: "x" }] } }).policies);
    expect(p.match("git", "y", "production", "PRODUCTION")).toEqual({ source: "fallback", eval: null, canary: false, approvals: 1, demoteTo: "ARCHIVED" });
  });

  it("has safe defaults: production needs eval, canary and an approval", () => {
    const p = new PromotionPolicies(undefined);
    expect(p.isDefault).toBe(true);
    expect(p.match("git", "m", "production", "PRODUCTION")).toMatchObject({ eval: { minScore: 0 }, canary: true, approvals: 1 });
    expect(p.match("git", "m", "staging", "STAGING")).toMatchObject({ eval: { minScore: 0 }, canary: false, approvals: 0 });
    expect(p.match("git", "m", "production", "ARCHIVED")).toMatchObject({ eval: null, approvals: 1 });
  });

  it("refuses transitions outside the table, listing the allowed ones", () => {
    const p = new PromotionPolicies(configSchema.parse({ policies: { transitions: { STAGING: ["PRODUCTION"] } } }).policies);
    expect(() => p.checkTransition("STAGING", "PRODUCTION")).not.toThrow();
    const err = (() => {
      try {
        p.checkTransition("STAGING", "SHADOW");
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(InvalidInputError);
    expect((err as Error).message).toBe("a version in STAGING cannot go to SHADOW; allowed from STAGING: PRODUCTION");
    expect(() => p.checkTransition("NONE", "STAGING")).toThrow("allowed from NONE: (none)");
  });

  it("rejects policies naming unknown environments or backends at startup", () => {
    const result = configSchema.safeParse({ policies: { rules: [{ environment: "prod", backend: "nope" }] } });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => [i.path.join("."), i.message])).toEqual([
      ["policies.rules.0.environment", 'unknown environment "prod"; configured: production, staging (or "*")'],
      ["policies.rules.0.backend", 'unknown backend "nope"; configured: (none) (or "*")'],
    ]);
    expect(configSchema.safeParse({ policies: { rules: [{ gates: { approvals: -1 } }] } }).success).toBe(false);
  });
});
