/**
 * Load with autocannon (the generator is not the bottleneck: ~87k req/s here against a bare
 * node:http server, where a fetch loop caps near 10k). One target at a time, in this process.
 */
import autocannon from "autocannon";
import { cpuSeconds } from "./processes.js";

export interface HotTarget {
  name: string;
  url: string;
  method?: "GET" | "POST";
  headers?: Record<string, string>;
  body?: string;
  /** The status every answer must have (200 unless told). */
  status?: number;
  /** The server's process: its CPU time per answer is measured too. */
  pid?: number;
}

export interface HotResult {
  name: string;
  requests: number;
  /** Answers with another status, socket errors and timeouts. */
  errors: number;
  statuses: Record<string, number>;
  seconds: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** The server's CPU time (user + system) per answered request, in microseconds, when its pid is known. */
  cpuMicrosPerRequest?: number;
}

export interface HotLoad {
  connections: number;
  seconds: number;
  /** Unmeasured run before each measured one (JIT, caches, connections). */
  warmupSeconds: number;
}

function run(target: HotTarget, connections: number, seconds: number): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: target.url,
        method: target.method ?? "GET",
        connections,
        duration: seconds,
        ...(target.headers === undefined ? {} : { headers: target.headers }),
        ...(target.body === undefined ? {} : { body: target.body }),
      },
      (err: Error | null, result: autocannon.Result) => (err ? reject(err) : resolve(result)),
    );
  });
}

export async function loadTarget(target: HotTarget, load: HotLoad): Promise<HotResult> {
  if (load.warmupSeconds > 0) await run(target, load.connections, load.warmupSeconds);
  const cpuBefore = target.pid === undefined ? undefined : await cpuSeconds(target.pid);
  const r = await run(target, load.connections, load.seconds);
  const cpuUsed = target.pid === undefined || cpuBefore === undefined ? undefined : (await cpuSeconds(target.pid)) - cpuBefore;
  const statuses: Record<string, number> = {};
  for (const [code, stat] of Object.entries(r.statusCodeStats ?? {})) statuses[code] = (stat as { count: number }).count;
  const expected = String(target.status ?? 200);
  const wrong = Object.entries(statuses).reduce((n, [code, count]) => (code === expected ? n : n + count), 0);
  const answered = statuses[expected] ?? 0;
  return {
    name: target.name,
    requests: answered,
    errors: wrong + r.errors + r.timeouts,
    statuses,
    seconds: r.duration,
    requestsPerSecond: answered / r.duration,
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    maxMs: r.latency.max,
    ...(cpuUsed === undefined || answered === 0 ? {} : { cpuMicrosPerRequest: (cpuUsed * 1e6) / answered }),
  };
}
