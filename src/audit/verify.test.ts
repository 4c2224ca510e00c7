/**
 * verifyAuditTrail over a real SQLite file, tampered with through a second connection the way
 * someone with access to the database file would: raw SQL, bypassing the store.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { auditEventHash } from "../store/audit-chain.js";
import { openSqliteStore, type SqliteStore } from "../store/sqlite-store.js";
import type { AuditEvent } from "../store/store.js";
import { verifyAuditTrail } from "./verify.js";

let dir: string;
let file: string;
let store: SqliteStore;
let raw: Database.Database;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "modelgate-audit-verify-"));
  file = join(dir, "modelgate.db");
  store = await openSqliteStore({ file });
  raw = new Database(file);
});

afterEach(async () => {
  raw.close();
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

async function appendEvents(count: number): Promise<AuditEvent[]> {
  const events: AuditEvent[] = [];
  for (let i = 1; i <= count; i++) {
    events.push(
      await store.appendAudit({
        actor: i % 2 === 0 ? "ci" : "alice",
        action: "alias.set",
        targetType: "alias",
        target: `example/model-${i}@production`,
        modelName: `model-${i}`,
        before: i === 1 ? null : { version: String(i - 1) },
        after: { version: String(i), tags: ["a", "b"] },
        outcome: "SUCCESS",
      }),
    );
  }
  return events;
}

function exec(statement: string, ...params: unknown[]): void {
  const changes = raw.prepare(statement).run(...params).changes;
  expect(changes, `"${statement}" changed no row`).toBeGreaterThan(0);
}

describe("verifyAuditTrail", () => {
  it("accepts an empty trail", async () => {
    expect(await verifyAuditTrail(store)).toEqual({ ok: true, events: 0, head: null });
  });

  it("accepts an intact trail spanning several pages and reports its head", async () => {
    const events = await appendEvents(230);
    const last = events[229]!;
    expect(await verifyAuditTrail(store)).toEqual({ ok: true, events: 230, head: { seq: 230, hash: last.hash } });
  });

  it("reports the seq of an event whose after_json was edited", async () => {
    const events = await appendEvents(150);
    exec("update audit_events set after_json = ? where seq = 130", '{"tags":["a","b"],"version":"999"}');
    const result = await verifyAuditTrail(store);
    expect(result).toEqual({
      ok: false,
      events: 129,
      head: { seq: 129, hash: events[128]!.hash },
      firstBroken: { seq: 130, reason: "hash does not match the event's content: the event was altered" },
    });
  });

  it("reports the seq of an event whose actor was edited", async () => {
    await appendEvents(10);
    exec("update audit_events set actor = 'mallory' where seq = 7");
    const result = await verifyAuditTrail(store);
    expect(result.ok).toBe(false);
    expect(result.firstBroken).toEqual({ seq: 7, reason: "hash does not match the event's content: the event was altered" });
    expect(result.head?.seq).toBe(6);
  });

  it("reports the first event when its prev_hash was edited", async () => {
    await appendEvents(3);
    exec("update audit_events set prev_hash = ? where seq = 1", "0".repeat(64));
    const result = await verifyAuditTrail(store);
    expect(result).toMatchObject({ ok: false, events: 0, head: null, firstBroken: { seq: 1 } });
    expect(result.firstBroken?.reason).toContain("prevHash must be empty");
  });

  it("reports an event edited into something the store cannot read back", async () => {
    await appendEvents(120);
    exec("update audit_events set after_json = '{not json' where seq = 105");
    const result = await verifyAuditTrail(store);
    expect(result.ok).toBe(false);
    expect(result.events).toBe(104);
    expect(result.firstBroken?.seq).toBe(105);
    expect(result.firstBroken?.reason).toMatch(/^the event after event 104 cannot be read back: audit event 105: column after_json/);
  });

  it("reports the first missing seq when events were deleted from the middle", async () => {
    await appendEvents(150);
    exec("delete from audit_events where seq in (120, 121)");
    const result = await verifyAuditTrail(store);
    expect(result).toMatchObject({ ok: false, events: 119, head: { seq: 119 } });
    expect(result.firstBroken).toEqual({ seq: 120, reason: "event 120 is missing: the chain goes from 119 to 122" });
  });

  it("reports a deletion on a page boundary", async () => {
    await appendEvents(120);
    exec("delete from audit_events where seq = 101");
    expect((await verifyAuditTrail(store)).firstBroken?.seq).toBe(101);
  });

  it("cannot see a cut tail on its own, but a recorded head reveals it", async () => {
    const events = await appendEvents(12);
    const recorded = { seq: 10, hash: events[9]!.hash };
    exec("delete from audit_events where seq >= 9");

    expect(await verifyAuditTrail(store)).toEqual({ ok: true, events: 8, head: { seq: 8, hash: events[7]!.hash } });
    const result = await verifyAuditTrail(store, { expectHead: recorded });
    expect(result).toMatchObject({ ok: false, events: 8, head: { seq: 8 } });
    expect(result.firstBroken).toEqual({
      seq: 9,
      reason: "the trail ends at event 8 but the checkpoint recorded event 10: events 9 to 10 (at least) were cut from the end of the trail",
    });
  });

  it("reports a trail emptied after a head was recorded", async () => {
    const events = await appendEvents(1);
    exec("delete from audit_events");
    const result = await verifyAuditTrail(store, { expectHead: { seq: 1, hash: events[0]!.hash } });
    expect(result.firstBroken).toEqual({
      seq: 1,
      reason: "the trail is empty but the checkpoint recorded event 1: event 1 was cut from the end of the trail",
    });
  });

  it("accepts a trail that grew past a recorded head", async () => {
    const events = await appendEvents(5);
    await appendEvents(3);
    const result = await verifyAuditTrail(store, { expectHead: { seq: 5, hash: events[4]!.hash } });
    expect(result).toMatchObject({ ok: true, events: 8 });
  });

  it("catches a rewrite with recomputed hashes only through a recorded head", async () => {
    const events = await appendEvents(6);
    const recorded = { seq: 5, hash: events[4]!.hash };
    // Edit event 3 and recompute every hash from there: the chain itself verifies again.
    let prevHash = events[1]!.hash;
    for (const event of events.slice(2)) {
      const edited = { ...event, actor: event.seq === 3 ? "mallory" : event.actor, prevHash };
      edited.hash = auditEventHash(prevHash, edited);
      exec("update audit_events set actor = ?, prev_hash = ?, hash = ? where seq = ?", edited.actor, edited.prevHash, edited.hash, event.seq);
      prevHash = edited.hash;
    }
    expect((await verifyAuditTrail(store)).ok).toBe(true);

    const result = await verifyAuditTrail(store, { expectHead: recorded });
    expect(result).toMatchObject({ ok: false, events: 4, head: { seq: 4 }, firstBroken: { seq: 5 } });
    expect(result.firstBroken?.reason).toContain(`but the checkpoint recorded ${recorded.hash}: the trail up to event 5 was rewritten`);
  });

  it("stops when assertActive throws", async () => {
    await appendEvents(2);
    const stop = new Error("deadline exceeded");
    await expect(verifyAuditTrail(store, { assertActive: () => { throw stop; } })).rejects.toBe(stop);
  });
});
