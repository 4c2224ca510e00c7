/**
 * Typed GraphQL documents without a GraphQL library: a document is its query text, a plain string,
 * branded at compile time with the result and variables types graphql-codegen derived from the
 * schema (src/client/generated/graphql.ts). The brand has the shape of `DocumentTypeDecoration`
 * from @graphql-typed-document-node/core, so tools that accept typed documents accept these.
 */
export type TypedDocument<TResult = Record<string, unknown>, TVariables = Record<string, unknown>> = string & {
  /** Compile-time only: never set at runtime. */
  __apiType?: (variables: TVariables) => TResult;
};

/**
 * Joins a document's text with the fragments it spreads (each interpolated once by the generated
 * code), like graphql-tag's `gql` but returning the text itself.
 */
export function gql(strings: TemplateStringsArray, ...fragments: string[]): string {
  return strings.reduce((text, part, i) => text + part + (fragments[i] ?? ""), "");
}
