/**
 * How many SageMaker requests a read costs, counted with a client middleware on the real SDK
 * client (the requests still go to moto). A page of versions costs one listing plus one describe
 * per version, sent together (bounded in concurrency), each version described once per call.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { countCalls, ctx, motoAdapter, uniquePrefix, type CallCounter } from "../../test/sagemaker/helpers.js";
import type { SageMakerAdapter } from "./adapter.js";
import { MAX_IN_FLIGHT } from "./api.js";

const REGION = "eu-central-1";
const name = `${uniquePrefix("batch")}-fifty`;
let adapter: SageMakerAdapter;
let counter: CallCounter;

beforeAll(async () => {
  adapter = await motoAdapter(REGION);
  // Registered in parallel: the adapter bounds what is in flight.
  await adapter.registerVersion({ modelName: name }, ctx());
  await Promise.all(Array.from({ length: 49 }, (_, i) => adapter.registerVersion({ modelName: name, tags: { n: String(i + 2) } }, ctx())));
  await adapter.setAlias(name, "champion", "7", ctx());
  counter = countCalls(adapter);
});
afterAll(async () => {
  await adapter?.close();
});

describe("describe batching", () => {
  it("reads a page of 50 versions with 3 + 50 requests, at most MAX_IN_FLIGHT at once", async () => {
    counter.reset();
    adapter.api.limiter.resetPeak();
    const page = await adapter.listVersions(name, { first: 50 }, ctx());
    expect(page.items.map((v) => v.version)).toEqual(Array.from({ length: 50 }, (_, i) => String(i + 1)));
    expect(page.nextCursor).toBeUndefined();
    expect(page.items[6]?.aliases).toEqual(["champion"]);
    expect(counter.count("DescribeModelPackageGroup")).toBe(1);
    expect(counter.count("ListTags")).toBe(1);
    expect(counter.count("ListModelPackages")).toBe(1);
    expect(counter.count("DescribeModelPackage")).toBe(50);
    expect(counter.calls).toHaveLength(53);
    expect(adapter.api.limiter.peakInFlight).toBe(MAX_IN_FLIGHT);
  });

  it("describes only the versions a page serves", async () => {
    counter.reset();
    const first = await adapter.listVersions(name, { first: 10 }, ctx());
    expect(first.items.map((v) => v.version)).toEqual(["1", "2", "3", "4", "5", "6", "7", "8", "9", "10"]);
    expect(counter.count("DescribeModelPackage")).toBe(10);
    counter.reset();
    const second = await adapter.listVersions(name, { first: 10, after: first.nextCursor as string }, ctx());
    expect(second.items.map((v) => v.version)).toEqual(["11", "12", "13", "14", "15", "16", "17", "18", "19", "20"]);
    expect(counter.count("DescribeModelPackage")).toBe(10);
    // The second page resumes inside SageMaker's first page of 100: listed again, not re-described.
    expect(counter.count("ListModelPackages")).toBe(1);
  });

  it("costs a tag-filtered page one describe per examined version, never a second one", async () => {
    counter.reset();
    const page = await adapter.listVersions(name, { first: 5, filter: { tags: { n: "42" } } }, ctx());
    expect(page.items.map((v) => v.version)).toEqual(["42"]);
    expect(counter.count("DescribeModelPackage")).toBe(50);
    const described = counter.inputs.filter((_, i) => counter.calls[i] === "DescribeModelPackage").map((input) => input["ModelPackageName"]);
    expect(new Set(described).size).toBe(50);
  });

  it("resolves an alias with one group read, one tag read and one describe", async () => {
    counter.reset();
    expect((await adapter.getVersionByAlias(name, "champion", ctx())).version).toBe("7");
    expect(counter.calls.sort()).toEqual(["DescribeModelPackage", "DescribeModelPackageGroup", "ListTags"]);
  });

  it("lists models with one listing plus one tag read per model served", async () => {
    counter.reset();
    const page = await adapter.listModels({ first: 10, filter: { nameContains: name.toUpperCase() } }, ctx());
    expect(page.items.map((m) => m.name)).toEqual([name]);
    expect(page.items[0]?.aliases).toEqual({ champion: "7" });
    expect(counter.count("ListTags")).toBe(1);
    expect(counter.count("DescribeModelPackage")).toBe(0);
  });
});
