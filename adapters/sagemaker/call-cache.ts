/**
 * What one adapter call has already read from SageMaker (a group, its tags, a described version),
 * so a call that needs the same thing twice asks once. Keyed by the call's CallContext object: the
 * entries go when the call's context is garbage, and nothing read in one call is served to another.
 * Failures are not remembered. A write drops what it changed before reading it back.
 */
import type { CallContext } from "../../src/core/index.js";

export class CallCache {
  private readonly calls = new WeakMap<CallContext, Map<string, Promise<unknown>>>();

  memo<T>(ctx: CallContext, key: string, load: () => Promise<T>): Promise<T> {
    let entries = this.calls.get(ctx);
    if (!entries) {
      entries = new Map();
      this.calls.set(ctx, entries);
    }
    const cached = entries.get(key);
    if (cached) return cached as Promise<T>;
    const pending = load();
    entries.set(key, pending);
    const map = entries;
    pending.catch(() => {
      if (map.get(key) === pending) map.delete(key);
    });
    return pending;
  }

  /** Remembers a value this call already has (a version just described by a listing's batch). */
  prime<T>(ctx: CallContext, key: string, value: T): void {
    let entries = this.calls.get(ctx);
    if (!entries) {
      entries = new Map();
      this.calls.set(ctx, entries);
    }
    if (!entries.has(key)) entries.set(key, Promise.resolve(value));
  }

  drop(ctx: CallContext, key: string): void {
    this.calls.get(ctx)?.delete(key);
  }
}
