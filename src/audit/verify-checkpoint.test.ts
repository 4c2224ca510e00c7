import { generateKeyPairSync } from "node:crypto";
import { sql } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openSqliteStore, type SqliteStore } from "../store/sqlite-store.js";
import { createCheckpoint, parseCheckpoint, serializeCheckpoint, type Checkpoint } from "./checkpoint.js";
import { verifyAuditTrailAgainst } from "./verify-checkpoint.js";

const { privateKey, publicKey } = generateKeyPairSync("ed25519");
let store: SqliteStore;

beforeEach(async () => {
  store = await openSqliteStore({ file: ":memory:" });
});
afterEach(async () => {
  await store.close();
});

async function append(count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    await store.appendAudit({ actor: "ci", action: "alias.set", targetType: "alias", target: `m@${i}`, outcome: "SUCCESS" });
  }
}

async function checkpointOfHead(): Promise<Checkpoint> {
  const [head] = (await store.listAudit({ first: 1 })).items;
  if (head === undefined) throw new Error("no events to checkpoint");
  return createCheckpoint({ head, privateKey, at: new Date("2026-11-29T20:00:00.000Z") });
}

describe("verifyAuditTrailAgainst", () => {
  it("confirms a checkpoint the trail still reaches", async () => {
    await append(4);
    const checkpoint = await checkpointOfHead();
    await append(2);
    const result = await verifyAuditTrailAgainst(store, checkpoint, publicKey);
    expect(result).toMatchObject({ ok: true, events: 6, head: { seq: 6 } });
    expect(result.checkpoint).toEqual({ ok: true, seq: 4, hash: checkpoint.hash, at: checkpoint.at, keyId: checkpoint.keyId });
  });

  it("says the tail was cut when events at or after the checkpoint's seq are gone", async () => {
    await append(5);
    const checkpoint = await checkpointOfHead();
    await sql`delete from audit_events where seq >= 4`.execute(store.db);
    const result = await verifyAuditTrailAgainst(store, checkpoint, publicKey);
    expect(result).toMatchObject({ ok: false, events: 3, firstBroken: { seq: 4 } });
    expect(result.checkpoint.ok).toBe(false);
    expect(result.checkpoint.failure).toBe(
      "the trail does not reach the checkpoint's event 5 intact: event 4: the trail ends at event 3 but the checkpoint recorded event 5: events 4 to 5 (at least) were cut from the end of the trail",
    );
  });

  it("keeps a confirmed checkpoint apart from a break after it", async () => {
    await append(3);
    const checkpoint = await checkpointOfHead();
    await append(2);
    await sql`update audit_events set actor = 'mallory' where seq = 5`.execute(store.db);
    const result = await verifyAuditTrailAgainst(store, checkpoint, publicKey);
    expect(result).toMatchObject({ ok: false, firstBroken: { seq: 5 }, checkpoint: { ok: true } });
  });

  it("fails on a tampered signature and still reports the chain on its own", async () => {
    await append(2);
    const doc = JSON.parse(serializeCheckpoint(await checkpointOfHead())) as Record<string, unknown>;
    doc.seq = 1;
    const result = await verifyAuditTrailAgainst(store, parseCheckpoint(JSON.stringify(doc)), publicKey);
    expect(result).toMatchObject({ ok: false, events: 2, head: { seq: 2 } });
    expect(result.firstBroken).toBeUndefined();
    expect(result.checkpoint).toMatchObject({ ok: false, seq: 1 });
    expect(result.checkpoint.failure).toContain("the signature does not match");
  });

  it("fails with the wrong public key", async () => {
    await append(1);
    const other = generateKeyPairSync("ed25519").publicKey;
    const result = await verifyAuditTrailAgainst(store, await checkpointOfHead(), other);
    expect(result.ok).toBe(false);
    expect(result.checkpoint.failure).toMatch(/^the checkpoint names signing key [0-9a-f]{64}, but the public key given is [0-9a-f]{64}/);
  });
});
