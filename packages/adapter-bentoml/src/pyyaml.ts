/**
 * YAML as BentoML reads and writes it: PyYAML's SafeLoader / SafeDumper (YAML 1.1 implicit types).
 *
 * BentoML writes model.yaml with `yaml.safe_dump(info, sort_keys=False)` and reads it with
 * `yaml.safe_load`. Plain scalars resolve by PyYAML's own rules, which are neither YAML 1.2's nor
 * the `yaml` package's "yaml-1.1" schema: `yes`/`on` are booleans but `y`/`n` are strings, `1e3` is
 * a string (a float needs a dot and a signed exponent: `1.0e+3`), `012` is octal, `1:30` is 90, an
 * unquoted date is a timestamp. A version id like `2e77777777777777` must stay a string. The tags
 * below copy PyYAML's resolvers (yaml/resolver.py) and constructors, so:
 *   - reading gives the values Python sees;
 *   - a value written here reads back in Python as the same type (a string that PyYAML would take
 *     for something else is quoted, floats carry a dot);
 *   - an edit through the Document API rewrites only what it changes: untouched scalars keep their
 *     exact source text (a 20-digit integer is not rounded, `1.0` stays a float).
 */
import { parseDocument, Scalar, type Document, type LineCounter, type ScalarTag } from "yaml";

/** An unquoted timestamp, which PyYAML reads as a datetime: kept as written so a rewrite keeps its type. */
export class PyTimestamp {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
  toJSON(): string {
    return this.text;
  }
}

const BOOL = /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/;
const BOOL_TRUE = /^(?:yes|Yes|YES|true|True|TRUE|on|On|ON)$/;
const FLOAT =
  /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;
const INT = /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/;
const NULL = /^(?:~|null|Null|NULL|)$/;
const TIMESTAMP =
  /^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$/;

/** PyYAML's construct_yaml_int. */
export function pyInt(text: string): number {
  let value = text.replace(/_/g, "");
  let sign = 1;
  if (value[0] === "-") sign = -1;
  if (value[0] === "-" || value[0] === "+") value = value.slice(1);
  if (value === "0") return 0;
  if (value.startsWith("0b")) return sign * parseInt(value.slice(2), 2);
  if (value.startsWith("0x")) return sign * parseInt(value.slice(2), 16);
  if (value[0] === "0") return sign * parseInt(value, 8);
  if (value.includes(":")) return sign * value.split(":").reduce((acc, part) => acc * 60 + parseInt(part, 10), 0);
  return sign * parseInt(value, 10);
}

/** PyYAML's construct_yaml_float. */
export function pyFloat(text: string): number {
  let value = text.replace(/_/g, "").toLowerCase();
  let sign = 1;
  if (value[0] === "-") sign = -1;
  if (value[0] === "-" || value[0] === "+") value = value.slice(1);
  if (value === ".inf") return sign * Infinity;
  if (value === ".nan") return NaN;
  if (value.includes(":")) return sign * value.split(":").reduce((acc, part) => acc * 60 + parseFloat(part), 0);
  return sign * parseFloat(value);
}

/** How PyYAML's SafeRepresenter writes a float: repr() with a dot before any exponent. */
export function formatPyFloat(value: number): string {
  if (Number.isNaN(value)) return ".nan";
  if (value === Infinity) return ".inf";
  if (value === -Infinity) return "-.inf";
  const text = String(value);
  if (text.includes(".")) return text;
  const e = text.indexOf("e");
  return e === -1 ? `${text}.0` : `${text.slice(0, e)}.0${text.slice(e)}`;
}

const sameNumber = (a: unknown, b: unknown) => a === b || (Number.isNaN(a) && Number.isNaN(b));

/** Untouched scalars are written back exactly as they were read. */
function keepSource<T>(resolve: (text: string) => T, same: (a: unknown, b: unknown) => boolean, format: (value: unknown) => string) {
  return (item: { value: unknown; source?: string }) =>
    item.source !== undefined && same(resolve(item.source), item.value) ? item.source : format(item.value);
}

const SAFE_INTEGER = (value: unknown) => typeof value === "number" && Number.isSafeInteger(value);

const nullTag: ScalarTag = {
  tag: "tag:yaml.org,2002:null",
  default: true,
  identify: (value) => value === null || value === undefined,
  test: NULL,
  resolve: () => new Scalar(null),
  stringify: keepSource(() => null, (a, b) => a === b || (a === null && b === undefined), () => "null"),
};
const boolTag: ScalarTag = {
  tag: "tag:yaml.org,2002:bool",
  default: true,
  identify: (value) => typeof value === "boolean",
  test: BOOL,
  resolve: (text) => new Scalar(BOOL_TRUE.test(text)),
  stringify: keepSource((text) => BOOL_TRUE.test(text), (a, b) => a === b, (value) => (value ? "true" : "false")),
};
const intTag: ScalarTag = {
  tag: "tag:yaml.org,2002:int",
  default: true,
  identify: SAFE_INTEGER,
  test: INT,
  resolve: (text) => pyInt(text),
  stringify: keepSource(pyInt, sameNumber, (value) => String(value)),
};
const floatTag: ScalarTag = {
  tag: "tag:yaml.org,2002:float",
  default: true,
  identify: (value) => typeof value === "number",
  test: FLOAT,
  resolve: (text) => pyFloat(text),
  stringify: keepSource(pyFloat, sameNumber, (value) => formatPyFloat(value as number)),
};
const timestampTag: ScalarTag = {
  tag: "tag:yaml.org,2002:timestamp",
  default: true,
  identify: (value) => value instanceof PyTimestamp,
  test: TIMESTAMP,
  resolve: (text) => new PyTimestamp(text),
  stringify: (item) => String(item.value),
};
// `<<` and `=` are PyYAML's merge and value keys: never written plain, so a string "=" is quoted.
const specialTags: ScalarTag[] = ["merge", "value"].map((name, i) => ({
  tag: `tag:yaml.org,2002:${name}`,
  default: true,
  identify: () => false,
  test: i === 0 ? /^<<$/ : /^=$/,
  resolve: (text: string) => text,
}));

const PYYAML_TAGS = [nullTag, boolTag, intTag, floatTag, timestampTag, ...specialTags];

/** Parser options: YAML structure per the spec, plain scalars per PyYAML. */
const PARSE_OPTIONS = { schema: "failsafe", customTags: PYYAML_TAGS, uniqueKeys: false } as const;

/** Writer options close to PyYAML's safe_dump: block style, single quotes, no line folding. */
export const DUMP_OPTIONS = { singleQuote: true, lineWidth: 0, minContentWidth: 0, indentSeq: false, nullStr: "null", trueStr: "true", falseStr: "false" } as const;

export class YamlSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
    this.name = "YamlSyntaxError";
  }
}

/** Parses one YAML document as PyYAML would; throws YamlSyntaxError with the first error's line. */
export function parsePyYaml(text: string, lineCounter?: LineCounter): Document {
  const doc = parseDocument(text, lineCounter === undefined ? PARSE_OPTIONS : { ...PARSE_OPTIONS, lineCounter });
  const first = doc.errors[0];
  if (first) throw new YamlSyntaxError(first.message.split("\n")[0] ?? first.message, first.linePos?.[0]?.line ?? 1);
  return doc;
}

/** A new document holding `value`, to be written with `dumpPyYaml`. */
export function newPyYamlDocument(value: unknown): Document {
  const doc = parseDocument("{}", PARSE_OPTIONS);
  doc.contents = doc.createNode(value) as typeof doc.contents;
  return doc;
}

export function dumpPyYaml(doc: Document): string {
  return doc.toString(DUMP_OPTIONS);
}
