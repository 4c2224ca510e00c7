/**
 * Query limits against a real gateway (its own process, git-YAML example registry, development
 * mode so introspection is on, a viewer token): how long the gateway takes to refuse hostile
 * documents, and the latency of the fuzz corpus (test/support/fuzz-documents.ts), beside the goals
 * (every hostile document refused in under 50 ms; no fuzz request slower than 100 ms) and, as a
 * ratio, beside the cheapest GraphQL request (`{ __typename }`) measured in the same run.
 * Requests go one at a time over a keep-alive connection, so a latency is the gateway's work, not
 * queueing.
 *
 * Run alone with `npx tsx bench/limits.ts`; `npm run bench` runs it too (BENCH_SKIP_LIMITS=1 skips
 * it). BENCH_LIMITS_ROUNDS (20) rounds per hostile document, BENCH_FUZZ_COUNT (10000) and
 * BENCH_FUZZ_SEED (1) for the corpus. Results: printed, and written to bench/results/limits.json.
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { Agent } from "node:http";
import { cpus, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { sha256Hex } from "../src/http/auth.js";
import { buildGatewaySchema } from "../src/graphql/schema.js";
import { fuzzCorpus, sendFuzzRequest, type FuzzRequest } from "../test/support/fuzz-documents.js";
import { ALIASES_IN_FRAGMENTS, BACKEND_FIELD, deepIntrospection, doublingFragments } from "../test/support/hostile-documents.js";
import { startChild, type Child } from "./processes.js";
import { setting } from "./settings.js";

const ROOT = resolve(import.meta.dirname, "..");
const SEED_REGISTRY = join(ROOT, "examples/registry");
const VIEWER = "bench-viewer-token-0123456789";
const REFUSAL_GOAL_MS = 50;
const FUZZ_GOAL_MS = 100;

/** The documents every gateway must refuse early, with the limit that refuses each. */
const HOSTILE: { name: string; limit: string; query: string }[] = [
  { name: "doubling fragments, 40 levels", limit: "maxCost", query: doublingFragments(40, "query", "Query", BACKEND_FIELD) },
  { name: "aliases hidden in fragments", limit: "maxAliases", query: ALIASES_IN_FRAGMENTS },
  { name: "deep introspection (35)", limit: "maxIntrospectionDepth", query: deepIntrospection(30) },
  { name: "nesting 40 deep", limit: "maxDepth", query: `{ models { nodes { ${"versions { nodes { model { ".repeat(13)}name${" } } }".repeat(13)} } } }` },
  { name: "alias flood (400, one name)", limit: "maxAliases", query: `{ ${Array.from({ length: 400 }, (_, i) => `x: backends { ${i % 2 ? "id" : "kind"} }`).join(" ")} }` },
  { name: "directive flood", limit: "maxDirectives", query: `{ backends { ${"id @include(if: true) ".repeat(100)} } }` },
  { name: "token flood", limit: "maxTokens", query: `{ backends { ${"id ".repeat(4_000)} } }` },
  { name: "one field 200 times", limit: "maxFieldRepeats", query: `{ ${"environments { name } ".repeat(200)} }` },
  { name: "character flood", limit: "maxCharacters", query: `{ backends { id } } # ${"x".repeat(200_000)}` },
];

export interface Latencies {
  count: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export interface LimitsBenchResult {
  baseline: Latencies;
  hostile: (Latencies & { name: string; limit: string; refusedBy: string[] })[];
  worstRefusalMs: number;
  fuzz: Latencies & { seed: number; statuses: Record<string, number>; slowest: { kind: string; ms: number; status: number; query: string }[] };
  goals: { refusalMs: number; fuzzMaxMs: number };
}

function latencies(values: number[]): Latencies {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? Number.NaN;
  return { count: sorted.length, p50Ms: at(0.5), p99Ms: at(0.99), maxMs: sorted.at(-1) ?? Number.NaN };
}

function config(dir: string): string {
  return [
    "logLevel: warn",
    "server:",
    "  host: 127.0.0.1",
    "  port: 0",
    "  mode: development",
    "  introspection: true",
    "dataDir: ./data",
    "drift:",
    "  enabled: false",
    "auth:",
    "  tokens:",
    `    - { subject: bench-viewer, sha256: ${sha256Hex(VIEWER)}, roles: [viewer] }`,
    "backends:",
    "  - id: example",
    "    kind: git-yaml",
    `    repo: ${JSON.stringify(join(dir, "registry"))}`,
    `    seedFrom: ${JSON.stringify(SEED_REGISTRY)}`,
    "",
  ].join("\n");
}

function post(query: string): FuzzRequest {
  return { kind: "bench", method: "POST", contentType: "application/json", body: JSON.stringify({ query }) };
}

async function timed(agent: Agent, base: URL, r: FuzzRequest): Promise<{ ms: number; status: number; text: string }> {
  const t = performance.now();
  const answer = await sendFuzzRequest(agent, base, r, VIEWER);
  return { ms: performance.now() - t, status: answer.status, text: answer.text };
}

export async function runLimitsBench(): Promise<LimitsBenchResult> {
  const rounds = setting("BENCH_LIMITS_ROUNDS", 20);
  const fuzzCount = setting("BENCH_FUZZ_COUNT", 10_000);
  const seed = setting("BENCH_FUZZ_SEED", 1);
  // Built first: an idle pause mid-run would let the server close the keep-alive connection.
  const corpus = fuzzCorpus(await buildGatewaySchema(), seed, fuzzCount);
  const dir = await mkdtemp(join(tmpdir(), "modelgate-bench-limits-"));
  let gateway: Child | undefined;
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    await writeFile(join(dir, "modelgate.yaml"), config(dir));
    const env = { ...process.env };
    for (const key of Object.keys(env)) if (key.startsWith("MODELGATE_")) delete env[key];
    const started = await startChild("the gateway", ["--import", "tsx", "src/cli/main.ts", "serve", "--config", join(dir, "modelgate.yaml")], {
      cwd: ROOT,
      env,
      ready: /listening on (http:\/\/\S+)/,
      timeoutMs: 60_000,
    });
    gateway = started.child;
    const base = new URL(started.match[1] as string);

    const measure = async (r: FuzzRequest, n: number) => {
      for (let i = 0; i < 3; i++) await timed(agent, base, r);
      const runs: { ms: number; status: number; text: string }[] = [];
      for (let i = 0; i < n; i++) runs.push(await timed(agent, base, r));
      return runs;
    };

    const baselineRuns = await measure(post("{ __typename }"), Math.max(rounds, 50));
    const hostile = [];
    for (const doc of HOSTILE) {
      const runs = await measure(post(doc.query), rounds);
      const refusedBy = [
        ...new Set(
          runs.flatMap((r) => {
            const body = JSON.parse(r.text) as { errors?: { extensions?: { code?: string; limit?: string } }[] };
            return (body.errors ?? []).map((e) => `${r.status} ${e.extensions?.code ?? "?"}${e.extensions?.limit ? ` ${e.extensions.limit}` : ""}`);
          }),
        ),
      ];
      hostile.push({ name: doc.name, limit: doc.limit, refusedBy, ...latencies(runs.map((r) => r.ms)) });
    }

    for (const r of corpus.slice(0, 50)) await timed(agent, base, r);
    const fuzzRuns: { kind: string; ms: number; status: number; query: string }[] = [];
    const statuses: Record<string, number> = {};
    for (const r of corpus) {
      const { ms, status } = await timed(agent, base, r);
      statuses[status] = (statuses[status] ?? 0) + 1;
      fuzzRuns.push({ kind: r.kind, ms, status, query: (r.query ?? r.body ?? "").slice(0, 200) });
    }
    const slowest = [...fuzzRuns].sort((a, b) => b.ms - a.ms).slice(0, 5);
    return {
      baseline: latencies(baselineRuns.map((r) => r.ms)),
      hostile,
      worstRefusalMs: Math.max(...hostile.map((h) => h.maxMs)),
      fuzz: { seed, statuses, slowest, ...latencies(fuzzRuns.map((r) => r.ms)) },
      goals: { refusalMs: REFUSAL_GOAL_MS, fuzzMaxMs: FUZZ_GOAL_MS },
    };
  } finally {
    agent.destroy();
    await gateway?.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

export async function printLimitsBench(r: LimitsBenchResult): Promise<void> {
  const f = (n: number) => n.toFixed(1);
  const verdict = (ok: boolean) => (ok ? "meets the goal" : "MISSES the goal");
  console.log(`\nquery limits: one request at a time, keep-alive; baseline { __typename } p50 ${f(r.baseline.p50Ms)} ms, max ${f(r.baseline.maxMs)} ms`);
  const width = Math.max(...r.hostile.map((h) => h.name.length));
  for (const h of r.hostile) {
    console.log(`  ${h.name.padEnd(width)}  p50 ${f(h.p50Ms).padStart(6)} ms  max ${f(h.maxMs).padStart(6)} ms  (${(h.p50Ms / r.baseline.p50Ms).toFixed(1)}x baseline)  refused: ${h.refusedBy.join(", ")}`);
  }
  console.log(`  worst refusal ${f(r.worstRefusalMs)} ms; goal < ${r.goals.refusalMs} ms: ${verdict(r.worstRefusalMs < r.goals.refusalMs)}`);
  console.log(
    `  fuzz corpus (seed ${r.fuzz.seed}, ${r.fuzz.count} requests; statuses ${Object.entries(r.fuzz.statuses).map(([s, n]) => `${s}: ${n}`).join(", ")}): ` +
      `p50 ${f(r.fuzz.p50Ms)} ms, p99 ${f(r.fuzz.p99Ms)} ms (${(r.fuzz.p99Ms / r.baseline.p50Ms).toFixed(1)}x baseline p50), max ${f(r.fuzz.maxMs)} ms; goal max < ${r.goals.fuzzMaxMs} ms: ${verdict(r.fuzz.maxMs < r.goals.fuzzMaxMs)}`,
  );
  for (const s of r.fuzz.slowest) console.log(`    ${f(s.ms).padStart(7)} ms  ${s.status}  ${s.kind}: ${s.query.replace(/\s+/g, " ").slice(0, 110)}`);
  const resultsDir = join(ROOT, "bench/results");
  await mkdir(resultsDir, { recursive: true });
  await writeFile(join(resultsDir, "limits.json"), `${JSON.stringify({ at: new Date().toISOString(), node: process.version, cpus: cpus().length, ...r }, null, 2)}\n`);
  console.log("  written to bench/results/limits.json");
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  runLimitsBench().then(printLimitsBench, (err: unknown) => {
    console.error(`limits bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exitCode = 1;
  });
}
