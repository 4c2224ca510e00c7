/**
 * Goal 6 of issue 12, for git-YAML and MLflow: p50 and p95 of reading one version and one alias
 * directly through the backend's own API, against the same read through the gateway (GraphQL
 * `modelVersion`), in the same run, one request at a time. Direct git-YAML reads are what a script
 * without the gateway does: `git show HEAD:<file>` and parse the YAML; direct MLflow reads are its
 * REST API. SageMaker (moto) and the Vertex AI fake are not in it yet (docs/performance.md).
 */
import { execFile } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { parse } from "yaml";
import { startMlflowServer } from "../test/peers/mlflow-server.js";
import { startChild } from "./processes.js";

const run = promisify(execFile);
const READS = 200;
const WARMUP = 20;
const MODEL = "overhead-ranker";

export interface OverheadRow {
  backend: string;
  read: "version" | "alias";
  direct: { p50Ms: number; p95Ms: number };
  gateway: { p50Ms: number; p95Ms: number };
}

export interface OverheadReport {
  reads: number;
  rows: OverheadRow[];
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}

/** p50/p95 of `direct` and `gateway`, alternated read by read so both see the same machine. */
async function pair(direct: () => Promise<unknown>, gateway: () => Promise<unknown>): Promise<Pick<OverheadRow, "direct" | "gateway">> {
  for (let i = 0; i < WARMUP; i++) await Promise.all([direct(), gateway()]);
  const d: number[] = [];
  const g: number[] = [];
  for (let i = 0; i < READS; i++) {
    let t0 = performance.now();
    await direct();
    d.push(performance.now() - t0);
    t0 = performance.now();
    await gateway();
    g.push(performance.now() - t0);
  }
  const stats = (ms: number[]) => {
    ms.sort((a, b) => a - b);
    return { p50Ms: percentile(ms, 50), p95Ms: percentile(ms, 95) };
  };
  return { direct: stats(d), gateway: stats(g) };
}

async function ok(res: Response): Promise<unknown> {
  const body = (await res.json()) as { errors?: unknown; data?: Record<string, unknown> };
  if (!res.ok || body.errors) throw new Error(`HTTP ${res.status}: ${JSON.stringify(body).slice(0, 300)}`);
  return body;
}

export async function runOverheadBench(opts: { root: string; dir: string; seed: string; gatewayArgs: (configPath: string) => string[] }): Promise<OverheadReport> {
  await mkdir(join(opts.dir, "mlflow"), { recursive: true });
  const mlflow = await startMlflowServer({ dir: join(opts.dir, "mlflow") });
  try {
    const api = `${mlflow.url}/api/2.0/mlflow`;
    const post = (path: string, body: unknown) => fetch(`${api}/${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) }).then(ok);
    await post("registered-models/create", { name: MODEL });
    for (const v of [1, 2, 3]) await post("model-versions/create", { name: MODEL, source: `s3://bench/${MODEL}/${v}` });
    await post("registered-models/alias", { name: MODEL, alias: "production", version: "2" });

    const repo = join(opts.dir, "registry");
    const configPath = join(opts.dir, "modelgate.yaml");
    await writeFile(
      configPath,
      [
        "logLevel: warn",
        "server: { host: 127.0.0.1, port: 0, mode: production }",
        "dataDir: ./data",
        "backends:",
        "  - id: example",
        "    kind: git-yaml",
        `    repo: ${JSON.stringify(repo)}`,
        `    seedFrom: ${JSON.stringify(opts.seed)}`,
        "  - id: mlflow",
        "    kind: mlflow",
        `    trackingUri: ${mlflow.url}`,
        "",
      ].join("\n"),
    );
    const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: "production" };
    for (const key of Object.keys(env)) if (key.startsWith("MODELGATE_")) delete env[key];
    const { child, match } = await startChild("the gateway (overhead)", opts.gatewayArgs(configPath), { cwd: opts.root, env, ready: /listening on (http:\/\/\S+)/, timeoutMs: 90_000 });
    try {
      const graphql = `${match[1] as string}/graphql`;
      const viaGateway = (backend: string, model: string, by: { version: string } | { alias: string }) => () =>
        fetch(graphql, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({
            query: "query($b: String!, $m: String!, $v: String, $a: String) { modelVersion(backend: $b, model: $m, version: $v, alias: $a) { version stage artifactUri } }",
            variables: { b: backend, m: model, v: "version" in by ? by.version : null, a: "alias" in by ? by.alias : null },
          }),
        }).then(ok);
      const gitFile = async () => parse((await run("git", ["-C", repo, "show", "HEAD:models/support-triage.yaml"])).stdout) as { aliases: Record<string, string>; versions: { version: number }[] };
      const rows: OverheadRow[] = [
        {
          backend: "git-YAML",
          read: "version",
          ...(await pair(async () => (await gitFile()).versions.find((v) => String(v.version) === "14"), viaGateway("example", "support-triage", { version: "14" }))),
        },
        {
          backend: "git-YAML",
          read: "alias",
          ...(await pair(async () => {
            const file = await gitFile();
            return file.versions.find((v) => String(v.version) === file.aliases.champion);
          }, viaGateway("example", "support-triage", { alias: "champion" }))),
        },
        {
          backend: "MLflow",
          read: "version",
          ...(await pair(() => fetch(`${api}/model-versions/get?name=${MODEL}&version=2`).then(ok), viaGateway("mlflow", MODEL, { version: "2" }))),
        },
        {
          backend: "MLflow",
          read: "alias",
          ...(await pair(() => fetch(`${api}/registered-models/alias?name=${MODEL}&alias=production`).then(ok), viaGateway("mlflow", MODEL, { alias: "production" }))),
        },
      ];
      return { reads: READS, rows };
    } finally {
      await child.stop();
    }
  } finally {
    await mlflow.stop();
  }
}

export function printOverheadBench(r: OverheadReport): void {
  console.log(`overhead: one read at a time, ${r.reads} reads each (p50 / p95 ms)`);
  console.log("backend   read     direct p50  direct p95  gateway p50  gateway p95");
  for (const row of r.rows) {
    console.log(
      `${row.backend.padEnd(9)} ${row.read.padEnd(7)} ${row.direct.p50Ms.toFixed(2).padStart(11)} ${row.direct.p95Ms.toFixed(2).padStart(11)} ` +
        `${row.gateway.p50Ms.toFixed(2).padStart(12)} ${row.gateway.p95Ms.toFixed(2).padStart(12)}`,
    );
  }
}
