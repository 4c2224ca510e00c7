/**
 * Goal 5 of issue 12: RSS of the built gateway (`node`, not tsx) serving a git-YAML registry of
 * 10,000 versions (1,000 models x 10), after every model was resolved once and one of them was
 * loaded with autocannon as in the hot-path section. Reports RSS after the load and the peak.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { loadTarget, type HotLoad, type HotResult } from "./autocannon-load.js";
import { peakRssBytes, startChild } from "./processes.js";

export const MEMORY_GOAL_MIB = 200;
const MODELS = 1_000;
const VERSIONS = 10;

export interface MemoryReport {
  models: number;
  versions: number;
  /** RSS once started, before any request. */
  idleRssBytes: number;
  rssAfterLoadBytes: number;
  peakRssBytes: number;
  resolveAllSeconds: number;
  load: HotResult;
}

function modelFile(i: number): string {
  const name = `model-${String(i).padStart(4, "0")}`;
  const lines = [`name: ${name}`, `description: bench model ${i}`, "tags: { team: bench }", "", "versions:"];
  for (let v = 1; v <= VERSIONS; v++) {
    lines.push(
      `  - version: ${v}`,
      `    model: base-model-${v}`,
      `    params: { max_tokens: ${100 + v}, temperature: 0.${v % 10} }`,
      `    status: ${v === VERSIONS ? "production" : v === VERSIONS - 1 ? "staging" : "retired"}`,
      `    description: version ${v} of ${name}`,
      `    created_at: 2026-01-${String(1 + (v % 28)).padStart(2, "0")}T00:00:00Z`,
      "",
    );
  }
  return lines.join("\n");
}

async function rssBytes(pid: number): Promise<number> {
  const { readFile } = await import("node:fs/promises");
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  const line = status.split("\n").find((l) => l.startsWith("VmRSS:"));
  return Number((line ?? "").replace(/[^0-9]/g, "")) * 1024;
}

export async function runMemoryBench(opts: { root: string; dir: string; load: HotLoad; gatewayArgs: (configPath: string) => string[] }): Promise<MemoryReport> {
  const seed = join(opts.dir, "seed");
  await mkdir(join(seed, "models"), { recursive: true });
  for (let i = 0; i < MODELS; i++) await writeFile(join(seed, "models", `model-${String(i).padStart(4, "0")}.yaml`), modelFile(i));
  const configPath = join(opts.dir, "modelgate.yaml");
  await writeFile(
    configPath,
    [
      "logLevel: warn",
      "server: { host: 127.0.0.1, port: 0, mode: production }",
      "dataDir: ./data",
      "backends:",
      "  - id: fleet",
      "    kind: git-yaml",
      `    repo: ${JSON.stringify(join(opts.dir, "registry"))}`,
      `    seedFrom: ${JSON.stringify(seed)}`,
      "",
    ].join("\n"),
  );
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: "production" };
  for (const key of Object.keys(env)) if (key.startsWith("MODELGATE_")) delete env[key];
  const { child, match } = await startChild("the gateway (10,000 versions)", opts.gatewayArgs(configPath), {
    cwd: opts.root,
    env,
    ready: /listening on (http:\/\/\S+)/,
    timeoutMs: 120_000,
  });
  try {
    const base = match[1] as string;
    const idleRssBytes = await rssBytes(child.pid);
    // Every model resolved once (16 at a time): 1,000 kept answers.
    const started = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < MODELS) {
          const i = next++;
          const res = await fetch(`${base}/v1/resolve/model-${String(i).padStart(4, "0")}?env=production`);
          await res.arrayBuffer();
          if (res.status !== 200) throw new Error(`resolve of model-${i} answered ${res.status}`);
        }
      }),
    );
    const resolveAllSeconds = (performance.now() - started) / 1000;
    const load = await loadTarget({ name: "GET /v1/resolve (10,000 versions)", url: `${base}/v1/resolve/model-0500?env=production` }, opts.load);
    return {
      models: MODELS,
      versions: MODELS * VERSIONS,
      idleRssBytes,
      rssAfterLoadBytes: await rssBytes(child.pid),
      peakRssBytes: await peakRssBytes(child.pid),
      resolveAllSeconds,
      load,
    };
  } finally {
    await child.stop();
  }
}

export function printMemoryBench(r: MemoryReport): void {
  const mib = (b: number) => (b / 2 ** 20).toFixed(1);
  console.log(
    `memory: built gateway over ${r.versions.toLocaleString("en")} versions (${r.models} models): RSS idle ${mib(r.idleRssBytes)} MiB, ` +
      `after resolving every model (${r.resolveAllSeconds.toFixed(1)} s) and ${Math.round(r.load.requestsPerSecond)} req/s of load ${mib(r.rssAfterLoadBytes)} MiB ` +
      `(goal <= ${MEMORY_GOAL_MIB}), peak ${mib(r.peakRssBytes)} MiB`,
  );
}
