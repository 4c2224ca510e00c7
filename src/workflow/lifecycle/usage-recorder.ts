/**
 * Resolve counts (docs/lifecycle.md#usage-and-idle-alerts): every answered `resolve` (GET
 * /v1/resolve and GraphQL, not asOf) counts one use of each version the answer names, per
 * environment and caller, in memory; `flush` adds them to the store's hourly usage buckets in one
 * transaction, on an interval and at shutdown.
 *
 * The hot path (`record`) is two map look-ups and an increment keyed by the kept answer object and
 * the caller id: no string is built, nothing awaited, nothing allocated once a caller has been seen
 * with an answer, and no clock call (the time is read every 250 ms by a timer). Counts are kept per hour (a new map when the clock passes the hour), so each lands
 * in the bucket of the hour it happened in.
 *
 * A flush that fails keeps its rows and sends them with the next one: the rows of one flush commit
 * together or not at all, so nothing is counted twice. (A commit whose acknowledgement is lost —
 * the connection dropping after COMMIT — cannot be told from a failure; its rows are then counted
 * again. That is the one double count possible, and it needs a database failure at that instant.)
 */
import type { UsageIncrement } from "../../store/lifecycle-store.js";
import type { ResolveAnswer } from "../resolve-answers.js";

/** Where flushed counts go: the store's lifecycle tables (`store.lifecycle`). */
export interface UsageSink {
  addUsage(increments: readonly UsageIncrement[]): Promise<void>;
}

interface VersionRef {
  readonly backendId: string;
  readonly modelName: string;
  readonly version: string;
}

interface CallerCount {
  count: number;
  /** Epoch ms of the newest use. */
  lastAt: number;
}

interface AnswerUsage {
  readonly environment: string;
  readonly versions: readonly VersionRef[];
  readonly callers: Map<string, CallerCount>;
}

export interface UsageRecorderOptions {
  /** Epoch ms (tests inject a clock). */
  now?: () => number;
  /** How many aggregated rows a failed flush keeps for the next one (the oldest beyond are dropped and reported). */
  maxRetryRows?: number;
}

const HOUR_MS = 3_600_000;
/** How stale the default clock may be (ms). */
const COARSE_CLOCK_MS = 250;

/** The versions an answer names, each once: a model's version, or a deployment's components. */
function versionsOf(answer: ResolveAnswer): VersionRef[] {
  if (answer.kind === "model") {
    const v = answer.entry.version;
    return [{ backendId: answer.entry.backendId, modelName: v.modelName, version: v.version }];
  }
  const seen = new Set<string>();
  const out: VersionRef[] = [];
  for (const c of answer.deployment.components) {
    const key = JSON.stringify([c.backendId, c.version.modelName, c.version.version]);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ backendId: c.backendId, modelName: c.version.modelName, version: c.version.version });
  }
  return out;
}

export class UsageRecorder {
  /** Counts of the current hour, by answer object. */
  #pending = new Map<ResolveAnswer, AnswerUsage>();
  /** Maps of earlier hours not flushed yet. */
  #sealed: Map<ResolveAnswer, AnswerUsage>[] = [];
  #hourEnd: number;
  /** Rows of failed flushes, sent again with the next one. */
  #retry: UsageIncrement[] = [];
  #chain: Promise<void> = Promise.resolve();
  #timer: NodeJS.Timeout | undefined;
  #clockTimer: NodeJS.Timeout | undefined;
  readonly #now: () => number;
  readonly #maxRetryRows: number;
  /** Rows given up because the retry buffer was full (reported by flush's error). */
  dropped = 0;

  constructor(
    private readonly sink: UsageSink,
    opts: UsageRecorderOptions = {},
  ) {
    if (opts.now !== undefined) {
      this.#now = opts.now;
    } else {
      // Date.now() would cost the hot path more than the rest of record() together: a time read
      // every COARSE_CLOCK_MS is precise enough for hourly buckets and last-use times.
      let cached = Date.now();
      this.#clockTimer = setInterval(() => (cached = Date.now()), COARSE_CLOCK_MS);
      this.#clockTimer.unref();
      this.#now = () => cached;
    }
    this.#maxRetryRows = opts.maxRetryRows ?? 100_000;
    this.#hourEnd = nextHour(this.#now());
  }

  /** The recorder's clock (epoch ms): the "now" of usage windows. */
  now(): number {
    return this.#now();
  }

  /** Counts one resolve of `answer` in `environment` by `caller` (an actor id, "anonymous" without auth). */
  record(answer: ResolveAnswer, environment: string, caller: string): void {
    const now = this.#now();
    if (now >= this.#hourEnd) this.#seal(now);
    let usage = this.#pending.get(answer);
    if (usage === undefined) {
      usage = { environment, versions: versionsOf(answer), callers: new Map() };
      this.#pending.set(answer, usage);
    }
    const counted = usage.callers.get(caller);
    if (counted === undefined) {
      usage.callers.set(caller, { count: 1, lastAt: now });
    } else {
      counted.count += 1;
      counted.lastAt = now;
    }
  }

  #seal(now: number): void {
    if (this.#pending.size > 0) this.#sealed.push(this.#pending);
    this.#pending = new Map();
    this.#hourEnd = nextHour(now);
  }

  /** Resolves counted and not yet in the store (retried rows included). */
  get unflushed(): number {
    let n = 0;
    for (const r of this.#retry) n += r.count;
    for (const map of [...this.#sealed, this.#pending]) {
      for (const usage of map.values()) for (const c of usage.callers.values()) n += c.count * usage.versions.length;
    }
    return n;
  }

  /**
   * Adds everything counted so far to the store in one transaction. Flushes run one at a time; a
   * failure rejects and keeps the rows for the next flush.
   */
  flush(): Promise<void> {
    const run = this.#chain.then(() => this.#flushOnce());
    this.#chain = run.catch(() => undefined);
    return run;
  }

  /** Flushes every `intervalMs` (errors go to `onError`; their rows wait for the next flush). */
  start(intervalMs: number, onError: (err: unknown) => void): void {
    if (this.#timer !== undefined) return;
    this.#timer = setInterval(() => {
      this.flush().catch(onError);
    }, intervalMs);
    this.#timer.unref();
  }

  /** Stops the interval and flushes what is left (shutdown). */
  async close(): Promise<void> {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    if (this.#clockTimer !== undefined) clearInterval(this.#clockTimer);
    this.#timer = undefined;
    await this.flush();
  }

  async #flushOnce(): Promise<void> {
    const maps = [...this.#sealed, this.#pending];
    this.#sealed = [];
    this.#pending = new Map();
    const rows = aggregate(this.#retry, maps);
    this.#retry = [];
    if (rows.length === 0) return;
    try {
      await this.sink.addUsage(rows);
    } catch (err) {
      // Another flush may not have run meanwhile (flushes are chained): these rows are the only retry.
      const keep = rows.length > this.#maxRetryRows ? rows.slice(rows.length - this.#maxRetryRows) : rows;
      this.dropped += rows.length - keep.length;
      this.#retry = keep;
      throw err;
    }
  }
}

function nextHour(ms: number): number {
  return Math.floor(ms / HOUR_MS) * HOUR_MS + HOUR_MS;
}

/** One row per version, environment, caller and hour: retried rows first, then the counted maps (oldest first). */
function aggregate(retry: readonly UsageIncrement[], maps: readonly Map<ResolveAnswer, AnswerUsage>[]): UsageIncrement[] {
  const rows = new Map<string, UsageIncrement>();
  const add = (row: UsageIncrement) => {
    const key = JSON.stringify([row.backendId, row.modelName, row.version, row.environment, row.caller, row.source, Math.floor(row.at.getTime() / HOUR_MS)]);
    const had = rows.get(key);
    if (had === undefined) rows.set(key, { ...row });
    else {
      had.count += row.count;
      if (row.at.getTime() > had.at.getTime()) had.at = row.at;
    }
  };
  for (const row of retry) add(row);
  for (const map of maps) {
    for (const usage of map.values()) {
      for (const [caller, c] of usage.callers) {
        for (const v of usage.versions) {
          add({ ...v, environment: usage.environment, caller, source: "RESOLVE", count: c.count, at: new Date(c.lastAt) });
        }
      }
    }
  }
  return [...rows.values()];
}
