/**
 * The console's GraphQL types, generated from the public schema and the operations under
 * ui/src/graphql/operations: `npm run ui:codegen` writes ui/src/graphql/generated.ts (committed);
 * `npm run ui:codegen:check` fails when it is out of date with the schema or the operations.
 * Documents are plain strings (TypedDocumentString): the `graphql` package is not bundled.
 */
import type { CodegenConfig } from "@graphql-codegen/cli";

const config: CodegenConfig = {
  schema: "schema/schema.graphql",
  documents: "ui/src/graphql/operations/*.graphql",
  generates: {
    "ui/src/graphql/generated.ts": {
      plugins: ["typescript-operations", "typed-document-node"],
      config: {
        documentMode: "string",
        enumsAsTypes: true,
        onlyOperationTypes: true,
        useTypeImports: true,
        skipTypename: true,
        strictScalars: true,
        scalars: { DateTime: "string", JSON: "unknown", JSONObject: "Record<string, unknown>" },
      },
    },
  },
};

export default config;
