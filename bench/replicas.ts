/**
 * Two gateway replicas vs one, on one PostgreSQL (embedded) and one git-YAML registry, all on this
 * machine: resolve throughput (GET /v1/resolve, load split evenly over the replicas), promotion
 * throughput (requests then approvals recorded, split over the replicas; then the time for the
 * leader to apply them all), and how long a write on one replica takes to reach a subscriber on
 * the other (LISTEN/NOTIFY wake-up, p50/p99).
 *
 * Each replica is its own `modelgate serve` process. On a 2-core machine both replicas, PostgreSQL
 * and the load generator share the same two cores: the ratios show the overhead of coordination,
 * not the scale-out a second machine would give. Run alone with `npx tsx bench/replicas.ts`;
 * `npm run bench` runs it too (BENCH_SKIP_REPLICAS=1 skips it).
 */
import { cp, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { createClient } from "graphql-ws";
import WebSocket from "ws";
import { createDatabase, startPostgresServer, uniqueDatabaseName } from "../test/peers/postgres.js";
import { EXAMPLE_SEED, FLEET_TOKENS, createFleet, eventually, type Replica } from "../test/replicas/replica-fleet.js";
import { runLoad, type LoadResult } from "./load.js";

const MODELS = 120;
const LOAD = { concurrency: 16, warmup: 200, requests: 3000, maxSeconds: 8 };

export interface ReplicasBenchResult {
  resolve: { one: number; two: number };
  promotions: { count: number; oneRecordPerSecond: number; twoRecordPerSecond: number; oneApplySeconds: number; twoApplySeconds: number };
  propagation: { samples: number; p50Ms: number; p99Ms: number; maxMs: number };
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}

/** The example registry plus MODELS models with one STAGING version each. */
async function seed(dir: string): Promise<void> {
  await cp(EXAMPLE_SEED, dir, { recursive: true });
  await mkdir(join(dir, "models"), { recursive: true });
  for (let i = 0; i < MODELS; i++) {
    const name = `rp-${String(i).padStart(4, "0")}`;
    await writeFile(
      join(dir, "models", `${name}.yaml`),
      [`name: ${name}`, "versions:", "  - version: 1", "    status: staging", `    artifact_uri: s3://bench/${name}/1/model.onnx`, ""].join("\n"),
    );
  }
}

async function resolveThroughput(replicas: Replica[]): Promise<number> {
  const per = Math.max(1, Math.floor(LOAD.concurrency / replicas.length));
  const results: LoadResult[] = await Promise.all(
    replicas.map((r) =>
      runLoad(
        { name: r.name, url: `${r.url}/v1/resolve/support-triage?env=production`, method: "GET", headers: { authorization: `Bearer ${FLEET_TOKENS.vic}` } },
        { ...LOAD, concurrency: per, requests: Math.floor(LOAD.requests / replicas.length) },
      ),
    ),
  );
  for (const r of results) if (r.errors > 0) throw new Error(`resolve load on ${r.name}: ${r.errors} errors (${r.firstError})`);
  return results.reduce((sum, r) => sum + r.requestsPerSecond, 0);
}

/** Requests then approves a promotion (to PRODUCTION) of every seeded model, 8 at a time, round-robin over the replicas. */
async function promotions(replicas: Replica[], from: number, count: number): Promise<{ recordPerSecond: number; applySeconds: number }> {
  const ids: string[] = [];
  const started = performance.now();
  let next = from;
  await Promise.all(
    Array.from({ length: 8 }, async (_, worker) => {
      for (;;) {
        const i = next++;
        if (i >= from + count) return;
        const on = replicas[(i + worker) % replicas.length]!;
        const res = await on.as<{ promotionRequest: { promotionRequest: { id: string } | null; userErrors: { message: string }[] } }>(
          "alice",
          `mutation($input: PromotionRequestInput!) { promotionRequest(input: $input) { promotionRequest { id } userErrors { message } } }`,
          { input: { backend: "example", model: `rp-${String(i).padStart(4, "0")}`, version: "1", toStage: "PRODUCTION", environment: "production", reason: "bench" } },
        );
        const id = res.data?.promotionRequest.promotionRequest?.id;
        if (id === undefined) throw new Error(`promotion request failed: ${JSON.stringify(res)}`);
        const other = replicas[(i + worker + 1) % replicas.length]!;
        const ok = await other.as<{ promotionApprove: { userErrors: unknown[] } }>("bob", `mutation($id: ID!) { promotionApprove(input: { id: $id }) { userErrors { message } } }`, { id });
        if ((ok.data?.promotionApprove.userErrors ?? [1]).length > 0) throw new Error(`approval failed: ${JSON.stringify(ok)}`);
        ids.push(id);
      }
    }),
  );
  const recorded = performance.now();
  const status = async (id: string) =>
    (await replicas[0]!.as<{ node: { status: string } }>("vic", `query($id: ID!) { node(id: $id) { ... on PromotionRequest { status } } }`, { id })).data?.node.status;
  await eventually("all promotions applied", async () => (await Promise.all(ids.map(status))).every((s) => s === "APPLIED"), 300_000);
  return { recordPerSecond: count / ((recorded - started) / 1000), applySeconds: (performance.now() - recorded) / 1000 };
}

/** aliasSet on `writer`, timed until a subscriber on `reader` receives its event. */
async function propagation(writer: Replica, reader: Replica, samples: number): Promise<number[]> {
  const arrived = new Map<string, number>();
  const client = createClient({
    url: `${reader.url.replace(/^http/, "ws")}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${FLEET_TOKENS.vic}` },
    retryAttempts: 0,
  });
  let ready: () => void = () => undefined;
  const subscribed = new Promise<void>((r) => (ready = r));
  client.subscribe<{ registryEvents: { action: string; after: { alias?: string } | null } }>(
    { query: `subscription { registryEvents(filter: { types: [ALIAS_CHANGED] }) { action after } }` },
    {
      next: (msg) => {
        const alias = msg.data?.registryEvents.after?.alias;
        if (alias !== undefined) arrived.set(alias, performance.now());
      },
      error: () => undefined,
      complete: () => undefined,
    },
  );
  // The subscription is live once a first change arrives.
  const warm = async () => {
    await writer.as("alice", `mutation { aliasSet(input: { backend: "example", model: "support-triage", alias: "bench-warm", version: "14" }) { userErrors { message } } }`);
    return arrived.has("bench-warm");
  };
  await eventually("subscription live", warm, 30_000);
  ready();
  await subscribed;
  const delays: number[] = [];
  for (let i = 0; i < samples; i++) {
    const alias = `bench-${i}`;
    const res = await writer.as<{ aliasSet: { userErrors: unknown[] } }>(
      "alice",
      `mutation { aliasSet(input: { backend: "example", model: "support-triage", alias: "${alias}", version: "14" }) { userErrors { message } } }`,
    );
    const committed = performance.now();
    if ((res.data?.aliasSet.userErrors ?? [1]).length > 0) throw new Error(`aliasSet failed: ${JSON.stringify(res)}`);
    await eventually(`event ${alias} on the other replica`, () => Promise.resolve(arrived.has(alias)), 30_000);
    delays.push(Math.max(0, arrived.get(alias)! - committed));
  }
  await client.dispose();
  return delays;
}

export async function runReplicasBench(): Promise<ReplicasBenchResult> {
  const pgServer = await startPostgresServer();
  const seedDir = await mkdtemp(join(tmpdir(), "modelgate-replicas-seed-"));
  try {
    await seed(seedDir);
    const run = async (replicaCount: number, from: number) => {
      const fleet = await createFleet(
        await createDatabase(pgServer.url, uniqueDatabaseName("bench")),
        { policies: { rules: [{ gates: { approvals: 1 } }] } },
        { seedFrom: seedDir },
      );
      try {
        const replicas: Replica[] = [];
        for (let i = 0; i < replicaCount; i++) replicas.push(await fleet.start(String.fromCharCode(97 + i)));
        await eventually("a leader", async () => (await Promise.all(replicas.map((r) => r.isLeader()))).some(Boolean));
        const resolvePerSecond = await resolveThroughput(replicas);
        const p = await promotions(replicas, from, MODELS);
        const delays = replicaCount > 1 ? await propagation(replicas[0]!, replicas[1]!, 50) : [];
        return { resolvePerSecond, ...p, delays };
      } finally {
        await fleet.close();
      }
    };
    const one = await run(1, 0);
    const two = await run(2, 0);
    return {
      resolve: { one: one.resolvePerSecond, two: two.resolvePerSecond },
      promotions: {
        count: MODELS,
        oneRecordPerSecond: one.recordPerSecond,
        twoRecordPerSecond: two.recordPerSecond,
        oneApplySeconds: one.applySeconds,
        twoApplySeconds: two.applySeconds,
      },
      propagation: { samples: two.delays.length, p50Ms: quantile(two.delays, 0.5), p99Ms: quantile(two.delays, 0.99), maxMs: Math.max(...two.delays) },
    };
  } finally {
    await pgServer.stop();
    await rm(seedDir, { recursive: true, force: true });
  }
}

export function printReplicasBench(r: ReplicasBenchResult): void {
  const f = (n: number, d = 0) => n.toFixed(d);
  console.log(`\nreplicas on one PostgreSQL (embedded), this machine's cores shared by everything`);
  console.log(`  GET /v1/resolve: 1 replica ${f(r.resolve.one)} req/s, 2 replicas ${f(r.resolve.two)} req/s (ratio ${(r.resolve.two / r.resolve.one).toFixed(2)}x)`);
  console.log(
    `  promotions (request + approval, ${r.promotions.count}): 1 replica ${f(r.promotions.oneRecordPerSecond, 1)}/s, 2 replicas ${f(r.promotions.twoRecordPerSecond, 1)}/s (ratio ${(r.promotions.twoRecordPerSecond / r.promotions.oneRecordPerSecond).toFixed(2)}x); ` +
      `applied by the leader in ${f(r.promotions.oneApplySeconds, 1)} s vs ${f(r.promotions.twoApplySeconds, 1)} s`,
  );
  console.log(`  a write on one replica reaching a subscriber on the other: p50 ${f(r.propagation.p50Ms, 1)} ms, p99 ${f(r.propagation.p99Ms, 1)} ms, max ${f(r.propagation.maxMs, 1)} ms (${r.propagation.samples} samples)`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  runReplicasBench().then(printReplicasBench, (err: unknown) => {
    console.error(`replicas bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exitCode = 1;
  });
}
