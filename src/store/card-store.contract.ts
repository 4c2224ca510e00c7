/**
 * The behaviour every store's model card table must show (and the provenance gates the workflow
 * tables accept since migration 0009), as a reusable vitest suite. `makeStore` returns a fresh,
 * empty, migrated store.
 */
import { randomUUID } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { CardRecord } from "./card-store.js";
import type { Store } from "./store.js";

export type MakeCardStore = () => Promise<{ store: Store; dispose(): Promise<void> }>;

const at = (seconds: number) => new Date(Date.parse("2026-03-01T00:00:00.000Z") + seconds * 1000);

const card = (version: string, sections: Record<string, string>, seconds = 0): CardRecord => ({
  backendId: "git",
  modelName: "credit-risk",
  version,
  sections,
  updatedBy: "alice",
  updatedAt: at(seconds),
  auditEventId: randomUUID(),
});

export function describeCardStoreContract(name: string, makeStore: MakeCardStore): void {
  describe(`model card store contract: ${name}`, () => {
    let store: Store;
    let dispose: () => Promise<void>;

    beforeEach(async () => {
      ({ store, dispose } = await makeStore());
    });
    afterEach(async () => {
      await dispose();
    });

    it("keeps the model's sections and each version's apart, and replaces a row on the next write", async () => {
      const model = card("", { intendedUse: "Scoring consumer loan applications.", caveats: "Not for business loans." });
      const v3 = card("3", { intendedUse: "Scoring — v3 adds thin-file applicants.\n\nSecond paragraph." });
      await store.cards.putCard(model);
      await store.cards.putCard(v3);
      expect(await store.cards.getCard("git", "credit-risk", "")).toEqual(model);
      expect(await store.cards.getCard("git", "credit-risk", "3")).toEqual(v3);
      expect(await store.cards.getCard("git", "credit-risk", "4")).toBeUndefined();
      expect(await store.cards.getCard("mlflow", "credit-risk", "")).toBeUndefined();

      const next = card("3", { factors: "Region." }, 60);
      await store.cards.putCard(next);
      expect(await store.cards.getCard("git", "credit-risk", "3")).toEqual(next);
    });

    it("rolls a card write back with its transaction", async () => {
      await expect(
        store.transaction(async (tx) => {
          await tx.cards.putCard(card("", { intendedUse: "x" }));
          throw new Error("boom");
        }),
      ).rejects.toThrow("boom");
      expect(await store.cards.getCard("git", "credit-risk", "")).toBeUndefined();
    });

    it("records SIGNATURE and LINEAGE gate results", async () => {
      const id = randomUUID();
      await store.workflow.insertRequest({
        id,
        kind: "PROMOTION",
        backendId: "git",
        modelName: "credit-risk",
        version: "3",
        environment: "production",
        fromStage: "STAGING",
        toStage: "PRODUCTION",
        demoteTo: "ARCHIVED",
        previousVersions: [],
        status: "PENDING",
        requestedBy: "alice",
        reason: "ship it",
        policy: { source: "rules[0]", eval: null, canary: false, approvals: 1, signature: { keys: ["ml"], identities: [] }, lineage: ["datasetHash"] },
        idempotencyKey: null,
        inputHash: null,
        lockKey: "git/credit-risk/production",
        at: at(0),
      });
      await store.workflow.upsertGateResult({ requestId: id, gate: "SIGNATURE", passed: true, detail: "signed by key ml", evidence: { subjectDigest: "sha256:ab" }, evaluatedAt: at(1) });
      await store.workflow.upsertGateResult({ requestId: id, gate: "LINEAGE", passed: false, detail: "missing lineage: datasetHash", evidence: null, evaluatedAt: at(1) });
      const gates = await store.workflow.listGateResults(id);
      expect(gates.map((g) => [g.gate, g.passed]).sort()).toEqual([
        ["LINEAGE", false],
        ["SIGNATURE", true],
      ]);
      expect((await store.workflow.getRequest(id))?.policy).toMatchObject({ signature: { keys: ["ml"], identities: [] }, lineage: ["datasetHash"] });
    });
  });
}
