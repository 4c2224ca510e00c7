/**
 * One queue per key (a model package group, or one version of it): tasks of a key run one at a
 * time in call order, whatever the outcome of earlier ones; different keys run in parallel. A task
 * still waiting when its signal aborts is dropped at once. Keys with nothing queued are forgotten.
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
