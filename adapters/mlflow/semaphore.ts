/**
 * Bounds how many MLflow requests one backend has in flight. A caller waiting for a slot gives up as
 * soon as its signal aborts, so a cancelled request never queues behind others.
 */
export class Semaphore {
  private active = 0;
  private readonly waiting: { grant: () => void }[] = [];

  constructor(private readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`semaphore limit must be a positive integer, got ${limit}`);
  }

  /** Requests in flight now. */
  get inFlight(): number {
    return this.active;
  }

  async run<T>(task: () => Promise<T>, signal: AbortSignal, onAbort: () => Error): Promise<T> {
    await this.acquire(signal, onAbort);
    try {
      return await task();
    } finally {
      this.release();
    }
  }

  private acquire(signal: AbortSignal, onAbort: () => Error): Promise<void> {
    if (signal.aborted) return Promise.reject(onAbort());
    if (this.active < this.limit) {
      this.active++;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const entry = {
        grant: () => {
          signal.removeEventListener("abort", abort);
          this.active++;
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
