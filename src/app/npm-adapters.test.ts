import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCallContext, isRegistryError, NotFoundError } from "../core/index.js";
import { createAdapters } from "./adapter-registry.js";
import { adoptError, findInstalledPackage, packageEntry } from "./npm-adapters.js";

const silent = { debug() {}, info() {}, warn() {}, error() {} };
let dir: string;

/** A package as npm would install it: package.json (exports with conditions) and an ES module. */
async function installPackage(nodeModules: string, name: string, manifest: Record<string, unknown>, files: Record<string, string>): Promise<void> {
  const root = join(nodeModules, name);
  await mkdir(root, { recursive: true });
  await writeFile(join(root, "package.json"), JSON.stringify({ name, type: "module", ...manifest }));
  for (const [file, text] of Object.entries(files)) {
    await mkdir(join(root, file, ".."), { recursive: true });
    await writeFile(join(root, file), text);
  }
}

// An adapter built against another copy of modelgate/core: its own RegistryError classes.
const FOREIGN_ADAPTER = `
class RegistryError extends Error {
  constructor(code, message, details = {}) { super(message); this.name = new.target.name; this.code = code; Object.assign(this, details); }
}
class NotFoundError extends RegistryError { constructor(m, d) { super("NOT_FOUND", m, d); } }
export const adapterFactory = {
  kind: "acme-registry",
  description: "third-party adapter with its own modelgate/core",
  configSchema: { parse: (x) => x },
  async create(id) {
    return {
      info: { id, kind: "acme-registry" },
      capabilities() { return { asOf: false, generationConfigs: false, prompts: false, aliases: false, maxPageSize: 10, writes: false }; },
      async getModel(name) { throw new NotFoundError(\`model "\${name}" not found\`, { backend: id, field: "name" }); },
      listModels() { const e = new Error("plain"); e.code = "ECONNRESET"; throw e; },
      async close() {},
    };
  },
};
`;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "modelgate-npm-adapters-"));
  // The user's project: modelgate.yaml in app/, the adapter installed in app/node_modules.
  await installPackage(join(dir, "app", "node_modules"), "@acme/modelgate-adapter", { exports: { ".": { types: "./dist/index.d.ts", import: "./dist/index.js" } } }, {
    "dist/index.js": FOREIGN_ADAPTER,
  });
  await installPackage(join(dir, "app", "node_modules"), "main-only", { main: "lib/main.js" }, { "lib/main.js": "export default 1;\n" });
  await installPackage(join(dir, "app", "node_modules"), "sugar", { exports: "./entry.js" }, { "entry.js": "export default 1;\n" });
  await installPackage(join(dir, "app", "node_modules"), "conditions", { exports: { require: "./cjs.cjs", node: { import: "./esm.js" } } }, { "esm.js": "" });
  await mkdir(join(dir, "app", "config", "nested"), { recursive: true });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("finding an installed adapter package", () => {
  it("looks in node_modules of the directory and its parents", () => {
    expect(findInstalledPackage("@acme/modelgate-adapter", join(dir, "app", "config", "nested"))).toBe(join(dir, "app", "node_modules", "@acme/modelgate-adapter"));
    expect(findInstalledPackage("@acme/modelgate-adapter", dir)).toBeUndefined();
  });

  it("picks the entry import() would load: exports with conditions, exports as a string, else main", () => {
    const nm = join(dir, "app", "node_modules");
    expect(packageEntry(join(nm, "@acme/modelgate-adapter"))).toBe(join(nm, "@acme/modelgate-adapter", "dist/index.js"));
    expect(packageEntry(join(nm, "sugar"))).toBe(join(nm, "sugar", "entry.js"));
    expect(packageEntry(join(nm, "main-only"))).toBe(join(nm, "main-only", "lib/main.js"));
    expect(packageEntry(join(nm, "conditions"))).toBe(join(nm, "conditions", "esm.js"));
  });
});

describe("loading npm:<package> from the config file's directory", () => {
  it("loads a package installed next to modelgate.yaml, not beside the gateway", async () => {
    const [adapter] = await createAdapters([{ id: "acme", kind: "npm:@acme/modelgate-adapter", timeoutMs: 1000, resolveCacheMs: 1000 }], {
      logger: silent,
      dataDir: dir,
      configDir: join(dir, "app", "config"),
    });
    expect(adapter?.info).toEqual({ id: "acme", kind: "acme-registry" });
  });

  it("says where it looked when the package is not installed", async () => {
    await expect(
      createAdapters([{ id: "x", kind: "npm:@acme/not-installed", timeoutMs: 1000, resolveCacheMs: 1000 }], { logger: silent, dataDir: dir, configDir: join(dir, "app") }),
    ).rejects.toThrow(`backends[0]: cannot load adapter package "@acme/not-installed": not installed: no node_modules/@acme/not-installed in ${join(dir, "app")}`);
  });

  it("keeps the typed errors of an adapter built against another copy of modelgate/core", async () => {
    const [adapter] = await createAdapters([{ id: "acme", kind: "npm:@acme/modelgate-adapter", timeoutMs: 1000, resolveCacheMs: 1000 }], {
      logger: silent,
      dataDir: dir,
      configDir: join(dir, "app"),
    });
    const err: unknown = await adapter!.getModel("m", createCallContext({ timeoutMs: 1000, actor: { id: "tester", roles: ["admin"] } })).catch((e: unknown) => e);
    expect(isRegistryError(err)).toBe(true);
    expect(err).toBeInstanceOf(NotFoundError);
    expect(err).toMatchObject({ code: "NOT_FOUND", message: 'model "m" not found', backend: "acme", field: "name" });
    // Other errors, thrown synchronously too, pass through as they are.
    expect(() => adapter!.listModels({ first: 1 }, createCallContext({ timeoutMs: 1000, actor: { id: "tester", roles: ["admin"] } }))).toThrow("plain");
    expect(adapter!.capabilities().maxPageSize).toBe(10);
  });

  it("leaves this copy's errors and errors that only look alike untouched", () => {
    const own = new NotFoundError("x");
    expect(adoptError(own)).toBe(own);
    const lookalike = Object.assign(new Error("no"), { code: "NOT_FOUND" });
    expect(adoptError(lookalike)).toBe(lookalike);
  });
});
