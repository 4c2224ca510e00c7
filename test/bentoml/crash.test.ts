/**
 * A registration killed mid-write (SIGKILL of the writing process, after the version's files and
 * model.yaml are staged, before the rename) leaves BentoML's store exactly as it was: `bentoml models
 * list` and `bentoml.models.get` see nothing of it; the next write takes over the dead process's lock
 * at once, and a restart sweeps the leftovers once they are old.
 */
import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startChild } from "../../bench/processes.js";
import { createCallContext } from "../../src/core/index.js";
import { BentomlAdapter } from "../../packages/adapter-bentoml/src/adapter.js";
import { bentomlCli, python } from "./python.js";

const ROOT = resolve(import.meta.dirname, "../..");
const silent = { debug() {}, info() {}, warn() {}, error() {} };
let dir: string;
let home: string;
let importDir: string;

async function tree(path: string): Promise<string[]> {
  const entries = await readdir(path, { recursive: true, withFileTypes: true });
  return entries.map((e) => relative(path, join(e.parentPath, e.name))).sort();
}

async function killMidWrite(model: string): Promise<void> {
  const { child } = await startChild("crash-writer", ["--import", "tsx", join(ROOT, "test/bentoml/crash-writer.ts"), home, model, importDir], {
    cwd: ROOT,
    env: { ...process.env, TSX_TSCONFIG_PATH: join(ROOT, "packages/adapter-bentoml/tsconfig.json") },
    ready: /^staged$/m,
    timeoutMs: 120_000,
  });
  const exited = new Promise((r) => child.process.once("exit", r));
  child.process.kill("SIGKILL");
  await exited;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "modelgate-bentoml-crash-"));
  home = join(dir, "home");
  importDir = join(dir, "exports");
  await mkdir(join(importDir, "weights"), { recursive: true });
  for (let i = 0; i < 20; i++) await writeFile(join(importDir, "weights", `shard-${i}.bin`), Buffer.alloc(64 * 1024, i));
  await python(home, `
import json, bentoml
with bentoml.models.create("fraud-detector", labels={"team": "risk"}) as m:
    pass
print(json.dumps(str(m.tag)))
`);
}, 300_000);
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("a registration killed mid-write", () => {
  it("leaves the store as it was, for an existing model and a new one", async () => {
    const before = await tree(join(home, "models"));
    const listedBefore = await bentomlCli(home, ["models", "list", "-o", "json"]);
    await killMidWrite("fraud-detector");
    await killMidWrite("New-Model");
    expect(await tree(join(home, "models"))).toEqual(before);
    expect(await bentomlCli(home, ["models", "list", "-o", "json"])).toBe(listedBefore);
    // What the killed processes staged is in the adapter's working folder only.
    expect((await readdir(join(home, ".modelgate", "tmp"))).length).toBeGreaterThanOrEqual(2);
  });

  it("lets the next write go ahead and sweeps the leftovers on a later start", async () => {
    const adapter = new BentomlAdapter("bento", { home, readOnly: false, importRoots: [importDir], logger: silent });
    await adapter.start();
    // The killed process's lock is taken over at once: it was on this host and is gone.
    const v = await adapter.registerVersion({ modelName: "fraud-detector", artifactUri: importDir }, createCallContext({ timeoutMs: 60_000, actor: { id: "tester", roles: ["admin"] } }));
    expect(v.version).toBe("2");
    const loaded = await python<{ tags: string[]; shards: number }>(home, `
import json, os, bentoml
m = bentoml.models.get("fraud-detector:latest")
print(json.dumps({"tags": sorted(str(x.tag) for x in bentoml.models.list()), "shards": len(os.listdir(m.path_of("weights")))}))
`);
    expect(loaded.shards).toBe(20);
    expect(loaded.tags.filter((t) => t === "fraud-detector:2")).toHaveLength(1);
    expect(loaded.tags.some((t) => t.startsWith("new-model"))).toBe(false);

    const tmp = join(home, ".modelgate", "tmp");
    const old = new Date(Date.now() - 2 * 3_600_000);
    for (const name of await readdir(tmp)) await utimes(join(tmp, name), old, old);
    await new BentomlAdapter("bento", { home, readOnly: false, importRoots: [], logger: silent }).start();
    expect(await readdir(tmp)).toEqual([]);
  });
});
