/**
 * The per-process feed of registry events: it tails the audit trail and fans the events out to
 * every subscriber of this process.
 *
 * The trail is the event log (every change appends its audit event in the change's transaction),
 * so the feed reads the events after the last seq it dispatched, in seq order, whenever the store
 * says an append committed (`onAuditAppended`: in this process, and on PostgreSQL in every
 * replica) and on a slow poll, because wake-ups may be merged or lost across replicas. One read
 * serves every subscriber: there is no polling per subscriber.
 *
 * A subscriber starts after the feed's position (about "now"), or after the `afterSeq` it passes:
 * then it first reads the events between its `afterSeq` and the feed's position itself (once, page
 * by page, as fast as it consumes them) and continues with the live events, without a gap or a
 * duplicate. Each subscriber buffers at most `bufferLimit` live events it has not consumed yet; one
 * that falls further behind is ended with a `SubscriberTooSlowError` (which says the seq to resume
 * after) instead of holding ever more memory.
 */
import { encodeAuditCursor } from "../store/audit-cursor.js";
import type { AuditEvent, Store } from "../store/store.js";
import { matchesFilter, toRegistryEvent, type RegistryEvent, type RegistryEventFilter } from "./registry-event.js";
import type { Logger } from "../core/index.js";

/** What the feed needs of the store. */
export type EventFeedStore = Pick<Store, "listAudit" | "onAuditAppended">;

export interface EventFeedOptions {
  /** The safety-net poll, in ms (wake-ups can be lost across replicas). Default 5 000. */
  pollIntervalMs?: number;
  /** Live events a subscriber may have pending before it is cut off. Default 1 000. */
  bufferLimit?: number;
  /** Events read per page (the store caps it at 100). Default 100. */
  pageSize?: number;
  logger?: Pick<Logger, "warn" | "error">;
}

/** A subscriber fell more than the buffer limit behind; it may resubscribe after `lastSeq`. */
export class SubscriberTooSlowError extends Error {
  override readonly name = "SubscriberTooSlowError";
  constructor(
    /** The last seq this subscriber consumed (or skipped by its filter): resubscribe with afterSeq = lastSeq. */
    readonly lastSeq: number,
    readonly bufferLimit: number,
  ) {
    super(
      `the subscriber fell more than ${bufferLimit} events behind and was ended; ` +
        `subscribe again with afterSeq: ${lastSeq} to continue without a gap`,
    );
  }
}

/** The feed was stopped (the server is shutting down). */
export class EventFeedStoppedError extends Error {
  override readonly name = "EventFeedStoppedError";
}

export interface SubscribeOptions {
  filter?: RegistryEventFilter;
  /** Deliver the events after this seq (0: the whole trail); absent: the events from now on. */
  afterSeq?: number;
}

/** A subscriber's stream; `return()` unsubscribes. */
export type EventStream = AsyncIterableIterator<RegistryEvent> & { return(): Promise<IteratorResult<RegistryEvent>> };

const DONE: IteratorResult<RegistryEvent> = Object.freeze({ done: true, value: undefined });

/** What a subscriber needs of its feed. */
interface FeedLink {
  /** One page of the trail after `seq`, oldest first. */
  readAfter(seq: number): Promise<AuditEvent[]>;
  /** The subscriber ended. */
  detach(sub: Subscriber): void;
}

class Subscriber {
  readonly #feed: FeedLink;
  readonly #filter: RegistryEventFilter | undefined;
  readonly #bufferLimit: number;
  /** Live events matching the filter, not consumed yet. */
  readonly #queue: RegistryEvent[] = [];
  /** Historic events read but not consumed yet (one page at most). */
  readonly #history: RegistryEvent[] = [];
  /** Highest seq the feed has offered to this subscriber (matching or not). */
  #liveSeen: number;
  /** History still to read: the seqs in (catchUpFrom, catchUpTo]. */
  #catchUpFrom: number;
  readonly #catchUpTo: number;
  /** The last seq consumed or skipped by the filter: where to resume after. */
  #lastSeq: number;
  #ended = false;
  /** Why the stream ended, until it has been reported to the consumer once. */
  #failure: Error | undefined;
  #waiting: { resolve: (result: IteratorResult<RegistryEvent>) => void; reject: (err: Error) => void } | undefined;

  constructor(feed: FeedLink, filter: RegistryEventFilter | undefined, afterSeq: number, feedPosition: number, bufferLimit: number) {
    this.#feed = feed;
    this.#filter = filter;
    this.#bufferLimit = bufferLimit;
    this.#liveSeen = Math.max(afterSeq, feedPosition);
    this.#catchUpFrom = afterSeq;
    this.#catchUpTo = feedPosition;
    this.#lastSeq = afterSeq;
  }

  get #catchingUp(): boolean {
    return this.#catchUpFrom < this.#catchUpTo;
  }

  /** The feed offers a batch of events, in seq order. */
  offer(events: readonly RegistryEvent[]): void {
    for (const event of events) {
      if (this.#ended) return;
      if (event.seq <= this.#liveSeen) continue;
      this.#liveSeen = event.seq;
      const idle = this.#queue.length === 0 && !this.#catchingUp;
      if (!matchesFilter(event, this.#filter)) {
        if (idle) this.#lastSeq = event.seq;
        continue;
      }
      if (idle && this.#waiting !== undefined) {
        this.#lastSeq = event.seq;
        const { resolve } = this.#waiting;
        this.#waiting = undefined;
        resolve({ done: false, value: event });
        continue;
      }
      if (this.#queue.length >= this.#bufferLimit) {
        this.end(new SubscriberTooSlowError(this.#lastSeq, this.#bufferLimit));
        return;
      }
      this.#queue.push(event);
    }
  }

  /** Ends the stream and frees its buffers; a pending or the next `next()` gets `failure` (once), then done. */
  end(failure: Error | undefined): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#failure = failure;
    this.#queue.length = 0;
    this.#history.length = 0;
    this.#feed.detach(this);
    const waiting = this.#waiting;
    this.#waiting = undefined;
    if (waiting === undefined) return;
    this.#failure = undefined;
    if (failure === undefined) waiting.resolve(DONE);
    else waiting.reject(failure);
  }

  async next(): Promise<IteratorResult<RegistryEvent>> {
    while (!this.#ended) {
      if (this.#catchingUp) {
        const event = await this.#nextHistoric();
        if (event !== undefined) return { done: false, value: event };
        continue;
      }
      const event = this.#queue.shift();
      if (event !== undefined) {
        this.#lastSeq = event.seq;
        return { done: false, value: event };
      }
      // Everything offered so far was consumed or filtered out.
      this.#lastSeq = Math.max(this.#lastSeq, this.#liveSeen);
      return new Promise<IteratorResult<RegistryEvent>>((resolve, reject) => {
        this.#waiting = { resolve, reject };
      });
    }
    const failure = this.#failure;
    this.#failure = undefined;
    if (failure !== undefined) throw failure;
    return DONE;
  }

  /** The next historic event that matches the filter, reading a page when needed; undefined when there is none. */
  async #nextHistoric(): Promise<RegistryEvent | undefined> {
    while (this.#catchingUp && !this.#ended) {
      const event = this.#history.shift();
      if (event === undefined) {
        let page: AuditEvent[];
        try {
          page = await this.#feed.readAfter(this.#catchUpFrom);
        } catch (err) {
          this.end(err instanceof Error ? err : new Error(String(err)));
          return undefined;
        }
        if (this.#ended) return undefined;
        // The trail ends before the feed's position: nothing more to catch up on.
        if (page.length === 0) this.#catchUpFrom = this.#catchUpTo;
        this.#history.push(...page.map(toRegistryEvent));
        continue;
      }
      if (event.seq > this.#catchUpTo) {
        // From here on the live events take over.
        this.#catchUpFrom = this.#catchUpTo;
        this.#history.length = 0;
        return undefined;
      }
      this.#catchUpFrom = event.seq;
      this.#lastSeq = event.seq;
      if (matchesFilter(event, this.#filter)) return event;
    }
    return undefined;
  }

  return(): Promise<IteratorResult<RegistryEvent>> {
    if (!this.#ended) this.end(undefined);
    this.#failure = undefined;
    return Promise.resolve(DONE);
  }
}

export class EventFeed {
  readonly #store: EventFeedStore;
  readonly #pollIntervalMs: number;
  readonly #bufferLimit: number;
  readonly #pageSize: number;
  readonly #logger: Pick<Logger, "warn" | "error"> | undefined;
  readonly #subscribers = new Set<Subscriber>();
  /** The last seq dispatched to the subscribers (or, with none, the head last seen). */
  #position = 0;
  #state: "new" | "running" | "stopped" = "new";
  #unlisten: (() => void) | undefined;
  #timer: ReturnType<typeof setInterval> | undefined;
  #draining: Promise<void> | undefined;
  #again = false;
  /** Polls so far (the clock a hole in the trail is given time by). */
  #polls = 0;
  /** A seq missing after the position, and the poll count when it was first missed. */
  #hole: { seq: number; since: number } | undefined;

  constructor(store: EventFeedStore, opts: EventFeedOptions = {}) {
    this.#store = store;
    this.#pollIntervalMs = opts.pollIntervalMs ?? 5_000;
    this.#bufferLimit = opts.bufferLimit ?? 1_000;
    this.#pageSize = opts.pageSize ?? 100;
    this.#logger = opts.logger;
    if (!(this.#bufferLimit >= 1)) throw new RangeError("bufferLimit must be at least 1");
    if (!(this.#pollIntervalMs > 0)) throw new RangeError("pollIntervalMs must be positive");
  }

  /** The last seq the feed has dispatched. */
  get position(): number {
    return this.#position;
  }

  get subscriberCount(): number {
    return this.#subscribers.size;
  }

  /** Reads the trail's head, then listens for wake-ups and polls. */
  async start(): Promise<void> {
    if (this.#state !== "new") throw new Error(`the event feed was already ${this.#state === "running" ? "started" : "stopped"}`);
    this.#state = "running";
    this.#position = await this.#headSeq();
    this.#unlisten = this.#store.onAuditAppended((headSeq) => {
      if (headSeq > this.#position) void this.wake();
    });
    this.#timer = setInterval(() => {
      this.#polls += 1;
      void this.wake();
    }, this.#pollIntervalMs);
    this.#timer.unref?.();
  }

  /** Stops reading and ends every subscriber's stream (with EventFeedStoppedError). */
  async stop(): Promise<void> {
    if (this.#state === "stopped") return;
    this.#state = "stopped";
    this.#unlisten?.();
    if (this.#timer !== undefined) clearInterval(this.#timer);
    for (const sub of [...this.#subscribers]) sub.end(new EventFeedStoppedError("the server is shutting down; subscribe again with afterSeq to continue"));
    await this.#draining;
  }

  /**
   * A stream of the events after `afterSeq` (or from now on) that match `filter`, in seq order.
   * Throws RangeError for an afterSeq that is not a whole number >= 0.
   */
  subscribe(opts: SubscribeOptions = {}): EventStream {
    if (this.#state !== "running") throw new EventFeedStoppedError("the event feed is not running");
    const { afterSeq } = opts;
    if (afterSeq !== undefined && (!Number.isSafeInteger(afterSeq) || afterSeq < 0)) {
      throw new RangeError(`afterSeq must be a whole number of at least 0, got ${String(afterSeq)}`);
    }
    const link: FeedLink = { readAfter: (seq) => this.#readAfter(seq), detach: (ended) => this.#subscribers.delete(ended) };
    const sub = new Subscriber(link, opts.filter, afterSeq ?? this.#position, this.#position, this.#bufferLimit);
    this.#subscribers.add(sub);
    const stream: EventStream = {
      next: () => sub.next(),
      return: () => sub.return(),
      [Symbol.asyncIterator]() {
        return stream;
      },
    };
    return stream;
  }

  /** Reads now (what a wake-up or the poll does); resolves when the feed has caught up with what it read. */
  wake(): Promise<void> {
    if (this.#state !== "running") return Promise.resolve();
    if (this.#draining !== undefined) {
      this.#again = true;
      return this.#draining;
    }
    this.#draining = this.#drain().finally(() => {
      this.#draining = undefined;
    });
    return this.#draining;
  }

  async #readAfter(seq: number): Promise<AuditEvent[]> {
    const page = await this.#store.listAudit({
      first: this.#pageSize,
      order: "asc",
      ...(seq > 0 ? { after: encodeAuditCursor(seq, "asc") } : {}),
    });
    return page.items;
  }

  async #headSeq(): Promise<number> {
    const page = await this.#store.listAudit({ first: 1, order: "desc" });
    return page.items[0]?.seq ?? 0;
  }

  async #drain(): Promise<void> {
    do {
      this.#again = false;
      try {
        if (this.#subscribers.size === 0) {
          // Nobody to tell: just keep up with the head, so that a new subscriber starts at "now".
          const head = await this.#headSeq();
          // Someone subscribed meanwhile, at the old position: read the events for them instead.
          if (this.#subscribers.size > 0) this.#again = true;
          else this.#position = Math.max(this.#position, head);
          continue;
        }
        let full = true;
        while (full && this.#state === "running" && this.#subscribers.size > 0) {
          const items = await this.#readAfter(this.#position);
          full = items.length >= this.#pageSize;
          const batch = this.#contiguous(items);
          if (batch.length === 0) break;
          const events = batch.map(toRegistryEvent);
          this.#position = events[events.length - 1]!.seq;
          for (const sub of [...this.#subscribers]) sub.offer(events);
          if (batch.length < items.length) break;
        }
      } catch (err) {
        // The next wake-up or poll tries again from the same position.
        this.#logger?.warn({ err }, "event feed: reading the audit trail failed");
      }
    } while (this.#again && this.#state === "running");
  }

  /**
   * The prefix of `items` that continues the position without a hole. A seq that is missing (not
   * visible yet: another replica's commit) is waited for; when it is still missing after a full poll
   * interval it is reported and skipped, so that a damaged trail does not stop the feed.
   */
  #contiguous(items: AuditEvent[]): AuditEvent[] {
    let end = 0;
    while (end < items.length && items[end]!.seq === this.#position + 1 + end) end += 1;
    if (end > 0 || items.length === 0) {
      this.#hole = undefined;
      return items.slice(0, end);
    }
    const missing = this.#position + 1;
    if (this.#hole?.seq !== missing) this.#hole = { seq: missing, since: this.#polls };
    if (this.#polls < this.#hole.since + 2) return [];
    this.#logger?.error({ missingFrom: missing, next: items[0]!.seq }, "event feed: the audit trail has a gap; skipping it (run `modelgate audit verify`)");
    this.#hole = undefined;
    return items;
  }
}
