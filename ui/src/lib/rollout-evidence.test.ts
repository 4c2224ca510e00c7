import { describe, expect, it } from "vitest";
import { formatHold, thresholdRows } from "./rollout-evidence";

const plan = { maxErrorRate: 0.02, metricFloor: { name: "accuracy", min: 0.9 }, minRequests: 500 };

describe("a rollout step's evidence against its plan", () => {
  it("waits for every threshold while no result is in", () => {
    expect(thresholdRows(plan, { resultCount: 0, requests: 0, maxErrorRate: null, minMetric: null, canaryResults: [] })).toEqual([
      { name: "Canary results", wants: "at least one, each marked clean", seen: "none yet", state: "waiting" },
      { name: "Error rate", wants: "at most 0.02", seen: "none reported", state: "waiting" },
      { name: "accuracy", wants: "at least 0.9", seen: "none reported", state: "waiting" },
      { name: "Requests", wants: "at least 500", seen: "0 of 500", state: "waiting" },
    ]);
  });

  it("passes what is within the plan and waits for the requests still missing", () => {
    const rows = thresholdRows(plan, { resultCount: 1, requests: 120, maxErrorRate: 0.004, minMetric: 0.93, canaryResults: [{ clean: true }] });
    expect(rows.map((r) => [r.name, r.seen, r.state])).toEqual([
      ["Canary results", "1, all clean", "passed"],
      ["Error rate", "highest 0.004", "passed"],
      ["accuracy", "lowest 0.93", "passed"],
      ["Requests", "120 of 500", "waiting"],
    ]);
  });

  it("marks a result that breaks the step: not clean, an error rate above the maximum, a metric under its floor", () => {
    const rows = thresholdRows(plan, { resultCount: 2, requests: 900, maxErrorRate: 0.3, minMetric: 0.5, canaryResults: [{ clean: false }, { clean: true }] });
    expect(rows.map((r) => r.state)).toEqual(["broken", "broken", "broken", "passed"]);
    expect(rows[0]?.seen).toBe("2, 1 marked not clean");
  });

  it("lists only the thresholds the plan sets", () => {
    expect(thresholdRows({}, { resultCount: 1, requests: 5, canaryResults: [{ clean: true }] }).map((r) => r.name)).toEqual(["Canary results"]);
  });

  it("writes holds in the largest whole unit", () => {
    expect([0, 45, 600, 5400, 7200, 172800].map(formatHold)).toEqual(["no hold", "45 s", "10 min", "90 min", "2 h", "2 d"]);
  });
});
