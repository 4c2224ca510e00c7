import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/**", "node_modules/**", "coverage/**", "bench/results/**", ".dependency-cruiser.cjs", "ui/src/graphql/generated.ts", "packages/*/dist/**", "packages/*/build/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: "readonly", console: "readonly", Buffer: "readonly", URL: "readonly" } },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_" }],
      "@typescript-eslint/no-explicit-any": "error",
      "no-constant-condition": ["error", { checkLoops: false }],
      eqeqeq: ["error", "always", { null: "ignore" }],
    },
  },
  {
    // Type-aware: a promise is awaited, returned, or explicitly let go (`void`), never dropped.
    files: ["**/*.ts", "ui/**/*.tsx"],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": "error",
    },
  },
  {
    // Core imports nothing else of ours; adapters import only core (the layers as a whole are
    // enforced by dependency-cruiser: .dependency-cruiser.cjs).
    files: ["src/core/**/*.ts"],
    rules: {
      "no-restricted-imports": ["error", { patterns: ["../*/**", "../../*"] }],
    },
  },
  {
    // Adapter packages import the gateway only as a third party can: `modelgate/core` by name.
    files: ["packages/*/src/**/*.ts"],
    ignores: ["packages/*/src/**/*.test.ts"],
    rules: {
      "no-restricted-imports": ["error", { patterns: [{ group: ["../../*"], message: "import the gateway as \"modelgate/core\", nothing else of it" }] }],
    },
  },
  {
    files: ["adapters/**/*.ts"],
    ignores: ["adapters/**/*.test.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: ["**/src/store/**", "**/src/graphql/**", "**/src/workflow/**", "**/src/config/**", "**/src/catalog/**", "**/src/app/**", "**/src/http/**"] },
      ],
    },
  },
);
