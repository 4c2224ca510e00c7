import { describe, expect, it } from "vitest";
import { auditActionsPayload, parseAuditActions } from "./postgres-audit-wakeups.js";

describe("the actions' NOTIFY payload", () => {
  it("reads back what it wrote", () => {
    const payload = auditActionsPayload(7, { firstSeq: 5, actions: new Set(["usage.report", "eval.record"]) });
    expect(payload).toBe('{"head":7,"first":5,"actions":["usage.report","eval.record"]}');
    expect(parseAuditActions(payload as string)).toEqual({ headSeq: 7, firstSeq: 5, actions: new Set(["usage.report", "eval.record"]) });
  });

  it("is not sent when it would not fit in a NOTIFY (8,000 bytes)", () => {
    const actions = new Set(Array.from({ length: 400 }, (_, i) => `some.long.action.name.${i}`));
    expect(auditActionsPayload(500, { firstSeq: 1, actions })).toBeUndefined();
  });

  it.each([
    ["not JSON", "7"],
    ["null", "null"],
    ["no head", '{"first":1,"actions":[]}'],
    ["a first seq above the head", '{"head":3,"first":4,"actions":[]}'],
    ["a first seq below 1", '{"head":3,"first":0,"actions":[]}'],
    ["a head that is not an integer", '{"head":"3","first":1,"actions":[]}'],
    ["actions that are not strings", '{"head":3,"first":1,"actions":[1]}'],
    ["no actions", '{"head":3,"first":1}'],
  ])("reads %s as nothing known", (_, payload) => {
    expect(parseAuditActions(payload)).toBeUndefined();
  });
});
