/**
 * whatRunsInProduction over 1,000 models: 250 each in git-YAML, MLflow (real server), SageMaker
 * (moto) and Vertex AI (the proto fake), every model with one version in production, every backend
 * call held 20 ms: MLflow's and moto's HTTP requests by a delaying proxy in front of each server
 * (bench/delay-proxy.ts), the Vertex fake's RPCs by a hook in the fake, and git-YAML's adapter
 * calls (its backend is the local repository) by a wrapper.
 *
 * Measured in the same run: the query answered with the adapters' stage listings
 * (RegistryAdapter.listVersionsInStage: a few paged calls per backend), the same query with the
 * method hidden so the gateway walks every model (today's path for adapters without it), and the
 * stage listings without the delays. For each, the median of the rounds and the backend calls one
 * query makes, per backend.
 *
 * Goal (issue 12, goal 3): median ≤ 1 s with the delays.
 *
 * Run alone with `npx tsx bench/what-runs.ts`; `npm run bench` runs it too (BENCH_SKIP_WHATRUNS=1
 * skips it). BENCH_WHATRUNS_MODELS (1000) sets the model count, BENCH_WHATRUNS_ROUNDS (5) the rounds.
 * Figures go to bench/results/what-runs.json.
 */
import http from "node:http";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { configSchema } from "../src/config/schema.js";
import { createCallContext, Semaphore, type AdapterFactory, type CallContext, type RegistryAdapter } from "../src/core/index.js";
import { BUILT_IN_ADAPTERS, type FactoryMap } from "../src/app/adapter-registry.js";
import { createGateway, type Gateway } from "../src/app/gateway.js";
import { startServer } from "../src/http/server.js";
import { createLogger } from "../src/logging.js";
import { openSqliteStore } from "../src/store/sqlite-store.js";
import { startMlflowServer } from "../test/peers/mlflow-server.js";
import { startMotoServer } from "../test/peers/moto-server.js";
import { startVertexFake, type VertexFake } from "../test/peers/vertex/index.js";
import { startDelayProxy, type DelayProxy } from "./delay-proxy.js";
import { median, setting } from "./settings.js";

const ROOT = resolve(import.meta.dirname, "..");
const DELAY_MS = 20;
const GOAL_MS = 1000;
const BACKENDS = ["git", "mlflow", "sagemaker", "vertex"] as const;
type BackendId = (typeof BACKENDS)[number];
/** ModelService and Operations methods of the Vertex fake. */
const VERTEX_METHODS = [
  "UploadModel",
  "GetModel",
  "ListModels",
  "ListModelVersions",
  "UpdateModel",
  "MergeVersionAliases",
  "DeleteModel",
  "DeleteModelVersion",
  "ImportModelEvaluation",
  "GetModelEvaluation",
  "ListModelEvaluations",
  "GetOperation",
];
/** git-YAML adapter calls a query can make. */
const GIT_CALLS = ["listModels", "getModel", "listVersions", "getVersion", "getVersionByAlias", "listVersionsInStage"] as const;

export interface QueryFigures {
  timesMs: number[];
  medianMs: number;
  /** Backend calls one query makes, per backend. */
  calls: Record<BackendId, number>;
  /** The same by call (MLflow path, SageMaker operation, Vertex method, git-YAML adapter call). */
  callsByKind: Record<BackendId, Record<string, number>>;
}

export interface WhatRunsBenchResult {
  at: string;
  models: number;
  perBackend: number;
  delayMsPerCall: number;
  rounds: number;
  versionsListed: number;
  /** With the adapters' stage listings (the gateway's path now). */
  stageListing: QueryFigures;
  /** Every model walked (the path of adapters without listVersionsInStage). */
  walk: QueryFigures;
  /** Stage listings, no injected delay. */
  undelayedMedianMs: number;
  /** walk median / stage listing median. */
  speedup: number;
  goalMs: number;
  goalMet: boolean;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** A git-YAML registry with `count` models, each with a retired version 1 and a production version 2. */
async function writeGitSeed(dir: string, count: number): Promise<void> {
  await mkdir(join(dir, "models"), { recursive: true });
  for (let i = 0; i < count; i++) {
    const name = `wr-git-${String(i).padStart(4, "0")}`;
    await writeFile(
      join(dir, "models", `${name}.yaml`),
      [`name: ${name}`, "versions:", "  - version: 1", "    status: retired", `    artifact_uri: s3://bench/${name}/1/model.onnx`, "  - version: 2", "    status: production", `    artifact_uri: s3://bench/${name}/2/model.onnx`, ""].join("\n"),
    );
  }
}

/** What the measured gateways do to their adapters: git-YAML calls held and counted; the stage listing hidden for the walk. */
interface Instrumentation {
  gitDelayMs: number;
  gitCalls: Map<string, number>;
  hideStageListing: boolean;
}

function instrumented(factories: FactoryMap, how: Instrumentation): FactoryMap {
  const out = new Map<string, AdapterFactory<unknown>>();
  for (const [kind, factory] of factories) {
    out.set(kind, {
      ...factory,
      async create(id, config, ctx) {
        const adapter = await factory.create(id, config, ctx);
        const wrapper = Object.create(adapter) as Record<string, unknown>;
        if (how.hideStageListing) wrapper["listVersionsInStage"] = undefined;
        if (kind === "git-yaml") {
          for (const name of GIT_CALLS) {
            const method = wrapper[name] as ((...args: unknown[]) => Promise<unknown>) | undefined;
            if (typeof method !== "function") continue;
            wrapper[name] = async (...args: unknown[]) => {
              how.gitCalls.set(name, (how.gitCalls.get(name) ?? 0) + 1);
              if (how.gitDelayMs > 0) await sleep(how.gitDelayMs);
              return method.apply(adapter, args);
            };
          }
        }
        return wrapper as unknown as RegistryAdapter;
      },
    });
  }
  return out;
}

interface Peers {
  mlflow: string;
  moto: string;
  vertex: string;
}

function backendsConfig(dir: string, peers: Peers) {
  // Generous per-call timeouts: seeding 750 models on a loaded machine has slow writes.
  const timeoutMs = 120_000;
  return [
    { id: "git", kind: "git-yaml", repo: join(dir, "registry"), seedFrom: join(dir, "seed"), timeoutMs },
    { id: "mlflow", kind: "mlflow", trackingUri: peers.mlflow, timeoutMs },
    { id: "sagemaker", kind: "sagemaker", region: "eu-west-1", endpoint: peers.moto, credentials: { accessKeyId: "AKIDBENCH", secretAccessKey: "bench" }, timeoutMs },
    // The same eight calls at once that the gateway's walk runs per backend.
    { id: "vertex", kind: "vertex", project: "modelgate-whatruns", location: "europe-west4", apiEndpoint: peers.vertex, insecure: true, concurrency: 8, timeoutMs },
  ];
}

async function open(dir: string, peers: Peers, factories: FactoryMap): Promise<Gateway> {
  const config = configSchema.parse({
    logLevel: "silent",
    server: { port: 0, requestTimeoutMs: 300_000 },
    drift: { enabled: false },
    backends: backendsConfig(dir, peers),
  });
  return createGateway(
    { config, configDir: dir, dataDir: join(dir, "data") },
    { logger: createLogger("silent"), store: await openSqliteStore({ file: ":memory:" }), factories, outbox: false, drift: false },
  );
}

/** Registers `count` models with one production version in each non-git backend, directly through the adapters. */
async function seedRemote(gateway: Gateway, count: number): Promise<void> {
  const ctx = (): CallContext => createCallContext({ timeoutMs: 120_000, actor: { id: "bench", roles: [] } });
  const jobs: Promise<unknown>[] = [];
  for (const backendId of ["mlflow", "sagemaker", "vertex"]) {
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

async function query(url: string): Promise<number> {
  const body = JSON.stringify({ query: "{ whatRunsInProduction { versions { backendId modelName version standalone } failedBackends { backendId message } } }" });
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body });
  const json = (await res.json()) as { data?: { whatRunsInProduction: { versions: unknown[]; failedBackends: unknown[] } }; errors?: unknown };
  const state = json.data?.whatRunsInProduction;
  if (state === undefined) throw new Error(`whatRunsInProduction failed: ${JSON.stringify(json.errors ?? json).slice(0, 1000)}`);
  if (state.failedBackends.length > 0) throw new Error(`whatRunsInProduction: backends failed: ${JSON.stringify(state.failedBackends)}`);
  return state.versions.length;
}

interface Harness {
  dir: string;
  mlflowProxy: DelayProxy;
  motoProxy: DelayProxy;
  vertex: VertexFake;
  vertexDelay: { ms: number };
}

async function measure(h: Harness, how: { delayed: boolean; walk: boolean }, rounds: number, expected: number): Promise<QueryFigures> {
  const delay = how.delayed ? DELAY_MS : 0;
  h.mlflowProxy.delayMs = delay;
  h.motoProxy.delayMs = delay;
  h.vertexDelay.ms = delay;
  const gitCalls = new Map<string, number>();
  const factories = instrumented(BUILT_IN_ADAPTERS, { gitDelayMs: delay, gitCalls, hideStageListing: how.walk });
  const gateway = await open(h.dir, { mlflow: h.mlflowProxy.url, moto: h.motoProxy.url, vertex: h.vertex.endpoint }, factories);
  const server = await startServer(gateway, { host: "127.0.0.1", port: 0 });
  const url = `${server.url}/graphql`;
  try {
    const check = async () => {
      const listed = await query(url);
      if (listed !== expected) throw new Error(`whatRunsInProduction listed ${listed} versions, expected ${expected}`);
    };
    await check();
    const timesMs: number[] = [];
    for (let i = 0; i < rounds; i++) {
      const t = performance.now();
      await check();
      timesMs.push(performance.now() - t);
    }
    // One more query, counted.
    h.mlflowProxy.reset();
    h.motoProxy.reset();
    gitCalls.clear();
    const vertexBefore = new Map(VERTEX_METHODS.map((m) => [m, h.vertex.calls(m)]));
    await check();
    const vertexCalls = Object.fromEntries(VERTEX_METHODS.map((m) => [m, h.vertex.calls(m) - (vertexBefore.get(m) ?? 0)]).filter(([, n]) => (n as number) > 0));
    const callsByKind: Record<BackendId, Record<string, number>> = {
      git: Object.fromEntries(gitCalls),
      mlflow: Object.fromEntries(h.mlflowProxy.counts),
      sagemaker: Object.fromEntries(h.motoProxy.counts),
      vertex: vertexCalls,
    };
    const sum = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);
    const calls = Object.fromEntries(BACKENDS.map((b) => [b, sum(callsByKind[b])])) as Record<BackendId, number>;
    return { timesMs, medianMs: median(timesMs), calls, callsByKind };
  } finally {
    await server.close();
  }
}

export async function runWhatRunsBench(): Promise<WhatRunsBenchResult> {
  process.env["AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED"] ??= "true";
  const models = setting("BENCH_WHATRUNS_MODELS", 1000);
  const rounds = setting("BENCH_WHATRUNS_ROUNDS", 5);
  const perBackend = Math.ceil(models / 4);
  const dir = await mkdtemp(join(tmpdir(), "modelgate-whatruns-"));
  const [mlflow, moto, vertex] = await Promise.all([startMlflowServer(), startMotoServer(), startVertexFake()]);
  const mlflowProxy = await startDelayProxy(mlflow.url, 0, (req) => new URL(req.url ?? "/", "http://proxy").pathname.replace("/api/2.0/mlflow/", ""));
  const motoProxy = await startDelayProxy(moto.url, 0, (req: http.IncomingMessage) => String(req.headers["x-amz-target"] ?? req.url).replace(/^SageMaker\./, ""));
  const vertexDelay = { ms: 0 };
  for (const method of VERTEX_METHODS) {
    vertex.before(method, async () => (vertexDelay.ms > 0 ? sleep(vertexDelay.ms) : undefined), Number.MAX_SAFE_INTEGER);
  }
  try {
    await writeGitSeed(join(dir, "seed"), perBackend);
    const seeding = await open(dir, { mlflow: mlflow.url, moto: moto.url, vertex: vertex.endpoint }, BUILT_IN_ADAPTERS);
    try {
      await seedRemote(seeding, perBackend);
    } finally {
      await seeding.close();
    }
    const h: Harness = { dir, mlflowProxy, motoProxy, vertex, vertexDelay };
    const expected = perBackend * 4;
    const undelayed = await measure(h, { delayed: false, walk: false }, rounds, expected);
    const stageListing = await measure(h, { delayed: true, walk: false }, rounds, expected);
    const walk = await measure(h, { delayed: true, walk: true }, rounds, expected);
    const result: WhatRunsBenchResult = {
      at: new Date().toISOString(),
      models: expected,
      perBackend,
      delayMsPerCall: DELAY_MS,
      rounds,
      versionsListed: expected,
      stageListing,
      walk,
      undelayedMedianMs: undelayed.medianMs,
      speedup: walk.medianMs / stageListing.medianMs,
      goalMs: GOAL_MS,
      goalMet: stageListing.medianMs <= GOAL_MS,
    };
    await mkdir(join(ROOT, "bench/results"), { recursive: true });
    await writeFile(join(ROOT, "bench/results/what-runs.json"), `${JSON.stringify(result, null, 2)}\n`);
    return result;
  } finally {
    await Promise.allSettled([mlflowProxy.close(), motoProxy.close()]);
    await Promise.allSettled([mlflow.stop(), moto.stop(), vertex.stop()]);
    await rm(dir, { recursive: true, force: true });
  }
}

export function printWhatRunsBench(r: WhatRunsBenchResult): void {
  const f = (n: number) => n.toFixed(0);
  const calls = (q: QueryFigures) => BACKENDS.map((b) => `${b} ${q.calls[b]}`).join(", ");
  console.log(
    `\nwhatRunsInProduction over ${r.models} models (${r.perBackend} each: git-YAML, MLflow, SageMaker/moto, Vertex/fake), ${r.delayMsPerCall} ms held per backend call, ${r.rounds} rounds`,
  );
  console.log(`  stage listings (listVersionsInStage)  median ${f(r.stageListing.medianMs)} ms   goal ≤ ${r.goalMs} ms: ${r.goalMet ? "met" : "NOT met"}`);
  console.log(`      backend calls per query: ${calls(r.stageListing)}`);
  console.log(`  every model walked (no stage listing) median ${f(r.walk.medianMs)} ms   (${r.speedup.toFixed(1)}x the stage listings)`);
  console.log(`      backend calls per query: ${calls(r.walk)}`);
  console.log(`  stage listings without the delays     median ${f(r.undelayedMedianMs)} ms`);
  console.log(`  calls by kind, stage listings: ${JSON.stringify(r.stageListing.callsByKind)}`);
  console.log("  written to bench/results/what-runs.json");
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  runWhatRunsBench().then(printWhatRunsBench, (err: unknown) => {
    console.error(`whatRunsInProduction bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exitCode = 1;
  });
}
