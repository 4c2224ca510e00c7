/** The listing snapshots of RequestModelCache: kept for a listing's later pages, until they expire or a write drops them. */
import { describe, expect, it } from "vitest";
import { LISTING_SNAPSHOT_MS, RequestModelCache } from "./request-cache.js";

const model = (name: string, version = "1") => ({ name, aliases: [{ alias: "production", version }] });

describe("listing snapshots", () => {
  it("recalls the model a listing read, under the id its cursor carries, for that model only", () => {
    const cache = new RequestModelCache();
    const id = cache.rememberListing(model("churn"), 1_000);
    expect(cache.recallListing(id, "churn", 2_000)).toEqual(model("churn"));
    expect(cache.recallListing(id, "other", 2_000)).toBeUndefined();
    expect(cache.recallListing("made-up", "churn", 2_000)).toBeUndefined();
  });

  it("forgets a snapshot once it expires, and every snapshot of a model written through the adapter", () => {
    const cache = new RequestModelCache();
    const old = cache.rememberListing(model("churn"), 0);
    expect(cache.recallListing(old, "churn", LISTING_SNAPSHOT_MS)).toBeUndefined();
    const a = cache.rememberListing(model("churn"), 0);
    const b = cache.rememberListing(model("ranker"), 0);
    cache.invalidate("churn");
    expect(cache.recallListing(a, "churn", 1)).toBeUndefined();
    expect(cache.recallListing(b, "ranker", 1)).toEqual(model("ranker"));
  });

  it("keeps at most its limit of snapshots, dropping the oldest", () => {
    const cache = new RequestModelCache(512, 2);
    const first = cache.rememberListing(model("a"), 0);
    const second = cache.rememberListing(model("b"), 0);
    const third = cache.rememberListing(model("c"), 0);
    expect(cache.recallListing(first, "a", 1)).toBeUndefined();
    expect(cache.recallListing(second, "b", 1)).toBeDefined();
    expect(cache.recallListing(third, "c", 1)).toBeDefined();
  });
});
