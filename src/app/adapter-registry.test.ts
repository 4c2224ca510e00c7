import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BUILT_IN_ADAPTERS, createAdapters } from "./adapter-registry.js";

const silent = { debug() {}, info() {}, warn() {}, error() {} };
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "modelgate-plugins-"));
  // A third-party adapter as a package would ship it: an ES module whose default export is a factory.
  await writeFile(
    join(dir, "acme-adapter.mjs"),
    `export default {
      kind: "acme",
      description: "third-party test adapter",
      configSchema: { parse(input) { if (typeof input.endpoint !== "string") throw new Error("endpoint: required"); return input; } },
      async create(id, config) {
        return { info: { id, kind: "acme" }, endpoint: config.endpoint, capabilities() { return {}; }, async close() { (globalThis.acmeClosed ??= []).push(id); } };
      },
    };`,
  );
  await writeFile(join(dir, "not-an-adapter.mjs"), "export const hello = 1;\n");
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const ctx = () => ({ logger: silent, dataDir: dir, configDir: dir });

describe("createAdapters", () => {
  it("loads a third-party adapter named as npm:<package>", async () => {
    const specifier = pathToFileURL(join(dir, "acme-adapter.mjs")).href;
    const [adapter] = await createAdapters([{ id: "acme1", kind: `npm:${specifier}`, timeoutMs: 1000, resolveCacheMs: 1000, endpoint: "https://acme" }], ctx());
    expect(adapter?.info).toEqual({ id: "acme1", kind: "acme" });
    expect((adapter as unknown as { endpoint: string }).endpoint).toBe("https://acme");
  });

  it("names the backend and the reason when a package is missing or exports no factory", async () => {
    await expect(createAdapters([{ id: "x", kind: "npm:@nobody/no-such-adapter", timeoutMs: 1000, resolveCacheMs: 1000 }], ctx())).rejects.toThrow(
      /^backends\[0\]: cannot load adapter package "@nobody\/no-such-adapter"/,
    );
    const specifier = pathToFileURL(join(dir, "not-an-adapter.mjs")).href;
    await expect(createAdapters([{ id: "x", kind: `npm:${specifier}`, timeoutMs: 1000, resolveCacheMs: 1000 }], ctx())).rejects.toThrow(/exports no adapter factory/);
  });

  it("lists the built-in kinds for an unknown kind", async () => {
    await expect(createAdapters([{ id: "x", kind: "oracle", timeoutMs: 1000, resolveCacheMs: 1000 }], ctx())).rejects.toThrow(
      /^backends\[0\]\.kind: unknown backend kind "oracle"; built-in kinds: git-yaml/,
    );
  });

  it("names the key of an adapter's own config that is wrong", async () => {
    await expect(createAdapters([{ id: "g", kind: "git-yaml", timeoutMs: 1000, resolveCacheMs: 1000, repo: 42 }], ctx())).rejects.toThrow(/^backends\[0\]\.repo: /);
  });

  it("closes the adapters it made when a later one fails", async () => {
    const specifier = pathToFileURL(join(dir, "acme-adapter.mjs")).href;
    await expect(
      createAdapters(
        [
          { id: "ok", kind: `npm:${specifier}`, timeoutMs: 1000, resolveCacheMs: 1000, endpoint: "e" },
          { id: "bad", kind: `npm:${specifier}`, timeoutMs: 1000, resolveCacheMs: 1000 },
        ],
        ctx(),
      ),
    ).rejects.toThrow(/backends\[1\]: endpoint: required/);
    expect((globalThis as { acmeClosed?: string[] }).acmeClosed).toEqual(["ok"]);
  });
});

describe("the built-in adapters loaded on first use", () => {
  it("state the kind, description and config schema of the adapter they load", async () => {
    const real = await Promise.all([
      import("../../adapters/mlflow/index.js").then((m) => m.mlflowAdapter),
      import("../../adapters/sagemaker/index.js").then((m) => m.sagemakerAdapter),
      import("../../adapters/vertex/index.js").then((m) => m.vertexAdapter),
    ]);
    for (const factory of real) {
      const lazy = BUILT_IN_ADAPTERS.get(factory.kind);
      expect(lazy).toMatchObject({ kind: factory.kind, description: factory.description });
      expect(lazy?.configSchema).toBe(factory.configSchema);
    }
  });
});
