/**
 * Concurrency primitives of the gateway and its adapters: a mutex, a mutex per key, and a semaphore.
 * Every wait gives up as soon as the caller's signal aborts, so a cancelled call never queues behind
 * others.
 */

/**
 * An async mutex: `run` calls its tasks one at a time, in call order, whether earlier ones resolve or
 * reject. A task still waiting for its turn when `signal` aborts is dropped and its promise rejects
 * with `onAbort()` at once, so a cancelled caller never waits behind a slow writer.
 */
export class Mutex {
  private tail: Promise<void> = Promise.resolve();

  run<T>(task: () => Promise<T>, signal?: AbortSignal, onAbort?: () => unknown): Promise<T> {
    const previous = this.tail;
    let release!: () => void;
    this.tail = new Promise<void>((resolve) => {
      release = resolve;
    });

    return new Promise<T>((resolve, reject) => {
      let started = false;
      const abortReason = () => (onAbort ? onAbort() : (signal?.reason ?? new Error("aborted")));
      const onSignal = () => {
        if (!started) reject(abortReason());
      };
      if (signal?.aborted) {
        reject(abortReason());
      } else {
        signal?.addEventListener("abort", onSignal, { once: true });
      }
      void previous.then(async () => {
        signal?.removeEventListener("abort", onSignal);
        if (signal?.aborted) {
          reject(abortReason());
          release();
          return;
        }
        started = true;
        try {
          resolve(await task());
        } catch (err) {
          reject(err);
        } finally {
          release();
        }
      });
    });
  }

  /** Resolves once every task queued so far has settled (or was dropped). */
  idle(): Promise<void> {
    return this.tail;
  }
}

/*** One queue per key (e.g. a model name): tasks of a key run one at a time in call order, whatever the
 * outcome of earlier ones; different keys run in parallel. A task still waiting when its signal
 * aborts is dropped at once. Keys with nothing queued are forgotten.
 */
export class KeyedMutex {
  private readonly tails = new Map<string, Promise<void>>();

  /** Keys with a task running or queued. */
  get size(): number {
    return this.tails.size;
  }

  run<T>(key: string, task: () => Promise<T>, signal: AbortSignal, onAbort: () => Error): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const tail = new Promise<void>((resolve) => {
      release = resolve;
    });
    this.tails.set(key, tail);
    const done = () => {
      release();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    };

    return new Promise<T>((resolve, reject) => {
      let started = false;
      const onSignal = () => {
        if (!started) reject(onAbort());
      };
      if (signal.aborted) reject(onAbort());
      else signal.addEventListener("abort", onSignal, { once: true });

      void previous.then(async () => {
        signal.removeEventListener("abort", onSignal);
        if (signal.aborted) {
          reject(onAbort());
          done();
          return;
        }
        started = true;
        try {
          resolve(await task());
        } catch (err) {
          reject(err);
        } finally {
          done();
        }
      });
    });
  }
}

/*** Bounds how many requests one backend has in flight. A caller waiting for a slot gives up as soon
 * as its signal aborts, so a cancelled request never queues behind others.
 */
export class Semaphore {
  private active = 0;
  private peak = 0;
  private readonly waiting: { grant: () => void }[] = [];

  constructor(private readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`semaphore limit must be a positive integer, got ${limit}`);
  }

  /** Requests in flight now. */
  get inFlight(): number {
    return this.active;
  }

  /** Most requests that were in flight at once since the last resetPeak() (for tests and metrics). */
  get peakInFlight(): number {
    return this.peak;
  }

  resetPeak(): void {
    this.peak = this.active;
  }

  async run<T>(task: () => Promise<T>, signal: AbortSignal, onAbort: () => Error): Promise<T> {
    await this.acquire(signal, onAbort);
    try {
      return await task();
    } finally {
      this.release();
    }
  }

  private take(): void {
    this.active++;
    if (this.active > this.peak) this.peak = this.active;
  }

  private acquire(signal: AbortSignal, onAbort: () => Error): Promise<void> {
    if (signal.aborted) return Promise.reject(onAbort());
    if (this.active < this.limit) {
      this.take();
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const entry = {
        grant: () => {
          signal.removeEventListener("abort", abort);
          this.take();
          resolve();
        },
      };
      const abort = () => {
        const at = this.waiting.indexOf(entry);
        if (at >= 0) this.waiting.splice(at, 1);
        reject(onAbort());
      };
      signal.addEventListener("abort", abort, { once: true });
      this.waiting.push(entry);
    });
  }

  private release(): void {
    this.active--;
    const next = this.waiting.shift();
    if (next) next.grant();
  }
}
