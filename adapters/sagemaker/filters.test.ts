/** Filters: what SageMaker narrows (NameContains, ModelApprovalStatus) and what the adapter matches. */
import { AddTagsCommand, type SageMakerClient } from "@aws-sdk/client-sagemaker";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RegisteredModel } from "../../src/core/index.js";
import { countCalls, ctx, motoAdapter, rawClient, uniquePrefix } from "../../test/sagemaker/helpers.js";
import type { SageMakerAdapter } from "./adapter.js";
import { matchesNoGroupName, serverNameFragment } from "./names.js";

const REGION = "ap-northeast-1";
const prefix = uniquePrefix("flt");
let adapter: SageMakerAdapter;
/** pageSize 2: SageMaker's own pages are small, so our pages cross them. */
let small: SageMakerAdapter;
let raw: SageMakerClient;

beforeAll(async () => {
  adapter = await motoAdapter(REGION);
  small = await motoAdapter(REGION, { pageSize: 2 }, { id: "sm-small-pages" });
  raw = rawClient(REGION);
  for (const suffix of ["Churn-A", "churn-b", "CHURN-c", "fraud-a", "fraud-b"]) await adapter.registerVersion({ modelName: `${prefix}-${suffix}` }, ctx());
  const tag = (name: string, value: string) =>
    raw.send(new AddTagsCommand({ ResourceArn: `arn:aws:sagemaker:${REGION}:123456789012:model-package-group/${prefix}-${name}`, Tags: [{ Key: "domain", Value: value }] }));
  await tag("Churn-A", "retention");
  await tag("CHURN-c", "retention");
  await tag("fraud-a", "payments");
});
afterAll(async () => {
  await adapter?.close();
  await small?.close();
  raw?.destroy();
});

async function all(a: SageMakerAdapter, filter: { nameContains?: string; tags?: Record<string, string> }, first: number): Promise<string[]> {
  const names: string[] = [];
  let after: string | undefined;
  for (let pages = 0; pages < 50; pages++) {
    const page = await a.listModels({ first, filter, ...(after ? { after } : {}) }, ctx());
    expect(page.items.length).toBeLessThanOrEqual(first);
    names.push(...page.items.map((m: RegisteredModel) => m.name));
    after = page.nextCursor;
    if (after === undefined) return names;
  }
  throw new Error("pagination did not end");
}

describe("model filters", () => {
  it("matches names case-insensitively, across SageMaker pages, in name order", async () => {
    const want = [`${prefix}-CHURN-c`, `${prefix}-Churn-A`, `${prefix}-churn-b`];
    expect(await all(adapter, { nameContains: `${prefix}-churn` }, 10)).toEqual(want);
    expect(await all(small, { nameContains: `${prefix}-cHuRn-` }, 2)).toEqual(want);
    expect(await all(small, { nameContains: `${prefix}-` }, 3)).toHaveLength(5);
  });

  it("matches model tags after reading them", async () => {
    expect(await all(adapter, { nameContains: prefix, tags: { domain: "retention" } }, 10)).toEqual([`${prefix}-CHURN-c`, `${prefix}-Churn-A`]);
    expect(await all(small, { nameContains: prefix, tags: { domain: "payments" } }, 1)).toEqual([`${prefix}-fraud-a`]);
  });

  it("answers a name no SageMaker model can have without asking SageMaker", async () => {
    const counter = countCalls(adapter);
    expect(await all(adapter, { nameContains: `${prefix}_churn` }, 10)).toEqual([]);
    expect(counter.calls).toEqual([]);
  });

  it("refuses a cursor of another filter", async () => {
    const page = await small.listModels({ first: 1, filter: { nameContains: `${prefix}-churn` } }, ctx());
    const err = await small.listModels({ first: 1, filter: { nameContains: `${prefix}-fraud` }, after: page.nextCursor as string }, ctx()).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "INVALID_INPUT", field: "after" });
  });

  it("sends only the letter-free part of a name filter to SageMaker", () => {
    expect(serverNameFragment("flt12ab345-churn")).toBe("345-");
    expect(serverNameFragment("flt1a2b3c-churn")).toBeUndefined();
    expect(serverNameFragment("model-2024-06")).toBe("-2024-06");
    expect(serverNameFragment("churn")).toBeUndefined();
    expect(matchesNoGroupName("churn_v2")).toBe(true);
    expect(matchesNoGroupName("Churn-v2")).toBe(false);
  });
});

describe("version filters", () => {
  it("matches version tags and stage together, across SageMaker pages", async () => {
    const name = `${prefix}-versions`;
    for (let i = 1; i <= 6; i++) await adapter.registerVersion({ modelName: name, tags: { parity: i % 2 === 0 ? "even" : "odd" } }, ctx());
    await adapter.setStage(name, "4", "STAGING", ctx());
    const versions: string[] = [];
    let after: string | undefined;
    do {
      const page = await small.listVersions(name, { first: 1, filter: { tags: { parity: "even" } }, ...(after ? { after } : {}) }, ctx());
      versions.push(...page.items.map((v) => v.version));
      after = page.nextCursor;
    } while (after !== undefined);
    expect(versions).toEqual(["2", "4", "6"]);
    const staged = await small.listVersions(name, { first: 5, filter: { stage: "STAGING", tags: { parity: "even" } } }, ctx());
    expect(staged.items.map((v) => v.version)).toEqual(["4"]);
  });
});
