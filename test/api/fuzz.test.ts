/**
 * Fuzzing the real gateway (git-YAML example registry) with 10,000 schema-driven requests
 * (test/support/fuzz-documents.ts): random valid-looking documents and invalid or hostile
 * mutations of them, plus malformed HTTP, sent by a viewer over keep-alive connections with
 * bounded concurrency, and a share of the documents over WebSocket. No response may be a 5xx,
 * every response must be well-formed GraphQL JSON (data or errors), nothing may go unhandled,
 * and the server must still answer afterwards. Timings are printed, never asserted
 * (bench/limits.ts holds the latency goals).
 *
 * The seed is printed; FUZZ_SEED=<n> replays a run, FUZZ_COUNT=<n> changes its size.
 */
import { Agent } from "node:http";
import { createClient, type Client } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { sha256Hex } from "../../src/http/auth.js";
import { buildGatewaySchema } from "../../src/graphql/schema.js";
import { fuzzCorpus, sendFuzzRequest, type FuzzRequest } from "../support/fuzz-documents.js";
import { startTestGateway, type TestGateway } from "../support/test-gateway.js";

const VIEWER = "fuzz-viewer-token-0123456789";
const SEED = Number(process.env["FUZZ_SEED"] ?? Math.floor(Math.random() * 2 ** 31));
const COUNT = Number(process.env["FUZZ_COUNT"] ?? 10_000);
/** Requests in flight at once over HTTP (keep-alive sockets). */
const CONCURRENCY = 8;
/** Of the corpus, every n-th document also goes over WebSocket. */
const WS_EVERY = 10;

let gw: TestGateway;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

beforeAll(async () => {
  console.log(`fuzz: seed ${SEED} (replay with FUZZ_SEED=${SEED}), ${COUNT} requests`);
  process.on("unhandledRejection", onUnhandled);
  process.on("uncaughtException", onUnhandled);
  gw = await startTestGateway({
    webhooks: false,
    config: {
      drift: { enabled: false },
      auth: { tokens: [{ subject: "fuzzer", sha256: sha256Hex(VIEWER), roles: ["viewer"] }] },
    },
  });
});

afterAll(async () => {
  process.off("unhandledRejection", onUnhandled);
  process.off("uncaughtException", onUnhandled);
  await gw?.stop();
});

interface Outcome {
  index: number;
  kind: string;
  status: number;
  ms: number;
  problem?: string;
}

/** What is wrong with a response, or undefined when it is a well-formed GraphQL answer under 500. */
function problemOf(status: number, type: string, text: string): string | undefined {
  if (status >= 500) return `HTTP ${status}`;
  if (!/json/.test(type)) return `content-type ${type || "(none)"}`;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return "body is not JSON";
  }
  if (body === null || typeof body !== "object" || Array.isArray(body)) return "body is not a JSON object";
  const { data, errors } = body as { data?: unknown; errors?: unknown };
  if (data === undefined && errors === undefined) return "neither data nor errors";
  if (errors !== undefined) {
    if (!Array.isArray(errors) || errors.length === 0) return "errors is not a non-empty list";
    if (!errors.every((e) => e !== null && typeof e === "object" && typeof (e as { message?: unknown }).message === "string")) return "an error without a message";
    if (status === 200 && data === undefined) return "errors without data answered 200";
  }
  if (data !== undefined && data !== null && typeof data !== "object") return "data is not an object";
  return undefined;
}

/** Requests sent again because their reused keep-alive socket was reset before any answer (sendFuzzRequest). */
let resentOnNewSocket = 0;

async function runHttp(corpus: FuzzRequest[]): Promise<Outcome[]> {
  const base = new URL(gw.url);
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const outcomes: Outcome[] = [];
  let next = 0;
  const worker = async () => {
    while (next < corpus.length) {
      const index = next++;
      const r = corpus[index] as FuzzRequest;
      const started = performance.now();
      try {
        const { status, contentType, text } = await sendFuzzRequest(agent, base, r, VIEWER, () => (resentOnNewSocket += 1));
        const problem = problemOf(status, contentType, text);
        outcomes.push({ index, kind: r.kind, status, ms: performance.now() - started, ...(problem === undefined ? {} : { problem: `${problem}: ${text.slice(0, 300)}` }) });
      } catch (err) {
        outcomes.push({ index, kind: r.kind, status: 0, ms: performance.now() - started, problem: `no answer: ${String(err)}` });
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  } finally {
    agent.destroy();
  }
  return outcomes;
}

/** Sends documents over one socket; each is refused with well-formed errors, or runs and is then stopped. */
async function runWebSocket(corpus: FuzzRequest[]): Promise<{ refused: number; running: number; problems: string[] }> {
  const problems: string[] = [];
  let closedUnexpectedly: unknown;
  const client: Client = createClient({
    url: gw.graphqlUrl.replace(/^http/, "ws"),
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    lazy: false,
    connectionParams: { authorization: `Bearer ${VIEWER}` },
    on: { closed: (event) => (closedUnexpectedly ??= event) },
  });
  let refused = 0;
  let running = 0;
  try {
    // In batches below the per-socket cap; a known-bad document ends each batch: the server
    // answers a socket's messages in order, so every refusal of the batch has arrived by then.
    const docs = corpus.filter((r) => r.query !== undefined);
    for (let start = 0; start < docs.length; start += 50) {
      const batch = docs.slice(start, start + 50);
      const settled = new Map<number, boolean>();
      const stops = batch.map((r, i) =>
        client.subscribe(
          { query: r.query as string, ...(r.variables ? { variables: r.variables } : {}) },
          {
            next: (value) => {
              if (value.errors !== undefined && !value.errors.every((e) => typeof e.message === "string")) problems.push(`${r.kind}: malformed next ${JSON.stringify(value).slice(0, 200)}`);
            },
            error: (errors) => {
              settled.set(i, true);
              if (!Array.isArray(errors) || !errors.every((e) => typeof (e as { message?: unknown }).message === "string")) problems.push(`${r.kind}: malformed error ${JSON.stringify(errors).slice(0, 200)}`);
            },
            complete: () => settled.set(i, settled.get(i) ?? false),
          },
        ),
      );
      await new Promise<void>((resolve) => {
        client.subscribe({ query: "subscription { notAField }" }, { next: () => undefined, error: () => resolve(), complete: () => resolve() });
      });
      for (const [i, stop] of stops.entries()) {
        if (settled.get(i) === true) refused += 1;
        else running += 1;
        stop();
      }
      if (closedUnexpectedly !== undefined) break;
    }
  } finally {
    await client.dispose();
  }
  if (closedUnexpectedly !== undefined) problems.push(`the socket closed during the run: ${String((closedUnexpectedly as { code?: number }).code)}`);
  return { refused, running, problems };
}

function summary(outcomes: Outcome[]): string {
  const byKind = new Map<string, { n: number; statuses: Set<number>; maxMs: number }>();
  for (const o of outcomes) {
    const k = byKind.get(o.kind) ?? { n: 0, statuses: new Set<number>(), maxMs: 0 };
    k.n += 1;
    k.statuses.add(o.status);
    k.maxMs = Math.max(k.maxMs, o.ms);
    byKind.set(o.kind, k);
  }
  const sorted = outcomes.map((o) => o.ms).sort((a, b) => a - b);
  const p99 = sorted[Math.floor(sorted.length * 0.99)] ?? 0;
  const lines = [...byKind].sort(([a], [b]) => a.localeCompare(b)).map(([kind, k]) => `  ${kind.padEnd(28)} ${String(k.n).padStart(5)}  statuses ${[...k.statuses].sort().join(",")}  max ${k.maxMs.toFixed(0)} ms`);
  return [
    `fuzz (seed ${SEED}): p99 ${p99.toFixed(1)} ms, max ${(sorted.at(-1) ?? 0).toFixed(1)} ms (informational; goals in bench/limits.ts); ` +
      `${resentOnNewSocket} sent again after their reused keep-alive socket was reset`,
    ...lines,
  ].join("\n");
}

describe("fuzz", () => {
  it(`answers ${COUNT} random valid and invalid documents with no 5xx, no crash, and well-formed JSON`, { timeout: 1_800_000 }, async () => {
    const corpus = fuzzCorpus(await buildGatewaySchema(), SEED, COUNT);
    const outcomes = await runHttp(corpus);
    console.log(summary(outcomes));
    const failures = outcomes.filter((o) => o.problem !== undefined);
    const report = failures.slice(0, 10).map((o) => `#${o.index} ${o.kind} (FUZZ_SEED=${SEED}): ${o.problem}\n    ${(corpus[o.index]?.query ?? corpus[o.index]?.body ?? "").slice(0, 400)}`);
    expect(report, `seed ${SEED}`).toEqual([]);
    expect(outcomes.length).toBe(COUNT);

    const ws = await runWebSocket(corpus.filter((_, i) => i % WS_EVERY === 0));
    console.log(`fuzz over WebSocket (seed ${SEED}): ${ws.refused} refused, ${ws.running} ran and were stopped`);
    expect(ws.problems, `seed ${SEED}`).toEqual([]);
    expect(ws.refused).toBeGreaterThan(0);

    // Still up, still right, nothing unhandled.
    expect(unhandled.map(String), `seed ${SEED}`).toEqual([]);
    const health = await fetch(`${gw.url}/healthz`);
    expect(health.status).toBe(200);
    const after = await gw.gql<{ backends: { backendId: string }[] }>("{ backends { backendId } }", undefined, { authorization: `Bearer ${VIEWER}` });
    expect(after.data?.backends.map((b) => b.backendId)).toEqual(["example"]);
  });
});
