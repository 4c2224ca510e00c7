/**
 * The hot path (issue 12, goals 1 and 2): GET /v1/resolve (200 and 304) and GraphQL resolve on the
 * built gateway (`node`, production mode, a bearer token), against, in the same run, a bare
 * node:http server sending the same bytes and an untuned Apollo 5 + type-graphql server answering
 * the same query. Targets are loaded with autocannon in interleaved rounds; the median round is the
 * figure, the min–max the spread (the machine is shared).
 */
import { createHash } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { loadTarget, type HotLoad, type HotResult, type HotTarget } from "./autocannon-load.js";
import { peakRssBytes, startChild, type Child } from "./processes.js";

export const ENVIRONMENT = "production";
/** The bearer token of the bench's gateway (config holds its SHA-256). */
export const BENCH_TOKEN = "bench-token-0123456789abcdef";

export const RESOLVE_QUERY = `query BenchResolve($name: String!, $env: String!) {
  resolve(name: $name, environment: $env) {
    registryVersion etag
    ... on ResolvedEntry {
      selectedBy
      version { version stage artifactUri generationConfig { model promptRef toolsRef params } }
      prompt { name version template }
      tools { name version tools }
    }
  }
}`;

/** Goals from issue 12: ratio to bare node:http (or, for `untunedApollo`, to the untuned Apollo server). */
export const HOT_GOALS = {
  get: { ratio: 0.6, p99Ms: 5 },
  notModified: { ratio: 0.7 },
  graphql: { ratio: 0.27, toUntunedApollo: 1.5 },
} as const;

export interface HotTargetSummary {
  name: string;
  /** Median round. */
  requestsPerSecond: number;
  /** Lowest and highest round. */
  spread: [number, number];
  p50Ms: number;
  p99Ms: number;
  /** The server's CPU time per answered request (median round), µs: steadier than req/s on a shared machine. */
  cpuMicrosPerRequest: number;
  errors: number;
  rounds: HotResult[];
}

export interface HotPathReport {
  model: string;
  load: HotLoad & { rounds: number };
  targets: Record<"bare" | "get" | "notModified" | "graphql" | "untunedApollo", HotTargetSummary>;
  ratios: { get: number; notModified: number; graphql: number; graphqlToUntunedApollo: number };
  /** Median round of each target divided by the baseline's round run next to it, median over rounds. */
  pairedRatios: { get: number; notModified: number; graphql: number; graphqlToUntunedApollo: number };
  /** The same ratios from CPU time per request (baseline's µs ÷ target's µs, median rounds): what each answer costs the server. */
  cpuRatios: { get: number; notModified: number; graphql: number; graphqlToUntunedApollo: number };
  responseBytes: number;
  gatewayRssAfterLoadBytes: number;
  gatewayPeakRssBytes: number;
}

/** The bench gateway's modelgate.yaml: production mode, one viewer token, the seeded example registry. */
export function gatewayConfig(dir: string, seed: string): string {
  return [
    "logLevel: warn",
    "server:",
    "  host: 127.0.0.1",
    "  port: 0",
    "  mode: production",
    "auth:",
    "  tokens:",
    "    - subject: bench",
    "      roles: [viewer]",
    `      sha256: ${createHash("sha256").update(BENCH_TOKEN).digest("hex")}`,
    "dataDir: ./data",
    "backends:",
    "  - id: example",
    "    kind: git-yaml",
    `    repo: ${JSON.stringify(join(dir, "registry"))}`,
    `    seedFrom: ${JSON.stringify(seed)}`,
    "",
  ].join("\n");
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};

/** Current RSS (VmRSS) of a live process, in bytes. */
async function rssBytes(pid: number): Promise<number> {
  const { readFile } = await import("node:fs/promises");
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  const line = status.split("\n").find((l) => l.startsWith("VmRSS:"));
  return Number((line ?? "").replace(/[^0-9]/g, "")) * 1024;
}

export interface HotPathOptions {
  root: string;
  dir: string;
  seed: string;
  model?: string;
  load: HotLoad;
  rounds: number;
  /** The command that starts the gateway: the built CLI (node) unless told. */
  gatewayArgs: (configPath: string) => string[];
}

export async function runHotPathBench(opts: HotPathOptions): Promise<HotPathReport> {
  const children: Child[] = [];
  const auth = { authorization: `Bearer ${BENCH_TOKEN}` };
  try {
    const configPath = join(opts.dir, "modelgate.yaml");
    await writeFile(configPath, gatewayConfig(opts.dir, opts.seed));
    const env = { ...process.env };
    for (const key of Object.keys(env)) if (key.startsWith("MODELGATE_")) delete env[key];
    const { child: gateway, match } = await startChild("the gateway", opts.gatewayArgs(configPath), {
      cwd: opts.root,
      env: { ...env, NODE_ENV: "production" },
      ready: /listening on (http:\/\/\S+)/,
      timeoutMs: 90_000,
    });
    children.push(gateway);
    const base = match[1] as string;
    const model = opts.model ?? "example/support-triage";
    const getUrl = `${base}/v1/resolve/${encodeURIComponent(model)}?env=${ENVIRONMENT}`;
    const first = await fetch(getUrl, { headers: auth });
    const bodyText = await first.text();
    if (first.status !== 200) throw new Error(`GET ${getUrl} answered ${first.status}: ${bodyText.slice(0, 300)}`);
    const etag = first.headers.get("etag") ?? "";
    const gqlBody = JSON.stringify({ query: RESOLVE_QUERY, variables: { name: model, env: ENVIRONMENT } });
    const gql = await fetch(`${base}/graphql`, { method: "POST", headers: { ...auth, "content-type": "application/json" }, body: gqlBody });
    const gqlJson = (await gql.json()) as { data?: { resolve?: unknown }; errors?: unknown };
    if (gqlJson.data?.resolve === undefined) throw new Error(`GraphQL resolve failed: ${JSON.stringify(gqlJson.errors)}`);

    const bodyFile = join(opts.dir, "baseline-body.json");
    await writeFile(bodyFile, bodyText);
    const { child: bare, match: bareMatch } = await startChild("the baseline server", ["--import", "tsx", "bench/baseline-server.ts", bodyFile], {
      cwd: opts.root,
      ready: /listening (\d+)/,
      timeoutMs: 30_000,
    });
    children.push(bare);
    const dataFile = join(opts.dir, "resolve-data.json");
    await writeFile(dataFile, JSON.stringify(gqlJson.data.resolve));
    const { child: apollo, match: apolloMatch } = await startChild("the untuned Apollo server", ["--import", "tsx", "bench/apollo-untuned-server.ts", dataFile], {
      cwd: opts.root,
      env: { ...env, NODE_ENV: "production" },
      ready: /listening (\d+)/,
      timeoutMs: 60_000,
    });
    children.push(apollo);

    const json = { ...auth, "content-type": "application/json" };
    const targets: Record<keyof HotPathReport["targets"], HotTarget> = {
      bare: { name: "bare node:http, same bytes", url: `http://127.0.0.1:${bareMatch[1]}/v1/resolve/${encodeURIComponent(model)}?env=${ENVIRONMENT}`, pid: bare.pid },
      get: { name: "GET /v1/resolve (bearer)", url: getUrl, headers: auth, pid: gateway.pid },
      notModified: { name: "GET /v1/resolve, If-None-Match (304)", url: getUrl, headers: { ...auth, "if-none-match": etag }, status: 304, pid: gateway.pid },
      graphql: { name: "GraphQL resolve (bearer)", url: `${base}/graphql`, method: "POST", headers: json, body: gqlBody, pid: gateway.pid },
      untunedApollo: {
        pid: apollo.pid,
        name: "untuned Apollo 5 + type-graphql",
        url: `http://127.0.0.1:${apolloMatch[1]}/`,
        method: "POST",
        headers: { "content-type": "application/json" },
        body: gqlBody,
      },
    };
    const keys = Object.keys(targets) as (keyof typeof targets)[];
    const rounds = Object.fromEntries(keys.map((k) => [k, [] as HotResult[]])) as Record<keyof typeof targets, HotResult[]>;
    for (let round = 0; round < opts.rounds; round++) {
      for (const key of keys) {
        if (key === "notModified") {
          // The current ETag: the answer may have changed since (the drift poller recording what it found).
          const now = await fetch(getUrl, { headers: auth });
          await now.arrayBuffer();
          targets.notModified.headers = { ...auth, "if-none-match": now.headers.get("etag") ?? "" };
        }
        const result = await loadTarget(targets[key], opts.load);
        rounds[key].push(result);
        process.stderr.write(`  round ${round + 1}/${opts.rounds} ${result.name}: ${Math.round(result.requestsPerSecond)} req/s, p99 ${result.p99Ms} ms\n`);
      }
    }
    const gatewayRssAfterLoadBytes = await rssBytes(gateway.pid);
    const gatewayPeakRssBytes = await peakRssBytes(gateway.pid);
    const summary = (key: keyof typeof targets): HotTargetSummary => {
      const rs = rounds[key];
      const rps = rs.map((r) => r.requestsPerSecond);
      return {
        name: targets[key].name,
        requestsPerSecond: median(rps),
        spread: [Math.min(...rps), Math.max(...rps)],
        p50Ms: median(rs.map((r) => r.p50Ms)),
        p99Ms: median(rs.map((r) => r.p99Ms)),
        cpuMicrosPerRequest: median(rs.map((r) => r.cpuMicrosPerRequest ?? Number.NaN)),
        errors: rs.reduce((n, r) => n + r.errors, 0),
        rounds: rs,
      };
    };
    const t = Object.fromEntries(keys.map((k) => [k, summary(k)])) as HotPathReport["targets"];
    const paired = (key: keyof typeof targets, against: keyof typeof targets) =>
      median(rounds[key].map((r, i) => r.requestsPerSecond / (rounds[against][i] as HotResult).requestsPerSecond));
    return {
      model,
      load: { ...opts.load, rounds: opts.rounds },
      targets: t,
      ratios: {
        get: t.get.requestsPerSecond / t.bare.requestsPerSecond,
        notModified: t.notModified.requestsPerSecond / t.bare.requestsPerSecond,
        graphql: t.graphql.requestsPerSecond / t.bare.requestsPerSecond,
        graphqlToUntunedApollo: t.graphql.requestsPerSecond / t.untunedApollo.requestsPerSecond,
      },
      pairedRatios: {
        get: paired("get", "bare"),
        notModified: paired("notModified", "bare"),
        graphql: paired("graphql", "bare"),
        graphqlToUntunedApollo: paired("graphql", "untunedApollo"),
      },
      cpuRatios: {
        get: t.bare.cpuMicrosPerRequest / t.get.cpuMicrosPerRequest,
        notModified: t.bare.cpuMicrosPerRequest / t.notModified.cpuMicrosPerRequest,
        graphql: t.bare.cpuMicrosPerRequest / t.graphql.cpuMicrosPerRequest,
        graphqlToUntunedApollo: t.untunedApollo.cpuMicrosPerRequest / t.graphql.cpuMicrosPerRequest,
      },
      responseBytes: Buffer.byteLength(bodyText),
      gatewayRssAfterLoadBytes,
      gatewayPeakRssBytes,
    };
  } finally {
    await Promise.all(children.map((c) => c.stop()));
  }
}

const fmt = (n: number, digits = 2): string => (Number.isFinite(n) ? n.toFixed(digits) : "n/a");

export function printHotPath(r: HotPathReport): void {
  const { targets: t, ratios } = r;
  const rows: [HotTargetSummary, string, string][] = [
    [t.bare, "1.00", ""],
    [t.get, fmt(ratios.get), `>= ${HOT_GOALS.get.ratio}, p99 <= ${HOT_GOALS.get.p99Ms} ms`],
    [t.notModified, fmt(ratios.notModified), `>= ${HOT_GOALS.notModified.ratio}`],
    [t.graphql, fmt(ratios.graphql), `>= ${HOT_GOALS.graphql.ratio}; x untuned Apollo ${fmt(ratios.graphqlToUntunedApollo)} (goal >= ${HOT_GOALS.graphql.toUntunedApollo})`],
    [t.untunedApollo, fmt(t.untunedApollo.requestsPerSecond / t.bare.requestsPerSecond), "reference"],
  ];
  const header = ["target", "req/s (median)", "spread", "p50 ms", "p99 ms", "µs CPU/req", "errors", "x bare", "goal"];
  const lines = rows.map(([s, ratio, goal]) => [
    s.name,
    fmt(s.requestsPerSecond, 0),
    `${fmt(s.spread[0], 0)}-${fmt(s.spread[1], 0)}`,
    fmt(s.p50Ms, 0),
    fmt(s.p99Ms, 0),
    fmt(s.cpuMicrosPerRequest, 0),
    String(s.errors),
    ratio,
    goal,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? "").length)));
  const show = (cells: string[]) => cells.map((c, i) => (i === 0 || i === cells.length - 1 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join("  ");
  console.log(`hot path: ${r.model} in ${ENVIRONMENT}; autocannon, ${r.load.connections} connections, ${r.load.rounds} rounds of ${r.load.seconds} s per target`);
  console.log(show(header));
  for (const l of lines) console.log(show(l));
  console.log(
    `gateway RSS after the load ${fmt(r.gatewayRssAfterLoadBytes / 2 ** 20, 1)} MiB (peak ${fmt(r.gatewayPeakRssBytes / 2 ** 20, 1)} MiB); ` +
      `paired ratios (per round): GET ${fmt(r.pairedRatios.get)}, 304 ${fmt(r.pairedRatios.notModified)}, GraphQL ${fmt(r.pairedRatios.graphql)}, GraphQL/untuned ${fmt(r.pairedRatios.graphqlToUntunedApollo)}`,
  );
  console.log(
    `CPU-per-request ratios (bare µs ÷ target µs): GET ${fmt(r.cpuRatios.get)}, 304 ${fmt(r.cpuRatios.notModified)}, GraphQL ${fmt(r.cpuRatios.graphql)}; ` +
      `GraphQL vs untuned Apollo ${fmt(r.cpuRatios.graphqlToUntunedApollo)}`,
  );
}
