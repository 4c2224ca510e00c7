/**
 * A DataLoader-like cache of registered models, per gateway request (the CallContext's requestId):
 * MLflow's version search returns versions without aliases, and a registered model carries them
 * all, so each model a request touches is fetched once, however many of its versions, pages or
 * fields the request reads. A model listing primes it (search results carry aliases too).
 *
 * Entries live until the request's deadline; writes through this adapter drop the model from every
 * request's cache. Calls without a requestId are not cached.
 */
import type { CallContext } from "../../src/core/index.js";
import type { WireRegisteredModel } from "./wire.js";

interface RequestEntry {
  expires: number;
  models: Map<string, Promise<WireRegisteredModel>>;
}

export class RequestModelCache {
  private readonly requests = new Map<string, RequestEntry>();

  constructor(private readonly maxRequests = 512) {}

  /** The model as this request has seen it, fetched once per request. */
  load(ctx: CallContext, name: string, fetch: () => Promise<WireRegisteredModel>): Promise<WireRegisteredModel> {
    const entry = this.entry(ctx);
    if (!entry) return fetch();
    const cached = entry.models.get(name);
    if (cached) return cached;
    const pending = fetch();
    entry.models.set(name, pending);
    // Failures are not remembered: the next read asks MLflow again.
    pending.catch(() => {
      if (entry.models.get(name) === pending) entry.models.delete(name);
    });
    return pending;
  }

  /** Remembers models a search returned, for the rest of this request. */
  prime(ctx: CallContext, models: readonly WireRegisteredModel[]): void {
    const entry = this.entry(ctx);
    if (!entry) return;
    for (const m of models) if (!entry.models.has(m.name)) entry.models.set(m.name, Promise.resolve(m));
  }

  /** After a write: every request reads this model from MLflow again. */
  invalidate(name: string): void {
    for (const entry of this.requests.values()) entry.models.delete(name);
  }

  /** Requests holding entries now (for tests and metrics). */
  get size(): number {
    return this.requests.size;
  }

  private entry(ctx: CallContext): RequestEntry | undefined {
    const id = ctx.requestId;
    if (id === undefined) return undefined;
    const now = Date.now();
    for (const [key, e] of this.requests) if (e.expires <= now) this.requests.delete(key);
    let entry = this.requests.get(id);
    if (!entry) {
      if (this.requests.size >= this.maxRequests) {
        const oldest = this.requests.keys().next().value;
        if (oldest !== undefined) this.requests.delete(oldest);
      }
      entry = { expires: ctx.deadline, models: new Map() };
      this.requests.set(id, entry);
    } else if (ctx.deadline > entry.expires) {
      entry.expires = ctx.deadline;
    }
    return entry;
  }
}
