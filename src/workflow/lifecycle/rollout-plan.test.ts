import { describe, expect, it } from "vitest";
import type { DeploymentComponent } from "../../store/deployment-store.js";
import type { CanaryResultRecord } from "../../store/workflow-store.js";
import { checkRolloutPlan, judgeStep, servedComponents } from "./rollout-plan.js";

const c = (role: string, version: string, weight: number, shadow = false): DeploymentComponent => ({ role, backendId: "b", modelName: role, version, weight, shadow });
const t0 = new Date("2026-12-01T00:00:00Z");
const after = (s: number) => new Date(t0.getTime() + s * 1000);
const result = (over: Partial<CanaryResultRecord>): CanaryResultRecord => ({
  id: "r",
  backendId: "b",
  modelName: "m",
  version: "2",
  environment: "production",
  clean: true,
  evidence: null,
  notes: null,
  recordedBy: "ci",
  at: t0,
  ...over,
});

describe("checkRolloutPlan", () => {
  it("fills the defaults and names the bad field", () => {
    expect(checkRolloutPlan({ steps: [{ weight: 5, holdSeconds: 60 }, { weight: 100, holdSeconds: 0 }] })).toEqual({
      steps: [{ weight: 5, holdSeconds: 60 }, { weight: 100, holdSeconds: 0 }],
      maxErrorRate: null,
      metricFloor: null,
      minRequests: null,
      evidenceTimeoutSeconds: null,
      onBreach: "ROLLBACK",
      onMissingEvidence: "PAUSE",
    });
    expect(() => checkRolloutPlan({ steps: [] })).toThrow(/rollout.steps: a plan has 1 to 20 steps/);
    expect(() => checkRolloutPlan({ steps: [{ weight: 50, holdSeconds: 1 }, { weight: 25, holdSeconds: 1 }] })).toThrow(/rollout.steps.1.weight: steps must grow/);
    expect(() => checkRolloutPlan({ steps: [{ weight: 0, holdSeconds: 1 }] })).toThrow(/rollout.steps.0.weight/);
    expect(() => checkRolloutPlan({ steps: [{ weight: 5, holdSeconds: -1 }] })).toThrow(/rollout.steps.0.holdSeconds/);
    expect(() => checkRolloutPlan({ steps: [{ weight: 5, holdSeconds: 1 }], maxErrorRate: 2 })).toThrow(/rollout.maxErrorRate/);
    expect(() => checkRolloutPlan({ steps: [{ weight: 5, holdSeconds: 1 }], metricFloor: { name: " ", min: 1 } })).toThrow(/rollout.metricFloor.name/);
    expect(() => checkRolloutPlan({ steps: [{ weight: 5, holdSeconds: 1 }], minRequests: -1 })).toThrow(/rollout.minRequests/);
    expect(() => checkRolloutPlan({ steps: [{ weight: 5, holdSeconds: 1 }], evidenceTimeoutSeconds: 0 })).toThrow(/rollout.evidenceTimeoutSeconds/);
  });
});

describe("servedComponents", () => {
  it("splits each role between the revisions and keeps whole percents summing to 100", () => {
    const prev = [c("clf", "14", 100), c("ret", "2", 100)];
    const next = [c("clf", "15", 100), c("ret", "2", 100), c("gen", "4", 100), c("clf", "16", 0, true)];
    const at5 = servedComponents(next, prev, 5);
    expect(at5).toEqual([c("clf", "15", 5), c("clf", "14", 95), c("ret", "2", 100), c("gen", "4", 100), c("clf", "16", 0, true)]);
    const uneven = servedComponents([c("clf", "15", 50), c("clf", "16", 50)], [c("clf", "14", 100)], 5);
    expect(uneven.map((x) => x.weight)).toEqual([3, 2, 95]);
    for (const w of [1, 5, 25, 33, 50, 99, 100]) {
      const served = servedComponents([c("clf", "15", 33), c("clf", "16", 67)], [c("clf", "13", 50), c("clf", "14", 50)], w);
      expect(served.reduce((s, x) => s + x.weight, 0)).toBe(100);
    }
  });
});

describe("judgeStep", () => {
  const plan = checkRolloutPlan({
    steps: [{ weight: 10, holdSeconds: 60 }, { weight: 100, holdSeconds: 60 }],
    maxErrorRate: 0.05,
    metricFloor: { name: "accuracy", min: 0.9 },
    minRequests: 100,
    evidenceTimeoutSeconds: 120,
  });
  const good = result({ errorRate: 0.01, requests: 150, metrics: { accuracy: 0.93 } });

  it("advances only after the hold with enough evidence", () => {
    expect(judgeStep(plan, 0, t0, after(30), [good]).kind).toBe("WAIT");
    expect(judgeStep(plan, 0, t0, after(60), [good])).toMatchObject({ kind: "ADVANCE" });
  });
  it("breaks on a bad result at once", () => {
    expect(judgeStep(plan, 0, t0, after(1), [good, result({ errorRate: 0.2, requests: 10 })])).toMatchObject({ kind: "BREACH", reason: expect.stringContaining("error rate 0.2") });
    expect(judgeStep(plan, 0, t0, after(1), [result({ metrics: { accuracy: 0.8 } })])).toMatchObject({ kind: "BREACH", reason: expect.stringContaining("accuracy 0.8 is below") });
    expect(judgeStep(plan, 1, t0, after(1), [result({ clean: false, notes: "pager" })])).toMatchObject({ kind: "BREACH", reason: expect.stringContaining("not clean (pager)") });
  });
  it("reports missing evidence after the deadline, naming what lacks", () => {
    expect(judgeStep(plan, 0, t0, after(90), []).kind).toBe("WAIT");
    expect(judgeStep(plan, 0, t0, after(120), [])).toMatchObject({ kind: "MISSING", reason: expect.stringContaining("no canary result") });
    expect(judgeStep(plan, 0, t0, after(120), [result({ errorRate: 0.01, requests: 10, metrics: { accuracy: 0.95 } })])).toMatchObject({
      kind: "MISSING",
      reason: expect.stringContaining("10 of 100 requests"),
    });
  });
});
