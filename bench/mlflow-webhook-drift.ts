/**
 * npx tsx bench/mlflow-webhook-drift.ts: how soon an out-of-band change in MLflow is recorded as
 * drift, pushed by MLflow's webhook (src/http/mlflow/hooks) vs found by the background drift poller
 * (the baseline, at its shortest interval, 5 s), measured in the same run against the same real
 * `mlflow server` (the pinned test peer, started here with webhooks allowed to a loopback receiver).
 *
 * Each round moves the `production` alias of a model the gateway promoted, straight through MLflow's
 * REST API, away from the version the trail expects (drift) and back (drift resolved), and times
 * from MLflow's answer to the gateway's store showing the change.
 *
 * Settings (environment): BENCH_WEBHOOK_ROUNDS (10), BENCH_POLLER_ROUNDS (4). Results: printed, and
 * written to bench/results/mlflow-webhook-drift.json.
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { cpus, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { configSchema, type LoadedConfig } from "../src/config/schema.js";
import { createGateway } from "../src/app/gateway.js";
import { createCallContext } from "../src/core/index.js";
import { startServer, type RunningServer } from "../src/http/server.js";
import { createLogger } from "../src/logging.js";
import { openSqliteStore } from "../src/store/sqlite-store.js";
import { freePort } from "../test/peers/process.js";
import { startMlflowServer, type MlflowServer } from "../test/peers/mlflow-server.js";
import { median, setting } from "./settings.js";

const ROOT = resolve(import.meta.dirname, "..");
const SECRET = "bench-webhook-secret-0123456789";

async function rest<T>(base: string, method: "GET" | "POST" | "DELETE", path: string, params: Record<string, unknown> = {}): Promise<T> {
  const url = new URL(`${base}/api/2.0/mlflow/${path}`);
  let body: string | undefined;
  if (method === "GET") for (const [k, v] of Object.entries(params)) url.searchParams.append(k, String(v));
  else body = JSON.stringify(params);
  const res = await fetch(url, { method, ...(body ? { body, headers: { "content-type": "application/json" } } : {}) });
  const text = await res.text();
  if (!res.ok) throw new Error(`MLflow ${method} ${path} answered ${res.status}: ${text}`);
  return (text ? JSON.parse(text) : {}) as T;
}

interface Phase {
  name: string;
  latenciesMs: number[];
  medianMs: number;
  maxMs: number;
}

/** One gateway on the MLflow server: webhooks (poller off), or the poller at 5 s (no webhook). */
async function phase(mlflow: MlflowServer, mode: "webhook" | "poller", rounds: number): Promise<Phase> {
  const dir = await mkdtemp(join(tmpdir(), `modelgate-bench-hook-${mode}-`));
  const port = await freePort();
  const backend = `ml-${mode}`;
  const config = configSchema.parse({
    logLevel: "error",
    backends: [{ id: backend, kind: "mlflow", trackingUri: mlflow.url }],
    policies: { rules: [{ gates: { approvals: 0 } }] },
    drift: { enabled: mode === "poller", intervalSeconds: 5 },
    mlflowFacade: mode === "webhook" ? { webhooks: [{ backend, url: `http://127.0.0.1:${port}/hooks/mlflow/${backend}`, secret: SECRET }] } : {},
    server: { port },
  });
  const loaded: LoadedConfig = { config, configDir: dir, dataDir: join(dir, "data") };
  const store = await openSqliteStore({ file: join(dir, "modelgate.db") });
  const gateway = await createGateway(loaded, { logger: createLogger("error"), store, outbox: { pollMs: 50, baseBackoffMs: 20 }, webhooks: false });
  let server: RunningServer | undefined;
  try {
    server = await startServer(gateway, { host: "127.0.0.1", port });
    const model = `bench-hooked-${mode}`;
    if (mode === "webhook") {
      for (let i = 0; ; i++) {
        const hooks = await rest<{ webhooks?: { name: string }[] }>(mlflow.url, "GET", "webhooks");
        if ((hooks.webhooks ?? []).some((w) => w.name === `modelgate-${backend}`)) break;
        if (i > 600) throw new Error("the gateway did not register its webhook");
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    await rest(mlflow.url, "POST", "registered-models/create", { name: model });
    await rest(mlflow.url, "POST", "model-versions/create", { name: model, source: "s3://bench/hooked/1" });
    await rest(mlflow.url, "POST", "model-versions/create", { name: model, source: "s3://bench/hooked/2" });
    const ctx = createCallContext({ timeoutMs: 60_000, actor: { id: "bench", roles: ["admin"] } });
    for (const toStage of ["STAGING", "PRODUCTION"]) {
      const { request } = await gateway.services.promotions.request({ backend, model, version: "1", toStage, environment: "production", reason: "bench" }, ctx);
      for (let r = request; r.status !== "APPLIED"; r = (await store.workflow.getRequest(r.id))!) {
        if (r.status === "FAILED" || r.status === "REJECTED") throw new Error(`promotion ${r.status}: ${r.failure ?? ""}`);
        await new Promise((res) => setTimeout(res, 20));
      }
    }
    const latencies: number[] = [];
    for (let i = 0; i < rounds; i++) {
      // Away from the trail (drift), then back (drift resolved): each change timed on its own.
      for (const [version, drifted] of [["2", true], ["1", false]] as const) {
        await rest(mlflow.url, "POST", "registered-models/alias", { name: model, alias: "production", version });
        const changed = performance.now();
        for (;;) {
          const open = await gateway.services.drift.driftOf(backend, model, "1");
          if ((open !== null) === drifted) break;
          if (performance.now() - changed > 60_000) throw new Error(`round ${i}: the change was not seen within 60 s`);
          await new Promise((r) => setTimeout(r, 5));
        }
        latencies.push(performance.now() - changed);
      }
    }
    if (mode === "webhook") {
      const hooks = await rest<{ webhooks?: { webhook_id: string; name: string }[] }>(mlflow.url, "GET", "webhooks");
      for (const w of hooks.webhooks ?? []) if (w.name === `modelgate-${backend}`) await rest(mlflow.url, "DELETE", `webhooks/${w.webhook_id}`);
    }
    return { name: mode, latenciesMs: latencies.map((l) => Math.round(l)), medianMs: Math.round(median(latencies)), maxMs: Math.round(Math.max(...latencies)) };
  } finally {
    if (server) await server.close();
    else await gateway.close();
    await rm(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const mlflow = await startMlflowServer({ env: { MLFLOW_WEBHOOK_ALLOWED_SCHEMES: "http,https", MLFLOW_WEBHOOK_ALLOW_PRIVATE_IPS: "true" } });
  try {
    const webhook = await phase(mlflow, "webhook", setting("BENCH_WEBHOOK_ROUNDS", 10));
    const poller = await phase(mlflow, "poller", setting("BENCH_POLLER_ROUNDS", 4));
    const result = {
      at: new Date().toISOString(),
      node: process.version,
      cpus: cpus().length,
      webhook,
      poller,
      /** webhook / poller, medians: below 1 is faster. */
      ratio: Number((webhook.medianMs / poller.medianMs).toFixed(3)),
    };
    console.log(`drift after an out-of-band alias move in MLflow (${cpus().length} CPUs):`);
    console.log(`  webhook  median ${webhook.medianMs} ms, max ${webhook.maxMs} ms over ${webhook.latenciesMs.length} changes`);
    console.log(`  poller   median ${poller.medianMs} ms, max ${poller.maxMs} ms over ${poller.latenciesMs.length} changes (interval 5 s)`);
    console.log(`  ratio    ${result.ratio} (webhook / poller)`);
    await mkdir(join(ROOT, "bench/results"), { recursive: true });
    await writeFile(join(ROOT, "bench/results/mlflow-webhook-drift.json"), `${JSON.stringify(result, null, 2)}\n`);
  } finally {
    await mlflow.stop();
  }
}

await main();
