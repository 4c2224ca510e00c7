import { describe, expect, it } from "vitest";
import { CanonicalJsonError, canonicalJson } from "./canonical-json.js";

function fromIeee754(hex: string): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setBigUint64(0, BigInt(`0x${hex}`));
  return view.getFloat64(0);
}

describe("canonicalJson (RFC 8785)", () => {
  it("canonicalizes the RFC's section 3.2.2 example", () => {
    const input = `{
      "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
      "string": "\\u20ac$\\u000F\\u000aA'\\u0042\\u0022\\u005c\\\\\\"\\/",
      "literals": [null, true, false]
    }`;
    expect(canonicalJson(JSON.parse(input))).toBe(
      `{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],` +
        `"string":"€$\\u000f\\nA'B\\"\\\\\\\\\\"/"}`,
    );
  });

  it("sorts members by UTF-16 code units (the RFC's section 3.2.3 example)", () => {
    const input = `{
      "\\u20ac": "Euro Sign",
      "\\r": "Carriage Return",
      "\\ufb33": "Hebrew Letter Dalet With Dagesh",
      "1": "One",
      "\\ud83d\\ude00": "Emoji: Grinning Face",
      "\\u0080": "Control",
      "\\u00f6": "Latin Small Letter O With Diaeresis"
    }`;
    expect(canonicalJson(JSON.parse(input))).toBe(
      `{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis",` +
        `"\u20ac":"Euro Sign","\u{1f600}":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}`,
    );
  });

  // RFC 8785 Appendix B: IEEE 754 bit patterns and their canonical text.
  const numbers: Array<[string, string]> = [
    ["0000000000000000", "0"],
    ["8000000000000000", "0"],
    ["0000000000000001", "5e-324"],
    ["8000000000000001", "-5e-324"],
    ["7fefffffffffffff", "1.7976931348623157e+308"],
    ["ffefffffffffffff", "-1.7976931348623157e+308"],
    ["4340000000000000", "9007199254740992"],
    ["c340000000000000", "-9007199254740992"],
    ["4430000000000000", "295147905179352830000"],
    ["44b52d02c7e14af5", "9.999999999999997e+22"],
    ["44b52d02c7e14af6", "1e+23"],
    ["44b52d02c7e14af7", "1.0000000000000001e+23"],
    ["444b1ae4d6e2ef4e", "999999999999999700000"],
    ["444b1ae4d6e2ef4f", "999999999999999900000"],
    ["444b1ae4d6e2ef50", "1e+21"],
    ["3eb0c6f7a0b5ed8c", "9.999999999999997e-7"],
    ["3eb0c6f7a0b5ed8d", "0.000001"],
    ["41b3de4355555553", "333333333.3333332"],
    ["41b3de4355555554", "333333333.33333325"],
    ["41b3de4355555555", "333333333.3333333"],
    ["41b3de4355555556", "333333333.3333334"],
    ["41b3de4355555557", "333333333.33333343"],
    ["becbf647612f3696", "-0.0000033333333333333333"],
    ["43143ff3c1cb0959", "1424953923781206.2"],
  ];
  it.each(numbers)("serializes the number 0x%s as %s", (bits, expected) => {
    expect(canonicalJson(fromIeee754(bits))).toBe(expected);
  });

  it.each([
    ["7fffffffffffffff", "NaN"],
    ["7ff0000000000000", "Infinity"],
    ["fff0000000000000", "-Infinity"],
  ])("rejects the non-finite number 0x%s (%s)", (bits) => {
    expect(() => canonicalJson(fromIeee754(bits))).toThrow(CanonicalJsonError);
  });

  it("writes no whitespace and nests sorted objects inside arrays", () => {
    expect(canonicalJson({ b: [{ z: 1, a: { y: true, x: null } }], a: "" })).toBe(
      '{"a":"","b":[{"a":{"x":null,"y":true},"z":1}]}',
    );
  });

  it("omits undefined properties and applies toJSON (Dates become ISO strings)", () => {
    expect(canonicalJson({ a: undefined, at: new Date("2026-01-02T03:04:05.006Z") })).toBe(
      '{"at":"2026-01-02T03:04:05.006Z"}',
    );
  });

  it("accepts objects without a prototype", () => {
    const bare = Object.create(null) as Record<string, unknown>;
    bare["k"] = 1;
    expect(canonicalJson(bare)).toBe('{"k":1}');
  });

  it("is stable across a parse round trip", () => {
    const value = { n: [0.1, -0, 1e21, 123456789.125], s: "tab\there \u2028 \u{1f600}", nested: { "": [] } };
    const once = canonicalJson(value);
    expect(canonicalJson(JSON.parse(once))).toBe(once);
  });

  it.each<[string, unknown, string]>([
    ["undefined at the top level", undefined, "$"],
    ["undefined in an array", { list: [1, undefined] }, "$.list[1]"],
    ["NaN inside an object", { metrics: { "f1 score": Number.NaN } }, '$.metrics["f1 score"]'],
    ["a bigint", { n: 1n }, "$.n"],
    ["a function", { f: () => 1 }, "$.f"],
    ["a symbol", [Symbol("s")], "$[0]"],
    ["a Map", { m: new Map() }, "$.m"],
    ["a class instance", { e: new (class Thing {})() }, "$.e"],
    ["an invalid Date", { d: new Date(Number.NaN) }, "$.d"],
    ["a lone surrogate in a value", { s: "a\ud800b" }, "$.s"],
    ["a lone surrogate in a key", { "\udc00": 1 }, '$["\\udc00"]'],
  ])("rejects %s, naming where it is", (_label, value, path) => {
    let caught: unknown;
    try {
      canonicalJson(value);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(CanonicalJsonError);
    expect((caught as CanonicalJsonError).path).toBe(path);
    expect((caught as Error).message).toContain(`at ${path}`);
  });

  it("rejects cycles but accepts the same object twice side by side", () => {
    const shared = { v: 1 };
    expect(canonicalJson({ a: shared, b: shared })).toBe('{"a":{"v":1},"b":{"v":1}}');
    const cyclic: Record<string, unknown> = {};
    cyclic["self"] = cyclic;
    expect(() => canonicalJson(cyclic)).toThrow(/circular reference at \$\.self/);
  });
});
