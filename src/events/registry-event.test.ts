import { describe, expect, it } from "vitest";
import type { AuditEvent } from "../store/store.js";
import { eventEnvironment, matchesFilter, registryEventType, toRegistryEvent, type RegistryEvent } from "./registry-event.js";

function audit(overrides: Partial<AuditEvent> = {}): AuditEvent {
  return {
    seq: 7,
    id: "6f1c0d1e-2b1e-4c8a-9f0e-2a1b3c4d5e6f",
    at: new Date("2026-11-01T10:00:00.000Z"),
    actor: "alice",
    action: "alias.set",
    targetType: "alias",
    target: "example/support-triage#champion",
    backendId: "example",
    modelName: "support-triage",
    outcome: "SUCCESS",
    prevHash: "a".repeat(64),
    hash: "b".repeat(64),
    ...overrides,
  };
}

describe("registryEventType", () => {
  it.each([
    ["model_version.register", "SUCCESS", "VERSION_REGISTERED"],
    ["model.create", "SUCCESS", "VERSION_REGISTERED"],
    ["alias.set", "SUCCESS", "ALIAS_CHANGED"],
    ["alias.remove", "SUCCESS", "ALIAS_CHANGED"],
    ["promotion.apply", "SUCCESS", "STAGE_CHANGED"],
    ["promotion.demote", "SUCCESS", "STAGE_CHANGED"],
    ["promotion.apply", "FAILURE", "PROMOTION_UPDATED"],
    ["promotion.request", "SUCCESS", "PROMOTION_UPDATED"],
    ["promotion.gate", "SUCCESS", "PROMOTION_UPDATED"],
    ["promotion.queue", "SUCCESS", "PROMOTION_UPDATED"],
    ["promotion.rollback", "SUCCESS", "PROMOTION_UPDATED"],
    ["promotion.approve", "SUCCESS", "APPROVAL"],
    ["promotion.reject", "SUCCESS", "APPROVAL"],
    ["eval.record", "SUCCESS", "EVIDENCE_RECORDED"],
    ["canary.record", "SUCCESS", "EVIDENCE_RECORDED"],
    ["shadow.record", "SUCCESS", "EVIDENCE_RECORDED"],
    ["deployment.revision_create", "SUCCESS", "DEPLOYMENT_CHANGED"],
    ["deployment.anything_new", "FAILURE", "DEPLOYMENT_CHANGED"],
    ["OUT_OF_BAND_CHANGE", "SUCCESS", "DRIFT"],
    ["UNAPPROVED_IN_STAGE", "SUCCESS", "DRIFT"],
    ["DRIFT_RESOLVED", "SUCCESS", "DRIFT"],
    ["webhook.create", "SUCCESS", "OTHER"],
    ["promotion.unknown", "SUCCESS", "OTHER"],
    ["deployment", "SUCCESS", "OTHER"],
  ] as const)("%s (%s) is %s", (action, outcome, type) => {
    expect(registryEventType({ action, outcome })).toBe(type);
  });
});

describe("eventEnvironment", () => {
  it("takes a drift event's environment from its after", () => {
    const event = audit({ action: "UNAPPROVED_IN_STAGE", targetType: "model_version", target: "example/support-triage@16", before: { stage: null, requestId: null }, after: { stage: "PRODUCTION", environment: "production" } });
    expect(eventEnvironment(event)).toBe("production");
    expect(toRegistryEvent(event)).toMatchObject({ type: "DRIFT", action: "UNAPPROVED_IN_STAGE", environment: "production" });
  });

  it("takes the environment field of after, then of before", () => {
    expect(eventEnvironment(audit({ action: "canary.record", after: { environment: "staging", clean: true } }))).toBe("staging");
    expect(eventEnvironment(audit({ action: "x", before: { environment: "prod" }, after: { stage: "PRODUCTION" } }))).toBe("prod");
  });

  it("reads a promotion request's environment from its target", () => {
    const event = audit({
      action: "promotion.approve",
      targetType: "promotion_request",
      target: "example/support-triage@14 -> PRODUCTION (production) [0c5e0f3a-1111-4222-8333-444455556666]",
    });
    expect(eventEnvironment(event)).toBe("production");
  });

  it("reads a deployment's environment from its target", () => {
    expect(eventEnvironment(audit({ action: "deployment.revision_create", targetType: "deployment_revision", target: "triage@staging#3" }))).toBe("staging");
    expect(eventEnvironment(audit({ action: "deployment.rollout", targetType: "deployment", target: "triage@production" }))).toBe("production");
  });

  it("is undefined for events that concern no environment", () => {
    expect(eventEnvironment(audit())).toBeUndefined();
    expect(eventEnvironment(audit({ action: "model_version.register", targetType: "model_version", target: "example/x", after: { version: "3" } }))).toBeUndefined();
    expect(eventEnvironment(audit({ action: "x", after: ["environment"] }))).toBeUndefined();
    expect(eventEnvironment(audit({ action: "x", after: { environment: 3 } }))).toBeUndefined();
  });
});

describe("toRegistryEvent", () => {
  it("carries the audit event's identity, order and content", () => {
    const source = audit({ before: { version: "13" }, after: { version: "14" }, reason: "ship it", requestId: "req-1" });
    expect(toRegistryEvent(source)).toEqual({
      id: source.id,
      seq: 7,
      type: "ALIAS_CHANGED",
      action: "alias.set",
      at: source.at,
      actor: "alice",
      target: "example/support-triage#champion",
      backendId: "example",
      modelName: "support-triage",
      before: { version: "13" },
      after: { version: "14" },
      reason: "ship it",
    });
  });

  it("gives null before/after and leaves out absent optional fields", () => {
    const event = toRegistryEvent(audit({ backendId: undefined, modelName: undefined }));
    expect(event.before).toBeNull();
    expect(event.after).toBeNull();
    expect(Object.keys(event)).not.toContain("backendId");
    expect(Object.keys(event)).not.toContain("modelName");
    expect(Object.keys(event)).not.toContain("environment");
    expect(Object.keys(event)).not.toContain("reason");
  });
});

describe("matchesFilter", () => {
  const event: RegistryEvent = toRegistryEvent(
    audit({
      action: "promotion.apply",
      targetType: "promotion_request",
      target: "example/support-triage@14 -> PRODUCTION (production) [r1]",
    }),
  );

  it("matches everything without a filter or with an empty one", () => {
    expect(matchesFilter(event, undefined)).toBe(true);
    expect(matchesFilter(event, {})).toBe(true);
    expect(matchesFilter(event, { types: [] })).toBe(true);
  });

  it("matches any of the types", () => {
    expect(matchesFilter(event, { types: ["ALIAS_CHANGED", "STAGE_CHANGED"] })).toBe(true);
    expect(matchesFilter(event, { types: ["ALIAS_CHANGED"] })).toBe(false);
  });

  it("needs every other criterion to be equal", () => {
    expect(matchesFilter(event, { backendId: "example", modelName: "support-triage", environment: "production" })).toBe(true);
    expect(matchesFilter(event, { backendId: "mlflow" })).toBe(false);
    expect(matchesFilter(event, { modelName: "other" })).toBe(false);
    expect(matchesFilter(event, { environment: "staging" })).toBe(false);
    expect(matchesFilter(event, { types: ["STAGE_CHANGED"], environment: "staging" })).toBe(false);
  });

  it("does not match an event without the field asked for", () => {
    const bare = toRegistryEvent(audit({ backendId: undefined, modelName: undefined }));
    expect(matchesFilter(bare, { backendId: "example" })).toBe(false);
    expect(matchesFilter(bare, { modelName: "support-triage" })).toBe(false);
    expect(matchesFilter(bare, { environment: "production" })).toBe(false);
  });
});
