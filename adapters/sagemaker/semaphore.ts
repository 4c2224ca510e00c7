/**
 * Bounds how many SageMaker requests one backend has in flight (SageMaker's per-account request
 * rates are low: a page of versions described at once must not throttle everything else). A caller
 * waiting for a slot gives up as soon as its signal aborts.
 */
export class Semaphore {
  private active = 0;
  private peak = 0;
  private readonly waiting: { grant: () => void }[] = [];

  constructor(private readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`semaphore limit must be a positive integer, got ${limit}`);
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
