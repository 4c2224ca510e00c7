/** Aliases as group tags `modelgate:alias:<name>`, as SageMaker (moto) holds them. */
import { AddTagsCommand, ListTagsCommand, type SageMakerClient } from "@aws-sdk/client-sagemaker";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ctx, motoAdapter, rawClient, uniquePrefix } from "../../test/sagemaker/helpers.js";
import type { SageMakerAdapter } from "./adapter.js";

const REGION = "eu-north-1";
const prefix = uniquePrefix("alias");
let adapter: SageMakerAdapter;
let raw: SageMakerClient;

beforeAll(async () => {
  adapter = await motoAdapter(REGION);
  raw = rawClient(REGION);
});
afterAll(async () => {
  await adapter?.close();
  raw?.destroy();
});

const groupArn = (name: string) => `arn:aws:sagemaker:${REGION}:123456789012:model-package-group/${name}`;
const rawTags = async (name: string) => (await raw.send(new ListTagsCommand({ ResourceArn: groupArn(name), MaxResults: 100 }))).Tags ?? [];
const codeOf = (p: Promise<unknown>) => p.then(() => "resolved", (e: { code: string }) => e.code);

describe("aliases", () => {
  it("keeps an alias as a group tag holding the version, apart from the model's own tags", async () => {
    const name = `${prefix}-tagged`;
    await adapter.registerVersion({ modelName: name }, ctx());
    await adapter.registerVersion({ modelName: name }, ctx());
    await raw.send(new AddTagsCommand({ ResourceArn: groupArn(name), Tags: [{ Key: "team", Value: "risk" }] }));

    const v = await adapter.setAlias(name, "champion", "2", ctx());
    expect(v).toMatchObject({ version: "2", aliases: ["champion"] });
    expect(await rawTags(name)).toEqual([
      { Key: "team", Value: "risk" },
      { Key: "modelgate:alias:champion", Value: "2" },
    ]);
    const model = await adapter.getModel(name, ctx());
    expect(model.tags).toEqual({ team: "risk" });
    expect(model.aliases).toEqual({ champion: "2" });

    await adapter.setAlias(name, "stable", "2", ctx());
    expect((await adapter.getVersion(name, "2", ctx())).aliases).toEqual(["champion", "stable"]);
  });

  it("moves an alias with one tag write, reading the newest value where moto keeps both", async () => {
    const name = `${prefix}-moved`;
    for (let i = 0; i < 3; i++) await adapter.registerVersion({ modelName: name }, ctx());
    await adapter.setAlias(name, "live", "1", ctx());
    await adapter.setAlias(name, "live", "3", ctx());
    // SageMaker replaces the value of a tag added again; moto appends a second entry.
    expect((await rawTags(name)).filter((t) => t.Key === "modelgate:alias:live").map((t) => t.Value)).toEqual(["1", "3"]);
    expect((await adapter.getVersionByAlias(name, "live", ctx())).version).toBe("3");
    expect((await adapter.getVersion(name, "1", ctx())).aliases).toEqual([]);

    await adapter.removeAlias(name, "live", ctx());
    expect((await rawTags(name)).some((t) => t.Key === "modelgate:alias:live")).toBe(false);
  });

  it("refuses aliases SageMaker tags cannot name, and versions that do not exist, writing nothing", async () => {
    const name = `${prefix}-refused`;
    await adapter.registerVersion({ modelName: name }, ctx());
    expect(await codeOf(adapter.setAlias(name, "no spaces", "1", ctx()))).toBe("INVALID_INPUT");
    expect(await codeOf(adapter.setAlias(name, "-dash-first", "1", ctx()))).toBe("INVALID_INPUT");
    expect(await codeOf(adapter.setAlias(name, "champion", "2", ctx()))).toBe("NOT_FOUND");
    expect(await codeOf(adapter.setAlias(name, "champion", "latest", ctx()))).toBe("NOT_FOUND");
    expect(await codeOf(adapter.setAlias(`${prefix}-nowhere`, "champion", "1", ctx()))).toBe("NOT_FOUND");
    expect(await rawTags(name)).toEqual([]);
  });

  it("serialises concurrent moves of one alias: every write succeeds, the last one holds", async () => {
    const name = `${prefix}-race`;
    for (let i = 0; i < 4; i++) await adapter.registerVersion({ modelName: name }, ctx());
    const results = await Promise.all(["1", "2", "3", "4"].map((v) => adapter.setAlias(name, "race", v, ctx())));
    expect(results.map((r) => r.version)).toEqual(["1", "2", "3", "4"]);
    expect((await adapter.getModel(name, ctx())).aliases).toEqual({ race: "4" });
  });
});
