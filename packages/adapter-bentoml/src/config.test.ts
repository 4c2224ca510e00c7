import { mkdir, readdir } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { silent, tempHome } from "../test/store-fixture.js";
import { resolveHome } from "./config.js";
import { adapterFactory } from "./index.js";

let dir: string;
let dispose: () => Promise<void>;
beforeEach(async () => {
  ({ home: dir, dispose } = await tempHome());
});
afterEach(async () => {
  await dispose();
});

const parse = (input: unknown) => adapterFactory.configSchema.parse(input);

describe("the adapter's config block", () => {
  it("refuses keys it does not know, naming them", () => {
    expect(() => parse({ hom: "/srv/bentoml" })).toThrow(/hom/);
    expect(() => parse({ readOnly: "yes" })).toThrow(/readOnly/);
    expect(parse({})).toEqual({ readOnly: false, importFrom: [] });
  });

  it("finds the home as BentoML does: the setting (relative to modelgate.yaml), else $BENTOML_HOME, else ~/bentoml", () => {
    expect(resolveHome(parse({ home: "stores/bento" }), "/etc/modelgate", {})).toBe("/etc/modelgate/stores/bento");
    expect(resolveHome(parse({ home: "~/bento" }), "/etc/modelgate", {})).toBe(join(homedir(), "bento"));
    expect(resolveHome(parse({}), "/etc/modelgate", { BENTOML_HOME: "/srv/bentoml" })).toBe("/srv/bentoml");
    expect(resolveHome(parse({}), "/etc/modelgate", {})).toBe(join(homedir(), "bentoml"));
  });

  it("fails at start naming the setting when the home or an import directory is missing", async () => {
    const ctx = { logger: silent, dataDir: dir, configDir: dir };
    await expect(adapterFactory.create("b", parse({ home: "missing" }), ctx)).rejects.toThrow(`home: ${join(dir, "missing")} is not a directory`);
    await mkdir(join(dir, "home"));
    await expect(adapterFactory.create("b", parse({ home: "home", importFrom: ["exports"] }), ctx)).rejects.toThrow(`importFrom: ${join(dir, "exports")} does not exist`);
    const adapter = await adapterFactory.create("b", parse({ home: "home", readOnly: true }), ctx);
    expect(adapter.info).toEqual({ id: "b", kind: "bentoml" });
    expect(adapter.capabilities().writes).toBe(false);
    expect(await readdir(join(dir, "home"))).toEqual([]); // a read-only backend creates nothing in the home
  });
});
