import { buildSchema, getIntrospectionQuery, GraphQLError, parse, specifiedRules, validate } from "graphql";
import { describe, expect, it } from "vitest";
import { limitsSchema, type LimitsConfig } from "../config/schema.js";
import { createQueryLimits, limitErrorIn, withoutSuggestions } from "./limits.js";

const schema = buildSchema(`
  type Node { name: String, child: Node, children(first: Int): [Node!]! }
  type Query { root: Node, nodes(first: Int): [Node!]! }
`);

function limitsOf(overrides: Partial<LimitsConfig> = {}) {
  return createQueryLimits(limitsSchema.parse(overrides), { schema, hideSuggestions: false });
}

/** What the HTTP and WebSocket transports do with a document: the pre-check, then graphql-js's rules with the limits. */
function check(query: string, overrides: Partial<LimitsConfig> = {}): { message: string; extensions: Record<string, unknown> }[] {
  const limits = limitsOf(overrides);
  const refusals = limits.precheck(query);
  if (refusals.length > 0) return refusals.map((e) => ({ message: e.message, extensions: e.extensions }));
  return validate(schema, parse(query, limits.parseOptions), [...specifiedRules, ...limits.rules]).map((e) => ({ message: e.message, extensions: e.extensions }));
}

const messages = (query: string, overrides?: Partial<LimitsConfig>) => check(query, overrides).map((e) => e.message);

/** `fragment F<i> on Query { ...F<i+1> ...F<i+1> }`: 2^levels paths through `levels + 1` fragments. */
function doubling(levels: number, leaf: string): string {
  const fragments = Array.from({ length: levels }, (_, i) => `fragment F${i} on Query { ...F${i + 1} ...F${i + 1} }`);
  return `query Doubling { ...F0 }\n${fragments.join("\n")}\nfragment F${levels} on Query { ${leaf} }`;
}

describe("query limits", () => {
  it("accept a query at the depth limit and refuse one past it, naming the depth, the limit and its key", () => {
    expect(check("{ root { child { name } } }", { maxDepth: 3 })).toEqual([]);
    expect(check("{ root { child { child { name } } } }", { maxDepth: 3 })).toEqual([
      { message: "query depth 4 is over the limit of 3 (limits.maxDepth)", extensions: { code: "QUERY_TOO_COMPLEX", limit: "maxDepth", max: 3 } },
    ]);
  });

  it("count depth through fragments as the response nests (a spread adds no level), and do not loop on cycles", () => {
    expect(messages("query { root { ...F } } fragment F on Node { child { name } }", { maxDepth: 3 })).toEqual([]);
    expect(messages("query { root { ...F } } fragment F on Node { child { child { name } } }", { maxDepth: 3 })).toEqual([
      "query depth 4 is over the limit of 3 (limits.maxDepth)",
    ]);
    const cycle = messages("query { root { ...A } } fragment A on Node { child { ...B } } fragment B on Node { name ...A }");
    expect(cycle).toContain('Cannot spread fragment "A" within itself via "B".');
  });

  it("refuse a fragment spread twice per level, 40 levels deep, by its cost (each fragment measured once)", () => {
    // The hand-written depth limit this replaced walked 2^40 paths here: the process froze for days.
    expect(check(doubling(40, "root { name }"))).toEqual([
      { message: "query cost 8.2e+16 is over the limit of 1000000 (limits.maxCost)", extensions: { code: "QUERY_TOO_COMPLEX", limit: "maxCost", max: 1_000_000 } },
      {
        message: '"root.name" selected 1.1e+12 times at one place in the response is over the limit of 50 (limits.maxFieldRepeats)',
        extensions: { code: "QUERY_TOO_COMPLEX", limit: "maxFieldRepeats", max: 50 },
      },
    ]);
    expect(messages(doubling(3, "root { name }"))).toEqual([]);
  });

  it("count aliases hidden inside fragments once per use of the fragment", () => {
    const query = `query { ...A ...B } fragment A on Query { ...B ...B } fragment B on Query { a: root { name } b: root { name } }`;
    // B is used three times (once directly, twice through A): six aliases.
    expect(check(query, { maxAliases: 5 })).toEqual([
      { message: "alias count 6 is over the limit of 5 (limits.maxAliases)", extensions: { code: "QUERY_TOO_COMPLEX", limit: "maxAliases", max: 5 } },
    ]);
    expect(messages(query, { maxAliases: 6 })).toEqual([]);
  });

  it("count directives the same way", () => {
    const query = "query { ...A ...A } fragment A on Query { root @include(if: true) { name @skip(if: false) } }";
    expect(messages(query, { maxDirectives: 3 })).toEqual(["directive count 4 is over the limit of 3 (limits.maxDirectives)"]);
    expect(messages(query, { maxDirectives: 4 })).toEqual([]);
  });

  it("price pages by their literal size", () => {
    // root: 2 + 1.5 * name (1) = 3.5 per node, 100 nodes.
    expect(messages("{ nodes(first: 100) { name } }", { maxCost: 350 })).toEqual([]);
    expect(messages("{ nodes(first: 100) { name } }", { maxCost: 349 })).toEqual(["query cost 350 is over the limit of 349 (limits.maxCost)"]);
  });

  it("admit graphql-js's standard introspection query (GraphiQL, graphql-codegen) with the defaults", () => {
    const full = getIntrospectionQuery({ descriptions: true, specifiedByUrl: true, directiveIsRepeatable: true, schemaDescription: true, inputValueDeprecation: true, oneOf: true });
    expect(messages(full)).toEqual([]);
    // 15 deep: one less refuses it, and it counts towards maxIntrospectionDepth only.
    expect(messages(full, { maxIntrospectionDepth: 14 })).toEqual(["introspection depth 15 is over the limit of 14 (limits.maxIntrospectionDepth)"]);
    expect(messages(full, { maxDepth: 2 })).toEqual([]);
  });

  it("refuse deep introspection, through fragments too", () => {
    const chain = (n: number) => `${"ofType { ".repeat(n)}name${" }".repeat(n)}`;
    expect(check(`{ __schema { types { fields { type { ${chain(30)} } } } } }`)).toEqual([
      {
        message: "introspection depth 35 is over the limit of 15 (limits.maxIntrospectionDepth)",
        extensions: { code: "QUERY_TOO_COMPLEX", limit: "maxIntrospectionDepth", max: 15 },
      },
    ]);
    const viaFragments = `{ __schema { types { ...T ...T } } } fragment T on __Type { fields { type { ...R } } } fragment R on __Type { ${chain(20)} }`;
    expect(messages(viaFragments)).toEqual(["introspection depth 25 is over the limit of 15 (limits.maxIntrospectionDepth)"]);
  });

  it("stop parsing past maxTokens", () => {
    expect(check(`{ ${"root { name } ".repeat(30)} }`, { maxTokens: 100 })).toEqual([
      { message: "token count is over the limit of 100 (limits.maxTokens)", extensions: { code: "QUERY_TOO_COMPLEX", limit: "maxTokens", max: 100 } },
    ]);
    expect(messages(`{ ${"root { name } ".repeat(20)} }`, { maxTokens: 100 })).toEqual([]);
  });

  it("refuse a document longer than maxCharacters before parsing it, and in validation for a parsed one", () => {
    const long = `{ root { name } } # ${"x".repeat(200)}`;
    expect(messages(long, { maxCharacters: 100 })).toEqual([`query length ${long.length} is over the limit of 100 (limits.maxCharacters)`]);
    const limits = limitsOf({ maxCharacters: 100 });
    expect(validate(schema, parse(long), [...limits.rules]).map((e) => e.message)).toEqual([`query length ${long.length} is over the limit of 100 (limits.maxCharacters)`]);
  });

  it("refuse one field selected too often at one place in the response, through fragments and nesting", () => {
    const flood = `{ ${"nodes { name } ".repeat(60)} }`;
    expect(check(flood)).toEqual([
      {
        message: '"nodes.name" selected 60 times at one place in the response is over the limit of 50 (limits.maxFieldRepeats)',
        extensions: { code: "QUERY_TOO_COMPLEX", limit: "maxFieldRepeats", max: 50 },
      },
    ]);
    // 8 x 8 = 64 selections of root.name, though no selection set repeats a name more than 8 times.
    const nested = `query { ...R } fragment R on Query { ${"root { ...N } ".repeat(8)} } fragment N on Node { ${"name ".repeat(8)} }`;
    expect(messages(nested)).toEqual(['"root.name" selected 64 times at one place in the response is over the limit of 50 (limits.maxFieldRepeats)']);
    expect(messages(nested, { maxFieldRepeats: 64 })).toEqual([]);
    // Aliases are other places: a: and b: do not repeat each other.
    expect(messages(`{ ${Array.from({ length: 30 }, (_, i) => `a${i}: root { name }`).join(" ")} }`)).toEqual([]);
  });

  it("pre-check the limits only (graphql-js's rules run after it), and remember accepted texts", () => {
    const limits = limitsOf({ maxDepth: 3 });
    expect(limits.precheck("{ root { nope } }")).toEqual([]);
    expect(limits.precheck("{ root {")).toEqual([]);
    expect(limits.precheck("{ root { child { child { name } } } }").map((e) => e.message)).toEqual(["query depth 4 is over the limit of 3 (limits.maxDepth)"]);
    expect(limits.precheck("{ root { child { child { name } } } }")).toHaveLength(1);
    const accepted = "{ root { name } }";
    expect(limits.precheck(accepted)).toEqual([]);
    expect(limits.precheck(accepted)).toEqual([]);
  });

  it("refuse thousands of nested selections as too deep, even where they exhaust the parser's stack", () => {
    const limits = limitsOf({ maxTokens: 10_000, maxCharacters: 1_000_000 });
    for (const levels of [1_000, 3_300]) {
      const refusals = limits.precheck(`{ root { ${"child { ".repeat(levels)}name${" }".repeat(levels)} } }`);
      expect(refusals.map((e) => e.extensions)).toEqual([{ code: "QUERY_TOO_COMPLEX", limit: "maxDepth", max: 12 }, ...refusals.slice(1).map(() => expect.anything())]);
    }
  });

  it("leave other parse errors alone", () => {
    const limits = limitsOf();
    const error = new GraphQLError("Syntax Error: Expected Name, found <EOF>.");
    expect(limits.fromParseError(error)).toBe(error);
  });

  it("find a refusal wrapped by another error (Apollo wraps validation errors)", () => {
    const [refusal] = validate(schema, parse("{ a: root { name } b: root { name } }"), [...limitsOf({ maxAliases: 1 }).rules]);
    const wrapped = new GraphQLError("wrapped", { originalError: refusal! });
    expect(limitErrorIn(wrapped)).toBe(refusal);
    expect(limitErrorIn(new GraphQLError("other"))).toBeUndefined();
  });

  it("strip graphql-js suggestions from a message", () => {
    expect(withoutSuggestions('Variable "$s" got invalid value "PROD"; Value "PROD" does not exist in "Stage" enum. Did you mean the enum value "PRODUCTION"?')).toBe(
      'Variable "$s" got invalid value "PROD"; Value "PROD" does not exist in "Stage" enum.',
    );
    expect(withoutSuggestions('Cannot query field "modelz" on type "Query". Did you mean "models" or "model"?')).toBe('Cannot query field "modelz" on type "Query".');
  });
});
