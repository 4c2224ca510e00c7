/**
 * npm run bench: resolve throughput and latency of the gateway against a bare node:http JSON
 * endpoint, over loopback HTTP with keep-alive clients. The gateway and the baseline each run in
 * their own child process (so the gateway's peak RSS is its own); the load comes from this one.
 *
 * Settings (environment): BENCH_CONCURRENCY (16), BENCH_WARMUP (300), BENCH_REQUESTS (4000 per
 * target), BENCH_MAX_SECONDS (12 per target), BENCH_MODEL (default: the first example model that
 * resolves in production). Results: printed, and written to bench/results/latest.json.
 *
 * Then, each in its own file and skippable: MLflow listing (BENCH_SKIP_MLFLOW=1), cross-backend
 * fan-out (BENCH_SKIP_FANOUT=1), resolve through the client's cache (BENCH_SKIP_CLIENT=1),
 * whatRunsInProduction over 1,000 models (BENCH_SKIP_WHATRUNS=1), one vs two replicas on
 * PostgreSQL (BENCH_SKIP_REPLICAS=1), query limits: hostile documents and the fuzz corpus
 * (BENCH_SKIP_LIMITS=1; bench/results/limits.json), the console's overview of 1,000 models in
 * chromium (BENCH_SKIP_CONSOLE=1). bench/postgres-store.ts (store-level multi-writer timings)
 * runs alone: `npx tsx bench/postgres-store.ts`.
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { cpus, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { printClientResolveBench, runClientResolveBench } from "./client-resolve.js";
import { printConsoleBench, runConsoleBench } from "./console.js";
import { printFanoutBench, runFanoutBench } from "./fanout.js";
import { printLimitsBench, runLimitsBench } from "./limits.js";
import { runLoad, type LoadOptions, type LoadResult, type Target } from "./load.js";
import { printMlflowBench, runMlflowBench } from "./mlflow.js";
import { peakRssBytes, startChild, type Child } from "./processes.js";
import { printReplicasBench, runReplicasBench } from "./replicas.js";
import { printWhatRunsBench, runWhatRunsBench } from "./what-runs.js";

const ROOT = resolve(import.meta.dirname, "..");
const SEED = join(ROOT, "examples/registry");
const ENVIRONMENT = "production";

function setting(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive whole number, got "${raw}"`);
  return n;
}

const RESOLVE_QUERY = `query BenchResolve($name: String!, $env: String!) {
  resolve(name: $name, environment: $env) {
    registryVersion etag
    ... on ResolvedEntry {
      selectedBy
      version { version stage artifactUri generationConfig { model promptRef toolsRef params } }
      prompt { name version template }
      tools { name version tools }
    }
  }
}`;

function gatewayConfig(dir: string): string {
  return [
    "logLevel: warn",
    "server:",
    "  host: 127.0.0.1",
    "  port: 0",
    "  mode: production",
    "dataDir: ./data",
    "backends:",
    "  - id: example",
    "    kind: git-yaml",
    `    repo: ${JSON.stringify(join(dir, "registry"))}`,
    `    seedFrom: ${JSON.stringify(SEED)}`,
    "",
  ].join("\n");
}

async function json(url: string, init?: RequestInit): Promise<{ status: number; body: unknown; text: string }> {
  const res = await fetch(url, init);
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as unknown) : undefined, text };
}

/** A model that resolves in production: BENCH_MODEL, or the first listed model that does. */
async function pickModel(base: string): Promise<{ name: string; entryText: string }> {
  const candidates: string[] = [];
  if (process.env.BENCH_MODEL) {
    candidates.push(process.env.BENCH_MODEL);
  } else {
    const { body } = await json(`${base}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: "{ models(first: 100) { nodes { name backendId } } }" }),
    });
    const nodes = (body as { data?: { models?: { nodes?: { name: string; backendId: string }[] } } }).data?.models?.nodes ?? [];
    candidates.push(...nodes.map((n) => `${n.backendId}/${n.name}`));
  }
  for (const name of candidates) {
    const res = await json(`${base}/v1/resolve/${encodeURIComponent(name)}?env=${ENVIRONMENT}`);
    if (res.status === 200) return { name, entryText: res.text };
  }
  throw new Error(`none of these models resolves in "${ENVIRONMENT}": ${candidates.join(", ") || "(no models listed)"}`);
}

function fmt(n: number, digits = 2): string {
  return Number.isFinite(n) ? n.toFixed(digits) : "n/a";
}

function printTable(rows: LoadResult[], baseline: LoadResult): void {
  const header = ["target", "requests", "errors", "req/s", "p50 ms", "p99 ms", "x baseline req/s", "x baseline p50", "x baseline p99"];
  const lines = rows.map((r) => [
    r.name,
    String(r.requests),
    String(r.errors),
    fmt(r.requestsPerSecond, 0),
    fmt(r.p50Ms),
    fmt(r.p99Ms),
    fmt(r.requestsPerSecond / baseline.requestsPerSecond),
    fmt(r.p50Ms / baseline.p50Ms),
    fmt(r.p99Ms / baseline.p99Ms),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? "").length)));
  const show = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join("  ");
  console.log(show(header));
  for (const l of lines) console.log(show(l));
}

async function main(): Promise<void> {
  const load: LoadOptions = {
    concurrency: setting("BENCH_CONCURRENCY", 16),
    warmup: setting("BENCH_WARMUP", 300),
    requests: setting("BENCH_REQUESTS", 4000),
    maxSeconds: setting("BENCH_MAX_SECONDS", 12),
  };
  const dir = await mkdtemp(join(tmpdir(), "modelgate-bench-"));
  const children: Child[] = [];
  const started = performance.now();
  try {
    const configPath = join(dir, "modelgate.yaml");
    await writeFile(configPath, gatewayConfig(dir));
    const gatewayEnv = { ...process.env };
    for (const key of Object.keys(gatewayEnv)) if (key.startsWith("MODELGATE_")) delete gatewayEnv[key];
    const { child: gateway, match } = await startChild("the gateway", ["--import", "tsx", "src/cli/main.ts", "serve", "--config", configPath], {
      cwd: ROOT,
      env: gatewayEnv,
      ready: /listening on (http:\/\/\S+)/,
      timeoutMs: 60_000,
    });
    children.push(gateway);
    const base = match[1] as string;

    const model = await pickModel(base);
    const bodyFile = join(dir, "baseline-body.json");
    await writeFile(bodyFile, model.entryText);
    const { child: baselineChild, match: baselineMatch } = await startChild(
      "the baseline server",
      ["--import", "tsx", "bench/baseline-server.ts", bodyFile],
      { cwd: ROOT, ready: /listening (\d+)/, timeoutMs: 30_000 },
    );
    children.push(baselineChild);
    const baselineUrl = `http://127.0.0.1:${baselineMatch[1]}/v1/resolve/${encodeURIComponent(model.name)}?env=${ENVIRONMENT}`;

    const targets: Target[] = [
      { name: "baseline (node:http)", url: baselineUrl, method: "GET" },
      { name: "GET /v1/resolve", url: `${base}/v1/resolve/${encodeURIComponent(model.name)}?env=${ENVIRONMENT}`, method: "GET" },
      {
        name: "GraphQL resolve",
        url: `${base}/graphql`,
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query: RESOLVE_QUERY, variables: { name: model.name, env: ENVIRONMENT } }),
      },
    ];
    console.log(
      `modelgate bench: resolve "${model.name}" in ${ENVIRONMENT}; ${load.concurrency} keep-alive clients, ` +
        `${load.warmup} warm-up + up to ${load.requests} requests (max ${load.maxSeconds} s) per target; ` +
        `node ${process.version}, ${cpus().length} CPUs\n`,
    );
    const results: LoadResult[] = [];
    for (const target of targets) results.push(await runLoad(target, load));
    const [baseline, get, graphql] = results as [LoadResult, LoadResult, LoadResult];

    const gatewayRss = await peakRssBytes(gateway.pid);
    const baselineRss = await peakRssBytes(baselineChild.pid);
    printTable(results, baseline);
    console.log(
      `\npeak RSS (VmHWM): gateway ${fmt(gatewayRss / 2 ** 20, 1)} MiB, baseline ${fmt(baselineRss / 2 ** 20, 1)} MiB; ` +
        `response bytes: baseline ${baseline.responseBytes}, GET ${get.responseBytes}, GraphQL ${graphql.responseBytes}`,
    );
    const failed = results.filter((r) => r.errors > 0);
    for (const r of failed) console.error(`warning: ${r.name}: ${r.errors} failed requests (first: ${r.firstError})`);

    // The gateway and baseline are stopped first so the MLflow section has the machine to itself.
    await Promise.all(children.splice(0).map((c) => c.stop()));
    console.log("");
    const mlflow = process.env.BENCH_SKIP_MLFLOW === "1" ? undefined : await runMlflowBench();
    if (mlflow) printMlflowBench(mlflow);
    console.log("");
    const fanout = process.env.BENCH_SKIP_FANOUT === "1" ? undefined : await runFanoutBench();
    if (fanout) printFanoutBench(fanout);
    const clientResolve = process.env.BENCH_SKIP_CLIENT === "1" ? undefined : await runClientResolveBench();
    if (clientResolve) printClientResolveBench(clientResolve);
    const whatRuns = process.env.BENCH_SKIP_WHATRUNS === "1" ? undefined : await runWhatRunsBench();
    if (whatRuns) printWhatRunsBench(whatRuns);
    const replicas = process.env.BENCH_SKIP_REPLICAS === "1" ? undefined : await runReplicasBench();
    if (replicas) printReplicasBench(replicas);
    const limits = process.env.BENCH_SKIP_LIMITS === "1" ? undefined : await runLimitsBench();
    if (limits) await printLimitsBench(limits);
    const consoleOverview = process.env.BENCH_SKIP_CONSOLE === "1" ? undefined : await runConsoleBench();
    if (consoleOverview) printConsoleBench(consoleOverview);

    const report = {
      at: new Date().toISOString(),
      node: process.version,
      cpus: cpus().length,
      model: model.name,
      environment: ENVIRONMENT,
      load,
      results: { baseline, getResolve: get, graphqlResolve: graphql },
      ratios: {
        getResolve: { throughput: get.requestsPerSecond / baseline.requestsPerSecond, p50: get.p50Ms / baseline.p50Ms, p99: get.p99Ms / baseline.p99Ms },
        graphqlResolve: {
          throughput: graphql.requestsPerSecond / baseline.requestsPerSecond,
          p50: graphql.p50Ms / baseline.p50Ms,
          p99: graphql.p99Ms / baseline.p99Ms,
        },
      },
      peakRssBytes: { gateway: gatewayRss, baseline: baselineRss },
      ...(mlflow ? { mlflow } : {}),
      ...(clientResolve ? { clientResolve } : {}),
      ...(whatRuns ? { whatRuns } : {}),
      ...(replicas ? { replicas } : {}),
      ...(limits ? { limits: { worstRefusalMs: limits.worstRefusalMs, fuzzP99Ms: limits.fuzz.p99Ms, fuzzMaxMs: limits.fuzz.maxMs } } : {}),
      ...(consoleOverview ? { console: consoleOverview } : {}),
      ...(fanout ? { fanout } : {}),
      wallSeconds: (performance.now() - started) / 1000,
    };
    const resultsDir = join(ROOT, "bench/results");
    await mkdir(resultsDir, { recursive: true });
    await writeFile(join(resultsDir, "latest.json"), `${JSON.stringify(report, null, 2)}\n`);
    console.log(`\nwritten to bench/results/latest.json (${fmt(report.wallSeconds, 1)} s in all)`);
    if (failed.length > 0) process.exitCode = 1;
  } finally {
    await Promise.all(children.map((c) => c.stop()));
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(`bench failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
