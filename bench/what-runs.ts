/**
 * whatRunsInProduction over 1,000 models spread over git-YAML, MLflow (real server), SageMaker
 * (moto) and Vertex AI (the proto fake), each backend made slow by an injected per-call delay.
 * Answering "now" lists every model of every backend, then each model's versions in the
 * production stage (at most LISTING_CONCURRENCY per backend at once), all backends in parallel.
 *
 * Ratios, measured in the same run: against the same query without injected delays, and against
 * the lower bound the delays impose (the slowest backend's model pages plus its listing waves,
 * each one delay) and the sequential cost (every call one after another).
 *
 * Run alone with `npx tsx bench/what-runs.ts`; `npm run bench` runs it too (BENCH_SKIP_WHATRUNS=1
 * skips it). BENCH_WHATRUNS_MODELS (default 1000) sets the model count.
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { configSchema } from "../src/config/schema.js";
import { createCallContext, Semaphore } from "../src/core/index.js";
import { BUILT_IN_ADAPTERS } from "../src/app/adapter-registry.js";
import { createGateway, type Gateway } from "../src/app/gateway.js";
import { startServer } from "../src/http/server.js";
import { createLogger } from "../src/logging.js";
import { openSqliteStore } from "../src/store/sqlite-store.js";
import { LISTING_CONCURRENCY } from "../src/workflow/deployment-state.js";
import { delayedFactories } from "../test/support/delayed-adapter.js";
import { startMlflowServer } from "../test/peers/mlflow-server.js";
import { startMotoServer } from "../test/peers/moto-server.js";
import { startVertexFake } from "../test/peers/vertex/index.js";

const DELAYS: Record<string, number> = { git: 20, mlflow: 30, sagemaker: 40, vertex: 50 };
const ROUNDS = 5;

export interface WhatRunsBenchResult {
  models: number;
  perBackend: number;
  delaysMs: Record<string, number>;
  rounds: number;
  undelayedMedianMs: number;
  medianMs: number;
  /** Slowest backend: (model pages + ceil(models / concurrency) listing waves) x its delay. */
  lowerBoundMs: number;
  /** Every call one after another. */
  sequentialMs: number;
  versionsListed: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

/** A git-YAML registry with `count` models, each with a retired version 1 and a production version 2. */
async function writeGitSeed(dir: string, count: number): Promise<void> {
  await mkdir(join(dir, "models"), { recursive: true });
  for (let i = 0; i < count; i++) {
    const name = `wr-git-${String(i).padStart(4, "0")}`;
    await writeFile(
      join(dir, "models", `${name}.yaml`),
      [
        `name: ${name}`,
        "versions:",
        "  - version: 1",
        "    status: retired",
        `    artifact_uri: s3://bench/${name}/1/model.onnx`,
        "  - version: 2",
        "    status: production",
        `    artifact_uri: s3://bench/${name}/2/model.onnx`,
        "",
      ].join("\n"),
    );
  }
}

function backendsConfig(dir: string, peers: { mlflow: string; moto: string; vertex: string }) {
  return [
    { id: "git", kind: "git-yaml", repo: join(dir, "registry"), seedFrom: join(dir, "seed") },
    { id: "mlflow", kind: "mlflow", trackingUri: peers.mlflow },
    { id: "sagemaker", kind: "sagemaker", region: "eu-west-1", endpoint: peers.moto, credentials: { accessKeyId: "AKIDBENCH", secretAccessKey: "bench" } },
    { id: "vertex", kind: "vertex", project: "modelgate-whatruns", location: "europe-west4", apiEndpoint: peers.vertex, insecure: true },
  ];
}

async function open(dir: string, peers: { mlflow: string; moto: string; vertex: string }, delays: Record<string, number>): Promise<Gateway> {
  const config = configSchema.parse({ logLevel: "silent", server: { port: 0 }, drift: { enabled: false }, backends: backendsConfig(dir, peers) });
  return createGateway(
    { config, configDir: dir, dataDir: join(dir, "data") },
    { logger: createLogger("silent"), store: await openSqliteStore({ file: ":memory:" }), factories: delayedFactories(BUILT_IN_ADAPTERS, delays), outbox: false, drift: false },
  );
}

/** Registers `count` models with one production version in each non-git backend, directly through the adapters. */
async function seedRemote(gateway: Gateway, count: number): Promise<void> {
  const ctx = () => createCallContext({ timeoutMs: 60_000, actor: { id: "bench", roles: [] } });
  const jobs: Promise<unknown>[] = [];
  for (const backendId of ["mlflow", "sagemaker", "vertex"]) {
    // Per backend, so one slow peer does not hold the others' slots.
    const limit = new Semaphore(4);
    const adapter = gateway.services.catalog.backend(backendId);
    for (let i = 0; i < count; i++) {
      const modelName = `wr-${backendId}-${String(i).padStart(4, "0")}`;
      jobs.push(
        limit.run(
          async () => {
            const v = await adapter.registerVersion({ modelName, artifactUri: `s3://bench/${modelName}/1/` }, ctx());
            await adapter.setStage(modelName, v.version, "PRODUCTION", ctx(), { reason: "bench seed" });
          },
          new AbortController().signal,
          () => new Error("aborted"),
        ),
      );
    }
  }
  await Promise.all(jobs);
}

async function timed<T>(label: string, work: () => Promise<T>): Promise<T> {
  const t = performance.now();
  const out = await work();
  if (process.env.BENCH_VERBOSE === "1") console.log(`  ${label}: ${(performance.now() - t).toFixed(0)} ms`);
  return out;
}

async function timeQuery(url: string, rounds: number): Promise<{ times: number[]; versions: number }> {
  const body = JSON.stringify({ query: "{ whatRunsInProduction { versions { backendId modelName version standalone } failedBackends { backendId message } } }" });
  const times: number[] = [];
  let versions = 0;
  for (let i = 0; i < rounds; i++) {
    const t = performance.now();
    const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body });
    const json = (await res.json()) as { data?: { whatRunsInProduction: { versions: unknown[]; failedBackends: unknown[] } }; errors?: unknown };
    const state = json.data?.whatRunsInProduction;
    if (state === undefined) throw new Error(`whatRunsInProduction failed: ${JSON.stringify(json.errors ?? json).slice(0, 1000)}`);
    if (state.failedBackends.length > 0) throw new Error(`whatRunsInProduction: backends failed: ${JSON.stringify(state.failedBackends)}`);
    times.push(performance.now() - t);
    versions = state.versions.length;
  }
  return { times, versions };
}

export async function runWhatRunsBench(): Promise<WhatRunsBenchResult> {
  process.env["AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED"] ??= "true";
  const models = Number(process.env.BENCH_WHATRUNS_MODELS ?? 1000);
  const perBackend = Math.ceil(models / 4);
  const dir = await mkdtemp(join(tmpdir(), "modelgate-whatruns-"));
  const [mlflow, moto, vertex] = await Promise.all([startMlflowServer(), startMotoServer(), startVertexFake()]);
  try {
    const peers = { mlflow: mlflow.url, moto: moto.url, vertex: vertex.endpoint };
    await writeGitSeed(join(dir, "seed"), perBackend);
    const seeding = await open(dir, peers, {});
    await timed(`seeding ${perBackend * 3} remote models`, () => seedRemote(seeding, perBackend));
    const measure = async (delays: Record<string, number>, rounds: number) => {
      const gateway = await open(dir, peers, delays);
      const server = await startServer(gateway, { host: "127.0.0.1", port: 0 });
      try {
        await timeQuery(`${server.url}/graphql`, 1);
        return await timeQuery(`${server.url}/graphql`, rounds);
      } finally {
        await server.close();
      }
    };
    await seeding.close();
    const undelayed = await measure({}, ROUNDS);
    const delayed = await measure(DELAYS, ROUNDS);
    const pages = Math.ceil(perBackend / 100);
    const waves = Math.ceil(perBackend / LISTING_CONCURRENCY);
    const lowerBoundMs = Math.max(...Object.values(DELAYS).map((d) => (pages + waves) * d));
    const sequentialMs = Object.values(DELAYS).reduce((sum, d) => sum + (pages + perBackend) * d, 0);
    return {
      models: perBackend * 4,
      perBackend,
      delaysMs: DELAYS,
      rounds: ROUNDS,
      undelayedMedianMs: median(undelayed.times),
      medianMs: median(delayed.times),
      lowerBoundMs,
      sequentialMs,
      versionsListed: delayed.versions,
    };
  } finally {
    await Promise.allSettled([mlflow.stop(), moto.stop(), vertex.stop()]);
    await rm(dir, { recursive: true, force: true });
  }
}

export function printWhatRunsBench(r: WhatRunsBenchResult): void {
  const f = (n: number) => n.toFixed(0);
  console.log(`\nwhatRunsInProduction over ${r.models} models (${r.perBackend} per backend: git-YAML, MLflow, SageMaker/moto, Vertex/fake); ${r.rounds} rounds; ${r.versionsListed} production versions listed`);
  console.log(`  injected per-call delays ${Object.entries(r.delaysMs).map(([k, v]) => `${k} ${v} ms`).join(", ")}`);
  console.log(`  median ${f(r.medianMs)} ms; without delays ${f(r.undelayedMedianMs)} ms (${(r.medianMs / r.undelayedMedianMs).toFixed(1)}x)`);
  console.log(
    `  lower bound the delays impose ${f(r.lowerBoundMs)} ms (ratio ${(r.medianMs / r.lowerBoundMs).toFixed(2)}x); sequential calls ${f(r.sequentialMs)} ms (ratio ${(r.medianMs / r.sequentialMs).toFixed(3)}x)`,
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  runWhatRunsBench().then(printWhatRunsBench, (err: unknown) => {
    console.error(`whatRunsInProduction bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exitCode = 1;
  });
}
