/**
 * The console's production overview over a generated fleet of 1,000 models (BENCH_CONSOLE_MODELS),
 * in Debian's chromium against a real gateway: how long from navigation until the table is on
 * screen, and how much of that is the browser rendering once the data arrived (the goal: 1,000
 * models rendered in <= 1 s). Baseline measured in the same run: the same whatRunsInProduction
 * queries sent straight from Node. Also the gzipped JavaScript of the first load (budget 300 KB).
 *
 * Run alone with `npx tsx bench/console.ts`; `npm run bench` runs it too (BENCH_SKIP_CONSOLE=1
 * skips it). Never part of `npm test`.
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";
import { configSchema } from "../src/config/schema.js";
import { createGateway } from "../src/app/gateway.js";
import { startServer } from "../src/http/server.js";
import { createLogger } from "../src/logging.js";
import { openSqliteStore } from "../src/store/sqlite-store.js";
import { launchChromium } from "../test/ui/browser.js";
import { ensureConsoleBuilt } from "../test/ui/console-build.js";

const ROUNDS = 5;
const ENVIRONMENTS = ["production", "staging"];

export interface ConsoleBenchResult {
  models: number;
  rows: number;
  rounds: number;
  /** Navigation start until the overview table is rendered (median). */
  totalMedianMs: number;
  /** The last GraphQL answer until every row is rendered (median): the browser's own work. */
  renderMedianMs: number;
  /** The last GraphQL answer until the first screenful of rows is rendered (median). */
  firstRowsMedianMs: number;
  /** The overview's whatRunsInProduction queries (one per environment, in parallel) sent from Node (median). */
  apiMedianMs: number;
  firstLoadJsGzipBytes: number;
  /** The machine's 1-minute load average when it ended: timings on a busy machine run long. */
  loadAverage: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

/** `count` models, each with version 1 retired, 2 in production and 3 in staging. */
async function writeFleet(dir: string, count: number): Promise<void> {
  await mkdir(join(dir, "models"), { recursive: true });
  for (let i = 0; i < count; i++) {
    const name = `fleet-${String(i).padStart(4, "0")}`;
    const versions = [1, 2, 3].map((v) =>
      [`  - version: ${v}`, `    status: ${v === 1 ? "retired" : v === 2 ? "production" : "staging"}`, `    artifact_uri: s3://fleet/${name}/${v}/model.onnx`].join("\n"),
    );
    await writeFile(join(dir, "models", `${name}.yaml`), [`name: ${name}`, `description: generated model ${i}`, "versions:", ...versions, ""].join("\n"));
  }
}

const OVERVIEW_QUERY = `query($environment: String!) { whatRunsInProduction(environment: $environment) {
  environment asOf failedBackends { backendId code message }
  deployments { activatedAt deployment { name health { status } } revision { number components { role backendId modelName version weight shadow serving } } }
  versions { backendId modelName version since standalone approval { approvedAt approvedBy requestedBy } usedBy { deployment role shadow weight } modelVersion { stage drift { expectedStage actualStage detectedAt } } }
} }`;

async function timeApi(graphqlUrl: string): Promise<number> {
  const t = performance.now();
  await Promise.all(
    ENVIRONMENTS.map(async (environment) => {
      const res = await fetch(graphqlUrl, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query: OVERVIEW_QUERY, variables: { environment } }) });
      const body = (await res.json()) as { data?: unknown; errors?: unknown };
      if (body.data === undefined || body.data === null) throw new Error(`whatRunsInProduction failed: ${JSON.stringify(body.errors).slice(0, 500)}`);
    }),
  );
  return performance.now() - t;
}

export async function runConsoleBench(): Promise<ConsoleBenchResult> {
  const models = Number(process.env.BENCH_CONSOLE_MODELS ?? 1000);
  const dir = await mkdtemp(join(tmpdir(), "modelgate-console-bench-"));
  await ensureConsoleBuilt();
  await writeFleet(join(dir, "seed"), models);
  const config = configSchema.parse({
    logLevel: "silent",
    server: { port: 0 },
    drift: { enabled: false },
    environments: { production: { stage: "PRODUCTION" }, staging: { stage: "STAGING" } },
    backends: [{ id: "fleet", kind: "git-yaml", repo: join(dir, "registry"), seedFrom: join(dir, "seed") }],
  });
  const gateway = await createGateway(
    { config, configDir: dir, dataDir: join(dir, "data") },
    { logger: createLogger("silent"), store: await openSqliteStore({ file: ":memory:" }), outbox: false, drift: false },
  );
  const server = await startServer(gateway, { host: "127.0.0.1", port: 0 });
  const browser = await launchChromium();
  try {
    const graphqlUrl = `${server.url}/graphql`;
    await timeApi(graphqlUrl);
    const api: number[] = [];
    for (let i = 0; i < ROUNDS; i++) api.push(await timeApi(graphqlUrl));

    const totals: number[] = [];
    const renders: number[] = [];
    const firsts: number[] = [];
    let rows = 0;
    let jsGzip = 0;
    for (let i = 0; i <= ROUNDS; i++) {
      const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
      const page = await context.newPage();
      const scripts: Promise<number>[] = [];
      page.on("response", (r) => {
        if (r.request().resourceType() === "script") scripts.push(r.body().then((b) => gzipSync(b, { level: 9 }).length));
      });
      await page.goto(`${server.url}/ui/`);
      await page.waitForFunction(() => performance.getEntriesByName("modelgate:overview-rendered").length > 0, undefined, { timeout: 120_000 });
      const timing = await page.evaluate(() => {
        // Runs in the page; typed structurally (this file is checked against Node's globals).
        const mark = performance.getEntriesByName("modelgate:overview-rendered")[0] as unknown as { startTime: number; detail: { rows: number } };
        const first = performance.getEntriesByName("modelgate:overview-first-rows")[0] as unknown as { startTime: number };
        const answers = performance
          .getEntriesByType("resource")
          .map((e) => ({ name: e.name, end: (e as unknown as { responseEnd: number }).responseEnd }))
          .filter((e) => e.name.endsWith("/graphql") && e.end <= mark.startTime)
          .map((e) => e.end);
        return { total: mark.startTime, first: first.startTime, dataAt: Math.max(...answers.filter((t) => t <= first.startTime)), rows: mark.detail.rows };
      });
      jsGzip = (await Promise.all(scripts)).reduce((a, b) => a + b, 0);
      await context.close();
      if (i === 0) continue; // warm-up: the gateway's first listing, the browser's first compile
      totals.push(timing.total);
      renders.push(timing.total - timing.dataAt);
      firsts.push(timing.first - timing.dataAt);
      rows = timing.rows;
    }
    return { models, rows, rounds: ROUNDS, totalMedianMs: median(totals), renderMedianMs: median(renders), firstRowsMedianMs: median(firsts), apiMedianMs: median(api), firstLoadJsGzipBytes: jsGzip, loadAverage: loadavg()[0] ?? 0 };
  } finally {
    await browser.close();
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
}

export function printConsoleBench(r: ConsoleBenchResult): void {
  const f = (n: number) => n.toFixed(0);
  console.log(`\nconsole overview over ${r.models} models (${r.rows} rows, production and staging), chromium, ${r.rounds} rounds; load average ${r.loadAverage.toFixed(1)}`);
  console.log(`  navigation to table rendered: median ${f(r.totalMedianMs)} ms; the same queries from Node: ${f(r.apiMedianMs)} ms (ratio ${(r.totalMedianMs / r.apiMedianMs).toFixed(2)}x)`);
  console.log(
    `  rendering once the data arrived: first screenful ${f(r.firstRowsMedianMs)} ms, all ${r.rows} rows ${f(r.renderMedianMs)} ms (goal <= 1000 ms${r.renderMedianMs <= 1000 ? ", met" : ", MISSED"})`,
  );
  console.log(`  first load: ${(r.firstLoadJsGzipBytes / 1024).toFixed(1)} KB of gzipped JavaScript (budget 300 KB${r.firstLoadJsGzipBytes <= 300 * 1024 ? ", met" : ", EXCEEDED"})`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  runConsoleBench().then(printConsoleBench, (err: unknown) => {
    console.error(`console bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exitCode = 1;
  });
}
