/**
 * GET /v1/resolve serves an answer built once per registry snapshot (src/workflow/resolve-answers.ts),
 * and every kind of change still shows in the answers that follow: a plain `git commit` in a git-YAML
 * registry (the ref watch), a write through the gateway (the audit wake-up), and an out-of-band
 * change in MLflow once its `resolveCacheMs` has passed (stated in Cache-Control). 304 revalidation
 * keeps working across them. Changes are awaited by polling with generous deadlines, never timed.
 */
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { BUILT_IN_ADAPTERS } from "../../src/app/adapter-registry.js";
import type { AdapterFactory, RegistryAdapter } from "../../src/core/index.js";
import { deleteModelsWithPrefix, mlflowRest, sharedMlflowUrl, uniquePrefix } from "../mlflow/helpers.js";
import { startTestGateway, type TestGateway } from "../support/test-gateway.js";

let gw: TestGateway | undefined;
afterEach(async () => {
  await gw?.stop();
  gw = undefined;
});

interface Answer {
  status: number;
  etag: string | null;
  cacheControl: string | null;
  registryVersion: string | undefined;
}

async function resolveHttp(g: TestGateway, name: string, ifNoneMatch?: string): Promise<Answer> {
  const res = await fetch(`${g.url}/v1/resolve/${encodeURIComponent(name)}?env=production`, {
    headers: ifNoneMatch === undefined ? {} : { "if-none-match": ifNoneMatch },
  });
  const text = await res.text();
  const body = text === "" ? undefined : (JSON.parse(text) as { registryVersion?: string });
  return { status: res.status, etag: res.headers.get("etag"), cacheControl: res.headers.get("cache-control"), registryVersion: body?.registryVersion };
}

/** Asks until the answer's registryVersion is `expected` (deadline generous: the machine is shared). */
async function until(g: TestGateway, name: string, expected: string, deadlineMs = 20_000): Promise<Answer> {
  const stop = Date.now() + deadlineMs;
  let last: Answer;
  do {
    last = await resolveHttp(g, name);
    if (last.registryVersion === expected) return last;
    await new Promise((r) => setTimeout(r, 50));
  } while (Date.now() < stop);
  throw new Error(`resolve of ${name} still answers ${JSON.stringify(last)} instead of ${expected}`);
}

function git(repo: string, ...args: string[]): string {
  return execFileSync("git", ["-C", repo, ...args], {
    encoding: "utf8",
    env: { ...process.env, GIT_AUTHOR_NAME: "someone", GIT_AUTHOR_EMAIL: "someone@example.com", GIT_COMMITTER_NAME: "someone", GIT_COMMITTER_EMAIL: "someone@example.com" },
  });
}

/** The built-in git-yaml factory, its adapters counting the reads they serve. */
function countingGitYaml(counter: { reads: number }): ReadonlyMap<string, AdapterFactory<unknown>> {
  const real = BUILT_IN_ADAPTERS.get("git-yaml") as AdapterFactory<unknown>;
  const reads = ["listModels", "getModel", "listVersions", "getVersion", "getVersionByAlias", "getPrompt", "getTools"];
  const factory: AdapterFactory<unknown> = {
    ...real,
    async create(id, config, ctx) {
      const adapter = await real.create(id, config, ctx);
      return new Proxy(adapter, {
        get(target, prop, receiver) {
          const value = Reflect.get(target, prop, receiver) as unknown;
          if (typeof prop !== "string" || !reads.includes(prop) || typeof value !== "function") return value;
          return (...args: unknown[]) => {
            counter.reads += 1;
            return (value as (...a: unknown[]) => unknown).apply(target, args);
          };
        },
      }) as RegistryAdapter;
    },
  };
  return new Map([...BUILT_IN_ADAPTERS, ["git-yaml", factory]]);
}

describe("GET /v1/resolve over a git-YAML registry", () => {
  it("reads the backend once for many requests while nothing changed, over HTTP and GraphQL", async () => {
    const counter = { reads: 0 };
    gw = await startTestGateway({ factories: countingGitYaml(counter) });
    const first = await resolveHttp(gw, "support-triage");
    expect(first).toMatchObject({ status: 200, registryVersion: "example/support-triage@14" });
    const afterFirst = counter.reads;
    expect(afterFirst).toBeGreaterThan(0);
    for (let i = 0; i < 10; i++) {
      expect(await resolveHttp(gw, "support-triage", i % 2 === 0 ? (first.etag ?? "") : undefined)).toMatchObject({ status: i % 2 === 0 ? 304 : 200 });
    }
    const gql = await gw.gql<{ resolve: { registryVersion: string } }>(`{ resolve(name: "support-triage", environment: "production") { registryVersion } }`);
    expect(gql.data?.resolve.registryVersion).toBe("example/support-triage@14");
    // Built once; at most a background rebuild or two if this machine is slow enough for an answer
    // to near its 5 s life (building each of the 11 answers would read 11 times as much).
    expect(counter.reads - afterFirst).toBeLessThanOrEqual(2 * afterFirst);
  });

  it("shows a plain git commit and a gateway write in the answers that follow, and 304s the unchanged ones", async () => {
    gw = await startTestGateway();
    const first = await resolveHttp(gw, "support-triage");
    expect(first).toMatchObject({ status: 200, cacheControl: "no-cache", registryVersion: "example/support-triage@14" });
    // Unchanged: the kept answer revalidates.
    expect(await resolveHttp(gw, "support-triage", first.etag ?? "")).toMatchObject({ status: 304, etag: first.etag, registryVersion: undefined });

    // Behind the gateway's back: the alias production now pins v15.
    const repo = join(gw.dir, "registry");
    const file = "models/support-triage.yaml";
    const text = git(repo, "show", `HEAD:${file}`);
    writeFileSync(join(repo, file), text.replace('  champion: "14"', '  champion: "14"\n  production: "15"'));
    git(repo, "commit", "-q", "-am", "pin production by hand");
    const moved = await until(gw, "support-triage", "example/support-triage@15");
    expect(moved.etag).not.toBe(first.etag);
    expect(await resolveHttp(gw, "support-triage", first.etag ?? "")).toMatchObject({ status: 200, registryVersion: "example/support-triage@15" });
    expect(await resolveHttp(gw, "support-triage", moved.etag ?? "")).toMatchObject({ status: 304 });

    // Through the gateway: the answer right after the mutation returned is the new one.
    const set = await gw.gql<{ aliasSet: { userErrors: unknown[] } }>(
      `mutation { aliasSet(input: { backend: "example", model: "support-triage", alias: "production", version: "16" }) { userErrors { field code message } } }`,
    );
    expect(set.data?.aliasSet.userErrors).toEqual([]);
    expect(await resolveHttp(gw, "support-triage", moved.etag ?? "")).toMatchObject({ status: 200, registryVersion: "example/support-triage@16" });
  });
});

describe("GET /v1/resolve over MLflow (no change notifications)", () => {
  const prefix = uniquePrefix("resolvecache");
  afterAll(async () => {
    await deleteModelsWithPrefix(sharedMlflowUrl(), prefix);
  });

  it("states its resolveCacheMs in Cache-Control and shows an out-of-band change once it passed", async () => {
    const url = sharedMlflowUrl();
    const model = `${prefix}-ranker`;
    await mlflowRest(url, "POST", "registered-models/create", { name: model });
    for (const source of ["s3://bucket/v1", "s3://bucket/v2"]) await mlflowRest(url, "POST", "model-versions/create", { name: model, source });
    await mlflowRest(url, "POST", "registered-models/alias", { name: model, alias: "production", version: "1" });
    gw = await startTestGateway({ config: { backends: [{ id: "mlflow", kind: "mlflow", trackingUri: url, resolveCacheMs: 2_000 }] } });

    const first = await resolveHttp(gw, model);
    expect(first).toMatchObject({ status: 200, registryVersion: `mlflow/${model}@1` });
    expect(first.cacheControl).toMatch(/^(max-age=[12]|no-cache)$/);
    expect(await resolveHttp(gw, model, first.etag ?? "")).toMatchObject({ status: 304 });

    // As an MLflow client does, no gateway involved: seen once the answer's life (2 s) is over.
    await mlflowRest(url, "POST", "registered-models/alias", { name: model, alias: "production", version: "2" });
    const moved = await until(gw, model, `mlflow/${model}@2`);
    expect(moved.etag).not.toBe(first.etag);
  }, 60_000);

  it("keeps serving the built answer within resolveCacheMs, and drops it at once on a write through the gateway", async () => {
    const url = sharedMlflowUrl();
    const model = `${prefix}-scorer`;
    await mlflowRest(url, "POST", "registered-models/create", { name: model });
    for (const source of ["s3://bucket/v1", "s3://bucket/v2", "s3://bucket/v3"]) await mlflowRest(url, "POST", "model-versions/create", { name: model, source });
    await mlflowRest(url, "POST", "registered-models/alias", { name: model, alias: "production", version: "1" });
    gw = await startTestGateway({ config: { backends: [{ id: "mlflow", kind: "mlflow", trackingUri: url, resolveCacheMs: 60_000 }] } });

    const first = await resolveHttp(gw, model);
    expect(first).toMatchObject({ status: 200, registryVersion: `mlflow/${model}@1` });
    // Out of band: not read again while the answer lives (a minute here), so still v1.
    await mlflowRest(url, "POST", "registered-models/alias", { name: model, alias: "production", version: "2" });
    expect(await resolveHttp(gw, model, first.etag ?? "")).toMatchObject({ status: 304, etag: first.etag });
    // Through the gateway: the audit event drops every kept answer.
    const set = await gw.gql<{ aliasSet: { userErrors: unknown[] } }>(
      `mutation($model: String!) { aliasSet(input: { backend: "mlflow", model: $model, alias: "production", version: "3" }) { userErrors { field code message } } }`,
      { model },
    );
    expect(set.data?.aliasSet.userErrors).toEqual([]);
    expect(await resolveHttp(gw, model)).toMatchObject({ status: 200, registryVersion: `mlflow/${model}@3` });
  }, 60_000);
});
