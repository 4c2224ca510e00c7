/**
 * Which store transaction the current async call chain runs in (to catch re-entrant use of a
 * store, which would wait for itself forever), tracked only while a transaction runs.
 *
 * On Node 20 an enabled AsyncLocalStorage makes every promise the process creates pay for async
 * hooks (init, before, after: about 7 % of a GraphQL request's CPU in the hot-path profile,
 * docs/performance.md), though the store only needs it inside its transactions. So the storage is
 * disabled whenever no transaction runs, and `run` enables it again.
 */
import { AsyncLocalStorage } from "node:async_hooks";

export class TxContext<T> {
  readonly #storage: AsyncLocalStorage<T>;
  #running = 0;

  constructor(storage: AsyncLocalStorage<T> = new AsyncLocalStorage<T>()) {
    this.#storage = storage;
  }

  /** The state of the transaction the caller runs in, if any. */
  current(): T | undefined {
    return this.#running === 0 ? undefined : this.#storage.getStore();
  }

  /** Runs `fn` with `state` as the current transaction's. */
  async run<R>(state: T, fn: () => Promise<R>): Promise<R> {
    this.#running += 1;
    try {
      return await this.#storage.run(state, fn);
    } finally {
      this.#running -= 1;
      // No transaction left: nothing needs the storage until the next one (which enables it again).
      if (this.#running === 0) this.#storage.disable();
    }
  }
}
