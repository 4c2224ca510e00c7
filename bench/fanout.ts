/**
 * Cross-backend fan-out: one `models` query over git-YAML, MLflow (real server), SageMaker (moto)
 * and Vertex AI (the proto fake), each backend made slow by an injected delay. If the gateway calls
 * the backends in parallel, the query's latency tracks the slowest backend, not the sum.
 *
 * Run alone with `npx tsx bench/fanout.ts`; `npm run bench` runs it too.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { configSchema } from "../src/config/schema.js";
import { BUILT_IN_ADAPTERS } from "../src/app/adapter-registry.js";
import { createGateway } from "../src/app/gateway.js";
import { startServer } from "../src/http/server.js";
import { createLogger } from "../src/logging.js";
import { openSqliteStore } from "../src/store/sqlite-store.js";
import { delayedFactories } from "../test/support/delayed-adapter.js";
import { startMlflowServer } from "../test/peers/mlflow-server.js";
import { startMotoServer } from "../test/peers/moto-server.js";
import { startVertexFake } from "../test/peers/vertex/index.js";

const ROOT = resolve(import.meta.dirname, "..");
const DELAYS: Record<string, number> = { git: 50, mlflow: 100, sagemaker: 150, vertex: 200 };
const ROUNDS = 25;

export interface FanoutBenchResult {
  delaysMs: Record<string, number>;
  rounds: number;
  medianMs: number;
  p90Ms: number;
  undelayedMedianMs: number;
  slowestMs: number;
  sumMs: number;
  /** median / slowest delay: ~1 when backends are called in parallel. */
  ratioToSlowest: number;
  /** median / sum of delays: ~slowest/sum when parallel, ≥ 1 when sequential. */
  ratioToSum: number;
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
}

async function timeQuery(url: string, rounds: number): Promise<number[]> {
  const query = JSON.stringify({ query: "{ models(first: 100) { nodes { name backendId } failedBackends { backendId } } }" });
  const out: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const t = performance.now();
    const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: query });
    const body = (await res.json()) as { data?: { models: { failedBackends: unknown[] } } };
    if (!body.data || body.data.models.failedBackends.length > 0) throw new Error(`fan-out query failed: ${JSON.stringify(body)}`);
    out.push(performance.now() - t);
  }
  return out;
}

async function measure(delays: Record<string, number>, peers: { mlflow: string; moto: string; vertex: string }, dir: string): Promise<number[]> {
  const config = configSchema.parse({
    logLevel: "silent",
    server: { port: 0 },
    backends: [
      { id: "git", kind: "git-yaml", repo: join(dir, "registry"), seedFrom: join(ROOT, "examples/registry") },
      { id: "mlflow", kind: "mlflow", trackingUri: peers.mlflow },
      { id: "sagemaker", kind: "sagemaker", region: "us-west-2", endpoint: peers.moto, credentials: { accessKeyId: "AKIDBENCH", secretAccessKey: "bench" } },
      { id: "vertex", kind: "vertex", project: "modelgate-bench", location: "europe-west4", apiEndpoint: peers.vertex, insecure: true },
    ],
  });
  const gateway = await createGateway(
    { config, configDir: dir, dataDir: join(dir, "data") },
    { logger: createLogger("silent"), store: await openSqliteStore({ file: ":memory:" }), factories: delayedFactories(BUILT_IN_ADAPTERS, delays) },
  );
  const server = await startServer(gateway, { host: "127.0.0.1", port: 0 });
  try {
    const url = `${server.url}/graphql`;
    for (const backend of ["mlflow", "sagemaker", "vertex"]) {
      await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          query: `mutation { modelVersionRegister(input: { backend: "${backend}", model: "fanout-${backend}", artifactUri: "gs://bench/m/" }) { userErrors { message } } }`,
        }),
      });
    }
    await timeQuery(url, 3);
    return await timeQuery(url, ROUNDS);
  } finally {
    await server.close();
  }
}

export async function runFanoutBench(): Promise<FanoutBenchResult> {
  process.env["AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED"] ??= "true";
  const dir = await mkdtemp(join(tmpdir(), "modelgate-fanout-"));
  const [mlflow, moto, vertex] = await Promise.all([startMlflowServer(), startMotoServer(), startVertexFake()]);
  try {
    const peers = { mlflow: mlflow.url, moto: moto.url, vertex: vertex.endpoint };
    const undelayed = await measure({}, peers, join(dir, "a"));
    const delayedRuns = await measure(DELAYS, peers, join(dir, "b"));
    const values = Object.values(DELAYS);
    const slowestMs = Math.max(...values);
    const sumMs = values.reduce((a, b) => a + b, 0);
    const medianMs = quantile(delayedRuns, 0.5);
    return {
      delaysMs: DELAYS,
      rounds: ROUNDS,
      medianMs,
      p90Ms: quantile(delayedRuns, 0.9),
      undelayedMedianMs: quantile(undelayed, 0.5),
      slowestMs,
      sumMs,
      ratioToSlowest: medianMs / slowestMs,
      ratioToSum: medianMs / sumMs,
    };
  } finally {
    await Promise.allSettled([mlflow.stop(), moto.stop(), vertex.stop()]);
    await rm(dir, { recursive: true, force: true });
  }
}

export function printFanoutBench(r: FanoutBenchResult): void {
  const f = (n: number) => n.toFixed(1);
  console.log(`cross-backend fan-out: models(first: 100) over git-YAML, MLflow, SageMaker (moto), Vertex (fake); ${r.rounds} rounds`);
  console.log(`  injected delays ${Object.entries(r.delaysMs).map(([k, v]) => `${k} ${v} ms`).join(", ")} (slowest ${r.slowestMs}, sum ${r.sumMs})`);
  console.log(`  median ${f(r.medianMs)} ms (p90 ${f(r.p90Ms)} ms); without delays ${f(r.undelayedMedianMs)} ms`);
  console.log(`  ratio to the slowest backend ${r.ratioToSlowest.toFixed(2)}x, to the sum ${r.ratioToSum.toFixed(2)}x`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  runFanoutBench().then(printFanoutBench, (err: unknown) => {
    console.error(`fan-out bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exitCode = 1;
  });
}
