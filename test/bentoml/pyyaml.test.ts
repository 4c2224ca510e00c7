/**
 * The adapter's YAML against the real PyYAML that BentoML uses (yaml.safe_load / safe_dump in the
 * peers' venv): plain scalars read as PyYAML reads them, and what the adapter writes reads back in
 * Python as the values it meant, types included.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PLAIN_SCALARS } from "../../packages/adapter-bentoml/test/pyyaml-cases.js";
import { dumpPyYaml, newPyYamlDocument, parsePyYaml } from "../../packages/adapter-bentoml/src/pyyaml.js";
import { python } from "./python.js";

/** Python values as JSON can carry them, with their Python type. */
const ENCODE = `
import json, math, datetime
def enc(v):
    if isinstance(v, bool): return ["bool", v]
    if isinstance(v, float): return ["float", repr(v) if (math.isinf(v) or math.isnan(v)) else v]
    if isinstance(v, int): return ["int", str(v)]
    if v is None: return ["null", None]
    if isinstance(v, str): return ["str", v]
    if isinstance(v, (datetime.date, datetime.datetime)): return ["timestamp", v.isoformat()]
    if isinstance(v, list): return ["list", [enc(x) for x in v]]
    if isinstance(v, dict): return ["dict", {str(k): enc(x) for k, x in v.items()}]
    return ["other", type(v).__name__]
`;

let home: string;
beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), "modelgate-pyyaml-"));
});
afterAll(async () => {
  await rm(home, { recursive: true, force: true });
});

describe("YAML as PyYAML reads and writes it", () => {
  it("reads every plain scalar of the table as PyYAML does", async () => {
    const texts = PLAIN_SCALARS.map(([text]) => text);
    const py = await python<[string, unknown][]>(
      home,
      `${ENCODE}
import yaml
texts = json.loads(${JSON.stringify(JSON.stringify(texts))})
print(json.dumps([enc(yaml.safe_load("k: " + t)["k"]) for t in texts]))
`,
    );
    for (const [i, [text, ours]] of PLAIN_SCALARS.entries()) {
      const [type, value] = py[i]!;
      const expected =
        type === "float" && typeof value === "string" ? Number(value.replace("inf", "Infinity")) : type === "int" ? Number(value) : value;
      expect({ text, value: ours }).toEqual({ text, value: expected });
      expect(parsePyYaml(`k: ${text}\n`).toJS()).toEqual({ k: ours });
    }
  });

  it("writes what PyYAML reads back as the same values and types", async () => {
    const value = {
      strings: ["yes", "No", "on", "y", "n", "1", "012", "0o12", "1e3", "1.5", "1:30", "2026-12-06", "2026-12-06T15:59:37.488742+00:00", "=", "<<", "null", "~", "", "it's", "a: b", "- x", "#x", "é"],
      ints: [0, 300, -5, 9007199254740991],
      floats: [0.91, 1e-7, 1.5e-7, 1e21, 0.1 + 0.2, -2.5],
      flags: [true, false],
      nothing: null,
      nested: { "modelgate.stage": "production", "1": "one", "true": "yes" },
    };
    const text = dumpPyYaml(newPyYamlDocument(value));
    const py = await python<[string, unknown]>(
      home,
      `${ENCODE}
import yaml
print(json.dumps(enc(yaml.safe_load(${JSON.stringify(text)}))))
`,
    );
    const decode = ([type, v]: [string, unknown]): unknown =>
      type === "dict"
        ? Object.fromEntries(Object.entries(v as Record<string, [string, unknown]>).map(([k, x]) => [k, decode(x)]))
        : type === "list"
          ? (v as [string, unknown][]).map(decode)
          : type === "int"
            ? `int:${v as string}`
            : type === "float"
              ? `float:${String(v)}`
              : v;
    const back = decode(py) as Record<string, unknown>;
    expect(back["strings"]).toEqual(value.strings);
    expect(back["ints"]).toEqual(value.ints.map((n) => `int:${n}`));
    expect((back["floats"] as string[]).map((f) => Number(f.slice("float:".length)))).toEqual(value.floats);
    // Floats stay floats in Python, 1e21 included (a JS number prints it without a dot).
    expect((back["floats"] as string[]).every((f) => f.startsWith("float:"))).toBe(true);
    expect(back["flags"]).toEqual(value.flags);
    expect(back["nothing"]).toBeNull();
    expect(back["nested"]).toEqual(value.nested);
  });
});
