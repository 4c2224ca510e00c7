/**
 * resolve throughput through the TypeScript client's cache: an application polling
 * `client.resolve("support-bot", "production")` for a running deployment. With the cache, every
 * call after the first is an If-None-Match revalidation answered 304 from the gateway's store
 * (no backend read, no body); without it, every call is a full 200 with the bundle read from its
 * backends. Baseline, in the same run: the same client transport (fetch) against a bare node:http
 * server answering the same bytes.
 *
 * Closed loop: BENCH_CONCURRENCY (16) async loops in this process for BENCH_CLIENT_SECONDS (5) per
 * target, after a short warm-up. Run alone with `npx tsx bench/client-resolve.ts`.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { ModelgateClient } from "../src/client/index.js";
import { configSchema } from "../src/config/schema.js";
import { createCallContext } from "../src/core/index.js";
import { createGateway } from "../src/app/gateway.js";
import { startServer } from "../src/http/server.js";
import { createLogger } from "../src/logging.js";
import { openSqliteStore } from "../src/store/sqlite-store.js";

const ROOT = resolve(import.meta.dirname, "..");

export interface ClientResolveRow {
  name: string;
  calls: number;
  callsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
}

export interface ClientResolveBenchResult {
  concurrency: number;
  seconds: number;
  rows: ClientResolveRow[];
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}

async function loop(name: string, call: () => Promise<unknown>, concurrency: number, seconds: number): Promise<ClientResolveRow> {
  const warmUntil = performance.now() + 500;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (performance.now() < warmUntil) await call();
  }));
  const latencies: number[] = [];
  const started = performance.now();
  const until = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < until) {
        const t = performance.now();
        await call();
        latencies.push(performance.now() - t);
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { name, calls: latencies.length, callsPerSecond: latencies.length / elapsed, p50Ms: quantile(latencies, 0.5), p99Ms: quantile(latencies, 0.99) };
}

export async function runClientResolveBench(): Promise<ClientResolveBenchResult> {
  const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 16);
  const seconds = Number(process.env.BENCH_CLIENT_SECONDS ?? 5);
  const dir = await mkdtemp(join(tmpdir(), "modelgate-client-bench-"));
  const config = configSchema.parse({
    logLevel: "silent",
    server: { port: 0 },
    drift: { enabled: false },
    // No approvals, so the bench can put its deployment in production by itself.
    policies: { rules: [{ gates: { approvals: 0 } }] },
    backends: [{ id: "example", kind: "git-yaml", repo: join(dir, "registry"), seedFrom: join(ROOT, "examples/registry") }],
  });
  const gateway = await createGateway(
    { config, configDir: dir, dataDir: join(dir, "data") },
    { logger: createLogger("silent"), store: await openSqliteStore({ file: join(dir, "modelgate.db") }), outbox: { pollMs: 20 }, drift: false },
  );
  const server = await startServer(gateway, { host: "127.0.0.1", port: 0 });
  const baseline = createServer();
  try {
    const ctx = createCallContext({ timeoutMs: 30_000, actor: { id: "bench", roles: ["publisher", "approver"] } });
    await gateway.services.deployments.createRevision(
      {
        name: "support-bot",
        environment: "production",
        reason: "bench",
        components: [
          { role: "classifier", backend: "example", model: "support-triage", version: "14", weight: 100, shadow: false },
          { role: "retriever", backend: "example", model: "ticket-embedder", version: "2", weight: 100, shadow: false },
          { role: "generation", backend: "example", model: "reply-drafter", version: "3", weight: 100, shadow: false },
          { role: "generation", backend: "example", model: "reply-drafter", version: "4", weight: 0, shadow: true },
        ],
      },
      ctx,
    );
    const { request } = await gateway.services.deploymentPromotions.promote({ name: "support-bot", environment: "production", revision: 1, reason: "bench" }, ctx);
    for (let i = 0; (await gateway.services.store.workflow.getRequest(request.id))?.status !== "APPLIED"; i++) {
      if (i > 500) throw new Error("the bench deployment did not become active");
      await new Promise((r) => setTimeout(r, 20));
    }
    const url = `${server.url}/v1/resolve/support-bot?env=production`;
    const full = await fetch(url);
    if (full.status !== 200) throw new Error(`resolve answered ${full.status}`);
    const body = await full.text();
    const etag = full.headers.get("etag") ?? "";
    baseline.on("request", (_req, res) => {
      res.writeHead(200, { "content-type": "application/json", etag }).end(body);
    });
    await new Promise<void>((r) => baseline.listen(0, "127.0.0.1", r));
    const baselineUrl = `http://127.0.0.1:${(baseline.address() as { port: number }).port}/v1/resolve/support-bot?env=production`;

    const cached = new ModelgateClient({ url: server.url });
    const uncached = new ModelgateClient({ url: server.url, resolveCacheSize: 0 });
    const rows: ClientResolveRow[] = [];
    rows.push(await loop("baseline: fetch from bare node:http (same bytes)", async () => (await fetch(baselineUrl)).text(), concurrency, seconds));
    rows.push(await loop("client.resolve, cached (304 revalidation)", () => cached.resolve("support-bot", "production"), concurrency, seconds));
    rows.push(await loop("client.resolve, no cache (full 200)", () => uncached.resolve("support-bot", "production"), concurrency, seconds));
    return { concurrency, seconds, rows };
  } finally {
    baseline.close();
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
}

export function printClientResolveBench(r: ClientResolveBenchResult): void {
  const base = r.rows[0]!;
  console.log(`\nresolve of a deployment through the TypeScript client: ${r.concurrency} concurrent loops, ${r.seconds} s per target, gateway in this process`);
  for (const row of r.rows) {
    console.log(
      `  ${row.name.padEnd(50)} ${row.callsPerSecond.toFixed(0).padStart(6)} calls/s (${(row.callsPerSecond / base.callsPerSecond).toFixed(2)}x baseline)  p50 ${row.p50Ms.toFixed(2)} ms  p99 ${row.p99Ms.toFixed(2)} ms`,
    );
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  runClientResolveBench().then(printClientResolveBench, (err: unknown) => {
    console.error(`client resolve bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exitCode = 1;
  });
}
