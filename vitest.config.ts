import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const require = createRequire(import.meta.url);

/**
 * Test files that talk to the shared real servers (mlflow server, moto, PostgreSQL) started by the
 * peers' global setup, and the end-to-end tests under test/. Everything else is a unit file and
 * starts no peers: `npx vitest run --project unit` needs no Python venv and no PostgreSQL.
 * A unit file that calls `inject("mlflowUrl" | "motoUrl" | "postgresUrl")` gets undefined: move it here.
 */
export const INTEGRATION_FILES = [
  "test/**/*.test.ts",
  "adapters/mlflow/**/*.test.ts",
  "adapters/sagemaker/**/*.test.ts",
  "src/store/postgres-store.test.ts",
  "src/app/leadership.test.ts",
];

/**
 * Integration files that need a process of their own: OpenTelemetry's instrumentations patch
 * node:http, undici, gRPC and the AWS SDK process-wide, and must see the modules as they load; the
 * fuzz test counts every unhandled rejection and uncaught exception in its process, so one left by
 * another file in a shared worker would be laid at its door.
 * Every other integration file shares its worker's modules (`isolate: false`).
 */
export const ISOLATED_INTEGRATION_FILES = ["test/observability/*.test.ts", "test/api/fuzz.test.ts"];

const UNIT_FILES = ["src/**/*.test.ts", "adapters/**/*.test.ts", "ui/src/**/*.test.ts", "packages/*/src/**/*.test.ts", "packages/*/test/**/*.test.ts"];

/**
 * Unit files that need a process of their own, run isolated as before: module mocks (vi.mock
 * replaces a module for the whole file), OpenTelemetry's process-global tracer provider and
 * propagator, prom-client's registry, environment variables. Every other unit file shares its
 * worker's modules (`isolate: false`).
 */
export const ISOLATED_UNIT_FILES = [
  "adapters/git-yaml/write-retry.test.ts",
  "adapters/vertex/no-credential-discovery.test.ts",
  "src/catalog/resilient-adapter-telemetry.test.ts",
  "src/http/metrics-endpoint.test.ts",
  "src/observability/*.test.ts",
];

export default defineConfig({
  resolve: {
    // One copy of graphql: Node loads graphql's CommonJS build for every external package
    // (Apollo, graphql-http), so the code vitest transforms must get that same file, not index.mjs.
    alias: [
      { find: /^graphql$/, replacement: require.resolve("graphql") },
      // Adapter packages (packages/*) import the gateway's public core entry by its package name;
      // in this repository that is the source (packages/adapter-bentoml/README.md, "Developing").
      { find: /^modelgate\/core$/, replacement: fileURLToPath(new URL("./src/core/index.ts", import.meta.url)) },
    ],
  },
  test: {
    // type-graphql and graphql-scalars are transformed with our code so they share that one copy.
    server: { deps: { inline: ["type-graphql", "graphql-scalars"] } },
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: "forks",
    // Most files spend their time waiting on peers (mlflow server, moto, PostgreSQL, chromium,
    // Python subprocesses), so two files at a time shorten the run even on 2 cores; vitest's
    // default there is one (cores - 1). With two, the whole suite (1,510 tests) took 9 min 15 s on
    // an otherwise quiet 2-core machine; with one, the 1,345 tests before it had grown took 21 min
    // under other load (no like-for-like figure).
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: UNIT_FILES,
          exclude: [...INTEGRATION_FILES, ...ISOLATED_UNIT_FILES],
          // Unit files share one module graph per worker: importing the gateway's modules once per
          // worker instead of once per file took the unit project from about 220 s to 52 s on 2
          // cores (and makes the Node 22 and 24 runs in .ci/run affordable). A unit file must
          // therefore leave no global state behind; one that mocks modules goes in ISOLATED_UNIT_FILES.
          isolate: false,
        },
      },
      {
        extends: true,
        test: { name: "unit-isolated", include: ISOLATED_UNIT_FILES },
      },
      {
        extends: true,
        test: {
          name: "integration",
          include: INTEGRATION_FILES,
          exclude: ISOLATED_INTEGRATION_FILES,
          // Real peers started once per run, only when an integration file runs; see test/peers/.
          globalSetup: ["test/peers/global-setup.ts"],
          // As in the unit project: each worker imports the gateway's modules once, not once per
          // file (the suite's wall time went from about 610 s to 430 s on 2 cores). Every file
          // stops what it starts (servers, gateways, timers) in its afterAll.
          isolate: false,
        },
      },
      {
        extends: true,
        test: {
          name: "integration-isolated",
          include: ISOLATED_INTEGRATION_FILES,
          // The same peers as the integration project: the setup starts them once for both.
          globalSetup: ["test/peers/global-setup.ts"],
        },
      },
    ],
  },
});
