/**
 * npx tsx bench/mlflow.ts: the gateway's cost over MLflow. Starts its own MLflow server (the pinned
 * test peer) and a gateway child process with an mlflow backend, then measures
 *
 * 1. listing all versions of a 1,000-version model: GraphQL `versions(first: 100)` paging through the
 *    gateway over HTTP vs MLflow's REST `model-versions/search` directly, same page size, repeated;
 * 2. `resolve` of an MLflow-backed LLM entry (a generation config with a prompt of MLflow's Prompt
 *    Registry, alias `production`): cold (first call after gateway start) and warm (median of 50).
 *
 * Settings (environment): BENCH_MLFLOW_VERSIONS (1000), BENCH_MLFLOW_ROUNDS (5), BENCH_MLFLOW_WARM (50).
 * `runMlflowBench()` returns the figures for the main bench; the listing's go to
 * bench/results/mlflow-listing.json. Goal (issue 12, goal 4): the listing ≤ 1.3x MLflow's REST.
 * The gateway runs with NODE_ENV=production, as the Docker image does.
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { cpus, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { mlflowAdapter } from "../adapters/mlflow/index.js";
import { createCallContext } from "../src/core/index.js";
import { startMlflowServer } from "../test/peers/mlflow-server.js";
import { startChild, type Child } from "./processes.js";
import { median, setting } from "./settings.js";

const ROOT = resolve(import.meta.dirname, "..");
const PAGE_SIZE = 100;
/** Listing through the gateway / MLflow's REST directly. */
const LISTING_GOAL = 1.3;
const MODEL = "bench-classifier";
const ASSISTANT = "bench-assistant";
const PROMPT = "bench-greeting";

export interface MlflowBenchResult {
  at: string;
  node: string;
  cpus: number;
  versions: number;
  pageSize: number;
  rounds: number;
  /** Seconds to register the versions through MLflow's REST API. */
  seedSeconds: number;
  listing: {
    /** Milliseconds to list every version, per round. */
    gatewayMs: number[];
    mlflowMs: number[];
    gatewayMedianMs: number;
    mlflowMedianMs: number;
    /** gateway / direct, medians. */
    ratio: number;
    goal: number;
    goalMet: boolean;
  };
  resolve: { coldMs: number; warmMedianMs: number; warmP90Ms: number; samples: number };
}

function percentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] as number;
}

async function rest<T>(base: string, method: "GET" | "POST", path: string, params: Record<string, unknown>): Promise<T> {
  const url = new URL(`${base}/api/2.0/mlflow/${path}`);
  let body: string | undefined;
  if (method === "GET") {
    for (const [k, v] of Object.entries(params)) for (const item of Array.isArray(v) ? v : [v]) url.searchParams.append(k, String(item));
  } else {
    body = JSON.stringify(params);
  }
  const res = await fetch(url, { method, ...(body ? { body, headers: { "content-type": "application/json" } } : {}) });
  const text = await res.text();
  if (!res.ok) throw new Error(`MLflow ${method} ${path} answered ${res.status}: ${text}`);
  return JSON.parse(text) as T;
}

async function seed(base: string, versions: number): Promise<void> {
  await rest(base, "POST", "registered-models/create", { name: MODEL, description: "1,000 versions for the bench" });
  let next = 1;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next <= versions) {
        const i = next++;
        await rest(base, "POST", "model-versions/create", {
          name: MODEL,
          source: `s3://bench/classifier/${i}`,
          tags: [{ key: "build", value: String(i) }],
        });
      }
    }),
  );
  await rest(base, "POST", "registered-models/alias", { name: MODEL, alias: "champion", version: String(Math.ceil(versions / 2)) });

  // A prompt of MLflow's Prompt Registry, as mlflow.genai.register_prompt writes it.
  const promptTags = [
    { key: "mlflow.prompt.is_prompt", value: "true" },
    { key: "_mlflow_prompt_type", value: "text" },
  ];
  await rest(base, "POST", "registered-models/create", { name: PROMPT, tags: [{ key: "mlflow.prompt.is_prompt", value: "true" }] });
  await rest(base, "POST", "model-versions/create", {
    name: PROMPT,
    source: "dummy-source",
    tags: [...promptTags, { key: "mlflow.prompt.text", value: "Hi {{name}}! How can I help with {{topic}}?" }],
  });

  // The LLM entry, registered and promoted through the adapter itself.
  const adapter = await mlflowAdapter.create("bench", mlflowAdapter.configSchema.parse({ trackingUri: base }), {
    logger: { debug() {}, info() {}, warn() {}, error() {} },
    dataDir: tmpdir(),
    configDir: ROOT,
  });
  try {
    const ctx = createCallContext({ timeoutMs: 30_000, actor: { id: "bench", roles: [] } });
    const v = await adapter.registerVersion(
      {
        modelName: ASSISTANT,
        artifactUri: "s3://bench/assistant/1",
        generationConfig: { model: "gpt-5-mini-2026-06-10", promptRef: `${PROMPT}@1`, params: { temperature: 0.2, max_tokens: 512 } },
      },
      ctx,
    );
    await adapter.setStage(ASSISTANT, v.version, "PRODUCTION", ctx);
  } finally {
    await adapter.close();
  }
}

const VERSIONS_QUERY = `query Versions($name: String!, $after: String) {
  model(backend: "mlflow", name: $name) {
    versions(first: ${PAGE_SIZE}, after: $after) {
      nodes { version stage aliases artifactUri createdAt tags { key value } }
      pageInfo { endCursor hasNextPage }
    }
  }
}`;

const RESOLVE_QUERY = `query Resolve($name: String!) {
  resolve(name: $name, environment: "production") {
    registryVersion etag
    ... on ResolvedEntry {
      selectedBy
      version { version stage artifactUri generationConfig { model promptRef params } }
      prompt { name version template }
    }
  }
}`;

async function graphql<T>(url: string, query: string, variables: Record<string, unknown>): Promise<T> {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query, variables }) });
  const body = (await res.json()) as { data?: T; errors?: { message: string }[] };
  if (body.errors?.length || !body.data) throw new Error(`GraphQL failed: ${JSON.stringify(body.errors ?? body)}`);
  return body.data;
}

async function listThroughGateway(graphqlUrl: string): Promise<number> {
  let after: string | null = null;
  let count = 0;
  do {
    const data: { model: { versions: { nodes: unknown[]; pageInfo: { endCursor: string | null; hasNextPage: boolean } } } } = await graphql(
      graphqlUrl,
      VERSIONS_QUERY,
      { name: MODEL, after },
    );
    count += data.model.versions.nodes.length;
    after = data.model.versions.pageInfo.hasNextPage ? data.model.versions.pageInfo.endCursor : null;
  } while (after !== null);
  return count;
}

async function listDirect(base: string): Promise<number> {
  let token: string | undefined;
  let count = 0;
  do {
    const res: { model_versions?: unknown[]; next_page_token?: string } = await rest(base, "GET", "model-versions/search", {
      filter: `name = '${MODEL}'`,
      max_results: PAGE_SIZE,
      order_by: "version_number ASC",
      ...(token ? { page_token: token } : {}),
    });
    count += res.model_versions?.length ?? 0;
    token = res.next_page_token;
  } while (token);
  return count;
}

async function timed(fn: () => Promise<number>, expected: number, what: string): Promise<number> {
  const started = performance.now();
  const count = await fn();
  const ms = performance.now() - started;
  if (count !== expected) throw new Error(`${what} returned ${count} versions, expected ${expected}`);
  return ms;
}

export async function runMlflowBench(): Promise<MlflowBenchResult> {
  const versions = setting("BENCH_MLFLOW_VERSIONS", 1000);
  const rounds = setting("BENCH_MLFLOW_ROUNDS", 5);
  const warmSamples = setting("BENCH_MLFLOW_WARM", 50);
  const dir = await mkdtemp(join(tmpdir(), "modelgate-bench-mlflow-"));
  await mkdir(join(dir, "mlflow"));
  const mlflow = await startMlflowServer({ dir: join(dir, "mlflow") });
  let gateway: Child | undefined;
  try {
    const seedStart = performance.now();
    await seed(mlflow.url, versions);
    const seedSeconds = (performance.now() - seedStart) / 1000;

    const configPath = join(dir, "modelgate.yaml");
    await writeFile(
      configPath,
      [
        "logLevel: warn",
        "server:",
        "  host: 127.0.0.1",
        "  port: 0",
        "  mode: production",
        "dataDir: ./data",
        "backends:",
        "  - id: mlflow",
        "    kind: mlflow",
        `    trackingUri: ${JSON.stringify(mlflow.url)}`,
        "",
      ].join("\n"),
    );
    const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: "production" };
    for (const key of Object.keys(env)) if (key.startsWith("MODELGATE_")) delete env[key];
    const started = await startChild("the gateway", ["--import", "tsx", "src/cli/main.ts", "serve", "--config", configPath], {
      cwd: ROOT,
      env,
      ready: /listening on (http:\/\/\S+)/,
      timeoutMs: 60_000,
    });
    gateway = started.child;
    const graphqlUrl = `${started.match[1] as string}/graphql`;

    // Cold: the very first request the gateway serves.
    const coldStart = performance.now();
    const first = await graphql<{ resolve: { registryVersion: string; prompt: { template: string } | null } }>(graphqlUrl, RESOLVE_QUERY, { name: ASSISTANT });
    const coldMs = performance.now() - coldStart;
    if (first.resolve.registryVersion !== `mlflow/${ASSISTANT}@1` || !first.resolve.prompt) {
      throw new Error(`resolve returned an unexpected entry: ${JSON.stringify(first.resolve)}`);
    }
    const warm: number[] = [];
    for (let i = 0; i < warmSamples; i++) {
      const t = performance.now();
      await graphql(graphqlUrl, RESOLVE_QUERY, { name: ASSISTANT });
      warm.push(performance.now() - t);
    }

    // One untimed listing each to warm connections and caches, then alternating timed rounds.
    await listThroughGateway(graphqlUrl);
    await listDirect(mlflow.url);
    const gatewayMs: number[] = [];
    const mlflowMs: number[] = [];
    for (let r = 0; r < rounds; r++) {
      gatewayMs.push(await timed(() => listThroughGateway(graphqlUrl), versions, "the gateway"));
      mlflowMs.push(await timed(() => listDirect(mlflow.url), versions, "MLflow's REST search"));
    }
    const gatewayMedianMs = median(gatewayMs);
    const mlflowMedianMs = median(mlflowMs);
    const ratio = gatewayMedianMs / mlflowMedianMs;
    const listing = { gatewayMs, mlflowMs, gatewayMedianMs, mlflowMedianMs, ratio, goal: LISTING_GOAL, goalMet: ratio <= LISTING_GOAL };
    await mkdir(join(ROOT, "bench/results"), { recursive: true });
    await writeFile(
      join(ROOT, "bench/results/mlflow-listing.json"),
      `${JSON.stringify({ at: new Date().toISOString(), node: process.version, cpus: cpus().length, versions, pageSize: PAGE_SIZE, rounds, ...listing }, null, 2)}\n`,
    );
    return {
      at: new Date().toISOString(),
      node: process.version,
      cpus: cpus().length,
      versions,
      pageSize: PAGE_SIZE,
      rounds,
      seedSeconds,
      listing,
      resolve: { coldMs, warmMedianMs: median(warm), warmP90Ms: percentile(warm, 90), samples: warmSamples },
    };
  } finally {
    await gateway?.stop();
    await mlflow.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

export function printMlflowBench(r: MlflowBenchResult): void {
  const f = (n: number) => n.toFixed(1);
  console.log(`modelgate MLflow bench: node ${r.node}, ${r.cpus} CPUs; ${r.versions} versions seeded in ${f(r.seedSeconds)} s`);
  console.log(`list all ${r.versions} versions, pages of ${r.pageSize}, ${r.rounds} rounds (median ms):`);
  console.log(`  gateway GraphQL versions(first: ${r.pageSize})  ${f(r.listing.gatewayMedianMs)}  [${r.listing.gatewayMs.map(f).join(", ")}]`);
  console.log(`  MLflow REST model-versions/search     ${f(r.listing.mlflowMedianMs)}  [${r.listing.mlflowMs.map(f).join(", ")}]`);
  console.log(`  ratio gateway / MLflow                ${r.listing.ratio.toFixed(2)}x   goal ≤ ${r.listing.goal}x: ${r.listing.goalMet ? "met" : "NOT met"}`);
  console.log(`resolve of an MLflow-backed LLM entry (GraphQL, with its MLflow prompt inlined):`);
  console.log(`  cold (first request after start)      ${f(r.resolve.coldMs)} ms`);
  console.log(`  warm median of ${r.resolve.samples}                   ${f(r.resolve.warmMedianMs)} ms (p90 ${f(r.resolve.warmP90Ms)} ms)`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  runMlflowBench().then(printMlflowBench, (err: unknown) => {
    console.error(`MLflow bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exitCode = 1;
  });
}
