import { describe, expect, it } from "vitest";
import { diffComponents, hasChanges, type ComponentLike } from "./revision-diff";

const c = (role: string, model: string, version: string, weight = 100, shadow = false): ComponentLike => ({ role, backendId: "example", modelName: model, version, weight, shadow });

describe("diffComponents", () => {
  it("names added, removed and changed components with the fields that changed", () => {
    const from = [c("classifier", "support-triage", "14"), c("generation", "reply-drafter", "3"), c("generation", "reply-drafter", "4", 0, true)];
    const to = [c("classifier", "support-triage", "15"), c("generation", "reply-drafter", "3"), c("retriever", "ticket-embedder", "2")];
    const changes = diffComponents(from, to);
    expect(changes.map((x) => [x.kind, x.key, x.kind === "changed" ? x.fields : []])).toEqual([
      ["changed", "classifier · example/support-triage", ["version"]],
      ["same", "generation · example/reply-drafter", []],
      ["removed", "generation · example/reply-drafter", []],
      ["added", "retriever · example/ticket-embedder", []],
    ]);
    expect(hasChanges(changes)).toBe(true);
  });

  it("pairs equal versions of a model first, then reports weight and shadow changes", () => {
    const from = [c("generation", "reply-drafter", "3", 100), c("generation", "reply-drafter", "4", 0, true)];
    const to = [c("generation", "reply-drafter", "4", 20), c("generation", "reply-drafter", "3", 80)];
    const changes = diffComponents(from, to);
    expect(changes).toEqual([
      { kind: "changed", key: "generation · example/reply-drafter", from: from[0], to: to[1], fields: ["weight"] },
      { kind: "changed", key: "generation · example/reply-drafter", from: from[1], to: to[0], fields: ["weight", "shadow"] },
    ]);
  });

  it("finds nothing to change between equal bundles", () => {
    const same = [c("classifier", "support-triage", "14")];
    expect(hasChanges(diffComponents(same, [...same]))).toBe(false);
  });
});
