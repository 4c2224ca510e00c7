/**
 * graphql-codegen: TypeScript types and typed documents from schema/schema.graphql and the
 * operations each consumer sends. `npm run codegen` writes every output below; `npm run
 * codegen:check` (CI) fails when a committed output differs from what the schema and operations
 * give (scripts/codegen.ts). Each consumer has its own `generates` entry with its own
 * `documents`, reusing `shared`: the client (src/client) and the web console (ui/).
 */
import type { CodegenConfig } from "@graphql-codegen/cli";

/** Scalars as they travel in JSON. `strictScalars` makes a new schema scalar fail generation until it is mapped here. */
export const scalars = {
  DateTime: "string",
  JSON: "unknown",
  JSONObject: "Record<string, unknown>",
};

/**
 * Plain types and no runtime code of the plugins' own: string-literal unions for enums, no
 * __typename, optional inputs as `field?: T` (leave a field out rather than send null), fragment
 * types named where an operation spreads them.
 */
export const shared = {
  scalars,
  strictScalars: true,
  enumType: "string-literal",
  skipTypename: true,
  useTypeImports: true,
  inputMaybeValue: "T",
  inlineFragmentTypes: "combine",
} as const;

/** Marks each output as generated (a local plugin: scripts/codegen-banner.mjs). */
export const BANNER = "./scripts/codegen-banner.mjs";

const config: CodegenConfig = {
  schema: "schema/schema.graphql",
  generates: {
    // modelgate/client is published dependency-free: its documents are plain strings typed as
    // TypedDocument (src/client/typed-document.ts), joined by its own `gql` tag.
    "src/client/generated/graphql.ts": {
      documents: "src/client/operations/*.graphql",
      plugins: [BANNER, "typescript-operations", "typed-document-node"],
      config: {
        ...shared,
        documentMode: "graphQLTag",
        gqlImport: "../typed-document.js#gql",
        documentNodeImport: "../typed-document.js#TypedDocument",
      },
    },
    // The web console (ui/): documents as TypedDocumentString (a String subclass), so the browser
    // bundle carries no `graphql` package.
    "ui/src/graphql/generated.ts": {
      documents: "ui/src/graphql/operations/*.graphql",
      plugins: [BANNER, "typescript-operations", "typed-document-node"],
      config: { ...shared, documentMode: "string" },
    },
  },
};

export default config;
