/**
 * npm run bench: the gateway's hot path under autocannon against a bare node:http server sending
 * the same bytes and an untuned Apollo 5 + type-graphql server, in the same run (./hot-path.ts;
 * issue 12 goals 1, 2 and 7), the memory of the built gateway serving 10,000 versions
 * (./memory.ts, goal 5), then the other sections. One table with ratios and goals is printed; every
 * figure is written to bench/results/latest.json and bench/results/<date>.json.
 *
 * Settings (environment): BENCH_CONNECTIONS (50), BENCH_SECONDS (8 per round and target),
 * BENCH_WARMUP_SECONDS (2), BENCH_ROUNDS (3; targets interleaved, the median round is the figure,
 * min-max the spread), BENCH_MODEL (example/support-triage), BENCH_SKIP_BUILD=1 (use dist/ as it
 * is; by default the gateway is built first and run with node, not tsx).
 *
 * Then, each in its own file and skippable: memory at 10,000 versions (BENCH_SKIP_MEMORY=1), the
 * overhead of one read through the gateway against the backend directly (BENCH_SKIP_OVERHEAD=1), MLflow
 * listing (BENCH_SKIP_MLFLOW=1), cross-backend fan-out (BENCH_SKIP_FANOUT=1), resolve through the
 * client's cache (BENCH_SKIP_CLIENT=1), whatRunsInProduction over 1,000 models
 * (BENCH_SKIP_WHATRUNS=1), one vs two replicas on PostgreSQL (BENCH_SKIP_REPLICAS=1), query limits:
 * hostile documents and the fuzz corpus (BENCH_SKIP_LIMITS=1; bench/results/limits.json), the
 * console's overview of 1,000 models in chromium (BENCH_SKIP_CONSOLE=1). bench/postgres-store.ts
 * (store-level multi-writer timings) runs alone: `npx tsx bench/postgres-store.ts`.
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { cpus, loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { execFileSync } from "node:child_process";
import { printClientResolveBench, runClientResolveBench } from "./client-resolve.js";
import { printConsoleBench, runConsoleBench } from "./console.js";
import { printFanoutBench, runFanoutBench } from "./fanout.js";
import { printHotPath, runHotPathBench } from "./hot-path.js";
import { printLimitsBench, runLimitsBench } from "./limits.js";
import { printMemoryBench, runMemoryBench } from "./memory.js";
import { printMlflowBench, runMlflowBench } from "./mlflow.js";
import { printOverheadBench, runOverheadBench } from "./overhead.js";
import { printReplicasBench, runReplicasBench } from "./replicas.js";
import { printWhatRunsBench, runWhatRunsBench } from "./what-runs.js";
import { setting } from "./settings.js";

const ROOT = resolve(import.meta.dirname, "..");
const SEED = join(ROOT, "examples/registry");

function fmt(n: number, digits = 2): string {
  return Number.isFinite(n) ? n.toFixed(digits) : "n/a";
}

/** The built CLI (node), as `npm start` runs it; built here unless BENCH_SKIP_BUILD=1. */
function gatewayArgs(configPath: string): string[] {
  return ["bin/modelgate.js", "serve", "--config", configPath];
}

async function main(): Promise<void> {
  const load = {
    connections: setting("BENCH_CONNECTIONS", 50),
    seconds: setting("BENCH_SECONDS", 8),
    warmupSeconds: setting("BENCH_WARMUP_SECONDS", 2),
  };
  const rounds = setting("BENCH_ROUNDS", 3);
  const dir = await mkdtemp(join(tmpdir(), "modelgate-bench-"));
  const started = performance.now();
  try {
    if (process.env.BENCH_SKIP_BUILD !== "1") {
      console.log("building the gateway (tsc -p tsconfig.build.json; BENCH_SKIP_BUILD=1 skips) ...");
      execFileSync(process.execPath, [join(ROOT, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.build.json"], { cwd: ROOT, stdio: "inherit" });
    }
    console.log(`modelgate bench: node ${process.version}, ${cpus().length} CPUs, load average ${loadavg().map((l) => l.toFixed(1)).join(" ")}\n`);
    const hot = await runHotPathBench({
      root: ROOT,
      dir,
      seed: SEED,
      ...(process.env.BENCH_MODEL ? { model: process.env.BENCH_MODEL } : {}),
      load,
      rounds,
      gatewayArgs,
    });
    printHotPath(hot);
    const failed = Object.values(hot.targets).filter((t) => t.errors > 0);
    for (const t of failed) console.error(`warning: ${t.name}: ${t.errors} answers with another status or failed`);
    console.log("");
    const memory = process.env.BENCH_SKIP_MEMORY === "1" ? undefined : await runMemoryBench({ root: ROOT, dir: join(dir, "memory"), load, gatewayArgs });
    if (memory) printMemoryBench(memory);
    console.log("");
    const overhead =
      process.env.BENCH_SKIP_OVERHEAD === "1" ? undefined : await runOverheadBench({ root: ROOT, dir: join(dir, "overhead"), seed: SEED, gatewayArgs });
    if (overhead) printOverheadBench(overhead);
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
      loadAverage: loadavg(),
      hotPath: hot,
      ...(memory ? { memory } : {}),
      ...(overhead ? { overhead } : {}),
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
    const text = `${JSON.stringify(report, null, 2)}\n`;
    const dated = `${report.at.replace(/[:.]/g, "-")}.json`;
    await writeFile(join(resultsDir, "latest.json"), text);
    await writeFile(join(resultsDir, dated), text);
    console.log(`\nwritten to bench/results/latest.json and bench/results/${dated} (${fmt(report.wallSeconds, 1)} s in all)`);
    if (failed.length > 0) process.exitCode = 1;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(`bench failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
