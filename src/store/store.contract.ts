/**
 * The behaviour every Store implementation must show, as a reusable vitest suite. A database's test
 * file calls `describeStoreContract("sqlite", makeStore)`; `makeStore` returns a fresh, empty,
 * migrated store and a raw Kysely handle on the same database (to tamper with rows the way someone
 * with database access could).
 */
import type { Kysely } from "kysely";
import { sql } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { InvalidInputError } from "../core/errors.js";
import { verifyAuditChain } from "./audit-chain.js";
import type { StoreDatabase } from "./db-schema.js";
import { StoreError } from "./errors.js";
import type { AuditEvent, AuditEventInput, AuditQuery, Store } from "./store.js";

export interface StoreHarness {
  store: Store;
  /** The same database, bypassing the store. */
  raw: Kysely<StoreDatabase>;
  /** Releases everything `makeStore` opened (the store may already be closed). */
  dispose(): Promise<void>;
}

export interface MakeStoreOptions {
  /** The clock the store must take audit timestamps from. */
  clock: () => Date;
}

export type MakeStore = (opts: MakeStoreOptions) => Promise<StoreHarness>;

const T0 = Date.parse("2026-01-01T00:00:00.000Z");

function input(overrides: Partial<AuditEventInput> = {}): AuditEventInput {
  return {
    actor: "alice",
    action: "alias.set",
    targetType: "alias",
    target: "example/support-triage@champion",
    backendId: "git",
    modelName: "example/support-triage",
    after: { alias: "champion", version: "14" },
    outcome: "SUCCESS",
    ...overrides,
  };
}

async function allEvents(store: Store, query: Omit<AuditQuery, "first" | "after"> = {}): Promise<AuditEvent[]> {
  const events: AuditEvent[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await store.listAudit({ ...query, first: 100, ...(after === undefined ? {} : { after }) });
    events.push(...page.items);
    if (page.nextCursor === undefined) return events;
    after = page.nextCursor;
  }
}

async function chain(store: Store): Promise<AuditEvent[]> {
  return allEvents(store, { order: "asc" });
}

export function describeStoreContract(name: string, makeStore: MakeStore): void {
  describe(`Store contract: ${name}`, () => {
    let now = T0;
    let harness: StoreHarness;
    let store: Store;

    beforeEach(async () => {
      now = T0;
      harness = await makeStore({ clock: () => new Date(now) });
      store = harness.store;
    });

    afterEach(async () => {
      await harness.dispose();
    });

    describe("migrations", () => {
      it("migrate() runs again without effect and keeps the data", async () => {
        const event = await store.appendAudit(input());
        await store.migrate();
        await store.migrate();
        expect(await store.getAudit(event.id)).toEqual(event);
      });
    });

    describe("appendAudit", () => {
      it("returns the stored event with seq, id, time and hash chain fields", async () => {
        now = Date.parse("2026-02-03T04:05:06.789Z");
        const event = await store.appendAudit(
          input({ before: null, reason: "ship it", requestId: "req-1", outcome: "FAILURE", error: "boom" }),
        );
        expect(event).toMatchObject({
          seq: 1,
          at: new Date("2026-02-03T04:05:06.789Z"),
          actor: "alice",
          action: "alias.set",
          targetType: "alias",
          target: "example/support-triage@champion",
          backendId: "git",
          modelName: "example/support-triage",
          before: null,
          after: { alias: "champion", version: "14" },
          reason: "ship it",
          outcome: "FAILURE",
          error: "boom",
          requestId: "req-1",
          prevHash: "",
        });
        expect(event.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
        expect(event.hash).toMatch(/^[0-9a-f]{64}$/);
        expect(await store.getAudit(event.id)).toEqual(event);
      });

      it("leaves absent optional fields absent", async () => {
        const event = await store.appendAudit({
          actor: "bob",
          action: "model.create",
          targetType: "model",
          target: "m",
          outcome: "SUCCESS",
        });
        const stored = await store.getAudit(event.id);
        expect(stored).toEqual(event);
        for (const key of ["backendId", "modelName", "before", "after", "reason", "error", "requestId"]) {
          expect(stored).not.toHaveProperty(key);
        }
      });

      it("stores before/after as JSON: Dates become ISO text, undefined members are dropped", async () => {
        const event = await store.appendAudit(
          input({ after: { at: new Date("2026-01-01T00:00:00.000Z"), gone: undefined, n: [1, 2.5] } }),
        );
        expect(event.after).toEqual({ at: "2026-01-01T00:00:00.000Z", n: [1, 2.5] });
        expect((await store.getAudit(event.id))?.after).toEqual(event.after);
      });

      it("rejects invalid input, naming the field, and writes nothing", async () => {
        await expect(store.appendAudit(input({ actor: "" }))).rejects.toThrow(/actor/);
        await expect(
          store.appendAudit(input({ outcome: "MAYBE" as unknown as AuditEventInput["outcome"] })),
        ).rejects.toBeInstanceOf(InvalidInputError);
        await expect(store.appendAudit(input({ after: { f1: Number.NaN } }))).rejects.toThrow(/after\.f1/);
        expect(await chain(store)).toEqual([]);
      });

      it("wakes this process's listeners after the commit, with the actions it appended", async () => {
        const woken: { seq: number; actions: string[] | undefined }[] = [];
        const stop = store.onAuditAppended((seq, actions) => woken.push({ seq, actions: actions === undefined ? undefined : [...actions].sort() }));
        try {
          await store.appendAudit(input({ action: "usage.report" }));
          const last = await store.transaction(async (tx) => {
            await tx.appendAudit(input({ action: "alias.set" }));
            return tx.appendAudit(input({ action: "usage.report" }));
          });
          expect(woken).toEqual([
            { seq: 1, actions: ["usage.report"] },
            { seq: last.seq, actions: ["alias.set", "usage.report"] },
          ]);
        } finally {
          stop();
        }
      });

      it("returns undefined for an unknown id", async () => {
        await store.appendAudit(input());
        expect(await store.getAudit("00000000-0000-4000-8000-000000000000")).toBeUndefined();
      });
    });

    describe("hash chain", () => {
      it("links N events into a chain that verifies", async () => {
        for (let i = 0; i < 12; i++) {
          now += 1000;
          await store.appendAudit(input({ target: `t${i}`, after: { i } }));
        }
        const events = await chain(store);
        expect(events.map((e) => e.seq)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
        events.slice(1).forEach((e, i) => expect(e.prevHash).toBe(events[i]!.hash));
        expect(verifyAuditChain(events)).toEqual({ ok: true });
      });

      it("an edited row is reported by its seq", async () => {
        for (let i = 0; i < 6; i++) await store.appendAudit(input({ after: { i } }));
        await sql`update audit_events set after_json = ${'{"i":99}'} where seq = 4`.execute(harness.raw);
        expect(verifyAuditChain(await chain(store))).toMatchObject({ ok: false, seq: 4 });
      });

      it("a deleted middle row is reported by its seq", async () => {
        for (let i = 0; i < 6; i++) await store.appendAudit(input({ after: { i } }));
        await sql`delete from audit_events where seq = 3`.execute(harness.raw);
        expect(verifyAuditChain(await chain(store))).toMatchObject({ ok: false, seq: 3 });
      });
    });

    describe("transactions", () => {
      it("events appended in one transaction chain onto each other", async () => {
        await store.appendAudit(input({ target: "before" }));
        const inTx = await store.transaction(async (tx) => [
          await tx.appendAudit(input({ target: "a" })),
          await tx.appendAudit(input({ target: "b" })),
          await tx.appendAudit(input({ target: "c" })),
        ]);
        expect(inTx.map((e) => e.seq)).toEqual([2, 3, 4]);
        expect(inTx[1]!.prevHash).toBe(inTx[0]!.hash);
        expect(inTx[2]!.prevHash).toBe(inTx[1]!.hash);
        expect(verifyAuditChain(await chain(store))).toEqual({ ok: true });
      });

      it("concurrent appends inside one transaction still form a chain", async () => {
        await store.transaction((tx) =>
          Promise.all([1, 2, 3, 4].map((i) => tx.appendAudit(input({ target: `t${i}` })))),
        );
        const events = await chain(store);
        expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
        expect(verifyAuditChain(events)).toEqual({ ok: true });
      });

      it("a throw rolls back every event of the transaction; the chain continues from the last commit", async () => {
        const committed = await store.appendAudit(input({ target: "kept" }));
        const failure = new Error("backend write failed");
        await expect(
          store.transaction(async (tx) => {
            await tx.appendAudit(input({ target: "lost-1" }));
            await tx.appendAudit(input({ target: "lost-2" }));
            throw failure;
          }),
        ).rejects.toBe(failure);
        expect((await chain(store)).map((e) => e.target)).toEqual(["kept"]);

        const next = await store.appendAudit(input({ target: "next" }));
        expect(next.seq).toBe(2);
        expect(next.prevHash).toBe(committed.hash);
        expect(verifyAuditChain(await chain(store))).toEqual({ ok: true });
      });

      it("returns the function's result", async () => {
        await expect(store.transaction(async () => 42)).resolves.toBe(42);
      });

      it("50 concurrent appends get seq 1..50 and a valid chain", async () => {
        const appended = await Promise.all(
          Array.from({ length: 50 }, (_, i) => store.appendAudit(input({ target: `t${i}` }))),
        );
        expect(appended.map((e) => e.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
        const events = await chain(store);
        expect(events).toHaveLength(50);
        expect(verifyAuditChain(events)).toEqual({ ok: true });
      });

      it("concurrent transactions do not interleave", async () => {
        const yieldNow = () => new Promise<void>((resolve) => setImmediate(resolve));
        await Promise.all(
          ["a", "b", "c"].map((name) =>
            store.transaction(async (tx) => {
              for (let i = 0; i < 3; i++) {
                await tx.appendAudit(input({ target: `${name}${i}` }));
                await yieldNow();
              }
            }),
          ),
        );
        const targets = (await chain(store)).map((e) => e.target);
        const groups = [targets.slice(0, 3), targets.slice(3, 6), targets.slice(6, 9)].map((g) => g.join(","));
        expect(groups.sort()).toEqual(["a0,a1,a2", "b0,b1,b2", "c0,c1,c2"]);
      });

      it("refuses the store's own methods inside a transaction instead of deadlocking", async () => {
        await expect(store.transaction(() => store.appendAudit(input()))).rejects.toBeInstanceOf(StoreError);
        await expect(store.transaction(() => store.listAudit({ first: 1 }))).rejects.toThrow(/inside store\.transaction/);
        expect(await chain(store)).toEqual([]);
      });

      it("refuses a transaction object used after its transaction ended", async () => {
        const tx = await store.transaction(async (t) => t);
        await expect(tx.appendAudit(input())).rejects.toThrow(/after its transaction ended/);
        expect(await chain(store)).toEqual([]);
      });
    });

    describe("listAudit", () => {
      /** 10 events one minute apart; actors, backends and models vary so filters pick subsets. */
      async function seed(): Promise<AuditEvent[]> {
        const events: AuditEvent[] = [];
        for (let i = 0; i < 10; i++) {
          now = T0 + i * 60_000;
          events.push(
            await store.appendAudit(
              input({
                actor: i % 2 === 0 ? "alice" : "bob",
                action: i % 3 === 0 ? "alias.remove" : "alias.set",
                backendId: i < 5 ? "git" : "mlflow",
                modelName: i % 4 === 0 ? "fraud" : "triage",
                target: `t${i}`,
              }),
            ),
          );
        }
        return events;
      }

      const seqs = (events: AuditEvent[]) => events.map((e) => e.seq);

      it("lists newest first by default and oldest first on request", async () => {
        await seed();
        expect(seqs((await store.listAudit({ first: 100 })).items)).toEqual([10, 9, 8, 7, 6, 5, 4, 3, 2, 1]);
        expect(seqs((await store.listAudit({ first: 100, order: "asc" })).items)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      });

      it.each(["desc", "asc"] as const)("pages (%s) through every event exactly once", async (order) => {
        await seed();
        const seen: number[] = [];
        let after: string | undefined;
        let pages = 0;
        do {
          const page = await store.listAudit({ first: 3, order, ...(after === undefined ? {} : { after }) });
          expect(page.items.length).toBeLessThanOrEqual(3);
          seen.push(...seqs(page.items));
          after = page.nextCursor;
          pages++;
        } while (after !== undefined);
        expect(pages).toBe(4);
        const expected = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
        expect(seen).toEqual(order === "asc" ? expected : expected.reverse());
      });

      it("has no nextCursor when the page ends exactly at the last event", async () => {
        await seed();
        const first = await store.listAudit({ first: 5 });
        expect(first.nextCursor).toBeDefined();
        const second = await store.listAudit({ first: 5, after: first.nextCursor! });
        expect(seqs(second.items)).toEqual([5, 4, 3, 2, 1]);
        expect(second.nextCursor).toBeUndefined();
      });

      it("filters by actor, action, backendId and modelName, alone and together", async () => {
        const events = await seed();
        const expectSeqs = async (filter: AuditQuery["filter"], pick: (e: AuditEvent) => boolean) => {
          expect(seqs(await allEvents(store, { filter, order: "asc" }))).toEqual(seqs(events.filter(pick)));
        };
        await expectSeqs({ actor: "bob" }, (e) => e.actor === "bob");
        await expectSeqs({ action: "alias.remove" }, (e) => e.action === "alias.remove");
        await expectSeqs({ backendId: "mlflow" }, (e) => e.backendId === "mlflow");
        await expectSeqs({ modelName: "fraud" }, (e) => e.modelName === "fraud");
        await expectSeqs(
          { actor: "alice", backendId: "git", modelName: "triage" },
          (e) => e.actor === "alice" && e.backendId === "git" && e.modelName === "triage",
        );
        await expectSeqs({ actor: "nobody" }, () => false);
      });

      it("filters by time, from inclusive and to exclusive", async () => {
        await seed();
        const filter = { from: new Date(T0 + 2 * 60_000), to: new Date(T0 + 5 * 60_000) };
        expect(seqs(await allEvents(store, { filter, order: "asc" }))).toEqual([3, 4, 5]);
        expect(seqs(await allEvents(store, { filter: { from: new Date(T0 + 8 * 60_000) } }))).toEqual([10, 9]);
        expect(seqs(await allEvents(store, { filter: { to: new Date(T0 + 60_000) } }))).toEqual([1]);
      });

      it("pages through a filtered list without duplicates", async () => {
        await seed();
        const seen: number[] = [];
        let after: string | undefined;
        do {
          const page = await store.listAudit({ first: 2, filter: { actor: "alice" }, ...(after === undefined ? {} : { after }) });
          seen.push(...seqs(page.items));
          after = page.nextCursor;
        } while (after !== undefined);
        expect(seen).toEqual([9, 7, 5, 3, 1]);
      });

      it("caps first at 100 and rejects first below 1 or fractional", async () => {
        await store.transaction(async (tx) => {
          for (let i = 0; i < 101; i++) await tx.appendAudit(input({ target: `t${i}` }));
        });
        const page = await store.listAudit({ first: 500 });
        expect(page.items).toHaveLength(100);
        expect(page.nextCursor).toBeDefined();
        await expect(store.listAudit({ first: 0 })).rejects.toBeInstanceOf(InvalidInputError);
        await expect(store.listAudit({ first: -3 })).rejects.toThrow(/first/);
        await expect(store.listAudit({ first: 2.5 })).rejects.toThrow(/first/);
      });

      it("rejects a malformed cursor and a cursor of the other order", async () => {
        await seed();
        await expect(store.listAudit({ first: 2, after: "not-a-cursor" })).rejects.toThrow(/invalid audit cursor/);
        const desc = await store.listAudit({ first: 2 });
        await expect(store.listAudit({ first: 2, order: "asc", after: desc.nextCursor! })).rejects.toThrow(
          /issued for order "desc"/,
        );
      });

      it("rejects invalid dates in the filter", async () => {
        await expect(store.listAudit({ first: 1, filter: { from: new Date(Number.NaN) } })).rejects.toThrow(
          /filter\.from/,
        );
      });
    });

    describe("lifecycle", () => {
      it("answers ping and refuses use after close", async () => {
        await expect(store.ping()).resolves.toBeUndefined();
        await store.close();
        await store.close();
        await expect(store.ping()).rejects.toBeInstanceOf(StoreError);
        await expect(store.appendAudit(input())).rejects.toThrow(/after store\.close\(\)/);
      });

      it("close waits for operations already queued", async () => {
        const pending = Promise.all([store.appendAudit(input()), store.appendAudit(input())]);
        await store.close();
        await expect(pending).resolves.toHaveLength(2);
      });
    });
  });
}
