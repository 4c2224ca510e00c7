import { describe, expect, it } from "vitest";
import { substituteEnvVars } from "./substitute.js";

describe("substituteEnvVars", () => {
  const env = { TOKEN: "abc", HOST: "db.internal", EMPTY: "" };

  it("replaces every reference in a string, inside nested mappings and lists", () => {
    const result = substituteEnvVars(
      { a: { url: "https://${HOST}/api?t=${TOKEN}" }, list: ["x", "${TOKEN}"] },
      env,
    );
    expect(result.value).toEqual({ a: { url: "https://db.internal/api?t=abc" }, list: ["x", "abc"] });
    expect(result.problems).toEqual([]);
    expect(result.substituted).toEqual([["a", "url"], ["list", 1]]);
  });

  it("leaves keys, non-strings and text without references alone", () => {
    const input = { "${TOKEN}": 1, n: 5, b: true, nil: null, price: "$5 or $$5", brace: "{TOKEN}" };
    const result = substituteEnvVars(input, env);
    expect(result.value).toEqual(input);
    expect(result.substituted).toEqual([]);
  });

  it("uses the :- default when the variable is unset or empty, and the value otherwise", () => {
    const result = substituteEnvVars(
      { unset: "${NOPE:-fallback}", empty: "${EMPTY:-fallback}", set: "${HOST:-fallback}", blankDefault: "${NOPE:-}" },
      env,
    );
    expect(result.value).toEqual({ unset: "fallback", empty: "fallback", set: "db.internal", blankDefault: "" });
  });

  it("substitutes a set but empty variable as empty text", () => {
    expect(substituteEnvVars({ v: "[${EMPTY}]" }, env).value).toEqual({ v: "[]" });
  });

  it("writes $${ as a literal ${", () => {
    expect(substituteEnvVars({ v: "$${TOKEN} is ${TOKEN}" }, env).value).toEqual({ v: "${TOKEN} is abc" });
  });

  it("reports missing variables, bad names and unterminated references with their key", () => {
    const result = substituteEnvVars({ a: "${MISSING}", b: ["${1BAD}"], c: "${TOKEN" }, env);
    expect(result.problems).toEqual([
      { path: ["a"], message: "environment variable MISSING is not set (referenced as ${MISSING})" },
      { path: ["b", 0], message: expect.stringMatching(/^invalid reference "\$\{1BAD\}"/) },
      { path: ["c"], message: expect.stringMatching(/^unterminated "\$\{"/) },
    ]);
  });
});
