import { createRequire } from "node:module";
import { defineConfig } from "vitest/config";

const require = createRequire(import.meta.url);

export default defineConfig({
  resolve: {
    // One copy of graphql: Node loads graphql's CommonJS build for every external package
    // (Apollo, graphql-http), so the code vitest transforms must get that same file, not index.mjs.
    alias: [{ find: /^graphql$/, replacement: require.resolve("graphql") }],
  },
  test: {
    include: ["src/**/*.test.ts", "adapters/**/*.test.ts", "test/**/*.test.ts"],
    // Real peers (mlflow server, ...) started once per run; see test/peers/.
    globalSetup: ["test/peers/global-setup.ts"],
    // type-graphql and graphql-scalars are transformed with our code so they share that one copy.
    server: { deps: { inline: ["type-graphql", "graphql-scalars"] } },
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: "forks",
  },
});
