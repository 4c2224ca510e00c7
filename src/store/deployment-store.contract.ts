/**
 * The behaviour every store's deployment tables must show, as a reusable vitest suite (the pattern
 * of ./workflow-store.contract.ts). `makeStore` returns a fresh, empty, migrated store.
 */
import { randomUUID } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { InvalidInputError } from "../core/errors.js";
import { componentsHash, type DeploymentComponent, type DeploymentTx, type NewDeploymentRevision } from "./deployment-store.js";
import { StoreError } from "./errors.js";
import type { Store } from "./store.js";

export type MakeDeploymentStore = () => Promise<{ store: Store; dispose(): Promise<void> }>;

const T0 = Date.parse("2026-03-01T00:00:00.000Z");
const at = (seconds: number) => new Date(T0 + seconds * 1000);

const ranker: DeploymentComponent = { role: "ranker", backendId: "sm", modelName: "rank", version: "3", weight: 100, shadow: false };
const retrieverA: DeploymentComponent = { role: "retriever", backendId: "vertex", modelName: "embed", version: "7", weight: 90, shadow: false };
const retrieverB: DeploymentComponent = { role: "retriever", backendId: "vertex", modelName: "embed", version: "8", weight: 10, shadow: false };
const shadowLlm: DeploymentComponent = { role: "generation", backendId: "git", modelName: "reply", version: "2", weight: 0, shadow: true };

function revision(deploymentId: string, components: DeploymentComponent[], seconds = 0): NewDeploymentRevision {
  return {
    id: randomUUID(),
    deploymentId,
    status: "DRAFT",
    components,
    createdBy: "alice",
    reason: "new bundle",
    createdAt: at(seconds),
    auditEventId: randomUUID(),
  };
}

export function describeDeploymentStoreContract(name: string, makeStore: MakeDeploymentStore): void {
  describe(`deployment store contract: ${name}`, () => {
    let store: Store;
    let dispose: () => Promise<void>;
    let dep: DeploymentTx;

    beforeEach(async () => {
      ({ store, dispose } = await makeStore());
      dep = store.deployments;
    });
    afterEach(async () => {
      await dispose();
    });

    it("creates a deployment once per name and environment and reads it back", async () => {
      const d = await dep.ensureDeployment("support-bot", "production", "alice", at(0));
      expect(d).toEqual({ id: d.id, name: "support-bot", environment: "production", createdBy: "alice", createdAt: at(0) });
      expect(await dep.ensureDeployment("support-bot", "production", "bob", at(5))).toEqual(d);
      const staging = await dep.ensureDeployment("support-bot", "staging", "bob", at(5));
      expect(staging.id).not.toBe(d.id);
      expect(await dep.getDeployment("support-bot", "production")).toEqual(d);
      expect(await dep.getDeploymentById(staging.id)).toEqual(staging);
      expect(await dep.getDeployment("nope", "production")).toBeUndefined();
      expect(await dep.getDeploymentById(randomUUID())).toBeUndefined();
    });

    it("numbers revisions per deployment, sorts components, hashes content and reads them back field for field", async () => {
      const d = await dep.ensureDeployment("support-bot", "production", "alice", at(0));
      const first = await dep.insertRevision(revision(d.id, [shadowLlm, retrieverB, ranker, retrieverA], 1));
      expect(first).toMatchObject({ deploymentId: d.id, number: 1, status: "DRAFT", createdBy: "alice", reason: "new bundle", createdAt: at(1) });
      expect(first.components).toEqual([shadowLlm, ranker, retrieverA, retrieverB]);
      expect(first.contentHash).toMatch(/^[0-9a-f]{64}$/);
      expect(first.contentHash).toBe(componentsHash([retrieverA, retrieverB, ranker, shadowLlm]));
      expect(await dep.getRevision(first.id)).toEqual(first);

      const second = await dep.insertRevision(revision(d.id, [ranker, { ...retrieverA, weight: 100 }], 2));
      expect(second.number).toBe(2);
      expect(second.contentHash).not.toBe(first.contentHash);
      // Equal content, equal hash, new revision; the first is unchanged.
      const third = await dep.insertRevision(revision(d.id, [retrieverA, ranker, retrieverB, shadowLlm], 3));
      expect(third).toMatchObject({ number: 3, contentHash: first.contentHash });
      expect(await dep.getRevision(first.id)).toEqual(first);
      expect((await dep.listRevisions(d.id, 10)).map((r) => r.number)).toEqual([3, 2, 1]);
      expect((await dep.listRevisions(d.id, 2)).map((r) => r.number)).toEqual([3, 2]);
      expect(await dep.latestRevision(d.id)).toEqual(third);

      const other = await dep.ensureDeployment("support-bot", "staging", "alice", at(0));
      expect(await dep.latestRevision(other.id)).toBeUndefined();
      expect((await dep.insertRevision(revision(other.id, [ranker]))).number).toBe(1);
      expect(await dep.getRevision(randomUUID())).toBeUndefined();
    });

    it("hashes only the content: weights and shadow flags count, order does not", () => {
      expect(componentsHash([ranker, retrieverA])).toBe(componentsHash([retrieverA, ranker]));
      expect(componentsHash([ranker])).not.toBe(componentsHash([{ ...ranker, weight: 99 }]));
      expect(componentsHash([shadowLlm])).not.toBe(componentsHash([{ ...shadowLlm, shadow: false }]));
    });

    it("lists deployments by environment then name, in pages", async () => {
      for (const [n, e] of [["b", "production"], ["a", "production"], ["c", "staging"], ["d", "production"]] as const) {
        await dep.ensureDeployment(n, e, "alice", at(0));
      }
      const p1 = await dep.listDeployments({ environment: "production", first: 2 });
      expect(p1.items.map((d) => d.name)).toEqual(["a", "b"]);
      const p2 = await dep.listDeployments({ environment: "production", first: 2, after: p1.nextCursor! });
      expect(p2.items.map((d) => d.name)).toEqual(["d"]);
      expect(p2.nextCursor).toBeUndefined();
      expect((await dep.listDeployments({ first: 10 })).items.map((d) => `${d.environment}/${d.name}`)).toEqual([
        "production/a",
        "production/b",
        "production/d",
        "staging/c",
      ]);
      await expect(dep.listDeployments({ first: 1, after: "garbage" })).rejects.toBeInstanceOf(InvalidInputError);
    });

    it("rolls a revision back with the transaction it was written in", async () => {
      const d = await dep.ensureDeployment("support-bot", "production", "alice", at(0));
      await expect(
        store.transaction(async (tx) => {
          await tx.deployments.insertRevision(revision(d.id, [ranker]));
          throw new Error("boom");
        }),
      ).rejects.toThrow("boom");
      expect(await dep.latestRevision(d.id)).toBeUndefined();
    });

    it("activates revisions as history: one open activation per deployment, answered for any past time", async () => {
      const d = await dep.ensureDeployment("support-bot", "production", "alice", at(0));
      const other = await dep.ensureDeployment("other-bot", "production", "alice", at(0));
      const staging = await dep.ensureDeployment("support-bot", "staging", "alice", at(0));
      const r1 = await dep.insertRevision(revision(d.id, [ranker]));
      const r2 = await dep.insertRevision(revision(d.id, [ranker, shadowLlm], 1));
      const o1 = await dep.insertRevision(revision(other.id, [retrieverA, retrieverB]));
      const s1 = await dep.insertRevision(revision(staging.id, [ranker]));
      expect(await dep.getRevisionByNumber(d.id, 2)).toEqual(r2);
      expect(await dep.getRevisionByNumber(d.id, 3)).toBeUndefined();
      expect(await dep.currentActivation(d.id)).toBeUndefined();
      expect(await dep.activationsAt("production")).toEqual([]);

      const a1 = await dep.activate({ id: randomUUID(), deploymentId: d.id, revisionId: r1.id, requestId: "req-1", activatedAt: at(10) });
      expect(a1).toEqual({ id: a1.id, deploymentId: d.id, revisionId: r1.id, requestId: "req-1", activatedAt: at(10), deactivatedAt: null });
      await dep.activate({ id: randomUUID(), deploymentId: other.id, revisionId: o1.id, requestId: "req-o", activatedAt: at(15) });
      await dep.activate({ id: randomUUID(), deploymentId: staging.id, revisionId: s1.id, requestId: "req-s", activatedAt: at(15) });
      const a2 = await dep.activate({ id: randomUUID(), deploymentId: d.id, revisionId: r2.id, requestId: "req-2", activatedAt: at(20) });
      expect(await dep.currentActivation(d.id)).toEqual(a2);
      expect(await dep.listActivations(d.id, 10)).toEqual([a2, { ...a1, deactivatedAt: at(20) }]);
      expect(await dep.listActivations(d.id, 1)).toEqual([a2]);

      const names = async (when?: Date) =>
        (await dep.activationsAt("production", when)).map(({ deployment, activation }) => `${deployment.name}:${activation.requestId}`);
      expect(await names()).toEqual(["other-bot:req-o", "support-bot:req-2"]);
      expect(await names(at(5))).toEqual([]);
      expect(await names(at(12))).toEqual(["support-bot:req-1"]);
      expect(await names(at(15))).toEqual(["other-bot:req-o", "support-bot:req-1"]);
      // At the instant of a switch the new revision is the one that runs.
      expect(await names(at(20))).toEqual(["other-bot:req-o", "support-bot:req-2"]);
      expect((await dep.activationsAt("staging")).map((a) => a.activation.requestId)).toEqual(["req-s"]);

      // What deployment approvals say of one model's versions: every activation bundling one, oldest first.
      expect(await dep.listComponentActivations("sm", "rank")).toEqual([
        { version: "3", shadow: false, environment: "production", activatedAt: at(10), requestId: "req-1" },
        { version: "3", shadow: false, environment: "staging", activatedAt: at(15), requestId: "req-s" },
        { version: "3", shadow: false, environment: "production", activatedAt: at(20), requestId: "req-2" },
      ]);
      expect(await dep.listComponentActivations("git", "reply")).toEqual([
        { version: "2", shadow: true, environment: "production", activatedAt: at(20), requestId: "req-2" },
      ]);
      expect((await dep.listComponentActivations("vertex", "embed")).map((a) => a.version)).toEqual(["7", "8"]);
      expect(await dep.listComponentActivations("vertex", "nope")).toEqual([]);
    });

    it("rolls an activation back with its transaction", async () => {
      const d = await dep.ensureDeployment("support-bot", "production", "alice", at(0));
      const r1 = await dep.insertRevision(revision(d.id, [ranker]));
      const r2 = await dep.insertRevision(revision(d.id, [retrieverA, retrieverB], 1));
      const a1 = await dep.activate({ id: randomUUID(), deploymentId: d.id, revisionId: r1.id, requestId: "req-1", activatedAt: at(10) });
      await expect(
        store.transaction(async (tx) => {
          await tx.deployments.activate({ id: randomUUID(), deploymentId: d.id, revisionId: r2.id, requestId: "req-2", activatedAt: at(20) });
          throw new Error("boom");
        }),
      ).rejects.toThrow("boom");
      expect(await dep.currentActivation(d.id)).toEqual(a1);
    });

    it("refuses calls on a transaction that has ended", async () => {
      let leaked: DeploymentTx | undefined;
      await store.transaction((tx) => {
        leaked = tx.deployments;
        return Promise.resolve();
      });
      await expect(leaked!.getDeployment("a", "production")).rejects.toBeInstanceOf(StoreError);
    });
  });
}
