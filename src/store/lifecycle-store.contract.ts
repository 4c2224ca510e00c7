/**
 * The behaviour every store's lifecycle tables must show (the pattern of
 * ./deployment-store.contract.ts). `makeStore` returns a fresh, empty, migrated store.
 */
import { randomUUID } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { LifecycleTx, RolloutPlan, RolloutRecord, ShadowReportRecord } from "./lifecycle-store.js";
import type { Store } from "./store.js";

export type MakeLifecycleStore = () => Promise<{ store: Store; dispose(): Promise<void> }>;

const T0 = Date.parse("2026-03-01T10:00:00.000Z");
const at = (seconds: number) => new Date(T0 + seconds * 1000);

const PLAN: RolloutPlan = {
  steps: [
    { weight: 5, holdSeconds: 60 },
    { weight: 100, holdSeconds: 0 },
  ],
  maxErrorRate: 0.05,
  metricFloor: null,
  evidenceTimeoutSeconds: null,
  onBreach: "ROLLBACK",
  onMissingEvidence: "PAUSE",
};

function shadow(id: string, windowEndSeconds: number, extra: Partial<ShadowReportRecord> = {}): ShadowReportRecord {
  return {
    id,
    backendId: "git",
    modelName: "triage",
    version: "15",
    environment: "production",
    primaryVersion: "14",
    windowStart: at(windowEndSeconds - 3600),
    windowEnd: at(windowEndSeconds),
    requests: 1200,
    agreementRate: 0.97,
    latencyP50Ms: 80,
    latencyP95Ms: 210.5,
    errorRate: 0.002,
    evidence: "https://dash/1",
    notes: null,
    recordedBy: "shadow-bot",
    at: at(windowEndSeconds + 5),
    ...extra,
  };
}

export function describeLifecycleStoreContract(name: string, makeStore: MakeLifecycleStore): void {
  describe(`lifecycle store contract: ${name}`, () => {
    let store: Store;
    let dispose: () => Promise<void>;
    let lc: LifecycleTx;

    beforeEach(async () => {
      ({ store, dispose } = await makeStore());
      lc = store.lifecycle;
    });
    afterEach(async () => {
      await dispose();
    });

    it("adds usage to hour buckets, keeps the newest use, and sums a window per source", async () => {
      const ref = { backendId: "git", modelName: "triage", version: "14" };
      const base = { ...ref, environment: "production" };
      await lc.addUsage([
        { ...base, caller: "app-a", source: "RESOLVE", count: 3, at: at(10) },
        { ...base, caller: "app-b", source: "RESOLVE", count: 2, at: at(20) },
        { ...base, caller: "app-a", source: "SERVED", count: 500, at: at(30) },
      ]);
      // Same bucket again (adds up), an older time (the newest stays), another hour.
      await lc.addUsage([
        { ...base, caller: "app-a", source: "RESOLVE", count: 4, at: at(5) },
        { ...base, caller: "app-a", source: "RESOLVE", count: 1, at: at(3 * 3600) },
        { ...base, environment: "staging", caller: "ci", source: "RESOLVE", count: 7, at: at(40) },
        { ...base, caller: "app-a", source: "RESOLVE", count: 0, at: at(50) },
      ]);
      const all = await lc.usageSummary({ ...ref, since: at(-3600) });
      expect(all).toEqual({ lastResolvedAt: at(3 * 3600), resolves: 17, lastServedAt: at(30), served: 500 });
      const prod = await lc.usageSummary({ ...base, since: at(3600) });
      expect(prod).toEqual({ lastResolvedAt: at(3 * 3600), resolves: 1, lastServedAt: at(30), served: 0 });
      expect(await lc.lastUsed("git", "triage", "14", "staging")).toEqual(at(40));
      expect(await lc.lastUsed("git", "triage", "99", "production")).toBeNull();
      const callers = await lc.usageByCaller({ ...ref, since: at(-3600) }, 10);
      expect(callers.map((c) => [c.caller, c.environment, c.source, c.count])).toEqual([
        ["app-a", "production", "SERVED", 500],
        ["app-a", "production", "RESOLVE", 8],
        ["ci", "staging", "RESOLVE", 7],
        ["app-b", "production", "RESOLVE", 2],
      ]);
      expect(await lc.usageSummary({ ...ref, version: "nope", since: at(0) })).toEqual({ lastResolvedAt: null, resolves: 0, lastServedAt: null, served: 0 });
    });

    it("prunes old buckets but keeps the last use", async () => {
      const base = { backendId: "git", modelName: "triage", version: "14", environment: "production", caller: "app", source: "RESOLVE" as const };
      await lc.addUsage([
        { ...base, count: 2, at: at(0) },
        { ...base, count: 3, at: at(5 * 3600) },
      ]);
      expect(await lc.pruneUsage(at(3600))).toBe(1);
      expect(await lc.usageSummary({ ...base, since: at(-3600) })).toMatchObject({ resolves: 3, lastResolvedAt: at(5 * 3600) });
      await lc.addUsage([{ ...base, version: "13", count: 1, at: at(0) }]);
      await lc.pruneUsage(at(10 * 3600));
      expect(await lc.lastUsed("git", "triage", "13", "production")).toEqual(at(0));
    });

    it("keeps shadow reports newest window first, per environment", async () => {
      await lc.insertShadowReport(shadow("s1", 3600));
      await lc.insertShadowReport(shadow("s2", 7200, { latencyP50Ms: null, latencyP95Ms: null, primaryVersion: null }));
      await lc.insertShadowReport(shadow("s3", 9000, { environment: "staging" }));
      const prod = await lc.listShadowReports("git", "triage", "15", "production");
      expect(prod.map((r) => r.id)).toEqual(["s2", "s1"]);
      expect(prod[1]).toEqual(shadow("s1", 3600));
      expect(prod[0]).toMatchObject({ latencyP50Ms: null, primaryVersion: null });
      expect((await lc.listShadowReports("git", "triage", "15")).map((r) => r.id)).toEqual(["s3", "s2", "s1"]);
      await expect(lc.insertShadowReport(shadow("bad", 1, { agreementRate: 1.5 }))).rejects.toThrow();
    });

    it("keeps one open rollout per deployment and moves it by compare-and-set", async () => {
      const dep = await store.deployments.ensureDeployment("bot", "production", "alice", at(0));
      const rev = (n: number) =>
        store.deployments.insertRevision({
          id: randomUUID(),
          deploymentId: dep.id,
          status: "DRAFT",
          components: [{ role: "r", backendId: "git", modelName: "triage", version: String(n), weight: 100, shadow: false }],
          createdBy: "alice",
          reason: "r",
          createdAt: at(n),
          auditEventId: randomUUID(),
        });
      const r1 = await rev(1);
      const r2 = await rev(2);
      await lc.insertRolloutPlan(r2.id, PLAN, at(2));
      expect(await lc.getRolloutPlan(r2.id)).toEqual(PLAN);
      expect(await lc.getRolloutPlan(r1.id)).toBeUndefined();
      const rollout: RolloutRecord = {
        id: randomUUID(),
        deploymentId: dep.id,
        revisionId: r2.id,
        fromRevisionId: r1.id,
        plan: PLAN,
        status: "RUNNING",
        step: 0,
        stepStartedAt: at(10),
        pausedReason: null,
        createdAt: at(10),
        updatedAt: at(10),
      };
      await lc.insertRollout(rollout);
      await expect(lc.insertRollout({ ...rollout, id: randomUUID() })).rejects.toMatchObject({ code: "CONFLICT" });
      expect(await lc.openRollout(dep.id)).toEqual(rollout);
      expect(await lc.updateRollout(rollout.id, { status: "RUNNING", step: 1 }, { step: 2 }, at(11))).toBe(false);
      expect(await lc.updateRollout(rollout.id, { status: "RUNNING", step: 0 }, { step: 1, stepStartedAt: at(70) }, at(70))).toBe(true);
      expect(await lc.updateRollout(rollout.id, { status: "RUNNING", step: 0 }, { step: 1 }, at(71))).toBe(false);
      expect(await lc.updateRollout(rollout.id, { status: "RUNNING", step: 1 }, { status: "PAUSED", pausedReason: "no evidence" }, at(80))).toBe(true);
      expect(await lc.listOpenRollouts()).toMatchObject([{ id: rollout.id, status: "PAUSED", step: 1, pausedReason: "no evidence", stepStartedAt: at(70) }]);
      expect(await lc.updateRollout(rollout.id, { status: "PAUSED", step: 1 }, { status: "ROLLED_BACK" }, at(90))).toBe(true);
      expect(await lc.openRollout(dep.id)).toBeUndefined();
      expect(await lc.listOpenRollouts()).toEqual([]);
      // Closed: a new rollout of the deployment may start.
      await lc.insertRollout({ ...rollout, id: randomUUID(), createdAt: at(100) });
      expect((await lc.listRollouts(dep.id, 10)).map((r) => r.status)).toEqual(["RUNNING", "ROLLED_BACK"]);
    });

    it("keeps one open idle alert per version and environment", async () => {
      const alert = {
        id: randomUUID(),
        backendId: "git",
        modelName: "triage",
        version: "14",
        environment: "production",
        lastUsedAt: null,
        raisedAt: at(0),
        auditEventId: randomUUID(),
      };
      await lc.insertIdleAlert(alert);
      await expect(lc.insertIdleAlert({ ...alert, id: randomUUID() })).rejects.toMatchObject({ code: "CONFLICT" });
      await lc.insertIdleAlert({ ...alert, id: randomUUID(), environment: "staging", lastUsedAt: at(-5) });
      expect((await lc.listOpenIdleAlerts("production")).map((a) => a.id)).toEqual([alert.id]);
      expect(await lc.listOpenIdleAlerts()).toHaveLength(2);
      expect(await lc.clearIdleAlert(alert.id, at(60))).toBe(true);
      expect(await lc.clearIdleAlert(alert.id, at(61))).toBe(false);
      await lc.insertIdleAlert({ ...alert, id: randomUUID(), raisedAt: at(120) });
      expect(await lc.listOpenIdleAlerts("production")).toMatchObject([{ raisedAt: at(120), clearedAt: null }]);
    });

    it("reads version links both ways", async () => {
      const link = {
        id: randomUUID(),
        kind: "COPIED_FROM" as const,
        backendId: "sagemaker",
        modelName: "triage",
        version: "1",
        fromBackendId: "mlflow",
        fromModelName: "triage",
        fromVersion: "3",
        requestId: null,
        createdAt: at(0),
      };
      await lc.insertVersionLink(link);
      expect(await lc.linksTo("sagemaker", "triage", "1")).toEqual([link]);
      expect(await lc.linksFrom("mlflow", "triage", "3")).toEqual([link]);
      expect(await lc.linksFrom("sagemaker", "triage", "1")).toEqual([]);
    });
  });
}
