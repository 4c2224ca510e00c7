import { describe, expect, it } from "vitest";
import { ownerRuleSchema } from "../../config/lifecycle-usage-schema.js";
import { ModelOwners } from "./owners.js";

const rules = [
  ownerRuleSchema.parse({ models: "support-*", backend: "git", team: "support-platform", contact: "#support-ml" }),
  ownerRuleSchema.parse({ models: "*", contact: "ml-platform@example.com" }),
];
const owners = new ModelOwners(rules);
const model = (backendId: string, name: string, tags: Record<string, string> = {}) => ({ backendId, name, tags });

describe("ModelOwners", () => {
  it("takes the first rule matching backend and model name", () => {
    expect(owners.of(model("git", "support-triage"))).toEqual({ team: "support-platform", contact: "#support-ml", source: "CONFIG" });
    expect(owners.of(model("mlflow", "support-triage"))).toEqual({ team: null, contact: "ml-platform@example.com", source: "CONFIG" });
    expect(new ModelOwners([]).of(model("git", "x"))).toBeNull();
  });

  it("lets the model's own modelgate.owner tags win over the rules", () => {
    expect(owners.of(model("git", "support-triage", { "modelgate.owner": "search-team" }))).toEqual({ team: "search-team", contact: null, source: "TAG" });
    expect(owners.of(model("git", "x", { "modelgate.owner-contact": "oncall@example.com", owner: "ignored" }))).toEqual({ team: null, contact: "oncall@example.com", source: "TAG" });
    // A blank tag is no owner.
    expect(owners.of(model("git", "support-triage", { "modelgate.owner": "  " }))?.source).toBe("CONFIG");
  });

  it("refuses a rule that names nobody", () => {
    expect(ownerRuleSchema.safeParse({ models: "x-*" }).success).toBe(false);
  });
});
