/**
 * Documents built to make a GraphQL server work hard before it runs anything (the query limits
 * must refuse each early): used by test/api/query-limits.test.ts and bench/limits.ts.
 */

/** A fragment spread twice per level: 2^levels paths through levels + 1 fragments (~1 KB at 40). */
export function doublingFragments(levels: number, operation: "query" | "subscription", onType: string, leaf: string): string {
  const fragments = Array.from({ length: levels }, (_, i) => `fragment F${i} on ${onType} { ...F${i + 1} ...F${i + 1} }`);
  return `${operation} Doubling { ...F0 }\n${fragments.join("\n")}\nfragment F${levels} on ${onType} { ${leaf} }`;
}

/** A field that reaches a backend when the document runs at all. */
export const BACKEND_FIELD = "models(first: 1) { nodes { name } }";

/** 32 aliases, no more than 8 in any one place: only counting each use of a fragment finds them. */
export const ALIASES_IN_FRAGMENTS = `query Hidden { ...A }
fragment A on Query { ...B ...B ...B ...B }
fragment B on Query { ${Array.from({ length: 8 }, (_, i) => `m${i}: ${BACKEND_FIELD}`).join(" ")} }`;

/** `__schema { types { fields { type { ofType × n } } } }` next to BACKEND_FIELD: n + 5 deep. */
export function deepIntrospection(ofTypes: number): string {
  return `query Deep { ${BACKEND_FIELD} __schema { types { fields { type { ${"ofType { ".repeat(ofTypes)}name${" }".repeat(ofTypes)} } } } } }`;
}
