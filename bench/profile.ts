/**
 * A CPU profile of the built gateway under autocannon load, summarised: where the main thread's
 * time goes on the hot path (docs/performance.md, "What bounds each figure"). Starts the gateway as
 * the hot-path bench does (node, production mode, a bearer token, the example registry) with
 * `--cpu-prof`, loads one target, stops it, and prints the idle share, the share of each part
 * (node internals, graphql-js, Apollo, graphql-jit, modelgate's own code, ...) and the functions
 * with the most self time. The .cpuprofile is kept for Chrome DevTools.
 *
 *   npx tsx bench/profile.ts [get|notModified|graphql] [seconds]
 *
 * Settings: BENCH_CONNECTIONS (50), BENCH_PROFILE_DIR (bench/results/profiles), BENCH_SKIP_BUILD=1.
 */
import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { loadTarget, type HotTarget } from "./autocannon-load.js";
import { BENCH_TOKEN, ENVIRONMENT, gatewayConfig, RESOLVE_QUERY } from "./hot-path.js";
import { startChild } from "./processes.js";
import { setting } from "./settings.js";

const ROOT = resolve(import.meta.dirname, "..");

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** Which part of the process a frame belongs to, by its script's URL. */
function partOf(url: string, name: string): string {
  if (name === "(idle)") return "idle";
  if (name === "(garbage collector)") return "garbage collection";
  if (name === "(program)") return "V8 / native (program)";
  if (url === "") return "native (no script)";
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (pkg) return pkg[1] as string;
  if (url.startsWith("node:")) return "node internals";
  if (url.includes("/dist/src/") || url.includes("/src/")) return `modelgate ${url.replace(/^.*\/(?:dist\/)?src\/([^/]+)\/.*$/, "src/$1")}`;
  return url;
}

export interface ProfileSummary {
  totalMs: number;
  parts: { part: string; ms: number; share: number }[];
  functions: { name: string; where: string; ms: number; share: number }[];
}

/**
 * Self time per part and per function, of the samples taken within `window` (from, to: µs of the
 * monotonic clock, process.hrtime, which V8's profile timestamps also count).
 */
export function summarise(profile: CpuProfile, window: [number, number] = [0, Number.POSITIVE_INFINITY], top = 25): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  let at = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    const delta = profile.timeDeltas[i] ?? 0;
    at += delta;
    if (at < window[0] || at > window[1]) continue;
    const id = profile.samples[i] as number;
    self.set(id, (self.get(id) ?? 0) + delta);
  }
  let total = 0;
  const parts = new Map<string, number>();
  const fns = new Map<string, { name: string; where: string; us: number }>();
  for (const [id, us] of self) {
    const node = byId.get(id);
    if (node === undefined) continue;
    total += us;
    const { functionName, url, lineNumber } = node.callFrame;
    const name = functionName || "(anonymous)";
    const part = partOf(url, name);
    parts.set(part, (parts.get(part) ?? 0) + us);
    const where = url === "" ? "" : `${url.replace(/^.*node_modules\//, "").replace(/^file:\/\/.*?\/(dist\/)?(src|adapters|bin)\//, "$2/")}:${lineNumber + 1}`;
    const key = `${name} ${where}`;
    const fn = fns.get(key) ?? { name, where, us: 0 };
    fn.us += us;
    fns.set(key, fn);
  }
  const share = (us: number) => (total === 0 ? 0 : us / total);
  return {
    totalMs: total / 1000,
    parts: [...parts].sort((a, b) => b[1] - a[1]).map(([part, us]) => ({ part, ms: us / 1000, share: share(us) })),
    functions: [...fns.values()]
      .sort((a, b) => b.us - a.us)
      .slice(0, top)
      .map((f) => ({ name: f.name, where: f.where, ms: f.us / 1000, share: share(f.us) })),
  };
}

async function main(): Promise<void> {
  const which = (process.argv[2] ?? "graphql") as "get" | "notModified" | "graphql";
  if (!["get", "notModified", "graphql"].includes(which)) throw new Error(`target must be get, notModified or graphql, got ${which}`);
  const seconds = Number(process.argv[3] ?? 10);
  const connections = setting("BENCH_CONNECTIONS", 50);
  const outDir = resolve(process.env.BENCH_PROFILE_DIR ?? join(ROOT, "bench/results/profiles"));
  if (process.env.BENCH_SKIP_BUILD !== "1") {
    execFileSync(process.execPath, [join(ROOT, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.build.json"], { cwd: ROOT, stdio: "inherit" });
  }
  const dir = await mkdtemp(join(tmpdir(), "modelgate-profile-"));
  const profDir = join(dir, "prof");
  try {
    const configPath = join(dir, "modelgate.yaml");
    await writeFile(configPath, gatewayConfig(dir, join(ROOT, "examples/registry")));
    const env = { ...process.env };
    for (const key of Object.keys(env)) if (key.startsWith("MODELGATE_")) delete env[key];
    const { child, match } = await startChild("the gateway", ["--cpu-prof", `--cpu-prof-dir=${profDir}`, "bin/modelgate.js", "serve", "--config", configPath], {
      cwd: ROOT,
      env: { ...env, NODE_ENV: "production" },
      ready: /listening on (http:\/\/\S+)/,
      timeoutMs: 90_000,
    });
    const base = match[1] as string;
    const auth = { authorization: `Bearer ${BENCH_TOKEN}` };
    const model = process.env.BENCH_MODEL ?? "example/support-triage";
    const getUrl = `${base}/v1/resolve/${encodeURIComponent(model)}?env=${ENVIRONMENT}`;
    const first = await fetch(getUrl, { headers: auth });
    await first.arrayBuffer();
    const pid = child.pid;
    const targets: Record<typeof which, HotTarget> = {
      get: { name: "GET /v1/resolve (bearer)", url: getUrl, headers: auth, pid },
      notModified: { name: "GET /v1/resolve, 304", url: getUrl, headers: { ...auth, "if-none-match": first.headers.get("etag") ?? "" }, status: 304, pid },
      graphql: {
        pid,
        name: "GraphQL resolve (bearer)",
        url: `${base}/graphql`,
        method: "POST",
        headers: { ...auth, "content-type": "application/json" },
        body: JSON.stringify({ query: RESOLVE_QUERY, variables: { name: model, env: ENVIRONMENT } }),
      },
    };
    await loadTarget(targets[which], { connections, seconds: 2, warmupSeconds: 0 });
    const micros = () => Number(process.hrtime.bigint() / 1000n);
    const from = micros();
    const load = await loadTarget(targets[which], { connections, seconds, warmupSeconds: 0 });
    const to = micros();
    await child.stop();
    const [file] = (await readdir(profDir)).filter((f) => f.endsWith(".cpuprofile"));
    if (file === undefined) throw new Error(`the gateway wrote no profile; its output:\n${child.output()}`);
    const profile = JSON.parse(await readFile(join(profDir, file), "utf8")) as CpuProfile;
    // Only the measured load, not start-up or shutdown.
    const summary = summarise(profile, [from, to]);
    await mkdir(outDir, { recursive: true });
    const stamp = new Date().toISOString().replace(/[:.]/g, "-");
    const kept = join(outDir, `${which}-${stamp}.cpuprofile`);
    await rename(join(profDir, file), kept).catch(async () => writeFile(kept, JSON.stringify(profile)));
    await writeFile(join(outDir, `${which}-${stamp}.summary.json`), `${JSON.stringify({ target: targets[which].name, load, loadAverage: loadavg(), ...summary }, null, 2)}\n`);
    const pct = (x: number) => `${(100 * x).toFixed(1).padStart(5)} %`;
    console.log(`${targets[which].name}: ${Math.round(load.requestsPerSecond)} req/s, ${Math.round(load.cpuMicrosPerRequest ?? Number.NaN)} µs CPU per request, p99 ${load.p99Ms} ms (load average ${loadavg().map((l) => l.toFixed(1)).join(" ")})`);
    console.log(`profile ${kept} (${summary.totalMs.toFixed(0)} ms sampled during the ${seconds} s of load)\n\nby part:`);
    for (const p of summary.parts.slice(0, 20)) console.log(`  ${pct(p.share)}  ${p.part}`);
    console.log("\nfunctions by self time:");
    for (const f of summary.functions) console.log(`  ${pct(f.share)}  ${f.name}  ${f.where}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  main().catch((err: unknown) => {
    console.error(`profile failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exitCode = 1;
  });
}
