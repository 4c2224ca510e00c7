/**
 * listVersionsInStage on MLflow, against the real server: a version is in an aliased stage when it
 * holds the stage's alias, which MLflow's version search does not return, so the listing reads the
 * aliases from the model search and the versions from a tag search, and reads holders whose alias
 * was set outside the gateway (no tag) with one `name IN (…)` search per version number. Requests
 * are counted with an interceptor on the adapter's own axios client. The server is shared with
 * other test files, so assertions look at this file's models only.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ModelVersion, Stage } from "../../src/core/index.js";
import { ctx, deleteModelsWithPrefix, makeAdapter, mlflowRest, sharedMlflowUrl, uniquePrefix } from "../../test/mlflow/helpers.js";
import type { MlflowAdapter } from "./adapter.js";
import { nameBatches } from "./stage-listing.js";

const prefix = uniquePrefix("stages");
const m = (s: string) => `${prefix}-${s}`;
let url: string;
let adapter: MlflowAdapter;

interface Seen {
  path: string;
  params: Record<string, unknown>;
}

function record(target: MlflowAdapter): Seen[] {
  const seen: Seen[] = [];
  target.http.axios.interceptors.request.use((config) => {
    seen.push({ path: `${config.method?.toUpperCase()} ${config.url}`, params: { ...(config.params as Record<string, unknown>) } });
    return config;
  });
  return seen;
}

function ours(versions: ModelVersion[]): string[] {
  return versions
    .filter((v) => v.modelName.startsWith(prefix))
    .map((v) => `${v.modelName.slice(prefix.length + 1)}@${v.version}`)
    .sort();
}

/** What a walk of this file's models answers. */
async function walk(stage: Stage): Promise<ModelVersion[]> {
  const models = await adapter.listModels({ first: 100, filter: { nameContains: prefix } }, ctx());
  const out: ModelVersion[] = [];
  for (const model of models.items) out.push(...(await adapter.listVersions(model.name, { first: 100, filter: { stage } }, ctx())).items);
  return out;
}

function sorted(versions: ModelVersion[]): ModelVersion[] {
  return versions
    .filter((v) => v.modelName.startsWith(prefix))
    .sort((a, b) => (a.modelName === b.modelName ? Number(a.version) - Number(b.version) : a.modelName < b.modelName ? -1 : 1));
}

beforeAll(async () => {
  url = sharedMlflowUrl();
  adapter = makeAdapter();
  const register = (name: string) => adapter.registerVersion({ modelName: name, artifactUri: `s3://bucket/${name}` }, ctx(60_000));
  // a, b: staged through the gateway (alias and tag).
  await register(m("a"));
  await adapter.setStage(m("a"), "1", "PRODUCTION", ctx(60_000));
  await register(m("b"));
  await register(m("b"));
  await adapter.setStage(m("b"), "2", "PRODUCTION", ctx(60_000));
  // c: its alias set in MLflow itself, so it carries no stage tag.
  await mlflowRest(url, "POST", "registered-models/create", { name: m("c") });
  for (let v = 1; v <= 2; v++) await mlflowRest(url, "POST", "model-versions/create", { name: m("c"), source: `s3://bucket/c/${v}` });
  await mlflowRest(url, "POST", "registered-models/alias", { name: m("c"), alias: "production", version: "1" });
  // d: staged through the gateway, then the alias moved in MLflow: version 1's tag is stale.
  await register(m("d"));
  await register(m("d"));
  await adapter.setStage(m("d"), "1", "PRODUCTION", ctx(60_000));
  await mlflowRest(url, "POST", "registered-models/alias", { name: m("d"), alias: "production", version: "2" });
  // e: in SHADOW, and also holding the production alias (set in MLflow): its tag says which stage wins.
  await register(m("e"));
  await adapter.setStage(m("e"), "1", "SHADOW", ctx(60_000));
  await mlflowRest(url, "POST", "registered-models/alias", { name: m("e"), alias: "production", version: "1" });
  // p: a prompt of MLflow's Prompt Registry with a production alias: never a model version.
  await mlflowRest(url, "POST", "registered-models/create", { name: m("p"), tags: [{ key: "mlflow.prompt.is_prompt", value: "true" }] });
  await mlflowRest(url, "POST", "model-versions/create", {
    name: m("p"),
    source: "dummy-source",
    tags: [
      { key: "mlflow.prompt.is_prompt", value: "true" },
      { key: "mlflow.prompt.text", value: "Hi {{name}}" },
    ],
  });
  await mlflowRest(url, "POST", "registered-models/alias", { name: m("p"), alias: "production", version: "1" });
}, 180_000);

afterAll(async () => {
  await adapter?.close();
  await deleteModelsWithPrefix(url, prefix);
});

describe("listVersionsInStage on MLflow", () => {
  it("finds every holder of the stage's alias, tagged or not, and reads each as a listing does", async () => {
    const production = await adapter.listVersionsInStage("PRODUCTION", ctx(60_000));
    expect(ours(production)).toEqual(["a@1", "b@2", "c@1", "d@2"]);
    expect(sorted(production)).toEqual(sorted(await walk("PRODUCTION")));
    expect(production.find((v) => v.modelName === m("c"))).toMatchObject({ aliases: ["production"], artifactUri: "s3://bucket/c/1" });
    expect(ours(await adapter.listVersionsInStage("SHADOW", ctx(60_000)))).toEqual(["e@1"]);
    const none = await adapter.listVersionsInStage("NONE", ctx(60_000));
    expect(ours(none)).toEqual(["b@1", "c@2", "d@1"]);
    expect(sorted(none)).toEqual(sorted(await walk("NONE")));
  }, 120_000);

  it("reads with searches only: no request names a model staged through the gateway", async () => {
    const counting = makeAdapter({}, "mlflow-stage-count");
    const seen = record(counting);
    try {
      const more = Array.from({ length: 10 }, (_, i) => m(`more-${i}`));
      for (const name of more) {
        await adapter.registerVersion({ modelName: name }, ctx(60_000));
        await adapter.setStage(name, "1", "PRODUCTION", ctx(60_000));
      }
      const production = await counting.listVersionsInStage("PRODUCTION", ctx(60_000));
      expect(ours(production)).toEqual(["a@1", "b@2", "c@1", "d@2", ...more.map((n) => `${n.slice(prefix.length + 1)}@1`)].sort());
      expect(new Set(seen.map((s) => s.path))).toEqual(new Set(["GET registered-models/search", "GET model-versions/search"]));
      const naming = (name: string) => seen.filter((s) => JSON.stringify(s.params).includes(`'${name}'`));
      for (const name of [m("a"), m("b"), ...more]) expect(naming(name), name).toEqual([]);
      // The holders set in MLflow (c at 1, d at 2, e at 1): one `name IN` search per version number.
      const ofC = naming(m("c"));
      const ofD = naming(m("d"));
      expect(ofC).toHaveLength(1);
      expect(ofD).toHaveLength(1);
      expect(String(ofC[0]?.params["filter"])).toMatch(/^name IN \(.*\) AND version_number = 1$/);
      expect(String(ofD[0]?.params["filter"])).toMatch(/^name IN \(.*\) AND version_number = 2$/);
      expect(naming(m("e"))).toEqual(ofC);
    } finally {
      await counting.close();
    }
  }, 180_000);
});

describe("nameBatches", () => {
  it("quotes each name and keeps every filter short enough for one GET", () => {
    const names = Array.from({ length: 400 }, (_, i) => `model-${String(i).padStart(3, "0")}-with-a-long-descriptive-name`);
    names.push(`it's`);
    const batches = nameBatches(names, "7");
    expect(batches.length).toBeGreaterThan(1);
    for (const f of batches) {
      expect(encodeURIComponent(f).length).toBeLessThanOrEqual(3000);
      expect(f).toMatch(/^name IN \(.+\) AND version_number = 7$/);
    }
    const listed = batches.flatMap((f) => [...f.matchAll(/'([^']*)'|"([^"]*)"/g)].map((x) => x[1] ?? x[2]));
    expect(listed).toEqual(names);
  });
});
