import { describe, expect, it } from "vitest";
import { PLAIN_SCALARS } from "../test/pyyaml-cases.js";
import { dumpPyYaml, formatPyFloat, newPyYamlDocument, parsePyYaml, PyTimestamp } from "./pyyaml.js";


describe("PyYAML-compatible YAML", () => {
  it.each(PLAIN_SCALARS)("reads the plain scalar %s as PyYAML does", (text, value) => {
    expect(parsePyYaml(`k: ${text}\n`).toJS()).toEqual({ k: value });
  });

  it("reads .nan and an unquoted timestamp (a datetime in Python, kept as written)", () => {
    const js = parsePyYaml("a: .NaN\nb: 2026-12-06 15:59:37.488742+00:00\nc: '2026-12-06'\n").toJS() as Record<string, unknown>;
    expect(js["a"]).toBeNaN();
    expect(js["b"]).toEqual(new PyTimestamp("2026-12-06 15:59:37.488742+00:00"));
    expect(js["c"]).toBe("2026-12-06");
  });

  it("quotes every string PyYAML would read as something else, and no other", () => {
    const strings = ["yes", "No", "1", "012", "1.5", "1:30", "2026-12-06", "2026-12-06T15:59:37.488742+00:00", "=", "<<", "null", "~", "", ".inf"];
    const plain = ["y", "n", "1e3", "0o12", "v3", "tad7kchrucexkax4", "bob, carol"];
    const text = dumpPyYaml(newPyYamlDocument(Object.fromEntries([...strings, ...plain].map((s, i) => [`k${i}`, s]))));
    for (const [i, s] of strings.entries()) expect(text).toContain(`k${i}: '${s}'\n`);
    for (const [i, s] of plain.entries()) expect(text).toContain(`k${strings.length + i}: ${s}\n`);
    expect(parsePyYaml(text).toJS()).toEqual(Object.fromEntries([...strings, ...plain].map((s, i) => [`k${i}`, s])));
  });

  it("writes floats with a dot, as PyYAML's float resolver needs", () => {
    expect(formatPyFloat(0.91)).toBe("0.91");
    expect(formatPyFloat(1e-7)).toBe("1.0e-7");
    expect(formatPyFloat(1e21)).toBe("1.0e+21");
    expect(formatPyFloat(2 ** 60)).toBe("1152921504606847000.0");
    expect(formatPyFloat(NaN)).toBe(".nan");
    expect(formatPyFloat(-Infinity)).toBe("-.inf");
    const text = dumpPyYaml(newPyYamlDocument({ a: 1e-7, b: 300, c: 0.5, d: 2 ** 60, e: true, f: null }));
    expect(text).toBe("a: 1.0e-7\nb: 300\nc: 0.5\nd: 1152921504606847000.0\ne: true\nf: null\n");
  });

  it("rewrites only what an edit changes: untouched scalars keep their exact text", () => {
    const source = [
      "name: demo",
      "version: tad7kchrucexkax4",
      "labels:",
      "  team: risk",
      "  flag: 'yes'",
      "metadata:",
      "  big: 12345678901234567890",
      "  lr: 1.0",
      "  exp: 1.0e-05",
      "  when: 2026-12-06 15:59:37+00:00",
      "  octal: 012",
      "  items:",
      "  - 1",
      "  - 2",
      "creation_time: '2026-12-06T15:59:37.488742+00:00'",
      "",
    ].join("\n");
    const doc = parsePyYaml(source);
    doc.setIn(["labels", "modelgate.stage"], "production");
    expect(dumpPyYaml(doc)).toBe(source.replace("  flag: 'yes'\n", "  flag: 'yes'\n  modelgate.stage: production\n"));
  });

  it("names the line of a syntax error", () => {
    expect(() => parsePyYaml("a: 1\nb: [unclosed\n")).toThrow(expect.objectContaining({ name: "YamlSyntaxError", line: expect.any(Number) }));
  });
});
