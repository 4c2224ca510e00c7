import { mkdir, readFile, rm, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { BentomlAdapter } from "./adapter.js";
import { ctx, failure, modelYamlText, openAdapter, tempHome, writeVersion } from "../test/store-fixture.js";

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

describe("reading BentoML's model store", () => {
  it("serves a model's versions in creation order with labels, metadata, latest and BentoML's own facts", async () => {
    // Random ids that sort the other way round from their creation times.
    await writeVersion(home, {
      name: "fraud",
      version: "zzz2bguhs6xrr27n",
      creationTime: "2026-12-06T15:59:37.000001+00:00",
      labels: { team: "risk" },
      metadata: { auc: 0.88 },
      files: { "weights.bin": "0123456789" },
    });
    await writeVersion(home, {
      name: "fraud",
      version: "aaa7kchrucexkax4",
      creationTime: "2026-12-06T15:59:37.000002+00:00",
      module: "bentoml.sklearn",
      framework: "sklearn",
      labels: { team: "fraud", "modelgate.stage": "Production", "modelgate.description": "second", "modelgate.created_by": "bob" },
      metadata: {
        auc: 0.91,
        dataset: "v3",
        layers: [64, 32],
        flag: true,
        params: { max_depth: 6 },
        metrics: { f1: 0.8, note: "n/a" },
        lineage: { run_id: "r-1", code_commit: "abc", extra: 1 },
      },
    });

    const model = await adapter.getModel("fraud", ctx());
    expect(model).toMatchObject({ backendId: "bento", name: "fraud", tags: { team: "fraud" }, aliases: { latest: "aaa7kchrucexkax4" }, latestVersion: "aaa7kchrucexkax4" });
    expect(model.createdAt?.toISOString()).toBe("2026-12-06T15:59:37.000Z");

    const page = await adapter.listVersions("fraud", { first: 10 }, ctx());
    expect(page.items.map((v) => v.version)).toEqual(["zzz2bguhs6xrr27n", "aaa7kchrucexkax4"]);
    const [first, second] = page.items;
    expect(first).toMatchObject({ stage: "NONE", tags: { team: "risk", "bentoml.tag": "fraud:zzz2bguhs6xrr27n" }, metrics: { auc: 0.88 }, aliases: [] });
    expect(Number(first!.tags["bentoml.size_bytes"])).toBeGreaterThan(10);
    expect(first!.artifactUri).toBe(`file://${home}/models/fraud/zzz2bguhs6xrr27n`);
    expect(second).toMatchObject({
      stage: "PRODUCTION",
      description: "second",
      createdBy: "bob",
      aliases: ["latest"],
      tags: { team: "fraud", "bentoml.tag": "fraud:aaa7kchrucexkax4", "bentoml.module": "bentoml.sklearn", "bentoml.framework": "sklearn" },
      params: { dataset: "v3", layers: [64, 32], flag: true, max_depth: 6, "metrics.note": "n/a", "lineage.extra": 1 },
      metrics: { auc: 0.91, f1: 0.8 },
      lineage: { runId: "r-1", codeCommit: "abc" },
    });
    expect(Object.keys(second!.tags).some((k) => k.startsWith("modelgate."))).toBe(false);
  });

  it("follows the latest file, and the newest version when it names none", async () => {
    await writeVersion(home, { name: "m", version: "old", creationTime: "2026-01-01T00:00:00+00:00" });
    await writeVersion(home, { name: "m", version: "new", creationTime: "2026-02-01T00:00:00+00:00", latest: false });
    // BentoML moves latest on save and delete; someone pointed it back by hand.
    expect((await adapter.getVersionByAlias("m", "latest", ctx())).version).toBe("old");
    await writeFile(join(home, "models", "m", "latest"), "deleted-version\n");
    expect((await adapter.getModel("m", ctx())).latestVersion).toBe("new");
    await rm(join(home, "models", "m", "latest"));
    expect((await adapter.getVersionByAlias("m", "latest", ctx())).version).toBe("new");
  });

  it("maps modelgate.stage in any case, and shows an unknown value as the native stage", async () => {
    await writeVersion(home, { name: "s", version: "a", creationTime: "2026-01-01T00:00:00+00:00", labels: { "modelgate.stage": "STAGING" } });
    await writeVersion(home, { name: "s", version: "b", creationTime: "2026-01-02T00:00:00+00:00", labels: { "modelgate.stage": "prod" } });
    expect(await adapter.getVersion("s", "a", ctx())).toMatchObject({ stage: "STAGING" });
    expect(await adapter.getVersion("s", "b", ctx())).toMatchObject({ stage: "NONE", nativeStage: "prod" });
    expect((await adapter.listVersions("s", { first: 10, filter: { stage: "STAGING" } }, ctx())).items.map((v) => v.version)).toEqual(["a"]);
  });

  it("resolves an alias carried twice (a move cut short) to the later setting", async () => {
    await writeVersion(home, { name: "a", version: "v1", creationTime: "2026-01-01T00:00:00+00:00", labels: { "modelgate.alias.champion": "2026-03-01T00:00:00.000Z" } });
    await writeVersion(home, { name: "a", version: "v2", creationTime: "2026-01-02T00:00:00+00:00", labels: { "modelgate.alias.champion": "2026-03-02T00:00:00.000Z", "modelgate.alias.hand": "yes" } });
    await writeVersion(home, { name: "a", version: "v3", creationTime: "2026-01-03T00:00:00+00:00", labels: { "modelgate.alias.hand": "2026-01-01T00:00:00Z" } });
    expect((await adapter.getModel("a", ctx())).aliases).toEqual({ latest: "v3", champion: "v2", hand: "v3" });
    expect((await adapter.getVersion("a", "v1", ctx())).aliases).toEqual([]);
    expect((await adapter.getVersionByAlias("a", "champion", ctx())).version).toBe("v2");
    expect((await failure(adapter.getVersionByAlias("a", "none", ctx()))).code).toBe("NOT_FOUND");
  });

  it("sees what BentoML changes on disk on the next call", async () => {
    const dir = await writeVersion(home, { name: "live", version: "a", creationTime: "2026-01-01T00:00:00+00:00", labels: { team: "x" } });
    expect((await adapter.getVersion("live", "a", ctx())).tags["team"]).toBe("x");
    const yaml = join(dir, "model.yaml");
    // Same size, so only the times tell: as when Python's flush() rewrites a label.
    await writeFile(yaml, (await readFile(yaml, "utf8")).replace("team: 'x'", "team: 'y'"));
    await utimes(yaml, new Date(), new Date(Date.now() + 5_000));
    expect((await adapter.getVersion("live", "a", ctx())).tags["team"]).toBe("y");
  });

  it("names models as registered through the gateway, and finds them by that name only", async () => {
    await writeVersion(home, { name: "support-triage", version: "a", creationTime: "2026-01-01T00:00:00+00:00" });
    await writeFile(join(home, "models", "support-triage", ".modelgate.yaml"), "name: Support-Triage\nlast_version: 3\n");
    expect((await adapter.listModels({ first: 10 }, ctx())).items.map((m) => m.name)).toEqual(["Support-Triage"]);
    expect((await adapter.listModels({ first: 10, filter: { nameContains: "PORT-tri" } }, ctx())).items).toHaveLength(1);
    expect((await adapter.getModel("Support-Triage", ctx())).name).toBe("Support-Triage");
    const wrongCase = await failure(adapter.getModel("support-triage", ctx()));
    expect(wrongCase).toMatchObject({ code: "NOT_FOUND", message: 'model "support-triage" not found; BentoML\'s "support-triage" is named "Support-Triage" here' });
    expect((await failure(adapter.getModel("not a bentoml name", ctx()))).code).toBe("NOT_FOUND");
    expect((await failure(adapter.getVersion("Support-Triage", "zzz", ctx()))).code).toBe("NOT_FOUND");
  });

  it("pages models by name and filters by the latest version's labels", async () => {
    for (const [i, team] of ["a", "b", "a", "a", "b"].entries()) {
      await writeVersion(home, { name: `m${i}`, version: "v", creationTime: "2026-01-01T00:00:00+00:00", labels: { team } });
    }
    const seen: string[] = [];
    let after: string | undefined;
    do {
      const page = await adapter.listModels({ first: 2, filter: { tags: { team: "a" } }, ...(after ? { after } : {}) }, ctx());
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((m) => m.name));
      after = page.nextCursor;
    } while (after !== undefined);
    expect(seen).toEqual(["m0", "m2", "m3"]);
    const bad = await failure(adapter.listModels({ first: 2, after: "bm90LWEtY3Vyc29y" }, ctx()));
    expect(bad).toMatchObject({ code: "INVALID_INPUT", field: "after" });
    const versionCursor = (await adapter.listVersions("m0", { first: 1 }, ctx())).nextCursor;
    expect(versionCursor).toBeUndefined();
  });

  it("skips a version BentoML could not load either, names the problem, and serves the rest", async () => {
    await writeVersion(home, { name: "p", version: "good", creationTime: "2026-01-01T00:00:00+00:00" });
    const bad = join(home, "models", "p", "bad");
    await mkdir(bad);
    await writeFile(join(bad, "model.yaml"), modelYamlText({ name: "p", version: "bad", creationTime: "yesterday" }));
    const noYaml = join(home, "models", "p", "empty");
    await mkdir(noYaml);
    await writeFile(join(noYaml, "weights.bin"), "x");
    // An old directory without model.yaml is a problem; a fresh one is BentoML still copying files in.
    await utimes(noYaml, new Date(Date.now() - 3_600_000), new Date(Date.now() - 3_600_000));
    await mkdir(join(home, "models", "Not_Valid!"));
    await mkdir(join(home, "models", "p", "young"));

    expect((await adapter.listVersions("p", { first: 10 }, ctx())).items.map((v) => v.version)).toEqual(["good"]);
    const problems = await adapter.problems(ctx());
    expect(problems).toEqual(
      expect.arrayContaining([
        { file: "models/Not_Valid!", line: 1, field: "(file)", message: expect.stringContaining("not a valid BentoML model name") },
        expect.objectContaining({ file: "models/p/bad/model.yaml", line: 14, field: "creation_time", model: "p", version: "bad" }),
        expect.objectContaining({ file: "models/p/empty/model.yaml", field: "(file)", message: "no model.yaml: BentoML cannot load this version", version: "empty" }),
      ]),
    );
    expect(problems).toHaveLength(3);
    expect(await failure(adapter.getVersion("p", "bad", ctx()))).toMatchObject({ code: "INVALID_INPUT", file: "models/p/bad/model.yaml", line: 14, field: "creation_time" });
    const health = await adapter.health(ctx());
    expect(health.state).toBe("DEGRADED");
    expect(health.message).toContain("models/p/bad/model.yaml");
  });

  it("refuses asOf: the store keeps no history", async () => {
    await writeVersion(home, { name: "h", version: "a", creationTime: "2026-01-01T00:00:00+00:00" });
    expect(await failure(adapter.getModel("h", ctx(), { asOf: new Date() }))).toMatchObject({ code: "UNSUPPORTED", field: "asOf" });
    expect(adapter.capabilities()).toEqual({ asOf: false, generationConfigs: false, prompts: false, aliases: true, maxPageSize: 500, writes: true });
  });

  it("reports an empty store as UP with no models, and a missing home as DOWN", async () => {
    expect((await adapter.listModels({ first: 10 }, ctx())).items).toEqual([]);
    expect((await adapter.health(ctx())).state).toBe("UP");
    await rm(home, { recursive: true, force: true });
    expect((await adapter.health(ctx())).state).toBe("DOWN");
  });
});
