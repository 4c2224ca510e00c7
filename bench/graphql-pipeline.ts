/**
 * The GraphQL resolve query through Apollo's request pipeline in one process, no HTTP: CPU time per
 * request of modelgate's Apollo (graphql-jit executor and graphql-js), and of an untuned Apollo
 * Server (defaults) over the same schema, in alternating blocks. CPU time of a loop in one process
 * is far steadier on a shared machine than requests per second over loopback, so this is how
 * server.graphqlExecutor's default was chosen (docs/performance.md, goal 2).
 *
 *   npx tsx bench/graphql-pipeline.ts            (BENCH_PIPELINE_REQUESTS per block, 3000; 7 blocks)
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { ApolloServer, HeaderMap } from "@apollo/server";
import { createGateway } from "../src/app/gateway.js";
import { loadConfig } from "../src/config/index.js";
import { createCallContext } from "../src/core/index.js";
import { createApollo } from "../src/graphql/apollo.js";
import type { GatewayContext } from "../src/graphql/context.js";
import { refuseBeforeApollo } from "../src/graphql/http-precheck.js";
import { createQueryLimits } from "../src/graphql/limits.js";
import { createLoaders } from "../src/graphql/loaders.js";
import { buildGatewaySchema } from "../src/graphql/schema.js";
import { createLogger } from "../src/logging.js";
import { ENVIRONMENT, gatewayConfig, RESOLVE_QUERY } from "./hot-path.js";
import { median, setting } from "./settings.js";

const ROOT = resolve(import.meta.dirname, "..");
const BLOCKS = 7;

export interface PipelineReport {
  requestsPerBlock: number;
  blocks: number;
  /** Median µs of CPU per request. */
  jitMicros: number;
  graphqlJsMicros: number;
  untunedApolloMicros: number;
}

export async function runPipelineBench(): Promise<PipelineReport> {
  const n = setting("BENCH_PIPELINE_REQUESTS", 3000);
  const dir = await mkdtemp(join(tmpdir(), "modelgate-pipeline-"));
  const configPath = join(dir, "modelgate.yaml");
  await writeFile(configPath, gatewayConfig(dir, join(ROOT, "examples/registry")));
  const loaded = await loadConfig({ path: configPath });
  const logger = createLogger("warn");
  const gateway = await createGateway(loaded, { logger, drift: false, outbox: false, webhooks: false });
  const schema = await buildGatewaySchema();
  const limits = createQueryLimits(loaded.config.limits, { schema, hideSuggestions: true });
  const servers = {
    jit: createApollo(schema, { mode: "production", introspection: false, limits, executor: "jit" }),
    graphqlJs: createApollo(schema, { mode: "production", introspection: false, limits, executor: "graphql-js" }),
    untunedApollo: new ApolloServer<GatewayContext>({ schema }),
  };
  try {
    for (const s of Object.values(servers)) await s.start();
    const text = JSON.stringify({ query: RESOLVE_QUERY, variables: { name: "example/support-triage", env: ENVIRONMENT } });
    const requestHeaders = { host: "127.0.0.1:4000", authorization: "Bearer x", "content-type": "application/json", "content-length": String(text.length) };
    // What src/http/server.ts does around Apollo for a GraphQL POST: parse the body, copy the
    // headers, pre-check the limits, build the context. The untuned server gets the same context.
    const ask = async (apollo: ApolloServer<GatewayContext>) => {
      const body = JSON.parse(text) as unknown;
      const headers = new HeaderMap();
      for (const [k, v] of Object.entries(requestHeaders)) headers.set(k, v);
      const res = await apollo.executeHTTPGraphQLRequest({
        httpGraphQLRequest: { method: "POST", headers, search: "", body },
        context: async () => {
          const refused = refuseBeforeApollo(body, new URLSearchParams(""), limits);
          if (refused !== undefined) throw refused;
          const call = createCallContext({ timeoutMs: 15_000, actor: { id: "bench", roles: ["viewer"] } });
          return { requestId: "bench", actor: call.actor, logger, call, services: gateway.services, loaders: createLoaders(gateway.services.catalog, call, gateway.services.store), partialErrors: [] };
        },
      });
      if (res.body.kind !== "complete") throw new Error("expected a complete body");
      return res.body.string;
    };
    const answers = new Set<string>();
    for (const s of Object.values(servers)) for (let i = 0; i < 3; i++) answers.add(await ask(s));
    if (answers.size !== 1) throw new Error(`the servers answered differently: ${[...answers].join("\n")}`);
    const micros: Record<keyof typeof servers, number[]> = { jit: [], graphqlJs: [], untunedApollo: [] };
    for (let b = 0; b < BLOCKS; b++) {
      for (const key of Object.keys(servers) as (keyof typeof servers)[]) {
        const before = process.cpuUsage();
        for (let i = 0; i < n; i++) await ask(servers[key]);
        const used = process.cpuUsage(before);
        micros[key].push((used.user + used.system) / n);
      }
    }
    return { requestsPerBlock: n, blocks: BLOCKS, jitMicros: median(micros.jit), graphqlJsMicros: median(micros.graphqlJs), untunedApolloMicros: median(micros.untunedApollo) };
  } finally {
    for (const s of Object.values(servers)) await s.stop().catch(() => {});
    await gateway.close();
    await rm(dir, { recursive: true, force: true });
  }
}

export function printPipelineBench(r: PipelineReport): void {
  console.log(`GraphQL resolve through Apollo's pipeline, in process (no HTTP), median of ${r.blocks} blocks of ${r.requestsPerBlock}: µs CPU per request`);
  console.log(`  modelgate, graphql-jit executor   ${r.jitMicros.toFixed(1)}`);
  console.log(`  modelgate, graphql-js             ${r.graphqlJsMicros.toFixed(1)}`);
  console.log(`  untuned Apollo, same schema       ${r.untunedApolloMicros.toFixed(1)}`);
  console.log(`  jit saves ${(100 * (1 - r.jitMicros / r.graphqlJsMicros)).toFixed(0)} %; untuned ÷ modelgate (jit) ${(r.untunedApolloMicros / r.jitMicros).toFixed(2)}`);
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  runPipelineBench()
    .then(printPipelineBench)
    .catch((err: unknown) => {
      console.error(`pipeline bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      process.exitCode = 1;
    });
}
