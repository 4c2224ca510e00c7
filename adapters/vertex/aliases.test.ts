/**
 * Aliases are Vertex AI version aliases: `default` is one of them (on the first version, moved by
 * setAlias, never removed), names follow Vertex's pattern, and an alias never reads as a version id
 * or the other way round.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { codeOf, ctx, startFakeAdapter, type FakeHarness } from "../../test/vertex/harness.js";

let h: FakeHarness;

beforeAll(async () => {
  h = await startFakeAdapter();
});
afterAll(() => h.close());
beforeEach(() => h.fake.reset());

async function twoVersions(name: string): Promise<void> {
  await h.adapter.registerVersion({ modelName: name }, ctx());
  await h.adapter.registerVersion({ modelName: name }, ctx());
}

describe("the default alias", () => {
  it("is on the first version and shows in the model's aliases", async () => {
    await twoVersions("churn");
    expect((await h.adapter.getVersion("churn", "1", ctx())).aliases).toEqual(["default"]);
    expect((await h.adapter.getVersion("churn", "2", ctx())).aliases).toEqual([]);
    expect((await h.adapter.getModel("churn", ctx())).aliases).toEqual({ default: "1" });
  });

  it("moves with setAlias, which changes the version the model's own fields are read from", async () => {
    await h.adapter.registerVersion({ modelName: "churn", tags: { team: "one" } }, ctx());
    await h.adapter.registerVersion({ modelName: "churn", tags: { team: "two" } }, ctx());
    expect((await h.adapter.getModel("churn", ctx())).tags).toEqual({ team: "one" });
    const moved = await h.adapter.setAlias("churn", "default", "2", ctx());
    expect(moved.aliases).toEqual(["default"]);
    const model = await h.adapter.getModel("churn", ctx());
    expect(model.aliases).toEqual({ default: "2" });
    expect(model.tags).toEqual({ team: "two" });
    expect((await h.adapter.getVersionByAlias("churn", "default", ctx())).version).toBe("2");
  });

  it("cannot be removed", async () => {
    await twoVersions("churn");
    const refused = await codeOf(h.adapter.removeAlias("churn", "default", ctx()));
    expect(refused).toMatchObject({ code: "INVALID_INPUT", field: "alias" });
    expect(refused.message).toMatch(/exactly one version.*move it with setAlias/);
    expect((await h.adapter.getModel("churn", ctx())).aliases).toEqual({ default: "1" });
  });
});

describe("alias names", () => {
  it("follow Vertex AI's pattern; a name that is not one is refused on write and not found on read", async () => {
    await twoVersions("churn");
    for (const alias of ["Champion", "x", "with_underscore", "trailing-", "7up"]) {
      const refused = await codeOf(h.adapter.setAlias("churn", alias, "1", ctx()));
      expect(refused, alias).toMatchObject({ code: "INVALID_INPUT", field: "alias" });
      expect(refused.message).toMatch(/\[a-z\]\[a-zA-Z0-9-\]\{0,126\}\[a-z0-9\]/);
      expect((await codeOf(h.adapter.getVersionByAlias("churn", alias, ctx()))).code).toBe("NOT_FOUND");
    }
    expect((await h.adapter.setAlias("churn", "blueGreen-2", "2", ctx())).aliases).toEqual(["blueGreen-2"]);
  });

  it("never stand for a version id, nor a version id for an alias", async () => {
    await twoVersions("churn");
    await h.adapter.setAlias("churn", "champion", "2", ctx());
    expect((await codeOf(h.adapter.getVersionByAlias("churn", "1", ctx()))).code).toBe("NOT_FOUND");
    expect((await codeOf(h.adapter.getVersion("churn", "champion", ctx()))).code).toBe("NOT_FOUND");
    expect((await codeOf(h.adapter.setAlias("churn", "champion", "default", ctx()))).code).toBe("NOT_FOUND");
  });

  it("tell a missing model from a missing alias or version", async () => {
    await twoVersions("churn");
    expect((await codeOf(h.adapter.getVersionByAlias("nope", "champion", ctx()))).message).toMatch(/model "nope" not found/);
    expect((await codeOf(h.adapter.getVersionByAlias("churn", "champion", ctx()))).message).toMatch(/model "churn" has no alias "champion"/);
    expect((await codeOf(h.adapter.setAlias("churn", "champion", "9", ctx()))).message).toMatch(/model "churn" has no version "9"/);
    expect((await codeOf(h.adapter.setAlias("nope", "champion", "1", ctx()))).message).toMatch(/model "nope" not found/);
    expect((await codeOf(h.adapter.removeAlias("churn", "champion", ctx()))).message).toMatch(/has no alias "champion"/);
  });
});
