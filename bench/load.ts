/**
 * A closed-loop load generator: `concurrency` workers on keep-alive node:http connections, each
 * sending its next request when the previous answer is read, until `requests` answers (after
 * `warmup` unmeasured ones) or `maxSeconds` have passed. Loopback targets only.
 */
import { Agent, request } from "node:http";

export interface Target {
  name: string;
  url: string;
  method: "GET" | "POST";
  headers?: Record<string, string>;
  body?: string;
}

export interface LoadOptions {
  concurrency: number;
  warmup: number;
  requests: number;
  /** Hard bound on the measured phase. */
  maxSeconds: number;
}

export interface LoadResult {
  name: string;
  requests: number;
  errors: number;
  /** First unexpected status or error, to show why requests failed. */
  firstError?: string;
  seconds: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  responseBytes: number;
}

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);

function once(agent: Agent, target: Target, url: URL): Promise<{ status: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        agent,
        method: target.method,
        headers: { ...target.headers, ...(target.body === undefined ? {} : { "content-length": Buffer.byteLength(target.body) }) },
      },
      (res) => {
        let bytes = 0;
        res.on("data", (chunk: Buffer) => (bytes += chunk.length));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, bytes }));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(target.body);
  });
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)] as number;
}

export async function runLoad(target: Target, opts: LoadOptions): Promise<LoadResult> {
  const url = new URL(target.url);
  if (!LOOPBACK.has(url.hostname)) throw new Error(`the bench only loads loopback targets, not ${url.hostname}`);
  const agent = new Agent({ keepAlive: true, maxSockets: opts.concurrency });
  try {
    // Warm-up: connections, JIT and the gateway's caches; not measured.
    let warm = 0;
    await Promise.all(
      Array.from({ length: opts.concurrency }, async () => {
        while (warm < opts.warmup) {
          warm++;
          await once(agent, target, url);
        }
      }),
    );

    const latencies = new Float64Array(opts.requests);
    let issued = 0;
    let done = 0;
    let errors = 0;
    let bytes = 0;
    let firstError: string | undefined;
    const started = performance.now();
    const deadline = started + opts.maxSeconds * 1000;
    await Promise.all(
      Array.from({ length: opts.concurrency }, async () => {
        while (issued < opts.requests && performance.now() < deadline) {
          issued++;
          const t0 = performance.now();
          try {
            const res = await once(agent, target, url);
            if (res.status !== 200) {
              errors++;
              firstError ??= `HTTP ${res.status}`;
            }
            bytes = res.bytes;
          } catch (err) {
            errors++;
            firstError ??= (err as Error).message;
          }
          latencies[done++] = performance.now() - t0;
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const measured = latencies.subarray(0, done).sort();
    return {
      name: target.name,
      requests: done,
      errors,
      ...(firstError === undefined ? {} : { firstError }),
      seconds,
      requestsPerSecond: done / seconds,
      p50Ms: percentile(measured, 50),
      p99Ms: percentile(measured, 99),
      maxMs: measured.length > 0 ? (measured[measured.length - 1] as number) : Number.NaN,
      responseBytes: bytes,
    };
  } finally {
    agent.destroy();
  }
}
