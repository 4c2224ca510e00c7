/**
 * The stage fan-out over real git-YAML adapters: a backend whose adapter lists a stage itself
 * answers in one call; one without (the same adapter with the method hidden) is walked model by
 * model; both give the same answer. Calls are counted by a thin wrapper around the real adapter.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UnavailableError, type ModelVersion, type RegistryAdapter } from "../core/index.js";
import type { GitYamlAdapter } from "../../adapters/git-yaml/adapter.js";
import { TempRepo, ctx, isolateGitConfig, modelYaml, openAdapter } from "../../adapters/git-yaml/test-helpers.js";
import { Catalog } from "./catalog.js";
import { withResilience } from "./resilient-adapter.js";
import { compareListed, listStageAcrossBackends } from "./stage-listing.js";

isolateGitConfig();

let repo: TempRepo;
let git: GitYamlAdapter;

/** The adapter, counting calls by method; `hide` removes listVersionsInStage, `override` replaces it. */
function counted(inner: RegistryAdapter, opts: { hide?: boolean; override?: RegistryAdapter["listVersionsInStage"] } = {}) {
  const calls: string[] = [];
  const wrapper = Object.create(inner) as Record<string, unknown>;
  for (const name of ["listModels", "listVersions", "listVersionsInStage"] as const) {
    const method = (name === "listVersionsInStage" && opts.override ? opts.override : inner[name]) as ((...args: unknown[]) => Promise<unknown>) | undefined;
    wrapper[name] =
      method === undefined || (name === "listVersionsInStage" && opts.hide)
        ? undefined
        : (...args: unknown[]) => {
            calls.push(name);
            return method.apply(inner, args);
          };
  }
  return { adapter: wrapper as unknown as RegistryAdapter, calls };
}

function catalogOf(...adapters: RegistryAdapter[]): Catalog {
  return new Catalog(adapters.map((a) => withResilience(a, { timeoutMs: 10_000 })));
}

const key = (v: ModelVersion) => `${v.backendId}/${v.modelName}@${v.version}`;

beforeAll(async () => {
  const models: Record<string, string> = {};
  for (let i = 0; i < 12; i++) {
    const name = `model-${String(i).padStart(2, "0")}`;
    models[`models/${name}.yaml`] = modelYaml(name, `  - version: 9\n    status: production\n  - version: 10\n    status: ${i % 3 === 0 ? "production" : "staging"}\n`);
  }
  repo = await TempRepo.create(models);
  git = await openAdapter(repo.dir);
});
afterAll(async () => {
  await git.close();
  await repo.remove();
});

describe("listStageAcrossBackends", () => {
  it("asks an adapter that lists stages once, and walks one that does not, with the same answer", async () => {
    const own = counted(git);
    const walked = counted(git, { hide: true });
    const fast = await listStageAcrossBackends(catalogOf(own.adapter), "PRODUCTION", ctx());
    const slow = await listStageAcrossBackends(catalogOf(walked.adapter), "PRODUCTION", ctx());
    expect(own.calls).toEqual(["listVersionsInStage"]);
    expect(walked.calls.filter((c) => c === "listModels")).toHaveLength(1);
    expect(walked.calls.filter((c) => c === "listVersions")).toHaveLength(12);
    expect(walked.calls).not.toContain("listVersionsInStage");
    expect(fast.failures).toEqual([]);
    expect(fast.versions).toHaveLength(16);
    expect(fast.versions).toEqual(slow.versions);
    // By model, then version as a number (9 before 10).
    expect(fast.versions.slice(0, 3).map(key)).toEqual(["git/model-00@9", "git/model-00@10", "git/model-01@9"]);
  });

  it("reports a backend that fails and still answers with the others", async () => {
    const failing = counted(git, {
      override: () => Promise.reject(new UnavailableError("down (injected)", { backend: "git" })),
    });
    const other = await openAdapter(repo.dir, {}, undefined, "other");
    try {
      const listing = await listStageAcrossBackends(catalogOf(failing.adapter, other), "STAGING", ctx());
      expect(listing.failures.map((f) => [f.backendId, (f.error as Error).message])).toEqual([["git", "down (injected)"]]);
      expect(listing.versions.map(key)).toEqual(Array.from({ length: 8 }, (_, i) => i).map((i) => `other/model-${String([1, 2, 4, 5, 7, 8, 10, 11][i]).padStart(2, "0")}@10`));
    } finally {
      await other.close();
    }
  });

  it("refuses an adapter's listing that holds a version of another stage", async () => {
    const wrong = counted(git, { override: (_stage, c) => git.listVersionsInStage("STAGING", c) });
    const listing = await listStageAcrossBackends(catalogOf(wrong.adapter), "PRODUCTION", ctx());
    expect(listing.versions).toEqual([]);
    expect(String(listing.failures[0]?.error)).toMatch(/listed git\/model-01@10 in stage STAGING when asked for PRODUCTION/);
  });
});

describe("compareListed", () => {
  it("orders by model name, then numbers by value (ties by text) before other version names", () => {
    const v = (modelName: string, version: string) => ({ modelName, version }) as ModelVersion;
    const sorted = [v("b", "1"), v("a", "canary"), v("a", "10"), v("a", "9"), v("a", "010")].sort(compareListed);
    expect(sorted.map((x) => `${x.modelName}@${x.version}`)).toEqual(["a@9", "a@010", "a@10", "a@canary", "b@1"]);
  });
});
