import { buildSchema, parse, validate, specifiedRules } from "graphql";
import { describe, expect, it } from "vitest";
import { aliasLimit, depthLimit } from "./limits.js";

const schema = buildSchema(`
  type Node { name: String, child: Node }
  type Query { root: Node }
`);

function errors(query: string, rules = [depthLimit(3), aliasLimit(2)]) {
  return validate(schema, parse(query), [...specifiedRules, ...rules]).map((e) => e.message);
}

describe("query limits", () => {
  it("accept a query at the depth limit", () => {
    expect(errors("{ root { child { name } } }")).toEqual([]);
  });

  it("refuse a query past the depth limit, saying how deep it is", () => {
    expect(errors("{ root { child { child { name } } } }")).toEqual(["query is nested 4 levels deep; the limit is 3"]);
  });

  it("count depth through fragments and do not loop on them", () => {
    const q = "query { root { ...F } } fragment F on Node { child { child { name } } }";
    expect(errors(q)).toEqual(["query is nested 4 levels deep; the limit is 3"]);
  });

  it("ignore introspection fields for depth", () => {
    expect(errors("{ __schema { types { fields { type { name } } } } }")).toEqual([]);
  });

  it("refuse more aliases than allowed", () => {
    expect(errors("{ a: root { name } b: root { name } }")).toEqual([]);
    expect(errors("{ a: root { name } b: root { name } c: root { name } }")).toEqual(["query uses more than 2 field aliases"]);
  });
});
