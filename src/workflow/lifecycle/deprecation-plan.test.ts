/** The deprecation planner: versions, stages, deployments, trail and clock in, plan out. */
import { describe, expect, it } from "vitest";
import type { Stage } from "../../core/index.js";
import { newestFirst, planDeprecation, type DeploymentUse, type PlanInput, type PlanVersion } from "./deprecation-plan.js";

const NOW = new Date("2026-06-01T00:00:00Z");
const daysAgo = (d: number) => new Date(NOW.getTime() - d * 86_400_000);
const v = (version: string, ageDays: number, stage: Stage = "NONE", aliases: string[] = []): PlanVersion => ({ version, stage, aliases, createdAt: daysAgo(ageDays) });
const ENVIRONMENTS = { production: { stage: "PRODUCTION" as Stage }, staging: { stage: "STAGING" as Stage } };

function input(over: Partial<PlanInput> = {}): PlanInput {
  return {
    rules: [{ models: "*", backend: "*", keepNewest: 2, archiveAfterDays: 30 }],
    maxArchiveShare: 1,
    environments: ENVIRONMENTS,
    models: [],
    deploymentUses: [],
    trailUses: [],
    openRequests: [],
    now: NOW,
    ...over,
  };
}

const model = (versions: PlanVersion[], name = "churn", backendId = "git") => ({ backendId, modelName: name, versions });
const use = (version: string, state: DeploymentUse["state"], lastUsedDaysAgo: number): DeploymentUse => ({
  backendId: "git",
  modelName: "churn",
  version,
  deployment: "support-bot",
  environment: "production",
  revision: 3,
  state,
  lastUsedAt: daysAgo(lastUsedDaysAgo),
});

describe("planDeprecation", () => {
  it("archives versions older than the newest N that nothing uses, saying why", () => {
    const plan = planDeprecation(input({ models: [model([v("1", 100), v("2", 90), v("3", 80), v("4", 10), v("5", 5, "PRODUCTION")])] }));
    expect(plan.candidates.map((c) => c.version)).toEqual(["3", "2", "1"]);
    const first = plan.candidates[0]!;
    expect(first).toMatchObject({ backendId: "git", modelName: "churn", stage: "NONE", rule: "policies.deprecation.rules[0]", ageDays: 80, rank: 3, lastDeploymentUse: null });
    expect(first.reason).toBe("3rd newest (keepNewest 2), created 80 days ago (archiveAfterDays 30), in no environment, in no deployment revision");
    expect(plan.kept).toEqual([]);
    expect(plan.models).toEqual([{ backendId: "git", modelName: "churn", rule: "policies.deprecation.rules[0]", liveVersions: 5, toArchive: 3, share: 0.6, maxArchiveShare: 1, exceedsShare: false }]);
    expect(plan).toMatchObject({ liveVersions: 5, toArchive: 3, share: 0.6 });
    expect(plan.stops).toEqual([]);
  });

  it("orders by creation time, then version number; a version of unknown age is kept", () => {
    const sorted = [v("9", 10), v("10", 10), v("2", 50), { version: "x", stage: "NONE" as Stage, aliases: [] }].sort(newestFirst).map((x) => x.version);
    expect(sorted).toEqual(["10", "9", "2", "x"]);
    const plan = planDeprecation(input({ models: [model([v("3", 1), v("2", 2), { version: "1", stage: "NONE", aliases: [] }])] }));
    expect(plan.candidates).toEqual([]);
    expect(plan.kept).toEqual([{ backendId: "git", modelName: "churn", version: "1", stage: "NONE", why: "AGE_UNKNOWN", reason: "the backend does not say when it was created" }]);
  });

  it("never archives what an environment uses: its stage, an alias named after it, or the trail", () => {
    const plan = planDeprecation(
      input({
        models: [model([v("6", 1), v("5", 2), v("4", 100, "STAGING"), v("3", 100, "SHADOW", ["production"]), v("2", 100, "SHADOW"), v("1", 100, "ARCHIVED")])],
        trailUses: [{ backendId: "git", modelName: "churn", version: "2", environment: "production" }],
      }),
    );
    expect(plan.candidates).toEqual([]);
    expect(plan.kept.map((k) => [k.version, k.why, k.reason])).toEqual([
      ["4", "ENVIRONMENT", "in STAGING, the stage staging runs"],
      ["3", "ENVIRONMENT", "holds the alias production, named after an environment"],
      ["2", "ENVIRONMENT", "the promotion trail records it running in production"],
    ]);
    // Already archived: neither listed nor counted as live.
    expect(plan.models[0]).toMatchObject({ liveVersions: 5, toArchive: 0 });
  });

  it("keeps versions of active or pending deployment revisions, and those used within archiveAfterDays", () => {
    const versions = [v("9", 1), v("8", 2), v("4", 100), v("3", 100), v("2", 100), v("1", 100)];
    const plan = planDeprecation(
      input({ models: [model(versions)], deploymentUses: [use("4", "ACTIVE", 0), use("3", "PENDING", 0), use("2", "PAST", 10), use("1", "PAST", 45)] }),
    );
    expect(plan.kept.map((k) => [k.version, k.why, k.reason])).toEqual([
      ["4", "DEPLOYMENT", "bundled in support-bot@production revision 3, running"],
      ["3", "DEPLOYMENT", "bundled in support-bot@production revision 3, pending"],
      ["2", "RECENT", "in support-bot@production revision 3 10 days ago, within 30 days"],
    ]);
    expect(plan.candidates.map((c) => [c.version, c.lastDeploymentUse])).toEqual([["1", { deployment: "support-bot", environment: "production", revision: 3, at: daysAgo(45) }]]);
    expect(plan.candidates[0]!.reason).toMatch(/last in support-bot@production revision 3 45 days ago$/);
  });

  it("keeps a version with an open request, so a rerun asks only once", () => {
    const plan = planDeprecation(
      input({ models: [model([v("3", 1), v("2", 2), v("1", 100)])], openRequests: [{ backendId: "git", modelName: "churn", version: "1", requestId: "r-1", toStage: "ARCHIVED", status: "PENDING" }] }),
    );
    expect(plan.candidates).toEqual([]);
    expect(plan.kept).toMatchObject([{ version: "1", why: "OPEN_REQUEST", reason: "request r-1 to ARCHIVED is open (PENDING)" }]);
  });

  it("applies the first matching rule per backend and model pattern and leaves uncovered models alone", () => {
    const plan = planDeprecation(
      input({
        rules: [
          { models: "support-*", backend: "mlflow", keepNewest: 1, archiveAfterDays: 0 },
          { models: "support-*", backend: "*", keepNewest: 3, archiveAfterDays: 0 },
        ],
        models: [
          model([v("3", 3), v("2", 4), v("1", 5)], "support-triage", "mlflow"),
          model([v("3", 3), v("2", 4), v("1", 5)], "support-triage", "git"),
          model([v("3", 3), v("2", 4), v("1", 5)], "churn", "mlflow"),
        ],
      }),
    );
    expect(plan.candidates.map((c) => `${c.backendId}/${c.modelName}@${c.version} ${c.rule}`)).toEqual([
      "mlflow/support-triage@2 policies.deprecation.rules[0]",
      "mlflow/support-triage@1 policies.deprecation.rules[0]",
    ]);
    expect(plan.models.map((m) => `${m.backendId}/${m.modelName}`)).toEqual(["mlflow/support-triage", "git/support-triage"]);
  });

  it("stops and asks when a model's or the whole plan's share passes its limit", () => {
    const old = (n: number) => Array.from({ length: n }, (_, i) => v(String(i + 1), 100 - i));
    const plan = planDeprecation(
      input({
        rules: [
          { models: "big", backend: "*", keepNewest: 1, archiveAfterDays: 30, maxArchiveShare: 0.5 },
          { models: "*", backend: "*", keepNewest: 1, archiveAfterDays: 30 },
        ],
        maxArchiveShare: 0.6,
        models: [model(old(4), "big"), model(old(2), "small")],
      }),
    );
    expect(plan.models.map((m) => [m.modelName, m.toArchive, m.liveVersions, m.maxArchiveShare, m.exceedsShare])).toEqual([
      ["big", 3, 4, 0.5, true],
      ["small", 1, 2, 0.6, false],
    ]);
    expect(plan.stops).toEqual([
      "git/big: 3 of 4 live versions (75%) is more than its maxArchiveShare 50%",
      "the plan archives 4 of 6 live versions (66.7%), more than policies.deprecation.maxArchiveShare 60%",
    ]);
    // Exactly at the share: no stop.
    expect(planDeprecation(input({ maxArchiveShare: 0.5, models: [model(old(4))] })).stops).toEqual([]);
  });
});
