/**
 * MLflow's client repeats a request that got a 5xx answer or none (POST included: urllib3 retries
 * every method), so a create whose first attempt landed would register a second version. The ledger
 * keys creates by caller, endpoint and body:
 * - while an attempt is in flight, a repeat waits for it and gets its result;
 * - when an attempt succeeded but its answer did not reach the caller (the connection closed first,
 *   or it was answered with a 5xx), a repeat within `ttlMs` gets that result instead of writing again.
 * An attempt that failed, or whose answer was delivered, is forgotten: the next identical create is a
 * new one, as in MLflow.
 */
import type { ServerResponse } from "node:http";

interface Entry {
  promise: Promise<unknown>;
  state: "running" | "undelivered";
  expires: number;
}

export class RetryLedger {
  readonly #entries = new Map<string, Entry>();

  constructor(
    private readonly ttlMs: number,
    private readonly clock: () => number = Date.now,
  ) {}

  get size(): number {
    return this.#entries.size;
  }

  run<T>(key: string, res: ServerResponse, work: () => Promise<T>): Promise<T> {
    this.#sweep();
    const prior = this.#entries.get(key);
    if (prior !== undefined) return prior.promise as Promise<T>;
    const entry: Entry = { promise: work(), state: "running", expires: Number.POSITIVE_INFINITY };
    this.#entries.set(key, entry);
    const forget = () => {
      if (this.#entries.get(key) === entry) this.#entries.delete(key);
    };
    entry.promise.catch(forget);
    res.once("close", () => {
      const delivered = res.writableFinished && res.statusCode < 500;
      entry.promise.then(
        () => {
          if (delivered) forget();
          else {
            entry.state = "undelivered";
            entry.expires = this.clock() + this.ttlMs;
          }
        },
        () => undefined,
      );
    });
    return entry.promise as Promise<T>;
  }

  #sweep(): void {
    const now = this.clock();
    for (const [key, entry] of this.#entries) if (entry.state === "undelivered" && entry.expires <= now) this.#entries.delete(key);
  }
}
