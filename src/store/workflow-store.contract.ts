/**
 * The behaviour every store's workflow tables must show, as a reusable vitest suite (the pattern of
 * ./store.contract.ts). `makeStore` returns a fresh, empty, migrated store.
 */
import { randomUUID } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ConflictError, InvalidInputError } from "../core/errors.js";
import { StoreError } from "./errors.js";
import type { Store } from "./store.js";
import { OutboxLeaseLostError, type DriftKind, type DriftObservationRecord, type NewPromotionRequest, type WorkflowTx } from "./workflow-store.js";

export type MakeWorkflowStore = () => Promise<{ store: Store; dispose(): Promise<void> }>;

const T0 = Date.parse("2026-03-01T00:00:00.000Z");
const at = (seconds: number) => new Date(T0 + seconds * 1000);

function request(overrides: Partial<NewPromotionRequest> = {}): NewPromotionRequest {
  return {
    id: randomUUID(),
    kind: "PROMOTION",
    backendId: "git",
    modelName: "support-triage",
    version: "15",
    environment: "production",
    fromStage: "STAGING",
    toStage: "PRODUCTION",
    demoteTo: "ARCHIVED",
    previousVersions: ["14"],
    status: "PENDING",
    requestedBy: "alice",
    reason: "ship it",
    policy: { source: "rules[0]", eval: { minScore: 0.9 }, canary: true, approvals: 1 },
    idempotencyKey: null,
    inputHash: null,
    lockKey: "git/support-triage/production",
    at: at(0),
    ...overrides,
  };
}

export function describeWorkflowStoreContract(name: string, makeStore: MakeWorkflowStore): void {
  describe(`workflow store contract: ${name}`, () => {
    let store: Store;
    let dispose: () => Promise<void>;
    let wf: WorkflowTx;

    beforeEach(async () => {
      ({ store, dispose } = await makeStore());
      wf = store.workflow;
    });
    afterEach(async () => {
      await dispose();
    });

    it("stores a request and reads it back field for field", async () => {
      const r = request({ idempotencyKey: "key-1", inputHash: "h1" });
      await wf.insertRequest(r);
      const { lockKey: _lock, at: created, ...rest } = r;
      expect(await wf.getRequest(r.id)).toEqual({ ...rest, failure: null, createdAt: created, updatedAt: created, deploymentRevisionId: null });
      expect((await wf.findByIdempotencyKey("key-1"))?.id).toBe(r.id);
      expect((await wf.findOpen(r.lockKey))?.id).toBe(r.id);
      expect(await wf.getRequest(randomUUID())).toBeUndefined();
    });

    it("allows one open request per lock key, enforced by the database, until it ends", async () => {
      const first = request();
      await wf.insertRequest(first);
      const err = await wf.insertRequest(request()).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ConflictError);
      expect((err as ConflictError).message).toContain(`already has an open request ${first.id}`);
      expect(await wf.setStatus(first.id, ["APPLYING"], "APPLIED", at(1))).toBe(false);
      expect(await wf.setStatus(first.id, ["PENDING"], "APPLYING", at(1))).toBe(true);
      await expect(wf.insertRequest(request())).rejects.toBeInstanceOf(ConflictError);
      expect(await wf.setStatus(first.id, ["APPLYING"], "FAILED", at(2), "backend said no")).toBe(true);
      expect(await wf.getRequest(first.id)).toMatchObject({ status: "FAILED", failure: "backend said no", updatedAt: at(2) });
      await wf.insertRequest(request());
      expect(await wf.listOpenFor("git", "support-triage", "production")).toHaveLength(1);
    });

    it("refuses a second request with the same idempotency key", async () => {
      await wf.insertRequest(request({ idempotencyKey: "k" }));
      const err = await wf.insertRequest(request({ idempotencyKey: "k", lockKey: "other" })).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ConflictError);
      expect((err as ConflictError).field).toBe("idempotencyKey");
    });

    it("commits workflow rows with the audit events of their transaction, or neither", async () => {
      const r = request();
      await expect(
        store.transaction(async (tx) => {
          await tx.workflow.insertRequest(r);
          await tx.appendAudit({ actor: "alice", action: "promotion.request", targetType: "promotion_request", target: r.id, outcome: "SUCCESS" });
          throw new Error("boom");
        }),
      ).rejects.toThrow("boom");
      expect(await wf.getRequest(r.id)).toBeUndefined();
      expect((await store.listAudit({ first: 10 })).items).toEqual([]);

      let leaked: WorkflowTx | undefined;
      await store.transaction(async (tx) => {
        leaked = tx.workflow;
        await tx.workflow.insertRequest(r);
      });
      expect(await wf.getRequest(r.id)).toBeDefined();
      await expect(leaked!.getRequest(r.id)).rejects.toBeInstanceOf(StoreError);
    });

    it("pages requests newest first with an opaque cursor and filters by status", async () => {
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        const r = request({ lockKey: `slot-${i}`, at: at(i) });
        ids.push(r.id);
        await wf.insertRequest(r);
      }
      await wf.setStatus(ids[1]!, ["PENDING"], "REJECTED", at(10));
      const page1 = await wf.listRequests({ first: 2 });
      expect(page1.items.map((r) => r.id)).toEqual([ids[4], ids[3]]);
      const page2 = await wf.listRequests({ first: 2, after: page1.nextCursor! });
      expect(page2.items.map((r) => r.id)).toEqual([ids[2], ids[1]]);
      const page3 = await wf.listRequests({ first: 2, after: page2.nextCursor! });
      expect(page3).toEqual({ items: [expect.objectContaining({ id: ids[0] })] });
      expect((await wf.listRequests({ first: 10, status: "REJECTED" })).items.map((r) => r.id)).toEqual([ids[1]]);
      await expect(wf.listRequests({ first: 2, after: "bogus" })).rejects.toBeInstanceOf(InvalidInputError);
    });

    it("keeps the latest result per gate and one decision per approver", async () => {
      const r = request();
      await wf.insertRequest(r);
      await wf.upsertGateResult({ requestId: r.id, gate: "EVAL", passed: false, detail: "0.8 < 0.9", evidence: { score: 0.8 }, evaluatedAt: at(1) });
      await wf.upsertGateResult({ requestId: r.id, gate: "EVAL", passed: true, detail: "0.95 >= 0.9", evidence: { score: 0.95 }, evaluatedAt: at(2) });
      expect(await wf.listGateResults(r.id)).toEqual([
        { requestId: r.id, gate: "EVAL", passed: true, detail: "0.95 >= 0.9", evidence: { score: 0.95 }, evaluatedAt: at(2) },
      ]);
      await wf.insertApproval({ id: randomUUID(), requestId: r.id, actor: "bob", decision: "APPROVED", comment: null, at: at(3) });
      await expect(
        wf.insertApproval({ id: randomUUID(), requestId: r.id, actor: "bob", decision: "REJECTED", comment: "changed my mind", at: at(4) }),
      ).rejects.toBeInstanceOf(ConflictError);
      expect((await wf.listApprovals(r.id)).map((a) => [a.actor, a.decision])).toEqual([["bob", "APPROVED"]]);
      expect((await wf.listDecisions("APPROVED", 10)).map((a) => a.requestId)).toEqual([r.id]);
    });

    const NO_STEPS = { holders: null, targetSet: false, demoted: [] };

    async function outboxRow(overrides: Partial<NewPromotionRequest> = {}): Promise<{ id: string; requestId: string }> {
      const r = request({ status: "APPLYING", ...overrides });
      await wf.insertRequest(r);
      const id = randomUUID();
      await wf.insertOutbox({ id, requestId: r.id, status: "PENDING", attempts: 0, steps: NO_STEPS, nextAttemptAt: at(0), createdAt: at(0) });
      return { id, requestId: r.id };
    }

    /** Polls (a condition, not a timer) until the row's lease has run out by the database's clock. */
    async function untilDue(id: string): Promise<void> {
      const until = Date.now() + 20_000;
      while (!(await wf.listDueOutbox(at(1), 10)).some((o) => o.id === id)) {
        if (Date.now() > until) throw new Error(`outbox row ${id} never became due`);
        await new Promise((r) => setTimeout(r, 20));
      }
    }

    it("leases an outbox row to one worker at a time, with a fencing token per lease, and honours the retry time", async () => {
      const { id, requestId } = await outboxRow();
      expect(await wf.getOutboxByRequest(requestId)).toMatchObject({ leaseOwner: null, leaseToken: 0, leaseUntil: null });
      expect((await wf.listDueOutbox(at(1), 10)).map((o) => o.id)).toEqual([id]);
      const first = await wf.leaseOutbox(id, "worker-a", 60_000);
      expect(first).toEqual({ id, owner: "worker-a", token: 1 });
      expect(await wf.leaseOutbox(id, "worker-b", 60_000)).toBeUndefined();
      expect(await wf.leaseOutbox(id, "worker-a", 60_000)).toBeUndefined();
      expect(await wf.listDueOutbox(at(2), 10)).toEqual([]);
      const leased = await wf.getOutboxByRequest(requestId);
      expect(leased).toMatchObject({ leaseOwner: "worker-a", leaseToken: 1 });
      // Set from the database's clock, which is this machine's here.
      expect(leased!.leaseUntil!.getTime()).toBeGreaterThan(Date.now());

      // Renewing pushes the end further out.
      await wf.renewOutboxLease(first!, 120_000);
      expect((await wf.getOutboxByRequest(requestId))!.leaseUntil!.getTime()).toBeGreaterThan(leased!.leaseUntil!.getTime());

      // A transient failure: progress saved, lease released until the retry time.
      const steps = { holders: ["14"], targetSet: true, demoted: [] };
      await wf.updateOutbox(first!, { attempts: 1, release: true, nextAttemptAt: at(200), steps, lastError: "down" }, at(62));
      expect(await wf.getOutboxByRequest(requestId)).toMatchObject({ attempts: 1, steps, lastError: "down", leaseOwner: null, leaseUntil: null, leaseToken: 1 });
      expect(await wf.listDueOutbox(at(199), 10)).toEqual([]);
      expect((await wf.listDueOutbox(at(200), 10)).map((o) => o.id)).toEqual([id]);

      // The released lease writes nothing any more, even for the same owner, who gets a new token.
      await expect(wf.updateOutbox(first!, { steps: NO_STEPS }, at(201))).rejects.toBeInstanceOf(OutboxLeaseLostError);
      const second = await wf.leaseOutbox(id, "worker-a", 60_000);
      expect(second).toEqual({ id, owner: "worker-a", token: 2 });
      await expect(wf.renewOutboxLease(first!, 60_000)).rejects.toThrow(/lease 1 of worker-a is no longer held \(now lease 2 of worker-a\)/);
      expect((await wf.getOutboxByRequest(requestId))!.steps).toEqual(steps);

      await wf.updateOutbox(second!, { status: "DONE", release: true }, at(202));
      expect(await wf.listDueOutbox(at(300), 10)).toEqual([]);
      expect(await wf.leaseOutbox(id, "worker-b", 60_000)).toBeUndefined();
    });

    it("refuses every write of a row whose lease ran out by the database's clock, and hands the row on with a newer token", async () => {
      const { id, requestId } = await outboxRow();
      const stale = (await wf.leaseOutbox(id, "worker-a", 60_000))!;
      await wf.updateOutbox(stale, { attempts: 1, steps: { holders: ["14"], targetSet: false, demoted: [] } }, at(1));
      // Its last renewal asks for 1 ms more: the lease runs out by the database's clock (however
      // long the calls above took on a loaded machine: no window the test must fit in).
      await wf.renewOutboxLease(stale, 1);
      await untilDue(id);

      // Expired and taken by nobody yet: still refused, renewal included, and nothing changes.
      const refused = await wf.renewOutboxLease(stale, 60_000).then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(refused).toBeInstanceOf(OutboxLeaseLostError);
      expect((refused as OutboxLeaseLostError).lease).toEqual(stale);
      expect((refused as Error).message).toMatch(/expired at .* by the database's clock/);
      await expect(wf.updateOutbox(stale, { steps: { holders: ["14"], targetSet: true, demoted: [] } }, at(2))).rejects.toBeInstanceOf(OutboxLeaseLostError);
      await expect(wf.updateOutbox(stale, { release: true }, at(2))).rejects.toBeInstanceOf(OutboxLeaseLostError);

      const fresh = (await wf.leaseOutbox(id, "worker-b", 60_000))!;
      expect(fresh.token).toBe(2);
      // The stale worker's completion, in the transaction that would also mark the request APPLIED
      // and append its event: refused first, so nothing of it commits.
      await expect(
        store.transaction(async (tx) => {
          await tx.workflow.updateOutbox(stale, { status: "DONE", release: true }, at(3));
          await tx.workflow.setStatus(requestId, ["APPLYING"], "APPLIED", at(3));
        }),
      ).rejects.toThrow(/lease 1 of worker-a is no longer held \(now lease 2 of worker-b\)/);
      // Refused after the other writes of its transaction: they roll back with it.
      await expect(
        store.transaction(async (tx) => {
          await tx.workflow.setStatus(requestId, ["APPLYING"], "APPLIED", at(3));
          await tx.workflow.updateOutbox(stale, { status: "DONE", release: true }, at(3));
        }),
      ).rejects.toBeInstanceOf(OutboxLeaseLostError);
      expect((await wf.getRequest(requestId))?.status).toBe("APPLYING");
      expect(await wf.getOutboxByRequest(requestId)).toMatchObject({
        status: "PENDING",
        attempts: 1,
        steps: { holders: ["14"], targetSet: false, demoted: [] },
        leaseOwner: "worker-b",
        leaseToken: 2,
      });

      // The holder's writes go through.
      await wf.renewOutboxLease(fresh, 60_000);
      await wf.updateOutbox(fresh, { status: "DONE", release: true }, at(4));
      expect(await wf.getOutboxByRequest(requestId)).toMatchObject({ status: "DONE", leaseOwner: null, leaseUntil: null, leaseToken: 2 });
    });

    it("hands a row back after a delay: the owner writes no more, another worker takes it once the delay passed", async () => {
      // Before the delay has passed (a minute: no loaded machine gets there between two calls), nobody takes the row.
      const waiting = await outboxRow({ modelName: "other", lockKey: "git/other/production" });
      const held = (await wf.leaseOutbox(waiting.id, "worker-a", 60_000))!;
      await wf.updateOutbox(held, { release: { afterMs: 60_000 } }, at(1));
      expect(await wf.leaseOutbox(waiting.id, "worker-b", 60_000)).toBeUndefined();
      expect((await wf.listDueOutbox(at(1), 10)).map((o) => o.id)).not.toContain(waiting.id);

      // Once it has passed (a short one, waited for as a condition), the owner is refused and another worker takes it.
      const { id } = await outboxRow();
      const lease = (await wf.leaseOutbox(id, "worker-a", 60_000))!;
      await wf.updateOutbox(lease, { release: { afterMs: 100 } }, at(1));
      await untilDue(id);
      await expect(wf.renewOutboxLease(lease, 60_000)).rejects.toBeInstanceOf(OutboxLeaseLostError);
      expect(await wf.leaseOutbox(id, "worker-b", 60_000)).toEqual({ id, owner: "worker-b", token: 2 });
    });

    it("keeps one open drift observation per version and actual stage, and a new one after resolving", async () => {
      const drift = (overrides: Partial<DriftObservationRecord> = {}): Omit<DriftObservationRecord, "resolvedAt"> => ({
        id: randomUUID(),
        kind: "OUT_OF_BAND_CHANGE",
        backendId: "git",
        modelName: "support-triage",
        version: "15",
        expectedStage: "PRODUCTION",
        actualStage: "STAGING",
        detectedAt: at(10),
        auditEventId: randomUUID(),
        ...overrides,
      });
      const first = drift();
      await wf.insertDriftObservation(first);
      await expect(wf.insertDriftObservation(drift({ detectedAt: at(11) }))).rejects.toBeInstanceOf(ConflictError);
      const gone = drift({ version: "14", expectedStage: "ARCHIVED", actualStage: null, detectedAt: at(12) });
      await wf.insertDriftObservation(gone);
      await wf.insertDriftObservation(drift({ modelName: "other", kind: "UNAPPROVED_IN_STAGE", expectedStage: "NONE", actualStage: "PRODUCTION", detectedAt: at(13) }));
      expect(await wf.listOpenDrifts("git", "support-triage", "15")).toEqual([{ ...first, resolvedAt: null }]);
      expect((await wf.listOpenDrifts("git", "support-triage")).map((d) => [d.version, d.actualStage])).toEqual([
        ["14", null],
        ["15", "STAGING"],
      ]);

      const page1 = await wf.listOpenDriftPage({ first: 2 });
      expect(page1.items.map((d) => [d.modelName, d.version, d.kind])).toEqual([
        ["other", "15", "UNAPPROVED_IN_STAGE"],
        ["support-triage", "14", "OUT_OF_BAND_CHANGE"],
      ]);
      const page2 = await wf.listOpenDriftPage({ first: 2, after: page1.nextCursor! });
      expect(page2).toEqual({ items: [{ ...first, resolvedAt: null }] });
      await expect(wf.listOpenDriftPage({ first: 2, after: "bogus" })).rejects.toBeInstanceOf(InvalidInputError);

      expect(await wf.resolveDriftObservation(first.id, at(20))).toBe(true);
      expect(await wf.resolveDriftObservation(first.id, at(21))).toBe(false);
      expect(await wf.listOpenDrifts("git", "support-triage", "15")).toEqual([]);
      // The same drift coming back is a new observation.
      await wf.insertDriftObservation(drift({ detectedAt: at(30) }));
      expect((await wf.listOpenDrifts("git", "support-triage", "15")).map((d) => d.detectedAt)).toEqual([at(30)]);
    });

    it("lists a model's requests in the order they changed, and the models with applied requests", async () => {
      const a = request({ id: randomUUID(), lockKey: "git/support-triage/production", at: at(0) });
      const b = request({ id: randomUUID(), modelName: "other", lockKey: "git/other/production", at: at(1) });
      const c = request({ id: randomUUID(), backendId: "mlflow", lockKey: "mlflow/support-triage/production", at: at(2) });
      for (const r of [a, b, c]) await wf.insertRequest(r);
      expect(await wf.listTrackedModels()).toEqual([]);
      await wf.setStatus(c.id, ["PENDING"], "APPLIED", at(3));
      await wf.setStatus(a.id, ["PENDING"], "APPLIED", at(5));
      await wf.setStatus(b.id, ["PENDING"], "REJECTED", at(4));
      expect(await wf.listTrackedModels()).toEqual([
        { backendId: "git", modelName: "support-triage" },
        { backendId: "mlflow", modelName: "support-triage" },
      ]);
      const d = request({ id: randomUUID(), version: "16", lockKey: "git/support-triage/production", at: at(4) });
      await wf.insertRequest(d);
      expect((await wf.listRequestsForModel("git", "support-triage")).map((r) => r.id)).toEqual([d.id, a.id]);
    });

    it("lists the applied copies into a target model, and keeps them out of the source's stage requests", async () => {
      const copy = { ...request({ id: randomUUID(), lockKey: "copy:vertex/triage", at: at(0) }), copyTarget: "vertex/triage" };
      const pending = { ...request({ id: randomUUID(), version: "16", lockKey: "copy:vertex/triage#2", at: at(1) }), copyTarget: "vertex/triage" };
      const elsewhere = { ...request({ id: randomUUID(), lockKey: "copy:vertex/other", at: at(2) }), copyTarget: "vertex/other" };
      for (const r of [copy, pending, elsewhere]) await wf.insertRequest(r);
      for (const r of [copy, elsewhere]) await wf.setStatus(r.id, ["PENDING"], "APPLIED", at(3));
      expect((await wf.listCopiesInto("vertex/triage")).map((r) => [r.id, r.copyTarget])).toEqual([[copy.id, "vertex/triage"]]);
      expect(await wf.listCopiesInto("vertex/none")).toEqual([]);
      const stageRequests = (await wf.listRequestsForModel("git", "support-triage")).map((r) => r.id);
      expect(stageRequests).not.toContain(copy.id);
    });

    it("answers which version was in production at a time", async () => {
      const slot = { backendId: "git", modelName: "support-triage", environment: "production" };
      const old = { id: randomUUID(), ...slot, version: "14", requestId: null, since: at(0), until: null };
      await wf.insertProduction(old);
      await wf.closeProduction(old.id, at(100));
      await wf.insertProduction({ id: randomUUID(), ...slot, version: "15", requestId: null, since: at(100), until: null });
      const versionAt = async (asOf?: Date) =>
        (await wf.listProduction({ environment: "production", ...(asOf === undefined ? {} : { asOf }) })).map((p) => p.version);
      expect(await versionAt(at(50))).toEqual(["14"]);
      expect(await versionAt(at(100))).toEqual(["15"]);
      expect(await versionAt()).toEqual(["15"]);
      expect(await versionAt(new Date(T0 - 1000))).toEqual([]);
      expect((await wf.productionHistory("git", "support-triage", "production")).map((p) => p.version)).toEqual(["15", "14"]);
      expect((await wf.currentProduction("git", "support-triage", "production")).map((p) => p.version)).toEqual(["15"]);
    });

    it("counts the outbox backlog with its oldest row, and open drift observations per backend (for /metrics)", async () => {
      expect(await wf.outboxBacklog()).toEqual({ pending: 0, oldestCreatedAt: null });
      expect(await wf.countOpenDrifts()).toEqual([]);
      const rows = [];
      for (const [i, model] of ["a", "b", "c"].entries()) {
        const r = request({ status: "APPLYING", modelName: model, lockKey: `git/${model}/production` });
        await wf.insertRequest(r);
        const id = randomUUID();
        await wf.insertOutbox({ id, requestId: r.id, status: "PENDING", attempts: 0, steps: NO_STEPS, nextAttemptAt: at(10 - i), createdAt: at(10 - i) });
        rows.push(id);
      }
      // The oldest (created at 8 s) is done: the backlog is the other two, the oldest of them from 9 s.
      const lease = (await wf.leaseOutbox(rows[2]!, "worker", 60_000))!;
      await wf.updateOutbox(lease, { status: "DONE", release: true }, at(20));
      expect(await wf.outboxBacklog()).toEqual({ pending: 2, oldestCreatedAt: at(9) });

      const drift = (backendId: string, version: string, kind: DriftKind = "OUT_OF_BAND_CHANGE") => ({
        id: randomUUID(),
        kind,
        backendId,
        modelName: "support-triage",
        version,
        expectedStage: "PRODUCTION" as const,
        actualStage: "STAGING" as const,
        detectedAt: at(30),
        auditEventId: randomUUID(),
      });
      const resolved = drift("git", "13");
      const observed = [drift("mlflow", "1"), drift("git", "14"), drift("git", "15"), drift("git", "16", "UNAPPROVED_IN_STAGE"), resolved];
      for (const d of observed) await wf.insertDriftObservation(d);
      await wf.resolveDriftObservation(resolved.id, at(31));
      expect(await wf.countOpenDrifts()).toEqual([
        { backendId: "git", kind: "OUT_OF_BAND_CHANGE", open: 2 },
        { backendId: "git", kind: "UNAPPROVED_IN_STAGE", open: 1 },
        { backendId: "mlflow", kind: "OUT_OF_BAND_CHANGE", open: 1 },
      ]);
    });
  });
}
