/**
 * The audit trail's hash chain. Every event carries
 *
 *     hash = sha256_hex(prevHash + canonicalJson(content))
 *
 * where `prevHash` is the previous event's `hash` ("" for seq 1), the concatenation is of strings
 * hashed as UTF-8, and `canonicalJson` is RFC 8785 (src/core/canonical-json.ts). `content` is the event
 * without `hash` and `prevHash`, with these member names:
 *
 *     seq, id, at, actor, action, targetType, target, backendId, modelName,
 *     before, after, reason, outcome, error, requestId
 *
 * `at` is the ISO-8601 UTC text `Date#toISOString()` gives (millisecond precision); optional
 * members that are absent are omitted (a `before` of JSON `null` is kept as null). `seq` is part of
 * the content, so moving an event to another position breaks its hash even if the links were
 * rewritten. Anyone holding the events can re-run this check without modelgate.
 *
 * What the chain proves: an event edited, removed from the middle or reordered is reported. What
 * it cannot prove on its own: that the newest events were not cut off, or that someone with write
 * access did not rewrite every hash after an edit; comparing the head hash with one recorded
 * elsewhere catches both.
 */
import { createHash } from "node:crypto";
import type { AuditEvent } from "./store.js";
import { canonicalJson } from "../core/canonical-json.js";

/** `prevHash` of the first event. */
export const GENESIS_PREV_HASH = "";

/** The event fields the hash covers (everything but `prevHash` and `hash`). */
export type AuditEventContent = Omit<AuditEvent, "prevHash" | "hash">;

/** The JSON value hashed for an event: see the module comment for its exact shape. */
export function auditContent(event: AuditEventContent): Record<string, unknown> {
  const content: Record<string, unknown> = {
    seq: event.seq,
    id: event.id,
    at: event.at.toISOString(),
    actor: event.actor,
    action: event.action,
    targetType: event.targetType,
    target: event.target,
    backendId: event.backendId,
    modelName: event.modelName,
    before: event.before,
    after: event.after,
    reason: event.reason,
    outcome: event.outcome,
    error: event.error,
    requestId: event.requestId,
  };
  return content;
}

/** `sha256_hex(prevHash + canonicalJson(auditContent(event)))`. */
export function auditEventHash(prevHash: string, event: AuditEventContent): string {
  return createHash("sha256")
    .update(prevHash + canonicalJson(auditContent(event)), "utf8")
    .digest("hex");
}

/** The last event before the ones being verified, when verifying a later part of the chain. */
export interface ChainAnchor {
  seq: number;
  hash: string;
}

export type AuditChainVerdict = { ok: true } | { ok: false; seq: number; reason: string };

/**
 * Checks that `events`, in ascending seq order, form an unbroken chain: seqs are consecutive from
 * `from.seq + 1` (1 by default), each `prevHash` is the previous event's `hash`, and each `hash`
 * matches the event's content. Reports the first seq at fault: the missing seq when events were
 * removed, otherwise the seq of the event that fails.
 */
export function verifyAuditChain(
  events: readonly AuditEvent[],
  from: ChainAnchor = { seq: 0, hash: GENESIS_PREV_HASH },
): AuditChainVerdict {
  let prev = from;
  for (const event of events) {
    const expected = prev.seq + 1;
    if (event.seq > expected) {
      const reason =
        prev.seq === 0
          ? `event ${expected} is missing: the chain starts at ${event.seq}`
          : `event ${expected} is missing: the chain goes from ${prev.seq} to ${event.seq}`;
      return { ok: false, seq: expected, reason };
    }
    if (event.seq !== expected) {
      return {
        ok: false,
        seq: event.seq,
        reason: `event ${event.seq} is out of order or duplicated: expected event ${expected} here`,
      };
    }
    if (event.prevHash !== prev.hash) {
      return {
        ok: false,
        seq: event.seq,
        reason:
          prev.seq === 0
            ? `prevHash must be empty for the first event`
            : `prevHash does not match the hash of event ${prev.seq}`,
      };
    }
    let actual: string;
    try {
      actual = auditEventHash(event.prevHash, event);
    } catch (err) {
      return { ok: false, seq: event.seq, reason: `its content cannot be hashed: ${(err as Error).message}` };
    }
    if (actual !== event.hash) {
      return { ok: false, seq: event.seq, reason: "hash does not match the event's content: the event was altered" };
    }
    prev = { seq: event.seq, hash: event.hash };
  }
  return { ok: true };
}
