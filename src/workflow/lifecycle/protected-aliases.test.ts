import { describe, expect, it } from "vitest";
import { configSchema } from "../../config/schema.js";
import { aliasProtection, protectedAliasError } from "./protected-aliases.js";

const parse = (protectedAliases: unknown[]) =>
  configSchema.parse({ backends: [{ id: "git", kind: "git-yaml" }, { id: "ml", kind: "git-yaml" }], policies: { protectedAliases } });

describe("protected aliases", () => {
  it("protects the listed aliases of matching models and backends only", () => {
    const config = parse([{ models: "fraud-*", backend: "git", aliases: ["champion"], environment: "production" }, { aliases: ["golden"], environment: "staging" }]);
    expect(aliasProtection(config.policies, "git", "fraud-eu", "champion")).toMatchObject({ source: "policies.protectedAliases[0]", environment: "production" });
    expect(aliasProtection(config.policies, "git", "fraud-eu", "challenger")).toBeUndefined();
    expect(aliasProtection(config.policies, "git", "churn", "champion")).toBeUndefined();
    expect(aliasProtection(config.policies, "ml", "fraud-eu", "champion")).toBeUndefined();
    expect(aliasProtection(config.policies, "ml", "anything", "golden")).toMatchObject({ source: "policies.protectedAliases[1]", environment: "staging" });
    expect(aliasProtection(undefined, "git", "fraud-eu", "champion")).toBeUndefined();
  });

  it("refuses a direct move with FORBIDDEN naming the request path", () => {
    const config = parse([{ aliases: ["champion"], environment: "production" }]);
    const p = aliasProtection(config.policies, "git", "fraud", "champion")!;
    const move = protectedAliasError(p, "git", "fraud", "champion", "3");
    expect(move.code).toBe("FORBIDDEN");
    expect(move.field).toBe("alias");
    expect(move.message).toContain('alias "champion" of git/fraud is protected (policies.protectedAliases[0])');
    expect(move.message).toContain("aliasMoveRequest");
    expect(move.message).toContain('modelgate alias request fraud champion 3 --backend git --reason "..."');
    expect(protectedAliasError(p, "git", "fraud", "champion").message).toContain("cannot be removed directly");
  });

  it("rejects entries naming an unknown environment or backend", () => {
    expect(() => parse([{ aliases: ["champion"], environment: "prod" }])).toThrow(/unknown environment .{0,4}prod/);
    expect(() => parse([{ backend: "nope", aliases: ["champion"], environment: "production" }])).toThrow(/unknown backend .{0,4}nope/);
    expect(() => parse([{ aliases: [], environment: "production" }])).toThrow();
    expect(() => parse([{ aliases: ["bad alias"], environment: "production" }])).toThrow(/letters, digits/);
  });
});
