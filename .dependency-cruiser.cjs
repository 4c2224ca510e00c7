/**
 * The layers, enforced (`npm run lint` runs this after eslint). Lower layers never import higher
 * ones, so no two folders depend on each other; docs/architecture.md draws the same picture.
 *
 *   core ← config ← observability ← store ← catalog ← audit ← workflow ← events ← app ← graphql ← http ← cli
 *   adapters/* import only core, and only app and above import adapters; src/client imports nothing
 *   of ours (it knows only HTTP), and anything may import it. packages/* (adapters published on
 *   their own) import only `modelgate/core`, and nothing of the gateway imports them.
 *
 * Tests may reach across layers to set things up; the rules apply to the code they test.
 */
const LAYERS = ["core", "config", "observability", "store", "catalog", "audit", "workflow", "events", "app", "graphql", "http", "cli"];
const TESTS = ["\\.test\\.ts$", "\\.contract\\.ts$", "test-helpers\\.ts$"];

const layerRules = LAYERS.slice(0, -1).map((layer, i) => ({
  name: `${layer}-below-${LAYERS.slice(i + 1).join("-")}`,
  comment: `src/${layer} may not import ${LAYERS.slice(i + 1).map((l) => `src/${l}`).join(", ")} (a higher layer) or adapters`,
  severity: "error",
  from: { path: `^src/${layer}/`, pathNot: TESTS },
  // The composition root (app) and above build the adapters; src/client is a leaf anyone may use.
  to: { path: `^(src/(${LAYERS.slice(i + 1).join("|")})/|test/|bench/${LAYERS.indexOf("app") > i ? "|adapters/" : ""})` },
}));

module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: "adapters-only-core",
      comment: "an adapter imports only src/core (the public core entry) and its own folder",
      severity: "error",
      from: { path: "^adapters/([^/]+)/", pathNot: TESTS },
      to: { path: "^(src/|adapters/|test/|bench/)", pathNot: ["^src/core/", "^adapters/$1/"] },
    },
    {
      name: "packages-only-public-core",
      comment:
        "an adapter package (packages/*) imports what a third party's could: the public core entry `modelgate/core`, node builtins, its own dependencies and files",
      severity: "error",
      from: { path: "^packages/([^/]+)/", pathNot: [...TESTS, "^packages/[^/]+/test/"] },
      to: { path: "^(src/|adapters/|test/|bench/|packages/)", pathNot: ["^src/core/index\\.ts$", "^packages/$1/"] },
    },
    {
      name: "packages-core-by-package-name",
      comment: "packages/* reach the core by its package name `modelgate/core` (tsconfig paths in this repository), never by a relative path",
      severity: "error",
      from: { path: "^packages/", pathNot: [...TESTS, "^packages/[^/]+/test/"] },
      to: { path: "^src/core/index\\.ts$", dependencyTypesNot: ["aliased-tsconfig-paths"] },
    },
    {
      name: "nothing-imports-packages",
      comment: "the gateway loads adapter packages only at run time, from config (kind: npm:<package>)",
      severity: "error",
      from: { pathNot: ["^packages/", ...TESTS, "^test/", "^bench/"] },
      to: { path: "^packages/" },
    },
    {
      name: "client-knows-only-http",
      comment: "src/client is published on its own: it imports nothing of ours outside src/client",
      severity: "error",
      from: { path: "^src/client/", pathNot: TESTS },
      to: { path: "^(src/|adapters/|test/|bench/)", pathNot: "^src/client/" },
    },
    {
      name: "nothing-imports-the-cli",
      comment: "src/cli is the top: only its own files import it",
      severity: "error",
      from: { pathNot: ["^src/cli/", ...TESTS, "^test/", "^bench/", "^scripts/"] },
      to: { path: "^src/cli/" },
    },
    {
      name: "no-circular",
      comment: "no import cycles between modules",
      severity: "error",
      from: { pathNot: TESTS },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: ["^dist/", "^node_modules/", "^packages/[^/]+/(dist|build)/"] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { exportsFields: ["exports"], conditionNames: ["import", "require", "node", "default"], extensions: [".ts", ".js"] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
