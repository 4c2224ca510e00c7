import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { GENESIS_PREV_HASH, auditEventHash, verifyAuditChain } from "./audit-chain.js";
import type { AuditEvent } from "./store.js";

function buildChain(n: number): AuditEvent[] {
  const events: AuditEvent[] = [];
  let prevHash = GENESIS_PREV_HASH;
  for (let seq = 1; seq <= n; seq++) {
    const base = {
      seq,
      id: `00000000-0000-4000-8000-${String(seq).padStart(12, "0")}`,
      at: new Date(Date.UTC(2026, 0, 1, 0, 0, seq)),
      actor: "alice",
      action: "alias.set",
      targetType: "alias",
      target: `example/model@${seq}`,
      backendId: "git",
      modelName: "example/model",
      after: { alias: "champion", version: String(seq) },
      outcome: "SUCCESS" as const,
    };
    const event: AuditEvent = { ...base, prevHash, hash: auditEventHash(prevHash, { ...base }) };
    events.push(event);
    prevHash = event.hash;
  }
  return events;
}

/** Recomputes the hash of `event` as an attacker would after editing it. */
function rehash(event: AuditEvent): AuditEvent {
  return { ...event, hash: auditEventHash(event.prevHash, event) };
}

describe("auditEventHash", () => {
  it("hashes prevHash + the RFC 8785 JSON of the content, omitting absent members", () => {
    const event = {
      seq: 2,
      id: "4f1c7a52-9b1e-4a53-8d55-2a0b8c1e9f00",
      at: new Date("2026-03-04T05:06:07.089Z"),
      actor: "bob",
      action: "model_version.register",
      targetType: "model_version",
      target: "example/support-triage@14",
      before: null,
      after: { version: "14", metrics: { f1: 0.5 } },
      outcome: "FAILURE" as const,
      error: "backend unavailable",
    };
    const prevHash = "ab".repeat(32);
    const expectedText =
      '{"action":"model_version.register","actor":"bob","after":{"metrics":{"f1":0.5},"version":"14"},' +
      '"at":"2026-03-04T05:06:07.089Z","before":null,"error":"backend unavailable",' +
      '"id":"4f1c7a52-9b1e-4a53-8d55-2a0b8c1e9f00","outcome":"FAILURE","seq":2,' +
      '"target":"example/support-triage@14","targetType":"model_version"}';
    const expected = createHash("sha256").update(prevHash + expectedText, "utf8").digest("hex");
    expect(auditEventHash(prevHash, event)).toBe(expected);
  });
});

describe("verifyAuditChain", () => {
  it("accepts an empty chain and an intact chain", () => {
    expect(verifyAuditChain([])).toEqual({ ok: true });
    expect(verifyAuditChain(buildChain(10))).toEqual({ ok: true });
  });

  it("reports an edited event by its seq", () => {
    const events = buildChain(6);
    events[3] = { ...events[3]!, after: { alias: "champion", version: "666" } };
    expect(verifyAuditChain(events)).toMatchObject({ ok: false, seq: 4, reason: expect.stringMatching(/altered/) });
  });

  it("reports an edited event whose own hash was recomputed at the next event's link", () => {
    const events = buildChain(6);
    events[3] = rehash({ ...events[3]!, actor: "mallory" });
    expect(verifyAuditChain(events)).toMatchObject({ ok: false, seq: 5, reason: expect.stringMatching(/event 4/) });
  });

  it("reports a removed middle event by the missing seq", () => {
    const events = buildChain(8);
    events.splice(4, 1);
    expect(verifyAuditChain(events)).toEqual({
      ok: false,
      seq: 5,
      reason: "event 5 is missing: the chain goes from 4 to 6",
    });
  });

  it("reports a removed first event", () => {
    expect(verifyAuditChain(buildChain(3).slice(1))).toMatchObject({ ok: false, seq: 1 });
  });

  it("reports swapped and duplicated events", () => {
    const events = buildChain(5);
    const swapped = [events[0]!, events[2]!, events[1]!, events[3]!, events[4]!];
    expect(verifyAuditChain(swapped)).toMatchObject({ ok: false, seq: 2 });
    const duplicated = [events[0]!, events[1]!, events[1]!, events[2]!];
    expect(verifyAuditChain(duplicated)).toMatchObject({ ok: false, seq: 2, reason: expect.stringMatching(/duplicated/) });
  });

  it("detects renumbering because seq is part of the hashed content", () => {
    const events = buildChain(5);
    // Drop event 3, renumber the rest and relink prevHash, but keep their hashes.
    const forged = [events[0]!, events[1]!, ...events.slice(3).map((e) => ({ ...e, seq: e.seq - 1 }))];
    forged[2] = { ...forged[2]!, prevHash: forged[1]!.hash };
    expect(verifyAuditChain(forged)).toMatchObject({ ok: false, seq: 3, reason: expect.stringMatching(/altered/) });
  });

  it("requires an empty prevHash on the first event", () => {
    const events = buildChain(2);
    events[0] = rehash({ ...events[0]!, prevHash: "00" });
    expect(verifyAuditChain(events)).toMatchObject({ ok: false, seq: 1, reason: expect.stringMatching(/empty/) });
  });

  it("verifies a later part of the chain from an anchor", () => {
    const events = buildChain(9);
    const anchor = { seq: events[3]!.seq, hash: events[3]!.hash };
    expect(verifyAuditChain(events.slice(4), anchor)).toEqual({ ok: true });
    expect(verifyAuditChain(events.slice(5), anchor)).toMatchObject({ ok: false, seq: 5 });
    expect(verifyAuditChain(events.slice(4), { seq: 4, hash: "f".repeat(64) })).toMatchObject({ ok: false, seq: 5 });
  });

  it("reports an event whose content cannot be hashed instead of throwing", () => {
    const events = buildChain(2);
    events[1] = { ...events[1]!, at: new Date(Number.NaN) };
    expect(verifyAuditChain(events)).toMatchObject({ ok: false, seq: 2, reason: expect.stringMatching(/cannot be hashed/) });
  });
});
