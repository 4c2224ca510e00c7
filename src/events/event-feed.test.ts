import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { openSqliteStore, type SqliteStore } from "../store/sqlite-store.js";
import type { AuditEventInput, AuditQuery } from "../store/store.js";
import { EventFeed, EventFeedStoppedError, SubscriberTooSlowError, type EventFeedStore, type EventStream } from "./event-feed.js";
import type { RegistryEvent } from "./registry-event.js";

const HOUR = 3_600_000;

let store: SqliteStore;
let feeds: EventFeed[];

beforeEach(async () => {
  store = await openSqliteStore({ file: ":memory:" });
  feeds = [];
});

afterEach(async () => {
  vi.useRealTimers();
  for (const feed of feeds) await feed.stop();
  await store.close();
});

async function startFeed(opts: ConstructorParameters<typeof EventFeed>[1] = {}, source: EventFeedStore = store): Promise<EventFeed> {
  const feed = new EventFeed(source, { pollIntervalMs: HOUR, ...opts });
  feeds.push(feed);
  await feed.start();
  return feed;
}

function aliasSet(modelName: string, alias = "champion"): AuditEventInput {
  return { actor: "alice", action: "alias.set", targetType: "alias", target: `example/${modelName}#${alias}`, backendId: "example", modelName, outcome: "SUCCESS" };
}

function register(modelName: string): AuditEventInput {
  return { actor: "bob", action: "model_version.register", targetType: "model_version", target: `example/${modelName}`, backendId: "example", modelName, outcome: "SUCCESS" };
}

async function append(n: number, make: (i: number) => AuditEventInput = (i) => aliasSet(`m${i}`)): Promise<number[]> {
  const seqs: number[] = [];
  for (let i = 0; i < n; i += 1) seqs.push((await store.appendAudit(make(i))).seq);
  return seqs;
}

async function take(stream: EventStream, n: number): Promise<RegistryEvent[]> {
  const events: RegistryEvent[] = [];
  while (events.length < n) {
    const next = await stream.next();
    if (next.done === true) throw new Error(`the stream ended after ${events.length} events`);
    events.push(next.value);
  }
  return events;
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

describe("EventFeed", () => {
  it("delivers every event after subscribing, in seq order, without gaps, across pages", async () => {
    await append(3);
    const feed = await startFeed({ pageSize: 7 });
    expect(feed.position).toBe(3);
    const stream = feed.subscribe();
    await append(40);
    const events = await take(stream, 40);
    expect(events.map((e) => e.seq)).toEqual(range(4, 43));
    expect(events[0]).toMatchObject({ type: "ALIAS_CHANGED", action: "alias.set", modelName: "m0", backendId: "example", actor: "alice" });
  });

  it("fans one read out to every subscriber", async () => {
    const feed = await startFeed();
    const reads = vi.spyOn(store, "listAudit");
    const streams = [feed.subscribe(), feed.subscribe(), feed.subscribe()];
    await append(1);
    await feed.wake();
    const perSubscriber = await Promise.all(streams.map((s) => take(s, 1)));
    expect(perSubscriber.map((events) => events[0]!.seq)).toEqual([1, 1, 1]);
    // One read for the append (plus at most one for the explicit wake), not one per subscriber.
    expect(reads.mock.calls.length).toBeLessThanOrEqual(2);
  });

  it("delivers only what matches the filter", async () => {
    const feed = await startFeed();
    const stream = feed.subscribe({ filter: { types: ["ALIAS_CHANGED"], modelName: "a" } });
    await store.appendAudit(aliasSet("a"));
    await store.appendAudit(register("a"));
    await store.appendAudit(aliasSet("b"));
    await store.appendAudit(aliasSet("a", "challenger"));
    const events = await take(stream, 2);
    expect(events.map((e) => [e.seq, e.type, e.modelName, e.target])).toEqual([
      [1, "ALIAS_CHANGED", "a", "example/a#champion"],
      [4, "ALIAS_CHANGED", "a", "example/a#challenger"],
    ]);
  });

  it("resumes after a seq: the history first, then the live events, without gap or duplicate", async () => {
    await append(9);
    const feed = await startFeed({ pageSize: 2 });
    const stream = feed.subscribe({ afterSeq: 4 });
    const first = await take(stream, 2);
    // Live events arrive while the subscriber is still reading history.
    await append(3);
    await feed.wake();
    const rest = await take(stream, 6);
    expect([...first, ...rest].map((e) => e.seq)).toEqual(range(5, 12));
  });

  it("resumes from the start of the trail with afterSeq 0, and applies the filter to history too", async () => {
    await append(6, (i) => (i % 2 === 0 ? register("x") : aliasSet("x")));
    const feed = await startFeed({ pageSize: 4 });
    const stream = feed.subscribe({ afterSeq: 0, filter: { types: ["VERSION_REGISTERED"] } });
    await store.appendAudit(register("x"));
    const events = await take(stream, 4);
    expect(events.map((e) => [e.seq, e.type])).toEqual([
      [1, "VERSION_REGISTERED"],
      [3, "VERSION_REGISTERED"],
      [5, "VERSION_REGISTERED"],
      [7, "VERSION_REGISTERED"],
    ]);
  });

  it("starts at the feed's position without afterSeq: earlier events are not replayed", async () => {
    await append(2);
    const feed = await startFeed();
    const stream = feed.subscribe();
    await append(1);
    expect((await take(stream, 1))[0]!.seq).toBe(3);
  });

  it("refuses an afterSeq that is not a whole number >= 0", async () => {
    const feed = await startFeed();
    expect(() => feed.subscribe({ afterSeq: -1 })).toThrow(RangeError);
    expect(() => feed.subscribe({ afterSeq: 1.5 })).toThrow(RangeError);
  });

  it("cuts off a subscriber that falls too far behind, saying where to resume, without holding up the others", async () => {
    const feed = await startFeed({ bufferLimit: 3 });
    const slow = feed.subscribe();
    const fast = feed.subscribe();
    const fastEvents: RegistryEvent[] = [];
    const consumer = (async () => {
      fastEvents.push(...(await take(fast, 6)));
    })();
    await append(2);
    await feed.wake();
    expect((await take(slow, 1))[0]!.seq).toBe(1);
    await append(4);
    await feed.wake();
    expect(feed.subscriberCount).toBe(1);
    const err = await slow.next().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(SubscriberTooSlowError);
    expect((err as SubscriberTooSlowError).lastSeq).toBe(1);
    expect((err as SubscriberTooSlowError).message).toContain("afterSeq: 1");
    expect(await slow.next()).toEqual({ done: true, value: undefined });

    await consumer;
    expect(fastEvents.map((e) => e.seq)).toEqual(range(1, 6));

    const resumed = feed.subscribe({ afterSeq: (err as SubscriberTooSlowError).lastSeq });
    expect((await take(resumed, 5)).map((e) => e.seq)).toEqual(range(2, 6));
  });

  it("counts only matching events against the buffer", async () => {
    const feed = await startFeed({ bufferLimit: 2 });
    const stream = feed.subscribe({ filter: { modelName: "keep" } });
    await append(10, () => aliasSet("other"));
    await store.appendAudit(aliasSet("keep"));
    await feed.wake();
    expect(feed.subscriberCount).toBe(1);
    expect((await take(stream, 1))[0]!.seq).toBe(11);
  });

  it("is woken by the store's append notification (no poll needed)", async () => {
    const feed = await startFeed({ pollIntervalMs: HOUR });
    const stream = feed.subscribe();
    const next = stream.next();
    await store.appendAudit(aliasSet("woken"));
    expect((await next).value).toMatchObject({ seq: 1, modelName: "woken" });
  });

  it("polls when wake-ups are lost", async () => {
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] });
    // A store whose wake-ups never arrive (as when another replica's notification is lost).
    const deaf: EventFeedStore = {
      listAudit: (query: AuditQuery) => store.listAudit(query),
      onAuditAppended: () => () => undefined,
    };
    const feed = await startFeed({ pollIntervalMs: 1_000 }, deaf);
    const stream = feed.subscribe();
    await append(2);
    expect(feed.position).toBe(0);
    await vi.advanceTimersByTimeAsync(1_000);
    expect((await take(stream, 2)).map((e) => e.seq)).toEqual([1, 2]);
    expect(feed.position).toBe(2);
  });

  it("does not skip events for a subscriber that joins while the feed reads the head for nobody", async () => {
    const feed = await startFeed();
    // The append wakes the feed, which (nobody subscribed yet) starts reading the head ...
    await store.appendAudit(aliasSet("race"));
    // ... and a subscriber joins before that read returns.
    const stream = feed.subscribe({ afterSeq: 0 });
    expect((await take(stream, 1))[0]).toMatchObject({ seq: 1, modelName: "race" });
  });

  it("keeps its position at the head while nobody subscribes", async () => {
    const feed = await startFeed();
    await append(3);
    await feed.wake();
    expect(feed.position).toBe(3);
  });

  it("waits for a seq that is not visible yet, and skips a hole that stays for a whole poll interval", async () => {
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] });
    const errors: unknown[] = [];
    let hidden = new Set([2]);
    const holey: EventFeedStore = {
      listAudit: async (query: AuditQuery) => {
        const page = await store.listAudit(query);
        return { ...page, items: page.items.filter((e) => !hidden.has(e.seq)) };
      },
      onAuditAppended: (listener) => store.onAuditAppended(listener),
    };
    const feed = await startFeed({ pollIntervalMs: 1_000, logger: { warn: () => undefined, error: (obj) => errors.push(obj) } }, holey);
    const stream = feed.subscribe();
    await append(3);
    await feed.wake();
    await feed.wake();
    expect(feed.position).toBe(1);
    // Visible now (a late commit): delivered in order.
    hidden = new Set([5]);
    await feed.wake();
    expect((await take(stream, 3)).map((e) => e.seq)).toEqual([1, 2, 3]);

    // A seq that never shows up is waited for over a whole poll interval, then skipped and reported.
    await append(3);
    await feed.wake();
    expect(feed.position).toBe(4);
    await vi.advanceTimersByTimeAsync(1_000);
    await feed.wake();
    expect(feed.position).toBe(4);
    expect(errors).toEqual([]);
    await vi.advanceTimersByTimeAsync(1_000);
    await feed.wake();
    expect((await take(stream, 2)).map((e) => e.seq)).toEqual([4, 6]);
    expect(errors).toEqual([{ missingFrom: 5, next: 6 }]);
  });

  it("ends every stream when stopped, and unsubscribes on return()", async () => {
    const feed = await startFeed();
    const a = feed.subscribe();
    const b = feed.subscribe();
    expect(feed.subscriberCount).toBe(2);
    expect(await b.return()).toEqual({ done: true, value: undefined });
    expect(feed.subscriberCount).toBe(1);
    const pending = a.next();
    await feed.stop();
    await expect(pending).rejects.toBeInstanceOf(EventFeedStoppedError);
    expect(await a.next()).toEqual({ done: true, value: undefined });
    expect(() => feed.subscribe()).toThrow(EventFeedStoppedError);
  });
});
