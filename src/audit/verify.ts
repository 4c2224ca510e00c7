/**
 * Verifying the whole audit trail as the store holds it: reads it oldest first, a page at a time,
 * and checks each page against the last event of the one before (see ../store/audit-chain.ts for
 * what the hash chain covers). Optionally checks the head recorded by a checkpoint: its event must
 * still be in the trail, with the same hash.
 *
 * Reports the first problem by seq:
 * - an event whose content, prevHash or hash was edited: that event's seq;
 * - events removed from the middle: the first missing seq;
 * - an event the store cannot read back (a column edited into something that is not JSON or not a
 *   timestamp): the seq after the last event read;
 * - with a checkpoint, events cut from the end (the trail is shorter than the checkpoint's seq):
 *   the first missing seq; the checkpoint's event present with another hash (the trail was
 *   rewritten up to there, hashes recomputed): the checkpoint's seq.
 */
import { GENESIS_PREV_HASH, verifyAuditChain, type ChainAnchor } from "../store/audit-chain.js";
import { StoreError } from "../store/errors.js";
import type { AuditEvent, Store } from "../store/store.js";

/** Events read per page (the store's largest page). */
export const VERIFY_PAGE_SIZE = 100;

/** An event's position and hash: the chain head, or the head a checkpoint recorded. */
export interface ChainHead {
  seq: number;
  hash: string;
}

export interface BrokenLink {
  /** The first seq at fault. */
  seq: number;
  /** Why, in words. */
  reason: string;
}

export interface AuditVerification {
  ok: boolean;
  /** Events read and found intact: all of them when ok, otherwise those before the first problem. */
  events: number;
  /** The newest intact event (the chain head when ok); null when none is (empty or broken at 1). */
  head: ChainHead | null;
  /** The first problem; present exactly when ok is false. */
  firstBroken?: BrokenLink;
}

export interface VerifyAuditTrailOptions {
  /** A head recorded earlier (by a checkpoint whose signature was checked): proves no tail was cut. */
  expectHead?: ChainHead;
  /** Called before each page is read; throw from it to stop (a deadline, a cancelled request). */
  assertActive?: () => void;
}

type Chunk = { events: AuditEvent[] } | { unreadable: StoreError };

/**
 * The trail oldest first, page by page. When a page cannot be read back (a row that no longer
 * parses), reads on one event at a time, so the failure is known to be the next event.
 */
async function* readTrail(store: Store, assertActive: (() => void) | undefined): AsyncGenerator<Chunk> {
  let cursor: string | undefined;
  let size = VERIFY_PAGE_SIZE;
  for (;;) {
    assertActive?.();
    let page;
    try {
      page = await store.listAudit({ first: size, order: "asc", ...(cursor === undefined ? {} : { after: cursor }) });
    } catch (err) {
      if (!(err instanceof StoreError)) throw err;
      if (size > 1) {
        size = 1;
        continue;
      }
      yield { unreadable: err };
      return;
    }
    yield { events: page.items };
    if (page.nextCursor === undefined) return;
    cursor = page.nextCursor;
  }
}

function checkpointMismatch(event: AuditEvent, expect: ChainHead): BrokenLink | undefined {
  if (event.seq !== expect.seq || event.hash === expect.hash) return undefined;
  return {
    seq: event.seq,
    reason:
      `event ${event.seq} has hash ${event.hash} but the checkpoint recorded ${expect.hash}: ` +
      `the trail up to event ${event.seq} was rewritten after the checkpoint was made`,
  };
}

function cutTail(last: ChainAnchor, expect: ChainHead): BrokenLink {
  const missing = last.seq + 1;
  const range = missing === expect.seq ? `event ${expect.seq} was` : `events ${missing} to ${expect.seq} (at least) were`;
  const trail = last.seq === 0 ? "the trail is empty" : `the trail ends at event ${last.seq}`;
  return {
    seq: missing,
    reason: `${trail} but the checkpoint recorded event ${expect.seq}: ${range} cut from the end of the trail`,
  };
}

function broken(events: number, head: ChainAnchor, firstBroken: BrokenLink): AuditVerification {
  return { ok: false, events, head: head.seq === 0 ? null : { seq: head.seq, hash: head.hash }, firstBroken };
}

/** Verifies the store's whole audit trail (and, given `expectHead`, that it still reaches that head). */
export async function verifyAuditTrail(store: Store, opts: VerifyAuditTrailOptions = {}): Promise<AuditVerification> {
  const expect = opts.expectHead;
  let last: ChainAnchor = { seq: 0, hash: GENESIS_PREV_HASH };
  let events = 0;
  for await (const chunk of readTrail(store, opts.assertActive)) {
    if ("unreadable" in chunk) {
      return broken(events, last, {
        seq: last.seq + 1,
        reason: `the event after ${last.seq === 0 ? "the start of the trail" : `event ${last.seq}`} cannot be read back: ${chunk.unreadable.message}`,
      });
    }
    const verdict = verifyAuditChain(chunk.events, last);
    const anchor = last;
    // The events before the failing one are intact: consecutive from the anchor and not at fault.
    const failAt = verdict.ok ? -1 : chunk.events.findIndex((e, i) => e.seq !== anchor.seq + 1 + i || e.seq === verdict.seq);
    const intact = failAt === -1 ? chunk.events : chunk.events.slice(0, failAt);
    for (const event of intact) {
      const mismatch = expect === undefined ? undefined : checkpointMismatch(event, expect);
      if (mismatch !== undefined) return broken(events, last, mismatch);
      events += 1;
      last = { seq: event.seq, hash: event.hash };
    }
    if (!verdict.ok) return broken(events, last, { seq: verdict.seq, reason: verdict.reason });
  }
  if (expect !== undefined && last.seq < expect.seq) return broken(events, last, cutTail(last, expect));
  return { ok: true, events, head: last.seq === 0 ? null : { seq: last.seq, hash: last.hash } };
}
