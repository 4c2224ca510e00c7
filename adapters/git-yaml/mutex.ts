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
}
