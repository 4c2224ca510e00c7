import { buildSchema, parse, specifiedRules, validate } from "graphql";
import { describe, expect, it } from "vitest";
import { safeSpecifiedRules, subscriptionOverHttp, SUBSCRIPTIONS_OVER_HTTP } from "./subscription-rules.js";

const schema = buildSchema(`
  type Query { a: Int }
  type Subscription { events: Int, other: Int }
`);

const ROOT_INCLUDE = "subscription S($on: Boolean!) { events @include(if: $on) }";

describe("subscription rules", () => {
  it("graphql-js's own rule throws on @include with a variable at a subscription's root (why this file exists)", () => {
    expect(() => validate(schema, parse(ROOT_INCLUDE), specifiedRules)).toThrow(/was provided the variable "\$on" which was not provided a runtime value/);
  });

  it("report @skip / @include on a subscription's root selection, through fragments, instead of throwing", () => {
    const messages = (query: string) => validate(schema, parse(query), safeSpecifiedRules).map((e) => e.message);
    expect(messages(ROOT_INCLUDE)).toEqual(['Subscription "S" must not use @include on its top level selection.']);
    expect(messages("subscription { ...F } fragment F on Subscription { ... on Subscription { events @skip(if: false) } }")).toEqual([
      "Anonymous Subscription must not use @skip on its top level selection.",
    ]);
    // Everything else is graphql-js's rule, unchanged.
    expect(messages("subscription { events other }")).toEqual(["Anonymous Subscription must select only one top level field."]);
    expect(messages("subscription S { events } query Q { a @include(if: true) }")).toEqual([]);
  });

  it("refuse a subscription sent over HTTP before validation, whatever its shape", () => {
    for (const query of [ROOT_INCLUDE, "subscription { events }", "subscription { nope }"]) {
      const refusal = subscriptionOverHttp(query, undefined, {});
      expect(refusal?.message).toBe(SUBSCRIPTIONS_OVER_HTTP);
      expect(refusal?.extensions).toEqual({ code: "UNSUPPORTED", http: { status: 400 } });
    }
  });

  it("over HTTP, refuse a query whose document holds a subscription that would make validation throw, and let other documents through", () => {
    const mixed = `query Q { a } ${ROOT_INCLUDE}`;
    expect(subscriptionOverHttp(mixed, "Q", {})).toMatchObject({
      message: 'Subscription "S" must not use @include on its top level selection.',
      extensions: { code: "GRAPHQL_VALIDATION_FAILED", http: { status: 400 } },
    });
    expect(subscriptionOverHttp("query Q { a } subscription S { events }", "Q", {})).toBeUndefined();
    expect(subscriptionOverHttp("{ a }", undefined, {})).toBeUndefined();
    expect(subscriptionOverHttp("subscription {", undefined, {})).toBeUndefined();
  });
});
