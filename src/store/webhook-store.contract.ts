/**
 * The behaviour every store's webhook tables must show, as a reusable vitest suite (the pattern of
 * ./deployment-store.contract.ts). `makeStore` returns a fresh, empty, migrated store.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Store } from "./store.js";
import type { NewWebhookDelivery, WebhookAttemptResult, WebhookTargetSpec, WebhookTx } from "./webhook-store.js";

export type MakeWebhookStore = () => Promise<{ store: Store; dispose(): Promise<void> }>;

const T0 = Date.parse("2026-03-01T00:00:00.000Z");
const at = (seconds: number) => new Date(T0 + seconds * 1000);

const spec = (id: string): WebhookTargetSpec => ({
  id,
  url: `https://hooks.example.com/${id}`,
  secret: "0123456789abcdef-secret",
  events: ["ALIAS_CHANGED"],
  filter: { backendId: "example", modelName: "support-triage" },
});

const delivery = (seq: number): NewWebhookDelivery => ({ eventSeq: seq, eventId: `event-${seq}`, eventType: "ALIAS_CHANGED", eventJson: `{"seq":${seq}}` });

const failed = (seconds: number, status: "PENDING" | "FAILED", retryAt?: number): WebhookAttemptResult => ({
  attempt: { at: at(seconds), durationMs: 12, statusCode: 500, error: "HTTP 500", success: false },
  status,
  ...(retryAt === undefined ? {} : { nextAttemptAt: at(retryAt) }),
});

const ok = (seconds: number): WebhookAttemptResult => ({ attempt: { at: at(seconds), durationMs: 3, statusCode: 204, success: true }, status: "SUCCEEDED" });

async function appendEvents(store: Store, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    await store.appendAudit({ actor: "alice", action: "alias.set", targetType: "alias", target: `example/m#a${i}`, outcome: "SUCCESS" });
  }
}

export function describeWebhookStoreContract(name: string, makeStore: MakeWebhookStore): void {
  describe(`webhook store contract: ${name}`, () => {
    let store: Store;
    let dispose: () => Promise<void>;
    let hooks: WebhookTx;

    beforeEach(async () => {
      ({ store, dispose } = await makeStore());
      hooks = store.webhooks;
    });
    afterEach(async () => {
      await dispose();
    });

    it("creates targets with the cursor at the trail's head, reads, updates and deletes them", async () => {
      const empty = await hooks.createTarget(spec("a"), "API", "alice", at(0));
      expect(empty).toEqual({ ...spec("a"), owner: "API", cursorSeq: 0, createdBy: "alice", createdAt: at(0), updatedAt: at(0) });
      await appendEvents(store, 3);
      const b = await hooks.createTarget({ ...spec("b"), events: [], filter: {} }, "CONFIG", "modelgate:config", at(1));
      expect(b.cursorSeq).toBe(3);
      expect(await hooks.getTarget("b")).toEqual(b);
      await expect(hooks.createTarget(spec("a"), "API", "bob", at(2))).rejects.toMatchObject({ code: "ALREADY_EXISTS", field: "id" });
      expect((await hooks.listTargets()).map((t) => t.id)).toEqual(["a", "b"]);

      const updated = await hooks.updateTarget("a", { url: "http://127.0.0.1:9/x", events: [], filter: { environment: "production" }, owner: "CONFIG" }, at(5));
      expect(updated).toEqual({ ...empty, url: "http://127.0.0.1:9/x", events: [], filter: { environment: "production" }, owner: "CONFIG", updatedAt: at(5) });
      expect(await hooks.updateTarget("nope", { url: "http://x" }, at(5))).toBeUndefined();

      expect(await hooks.deleteTarget("a")).toBe(true);
      expect(await hooks.deleteTarget("a")).toBe(false);
      expect(await hooks.getTarget("a")).toBeUndefined();
    });

    it("lets one owner at a time hold a target's lease, until it expires or is released", async () => {
      await hooks.createTarget(spec("a"), "API", "alice", at(0));
      expect(await hooks.acquireLease("a", "one", at(0), at(60))).toBe(true);
      expect(await hooks.acquireLease("a", "two", at(30), at(90))).toBe(false);
      expect(await hooks.acquireLease("a", "one", at(30), at(90))).toBe(true);
      expect(await hooks.acquireLease("a", "two", at(89), at(150))).toBe(false);
      expect(await hooks.acquireLease("a", "two", at(91), at(150))).toBe(true);
      await hooks.releaseLease("a", "one");
      expect(await hooks.acquireLease("a", "one", at(100), at(160))).toBe(false);
      await hooks.releaseLease("a", "two");
      expect(await hooks.acquireLease("a", "one", at(100), at(160))).toBe(true);
      expect(await hooks.acquireLease("missing", "one", at(100), at(160))).toBe(false);
    });

    it("enqueues under the lease and the expected cursor only, idempotently and in order", async () => {
      await hooks.createTarget(spec("a"), "API", "alice", at(0));
      expect(await hooks.enqueueDeliveries("a", "one", 0, 2, [delivery(1), delivery(2)], at(1))).toBe(false);
      await hooks.acquireLease("a", "one", at(0), at(60));
      expect(await hooks.enqueueDeliveries("a", "one", 5, 7, [delivery(6)], at(1))).toBe(false);
      expect(await hooks.enqueueDeliveries("a", "one", 0, 3, [delivery(1), delivery(3)], at(1))).toBe(true);
      expect((await hooks.getTarget("a"))?.cursorSeq).toBe(3);
      // The same event again (e.g. a replayed page) is skipped.
      expect(await hooks.enqueueDeliveries("a", "one", 3, 4, [delivery(3), delivery(4)], at(2))).toBe(true);
      const page = await hooks.listDeliveries({ targetId: "a", first: 10 });
      expect(page.items.map((d) => [d.position, d.eventSeq])).toEqual([
        [3, 4],
        [2, 3],
        [1, 1],
      ]);
      expect(page.items[2]).toMatchObject({
        targetId: "a",
        eventId: "event-1",
        eventType: "ALIAS_CHANGED",
        eventJson: '{"seq":1}',
        copy: 0,
        status: "PENDING",
        attemptCount: 0,
        roundAttempts: 0,
        nextAttemptAt: at(1),
        createdAt: at(1),
      });
      expect((await hooks.headDelivery("a"))?.eventSeq).toBe(1);
    });

    it("records attempts while holding the lease, moves the head on success or give-up, and pages the log", async () => {
      await hooks.createTarget(spec("a"), "API", "alice", at(0));
      await hooks.acquireLease("a", "one", at(0), at(600));
      await hooks.enqueueDeliveries("a", "one", 0, 3, [delivery(1), delivery(2), delivery(3)], at(0));
      const first = (await hooks.headDelivery("a"))!;
      expect(await hooks.recordAttempt(first.id, "two", ok(1))).toBeUndefined();

      const retrying = await hooks.recordAttempt(first.id, "one", failed(1, "PENDING", 3));
      expect(retrying).toMatchObject({ status: "PENDING", attemptCount: 1, roundAttempts: 1, nextAttemptAt: at(3), lastStatusCode: 500, lastError: "HTTP 500" });
      expect((await hooks.headDelivery("a"))?.id).toBe(first.id);
      const done = await hooks.recordAttempt(first.id, "one", ok(3));
      expect(done).toMatchObject({ status: "SUCCEEDED", attemptCount: 2, completedAt: at(3), lastStatusCode: 204 });
      expect(done?.nextAttemptAt).toBeUndefined();
      expect(done?.lastError).toBeUndefined();
      // A finished delivery takes no more attempts.
      expect(await hooks.recordAttempt(first.id, "one", ok(4))).toBeUndefined();

      const second = (await hooks.headDelivery("a"))!;
      expect(second.eventSeq).toBe(2);
      expect(await hooks.recordAttempt(second.id, "one", failed(5, "FAILED"))).toMatchObject({ status: "FAILED", completedAt: at(5) });
      expect((await hooks.headDelivery("a"))?.eventSeq).toBe(3);

      expect(await hooks.listAttempts([first.id, second.id])).toEqual([
        { deliveryId: first.id, number: 1, at: at(1), durationMs: 12, statusCode: 500, error: "HTTP 500", success: false },
        { deliveryId: first.id, number: 2, at: at(3), durationMs: 3, statusCode: 204, success: true },
        { deliveryId: second.id, number: 1, at: at(5), durationMs: 12, statusCode: 500, error: "HTTP 500", success: false },
      ]);
      expect(await hooks.listAttempts([])).toEqual([]);

      const failedOnly = await hooks.listDeliveries({ targetId: "a", status: "FAILED", first: 10 });
      expect(failedOnly.items.map((d) => d.id)).toEqual([second.id]);
      const p1 = await hooks.listDeliveries({ targetId: "a", first: 2 });
      expect(p1.items.map((d) => d.eventSeq)).toEqual([3, 2]);
      expect(p1.nextCursor).toBeDefined();
      const p2 = await hooks.listDeliveries({ targetId: "a", first: 2, after: p1.nextCursor! });
      expect(p2.items.map((d) => d.eventSeq)).toEqual([1]);
      expect(p2.nextCursor).toBeUndefined();
      await expect(hooks.listDeliveries({ targetId: "a", first: 2, after: "bogus" })).rejects.toMatchObject({ code: "INVALID_INPUT", field: "after" });
    });

    it("requeues: pending now, failed to the tail, succeeded as a new copy after the tail", async () => {
      await hooks.createTarget(spec("a"), "API", "alice", at(0));
      await hooks.acquireLease("a", "one", at(0), at(600));
      await hooks.enqueueDeliveries("a", "one", 0, 3, [delivery(1), delivery(2), delivery(3)], at(0));
      const d1 = (await hooks.headDelivery("a"))!;
      await hooks.recordAttempt(d1.id, "one", ok(1));
      const d2 = (await hooks.headDelivery("a"))!;
      await hooks.recordAttempt(d2.id, "one", failed(2, "FAILED"));
      const d3 = (await hooks.headDelivery("a"))!;
      await hooks.recordAttempt(d3.id, "one", failed(3, "PENDING", 100));

      const again3 = await hooks.requeueDelivery(d3.id, at(4));
      expect(again3).toMatchObject({ id: d3.id, status: "PENDING", position: d3.position, roundAttempts: 0, attemptCount: 1, nextAttemptAt: at(4) });

      const again2 = await hooks.requeueDelivery(d2.id, at(5));
      expect(again2).toMatchObject({ id: d2.id, status: "PENDING", position: 4, roundAttempts: 0, attemptCount: 1, nextAttemptAt: at(5) });
      expect(again2.completedAt).toBeUndefined();

      const copy = await hooks.requeueDelivery(d1.id, at(6));
      expect(copy).toMatchObject({ status: "PENDING", position: 5, eventSeq: 1, eventId: "event-1", eventJson: '{"seq":1}', copy: 1, redeliveryOf: d1.id, attemptCount: 0 });
      expect(copy.id).not.toBe(d1.id);
      expect((await hooks.getDelivery(d1.id))?.status).toBe("SUCCEEDED");
      const copy2 = await hooks.requeueDelivery(d1.id, at(7));
      expect(copy2).toMatchObject({ copy: 2, position: 6 });

      // Order of what is left to send: 3 (kept its place), 2 (moved to the tail), then the copies.
      const pending = await hooks.listDeliveries({ targetId: "a", status: "PENDING", first: 10 });
      expect(pending.items.map((d) => d.id).reverse()).toEqual([d3.id, d2.id, copy.id, copy2.id]);
      await expect(hooks.requeueDelivery("00000000-0000-0000-0000-000000000000", at(8))).rejects.toMatchObject({ code: "NOT_FOUND", field: "id" });

      // Deleting the target takes its deliveries and attempts with it.
      expect(await hooks.deleteTarget("a")).toBe(true);
      expect(await hooks.getDelivery(d1.id)).toBeUndefined();
      expect(await hooks.listAttempts([d1.id, d2.id])).toEqual([]);
    });

    it("commits and rolls back with the transaction it runs in", async () => {
      await expect(
        store.transaction(async (tx) => {
          await tx.webhooks.createTarget(spec("a"), "API", "alice", at(0));
          throw new Error("boom");
        }),
      ).rejects.toThrow("boom");
      expect(await hooks.getTarget("a")).toBeUndefined();
      await store.transaction(async (tx) => {
        await tx.appendAudit({ actor: "alice", action: "webhook_target.create", targetType: "webhook_target", target: "a", outcome: "SUCCESS" });
        const t = await tx.webhooks.createTarget(spec("a"), "API", "alice", at(0));
        // Created after its own audit event: the cursor is past it.
        expect(t.cursorSeq).toBe(1);
      });
      expect((await hooks.getTarget("a"))?.cursorSeq).toBe(1);
    });
  });
}
