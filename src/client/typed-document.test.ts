/**
 * Typed documents without a GraphQL library: `gql` joins a document with its fragments, and
 * ModelgateClient.graphql sends a typed document's text while taking its result and variables
 * types from it.
 */
import { describe, expect, expectTypeOf, it } from "vitest";
import { ModelgateClient, type GraphQLResult } from "./client.js";
import { ModelgateBackendsDocument, ModelgateDeploymentDocument, type ModelgateBackendsQuery } from "./generated/graphql.js";
import type { FetchLike } from "./transport.js";
import { gql, type TypedDocument } from "./typed-document.js";

function answering(data: unknown): { fetch: FetchLike; bodies: unknown[] } {
  const bodies: unknown[] = [];
  return {
    bodies,
    fetch: async (_url, init) => {
      bodies.push(JSON.parse(String(init.body)));
      return new Response(JSON.stringify({ data }), { status: 200, headers: { "content-type": "application/json" } });
    },
  };
}

describe("typed documents", () => {
  it("gql joins a document's text with the fragments interpolated into it", () => {
    const fragment = gql`fragment F on Query { a }`;
    expect(gql`query Q { ...F }\n${fragment}`).toBe("query Q { ...F }\nfragment F on Query { a }");
    expect(gql`{ a }`).toBe("{ a }");
  });

  it("the generated documents are their query text, each fragment they spread once", () => {
    expect(typeof ModelgateBackendsDocument).toBe("string");
    expect(ModelgateBackendsDocument.trim().startsWith("query ModelgateBackends {")).toBe(true);
    const fragments = [...ModelgateDeploymentDocument.matchAll(/^\s*fragment (\w+) on/gm)].map((m) => m[1]).sort();
    expect(fragments).toEqual(["ComponentFields", "DeploymentFields", "RevisionFields"]);
  });

  it("ModelgateClient.graphql sends a typed document's text and types the result from it", async () => {
    const { fetch, bodies } = answering({ backends: [] });
    const client = new ModelgateClient({ url: "http://gw", fetch });
    const result = await client.graphql(ModelgateBackendsDocument);
    expectTypeOf(result).toEqualTypeOf<GraphQLResult<ModelgateBackendsQuery>>();
    expect(result).toEqual({ data: { backends: [] }, errors: [] });
    expect(bodies).toEqual([{ query: ModelgateBackendsDocument }]);
  });

  it("takes the variables' type from the document, and query text as before", async () => {
    const doc = "query Count($n: Int!) { count(n: $n) }" as TypedDocument<{ count: number }, { n: number }>;
    const { fetch, bodies } = answering({ count: 3 });
    const client = new ModelgateClient({ url: "http://gw", fetch });
    const { data } = await client.graphql(doc, { n: 2 });
    expectTypeOf(data).toEqualTypeOf<{ count: number }>();
    expect(data.count).toBe(3);
    // @ts-expect-error a variable of the wrong type does not compile (never called: no request)
    const wrongVariables = () => client.graphql(doc, { n: "2" });
    expect(wrongVariables).toBeTypeOf("function");
    const untyped = await client.graphql<{ count: number }>("query { count(n: 1) }");
    expectTypeOf(untyped.data).toEqualTypeOf<{ count: number }>();
    expect(bodies).toEqual([{ query: doc, variables: { n: 2 } }, { query: "query { count(n: 1) }" }]);
  });

  it("accepts what graphql-codegen's TypedDocumentString gives from toString()", () => {
    // The shape of @graphql-typed-document-node/core's DocumentTypeDecoration, declared here so the
    // client needs no such package.
    type Decorated<R, V> = string & { __apiType?: (variables: V) => R; __resultType?: R; __variablesType?: V };
    const text = "query { count }" as Decorated<{ count: number }, Record<string, never>>;
    expectTypeOf(text).toMatchTypeOf<TypedDocument<{ count: number }, Record<string, never>>>();
  });
});
