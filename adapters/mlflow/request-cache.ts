/**
 * A DataLoader-like cache of registered models, per gateway request (the CallContext's requestId):
 * MLflow's version search returns versions without aliases, and a registered model carries them
 * all, so each model a request touches is fetched once, however many of its versions, pages or
 * fields the request reads. A model listing primes it (search results carry aliases too).
 *
 * Entries live until the request's deadline; writes through this adapter drop the model from every
 * request's cache. Calls without a requestId are not cached.
 *
 * A listing of a model's versions that goes on over several pages (several requests) also keeps
 * the model it read for its first page, under an unguessable id its cursor carries: the following
 * pages show the aliases (and stages) as of the first page, one version search each, instead of
 * reading the model again per page. Such a snapshot lasts LISTING_SNAPSHOT_MS and goes with any
 * write through this adapter to that model; a listing started afterwards reads MLflow afresh.
 */
import { randomBytes } from "node:crypto";
import type { CallContext } from "../../src/core/index.js";
import type { WireRegisteredModel } from "./wire.js";

/** How long a listing's later pages reuse the model its first page read. */
export const LISTING_SNAPSHOT_MS = 30_000;

interface RequestEntry {
  expires: number;
  models: Map<string, Promise<WireRegisteredModel>>;
}

interface ListingSnapshot {
  name: string;
  model: WireRegisteredModel;
  expires: number;
}

export class RequestModelCache {
  private readonly requests = new Map<string, RequestEntry>();
  private readonly listings = new Map<string, ListingSnapshot>();

  constructor(
    private readonly maxRequests = 512,
    private readonly maxListings = 1024,
  ) {}

  /** Keeps the model a listing's first page read; the id goes into the listing's cursor. */
  rememberListing(model: WireRegisteredModel, now = Date.now()): string {
    for (const [id, l] of this.listings) if (l.expires <= now) this.listings.delete(id);
    if (this.listings.size >= this.maxListings) {
      const oldest = this.listings.keys().next().value;
      if (oldest !== undefined) this.listings.delete(oldest);
    }
    const id = randomBytes(16).toString("base64url");
    this.listings.set(id, { name: model.name, model, expires: now + LISTING_SNAPSHOT_MS });
    return id;
  }

  /** The model a listing of `name` read for its first page, while the snapshot lasts. */
  recallListing(id: string, name: string, now = Date.now()): WireRegisteredModel | undefined {
    const found = this.listings.get(id);
    if (found === undefined || found.name !== name) return undefined;
    if (found.expires <= now) {
      this.listings.delete(id);
      return undefined;
    }
    return found.model;
  }

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

  /** After a write: every request, and every listing, reads this model from MLflow again. */
  invalidate(name: string): void {
    for (const entry of this.requests.values()) entry.models.delete(name);
    for (const [id, l] of this.listings) if (l.name === name) this.listings.delete(id);
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
