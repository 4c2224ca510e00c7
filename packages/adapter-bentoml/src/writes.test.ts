import { execFileSync, spawnSync } from "node:child_process";
import { chmod, mkdir, readdir, readFile, rm, stat, symlink, utimes, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { BentomlAdapter } from "./adapter.js";
import { ctx, failure, openAdapter, tempHome, writeVersion } from "../test/store-fixture.js";

let home: string;
let dispose: () => Promise<void>;
let adapter: BentomlAdapter;

beforeEach(async () => {
  ({ home, dispose } = await tempHome());
  adapter = await openAdapter(home);
});
afterEach(async () => {
  await adapter.close();
  await dispose();
});

const models = (...parts: string[]) => join(home, "models", ...parts);
const read = (...parts: string[]) => readFile(models(...parts), "utf8");

/** Everything under the store and the adapter's working folder, relative to home. */
async function tree(): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string, rel: string) => {
    for (const e of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        out.push(`${r}/`);
        await walk(join(dir, e.name), r);
      } else out.push(r);
    }
  };
  await walk(home, "");
  return out.sort();
}

describe("registering a version", () => {
  it("writes it in BentoML's format: model.yaml, latest, and the gateway's spelling of the name", async () => {
    const v = await adapter.registerVersion(
      {
        modelName: "Demo-Classifier",
        description: "first",
        modelDescription: "Scores transactions",
        artifactUri: "s3://bucket/demo/1",
        tags: { team: "risk", flag: "yes" },
        params: { max_depth: 6, dataset: "v3" },
        metrics: { auc: 0.91 },
        lineage: { runId: "r-1", codeCommit: "abc" },
      },
      ctx("alice"),
    );
    expect(v).toMatchObject({
      modelName: "Demo-Classifier",
      version: "1",
      stage: "NONE",
      description: "first",
      artifactUri: "s3://bucket/demo/1",
      createdBy: "alice",
      tags: { team: "risk", flag: "yes", "bentoml.tag": "demo-classifier:1" },
      params: { max_depth: 6, dataset: "v3" },
      metrics: { auc: 0.91 },
      lineage: { runId: "r-1", codeCommit: "abc" },
      aliases: ["latest"],
    });
    const yaml = await read("demo-classifier", "1", "model.yaml");
    expect(yaml).toMatch(
      new RegExp(
        [
          "^name: demo-classifier",
          "version: '1'",
          "module: ''",
          "labels:",
          "  team: risk",
          "  flag: 'yes'",
          "  modelgate.created_by: alice",
          "  modelgate.description: first",
          "  modelgate.artifact_uri: s3://bucket/demo/1",
          "options: \\{\\}",
          "metadata:",
          "  params:",
          "    max_depth: 6",
          "    dataset: v3",
          "  metrics:",
          "    auc: 0.91",
          "  lineage:",
          "    run_id: r-1",
          "    code_commit: abc",
          "context:",
          "  framework_name: ''",
          "  framework_versions: \\{\\}",
          "signatures: \\{\\}",
          "api_version: v1",
          "creation_time: '\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}\\+00:00'\n$",
        ].join("\n"),
      ),
    );
    expect(await read("demo-classifier", "latest")).toBe("1");
    expect(await read("demo-classifier", ".modelgate.yaml")).toBe("name: Demo-Classifier\ndescription: Scores transactions\nlast_version: 1\n");
    expect(await adapter.getModel("Demo-Classifier", ctx())).toMatchObject({ name: "Demo-Classifier", description: "Scores transactions", latestVersion: "1" });
    // Permissions as BentoML's own save leaves them (a plain mkdir), not mkdtemp's 0700.
    await mkdir(join(home, "probe"));
    const dirMode = (await stat(join(home, "probe"))).mode & 0o777;
    expect((await stat(models("demo-classifier", "1"))).mode & 0o777).toBe(dirMode);
    expect((await stat(models("demo-classifier"))).mode & 0o777).toBe(dirMode);
    await rm(join(home, "probe"), { recursive: true });
    // The working folder holds nothing once the write is done.
    expect((await tree()).filter((p) => p.startsWith(".modelgate/") && !p.endsWith("/"))).toEqual([]);
  });

  it("numbers after the versions BentoML made and never gives a deleted version's number again", async () => {
    await writeVersion(home, { name: "m", version: "bguhs6xrr27n2ax4", creationTime: "2026-01-01T00:00:00+00:00" });
    await writeVersion(home, { name: "m", version: "tad7kchrucexkax4", creationTime: "2026-01-02T00:00:00+00:00" });
    expect((await adapter.registerVersion({ modelName: "m" }, ctx())).version).toBe("3");
    expect((await adapter.registerVersion({ modelName: "m" }, ctx())).version).toBe("4");
    await rm(models("m", "4"), { recursive: true }); // `bentoml models delete m:4`
    expect((await adapter.registerVersion({ modelName: "m" }, ctx())).version).toBe("5");
    const listed = await adapter.listVersions("m", { first: 10 }, ctx());
    expect(listed.items.map((v) => v.version)).toEqual(["bguhs6xrr27n2ax4", "tad7kchrucexkax4", "3", "5"]);
    expect((await adapter.getModel("m", ctx())).latestVersion).toBe("5");
  });

  it("refuses what BentoML cannot hold, naming the field", async () => {
    expect(await failure(adapter.registerVersion({ modelName: "has space" }, ctx()))).toMatchObject({ code: "INVALID_INPUT", field: "modelName" });
    expect(await failure(adapter.registerVersion({ modelName: "x".repeat(64) }, ctx()))).toMatchObject({ code: "INVALID_INPUT", field: "modelName" });
    expect(await failure(adapter.registerVersion({ modelName: "m", tags: { "modelgate.stage": "production" } }, ctx()))).toMatchObject({
      code: "INVALID_INPUT",
      field: "tags.modelgate.stage",
    });
    expect(await failure(adapter.registerVersion({ modelName: "m", tags: { "bentoml.tag": "x" } }, ctx()))).toMatchObject({ field: "tags.bentoml.tag" });
    expect(await failure(adapter.registerVersion({ modelName: "m", metrics: { auc: Number.NaN } }, ctx()))).toMatchObject({ field: "metrics.auc" });
    expect(await failure(adapter.registerVersion({ modelName: "m", artifactUri: "relative/dir" }, ctx()))).toMatchObject({ field: "artifactUri" });
    expect(await failure(adapter.registerVersion({ modelName: "m", generationConfig: { model: "gpt", params: {} } }, ctx()))).toMatchObject({
      code: "UNSUPPORTED",
      field: "generationConfig",
    });
    await adapter.registerVersion({ modelName: "Mixed" }, ctx());
    expect(await failure(adapter.registerVersion({ modelName: "mixed" }, ctx()))).toMatchObject({
      code: "INVALID_INPUT",
      field: "modelName",
      message: 'modelName: BentoML keeps "mixed" as "mixed", which the gateway names "Mixed": use that name',
    });
    expect(await tree()).toEqual([".modelgate/", ".modelgate/locks/", ".modelgate/tmp/", "models/", "models/mixed/", "models/mixed/.modelgate.yaml", "models/mixed/1/", "models/mixed/1/model.yaml", "models/mixed/latest"]);
  });
});

describe("stages and aliases as labels", () => {
  it("writes the stage and the approval as labels, changing nothing else in a model.yaml BentoML wrote", async () => {
    await writeVersion(home, { name: "fraud", version: "bguhs6xrr27n2ax4", creationTime: "2026-01-01T00:00:00.000001+00:00", labels: { team: "risk" }, metadata: { auc: 0.91, big: 12345678901234567890n } });
    const before = await read("fraud", "bguhs6xrr27n2ax4", "model.yaml");
    const approvedAt = new Date("2026-12-01T10:00:00Z");
    const v = await adapter.setStage("fraud", "bguhs6xrr27n2ax4", "PRODUCTION", ctx(), { approval: { requestId: "req-1", approvedBy: ["bob", "carol"], approvedAt } });
    expect(v.stage).toBe("PRODUCTION");
    const after = await read("fraud", "bguhs6xrr27n2ax4", "model.yaml");
    // Labels written block-style as PyYAML does; every other line is byte for byte what BentoML wrote.
    const withoutLabels = (text: string) => text.replace(/^labels:\n(?: {2}.*\n)*/m, "");
    expect(withoutLabels(after)).toBe(withoutLabels(before));
    expect(after).toContain("labels:\n  team: 'risk'\n  modelgate.stage: production\n  modelgate.approval.request_id: req-1\n  modelgate.approval.approved_by: bob, carol\n  modelgate.approval.approved_at: '2026-12-01T10:00:00.000Z'\n");
    expect(after).toContain("big: 12345678901234567890");

    await chmod(models("fraud", "bguhs6xrr27n2ax4", "model.yaml"), 0o664);
    await adapter.setStage("fraud", "bguhs6xrr27n2ax4", "NONE", ctx());
    expect((await stat(models("fraud", "bguhs6xrr27n2ax4", "model.yaml"))).mode & 0o777).toBe(0o664); // a rewrite keeps the file's mode
    const none = await read("fraud", "bguhs6xrr27n2ax4", "model.yaml");
    expect(none).not.toContain("modelgate.stage");
    expect(none).toContain("modelgate.approval.request_id: req-1"); // the marks stay until the next approved write
  });

  it("moves an alias as a label from one version to another, and refuses BentoML's latest", async () => {
    await writeVersion(home, { name: "a", version: "v1", creationTime: "2026-01-01T00:00:00+00:00" });
    await writeVersion(home, { name: "a", version: "v2", creationTime: "2026-01-02T00:00:00+00:00" });
    await adapter.setAlias("a", "champion", "v1", ctx());
    expect(await read("a", "v1", "model.yaml")).toMatch(/ {2}modelgate\.alias\.champion: '\d{4}-\d\d-\d\dT[\d:.]+Z'\n/);
    await adapter.setAlias("a", "champion", "v2", ctx());
    expect(await read("a", "v1", "model.yaml")).not.toContain("modelgate.alias.champion");
    expect(await read("a", "v2", "model.yaml")).toContain("modelgate.alias.champion");
    expect(await failure(adapter.setAlias("a", "latest", "v1", ctx()))).toMatchObject({ code: "INVALID_INPUT", field: "alias" });
    expect(await failure(adapter.removeAlias("a", "latest", ctx()))).toMatchObject({ code: "INVALID_INPUT", field: "alias" });
    expect(await failure(adapter.setAlias("a", "no spaces", "v1", ctx()))).toMatchObject({ code: "INVALID_INPUT", field: "alias" });
    expect(await failure(adapter.setAlias("a", "x", "v9", ctx()))).toMatchObject({ code: "NOT_FOUND" });
  });

  it("refuses every write on a read-only backend and still reads", async () => {
    await writeVersion(home, { name: "r", version: "v1", creationTime: "2026-01-01T00:00:00+00:00" });
    const ro = await openAdapter(home, { readOnly: true });
    expect(ro.capabilities().writes).toBe(false);
    expect((await ro.getVersion("r", "v1", ctx())).version).toBe("v1");
    for (const call of [
      ro.registerVersion({ modelName: "r" }, ctx()),
      ro.setStage("r", "v1", "STAGING", ctx()),
      ro.setAlias("r", "x", "v1", ctx()),
      ro.removeAlias("r", "x", ctx()),
    ]) {
      expect((await failure(call)).code).toBe("UNSUPPORTED");
    }
  });
});

describe("importing a model directory", () => {
  let imports: string;
  beforeEach(async () => {
    imports = join(home, "..", `${home.split("/").pop()}-imports`);
    await mkdir(join(imports, "exported", "tokenizer"), { recursive: true });
    await writeFile(join(imports, "exported", "saved_model.pkl"), "pickle");
    await writeFile(join(imports, "exported", "tokenizer", "vocab.txt"), "a b c");
    // A model exported from another BentoML store: module, options, signatures and context are kept.
    await writeFile(
      join(imports, "exported", "model.yaml"),
      [
        "name: other",
        "version: oldid",
        "module: bentoml.sklearn",
        "labels:",
        "  team: nlp",
        "  modelgate.stage: production",
        "options: {}",
        "metadata:",
        "  lr: 1.0",
        "context:",
        "  framework_name: sklearn",
        "  framework_versions:",
        "    scikit-learn: 1.5.0",
        "  bentoml_version: 1.4.40",
        "  python_version: 3.11.7",
        "signatures:",
        "  predict:",
        "    batchable: true",
        "    batch_dim:",
        "    - 0",
        "    - 0",
        "api_version: v2",
        "creation_time: '2025-01-01T00:00:00+00:00'",
        "",
      ].join("\n"),
    );
    await mkdir(join(imports, "plain"), { recursive: true });
    await writeFile(join(imports, "plain", "weights.bin"), "0101");
  });
  afterEach(async () => {
    await rm(imports, { recursive: true, force: true });
  });

  it("copies the files and keeps an exported model's own record, as a new version", async () => {
    const importer = await openAdapter(home, { importRoots: [imports] });
    const v = await importer.registerVersion({ modelName: "nlp", artifactUri: `file://${join(imports, "exported")}`, tags: { owner: "ann" } }, ctx());
    expect(v).toMatchObject({
      version: "1",
      stage: "NONE",
      artifactUri: `file://${models("nlp", "1")}`,
      tags: { team: "nlp", owner: "ann", "bentoml.module": "bentoml.sklearn", "bentoml.framework": "sklearn" },
      metrics: { lr: 1 },
    });
    expect(await read("nlp", "1", "saved_model.pkl")).toBe("pickle");
    expect(await read("nlp", "1", "tokenizer", "vocab.txt")).toBe("a b c");
    const yaml = await read("nlp", "1", "model.yaml");
    expect(yaml).toContain("name: nlp\nversion: '1'\nmodule: bentoml.sklearn\n");
    expect(yaml).toContain("  lr: 1.0\n");
    expect(yaml).toContain("signatures:\n  predict:\n    batchable: true\n    batch_dim:\n    - 0\n    - 0\napi_version: v2\n");
    expect(yaml).toContain(`  modelgate.imported_from: ${join(imports, "exported")}\n`);
    expect(yaml).not.toContain("modelgate.stage");
    expect(yaml).not.toContain("2025-01-01");

    const plain = await importer.registerVersion({ modelName: "nlp", artifactUri: join(imports, "plain") }, ctx());
    expect(plain.version).toBe("2");
    expect(await read("nlp", "2", "weights.bin")).toBe("0101");
    await importer.close();
  });

  it("imports only from the directories configured, and only directories", async () => {
    const outside = join(home, "..", `${home.split("/").pop()}-outside`);
    await mkdir(outside, { recursive: true });
    await symlink(outside, join(imports, "escape"));
    try {
      expect(await failure(adapter.registerVersion({ modelName: "x", artifactUri: join(imports, "plain") }, ctx()))).toMatchObject({
        code: "INVALID_INPUT",
        field: "artifactUri",
        message: expect.stringContaining("importFrom"),
      });
      const importer = await openAdapter(home, { importRoots: [imports] });
      for (const [uri, says] of [
        [join(imports, "escape"), "outside the directories"],
        [outside, "outside the directories"],
        [join(imports, "missing"), "does not exist"],
        [join(imports, "plain", "weights.bin"), "is not a directory"],
      ] as const) {
        expect(await failure(importer.registerVersion({ modelName: "x", artifactUri: uri }, ctx()))).toMatchObject({ field: "artifactUri", message: expect.stringContaining(says) });
      }
      await importer.close();
      expect((await tree()).filter((p) => p.startsWith("models/"))).toEqual([]);
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
  });

  it("leaves nothing behind when copying fails midway", async () => {
    await writeVersion(home, { name: "nlp", version: "v1", creationTime: "2026-01-01T00:00:00+00:00" });
    const before = await tree();
    // A FIFO cannot be copied: the copy fails after some files are in.
    execFileSync("mkfifo", [join(imports, "plain", "zz-pipe")]);
    const importer = await openAdapter(home, { importRoots: [imports] });
    expect(await failure(importer.registerVersion({ modelName: "nlp", artifactUri: join(imports, "plain") }, ctx()))).toMatchObject({});
    expect(await failure(importer.registerVersion({ modelName: "fresh", artifactUri: join(imports, "plain") }, ctx()))).toMatchObject({});
    expect(await tree()).toEqual(before);
    await importer.close();
  });
});

describe("writes cut short", () => {
  it("leaves no version and no new model when the write stops before the rename", async () => {
    await writeVersion(home, { name: "m", version: "v1", creationTime: "2026-01-01T00:00:00+00:00" });
    const before = await tree();
    const crashing = await openAdapter(home, {
      writer: {
        onStep: (step) => {
          if (step === "staged") throw new Error("crash before the rename");
        },
      },
    });
    expect(await failure(crashing.registerVersion({ modelName: "m" }, ctx()))).toMatchObject({ message: "crash before the rename" });
    expect(await failure(crashing.registerVersion({ modelName: "New-Model" }, ctx()))).toMatchObject({ message: "crash before the rename" });
    expect(await tree()).toEqual(before);
    expect((await adapter.listVersions("m", { first: 10 }, ctx())).items.map((v) => v.version)).toEqual(["v1"]);
  });

  it("serves a version whose rename happened though what followed failed", async () => {
    await writeVersion(home, { name: "m", version: "v1", creationTime: "2026-01-01T00:00:00+00:00" });
    let crash = true;
    const crashing = await openAdapter(home, {
      writer: {
        onStep: (step) => {
          if (step === "renamed" && crash) throw new Error("crash after the rename");
        },
      },
    });
    const v = await crashing.registerVersion({ modelName: "m" }, ctx());
    expect(v.version).toBe("2");
    // `latest` was not moved: it still names v1, which BentoML's `m:latest` then loads too.
    expect(await read("m", "latest")).toBe("v1");
    expect((await adapter.listVersions("m", { first: 10 }, ctx())).items.map((x) => x.version)).toEqual(["v1", "2"]);
    crash = false;
    expect((await crashing.registerVersion({ modelName: "m" }, ctx())).version).toBe("3");
    expect(await read("m", "latest")).toBe("3");
  });

  it("sweeps what crashed writes left in the working folder at start", async () => {
    const stale = join(home, ".modelgate", "tmp", "m-crashed");
    const fresh = join(home, ".modelgate", "tmp", "m-inflight");
    await mkdir(stale, { recursive: true });
    await mkdir(fresh, { recursive: true });
    await writeFile(join(stale, "model.yaml"), "name: m\n");
    const old = new Date(Date.now() - 2 * 3_600_000);
    await utimes(stale, old, old);
    await openAdapter(home);
    await expect(stat(stale)).rejects.toThrow();
    expect((await stat(fresh)).isDirectory()).toBe(true);
  });
});

describe("one writer per model across processes", () => {
  it("waits for a live lock, then answers CONFLICT naming the file and its holder", async () => {
    await writeVersion(home, { name: "m", version: "v1", creationTime: "2026-01-01T00:00:00+00:00" });
    const lock = join(home, ".modelgate", "locks", "m.lock");
    // Held by a live process of this host (our parent) that keeps it fresh.
    await writeFile(lock, JSON.stringify({ token: "t", pid: process.ppid, host: hostname(), since: "2026-12-06T10:00:00Z" }));
    const blocked = await openAdapter(home, { writer: { lock: { maxWaitMs: 300 } } });
    const err = await failure(blocked.setStage("m", "v1", "STAGING", ctx()));
    expect(err).toMatchObject({ code: "CONFLICT", message: expect.stringContaining(`process ${process.ppid} on ${hostname()} since 2026-12-06T10:00:00Z`) });
    expect(err.message).toContain(lock);
    expect((await adapter.getVersion("m", "v1", ctx())).stage).toBe("NONE");
  });

  it("takes over at once the lock of a process of this host that has exited", async () => {
    await writeVersion(home, { name: "m", version: "v1", creationTime: "2026-01-01T00:00:00+00:00" });
    const gone = spawnSync(process.execPath, ["-e", ""]).pid;
    const lock = join(home, ".modelgate", "locks", "m.lock");
    await writeFile(lock, JSON.stringify({ token: "t", pid: gone, host: hostname(), since: new Date().toISOString() }));
    const quick = await openAdapter(home, { writer: { lock: { maxWaitMs: 0 } } });
    expect((await quick.setStage("m", "v1", "STAGING", ctx())).stage).toBe("STAGING");
  });

  it("takes over a lock its holder stopped touching (a process elsewhere that died mid-write)", async () => {
    await writeVersion(home, { name: "m", version: "v1", creationTime: "2026-01-01T00:00:00+00:00" });
    const lock = join(home, ".modelgate", "locks", "m.lock");
    await writeFile(lock, JSON.stringify({ token: "t", pid: 4242, host: "elsewhere", since: "2026-12-06T10:00:00Z" }));
    const old = new Date(Date.now() - 60_000);
    await utimes(lock, old, old);
    expect((await adapter.setStage("m", "v1", "STAGING", ctx())).stage).toBe("STAGING");
    await expect(stat(lock)).rejects.toThrow(); // released after the write
  });
});
