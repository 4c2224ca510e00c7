/**
 * The last resolved entry per (name, environment, asOf), kept for If-None-Match revalidation and
 * served stale while the gateway cannot answer.
 */
import type { Resolution } from "./types.js";

export interface CachedEntry {
  etag: string;
  entry: Resolution;
  /** When the gateway last confirmed the entry (200 or 304). */
  fetchedAt: Date;
}

export class ResolveCache {
  private readonly entries = new Map<string, CachedEntry>();

  /** @param maxEntries oldest-written entries are dropped beyond this many. */
  constructor(private readonly maxEntries = 1000) {}

  static key(name: string, environment: string, asOf: string | undefined): string {
    return JSON.stringify([name, environment, asOf ?? null]);
  }

  get(key: string): CachedEntry | undefined {
    return this.entries.get(key);
  }

  set(key: string, value: CachedEntry): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.entries.delete(oldest.value);
    }
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}
