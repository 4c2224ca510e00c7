/**
 * Starts a real gateway (HTTP server on a free loopback port) over a fresh git-YAML registry made
 * from the bundled example seed in a temp dir, with an in-memory SQLite store unless told otherwise.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { configSchema, type LoadedConfig } from "../../src/config/schema.js";
import { createGateway, type CreateGatewayOptions, type Gateway } from "../../src/app/gateway.js";
import type { FactoryMap } from "../../src/app/adapter-registry.js";
import { startServer, type RunningServer } from "../../src/http/server.js";
import { createLogger } from "../../src/logging.js";
import { openSqliteStore } from "../../src/store/sqlite-store.js";

export const REPO_ROOT = resolve(import.meta.dirname, "../..");
export const EXAMPLE_SEED = join(REPO_ROOT, "examples/registry");

export interface TestGateway {
  url: string;
  graphqlUrl: string;
  dir: string;
  gateway: Gateway;
  server: RunningServer;
  /** POSTs a GraphQL operation; returns the parsed JSON body and the HTTP status. */
  gql<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<GqlResult<T>>;
  stop(): Promise<void>;
}

export interface GqlResult<T> {
  status: number;
  data?: T;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
}

export interface TestGatewayOptions {
  /** Extra or replacement config; backends default to one git-yaml backend "example" seeded from examples/registry. */
  config?: Record<string, unknown>;
  factories?: FactoryMap;
  /** Use a SQLite file in the temp dir instead of :memory:. */
  fileStore?: boolean;
  /** Address to bind (default 127.0.0.1). */
  host?: string;
  /** Webhook dispatcher options (tests: short backoff), or false to not start it. */
  webhooks?: CreateGatewayOptions["webhooks"];
  /** More createGateway options (clocks, background switches). */
  gatewayOptions?: Partial<Omit<CreateGatewayOptions, "logger" | "store" | "factories" | "webhooks">>;
}

export async function startTestGateway(opts: TestGatewayOptions = {}): Promise<TestGateway> {
  const dir = await mkdtemp(join(tmpdir(), "modelgate-test-"));
  const config = configSchema.parse({
    logLevel: "silent",
    backends: [{ id: "example", kind: "git-yaml", repo: join(dir, "registry"), seedFrom: EXAMPLE_SEED }],
    ...opts.config,
    server: { port: 0, ...(opts.config?.server as object | undefined) },
  });
  const loaded: LoadedConfig = { config, configDir: dir, dataDir: join(dir, "data") };
  const logger = createLogger(config.logLevel);
  const store = await openSqliteStore({ file: opts.fileStore ? join(dir, "modelgate.db") : ":memory:" });
  const gateway = await createGateway(loaded, {
    logger,
    store,
    ...(opts.factories ? { factories: opts.factories } : {}),
    ...(opts.webhooks === undefined ? {} : { webhooks: opts.webhooks }),
    ...opts.gatewayOptions,
  });
  let server: RunningServer;
  try {
    server = await startServer(gateway, { host: opts.host ?? "127.0.0.1", port: 0 });
  } catch (err) {
    await gateway.close();
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  const graphqlUrl = `${server.url}/graphql`;
  return {
    url: server.url,
    graphqlUrl,
    dir,
    gateway,
    server,
    async gql<T>(query: string, variables?: Record<string, unknown>, headers: Record<string, string> = {}) {
      const res = await fetch(graphqlUrl, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: JSON.stringify({ query, ...(variables ? { variables } : {}) }),
      });
      const body = (await res.json()) as Omit<GqlResult<T>, "status">;
      return { status: res.status, ...body };
    },
    async stop() {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
