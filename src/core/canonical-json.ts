/**
 * RFC 8785 JSON Canonicalization Scheme (JCS): one byte-exact JSON text per JSON value, so a hash of
 * it is reproducible by any implementation.
 *
 * - object members sorted by their names as UTF-16 code unit sequences (what `Array#sort` does);
 * - numbers in ECMAScript `Number::toString` form (what `JSON.stringify` emits for finite numbers),
 *   with `-0` written as `0`; NaN and ±Infinity are rejected;
 * - strings escaped as `JSON.stringify` escapes them; strings with lone surrogates are rejected
 *   (I-JSON requires well-formed Unicode, and they would not survive a UTF-8 round trip);
 * - no whitespace.
 *
 * Beyond JSON's own values: an object property whose value is `undefined` is omitted (as
 * `JSON.stringify` does), and an object with a `toJSON` method (a `Date`) is replaced by its result.
 * Everything else that JSON cannot represent faithfully — `undefined` at the top level or in an
 * array, functions, symbols, bigints, `Map`/`Set`/class instances, cycles — is rejected with a
 * {@link CanonicalJsonError} naming where it was found, rather than silently dropped or changed.
 */
import { createHash } from "node:crypto";

export class CanonicalJsonError extends TypeError {
  /** Where in the value the problem is, as a JSONPath-like string ("$.after.tags[2]"). */
  readonly path: string;
  /** What is wrong, without the path ("circular reference"). */
  readonly problem: string;

  constructor(path: string, problem: string) {
    super(`${problem} at ${path}`);
    this.name = "CanonicalJsonError";
    this.path = path;
    this.problem = problem;
  }
}

/** The RFC 8785 canonical JSON text of `value`. Throws {@link CanonicalJsonError}. */
export function canonicalJson(value: unknown): string {
  const out = serialize(value, "$", "", new Set());
  if (out === undefined) throw new CanonicalJsonError("$", "undefined is not a JSON value");
  return out;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function serializeString(text: string, path: string): string {
  if (LONE_SURROGATE.test(text)) {
    throw new CanonicalJsonError(path, "string contains a lone UTF-16 surrogate (not well-formed Unicode)");
  }
  return JSON.stringify(text);
}

function memberPath(parent: string, key: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? `${parent}.${key}` : `${parent}[${JSON.stringify(key)}]`;
}

function describeObject(value: object): string {
  const ctor = (value as { constructor?: { name?: unknown } }).constructor;
  return typeof ctor?.name === "string" && ctor.name !== "" ? ctor.name : "object";
}

/** Returns undefined for a value to omit (an `undefined` property value). */
function serialize(value: unknown, path: string, key: string, ancestors: Set<object>): string | undefined {
  switch (typeof value) {
    case "undefined":
      return undefined;
    case "boolean":
      return value ? "true" : "false";
    case "number":
      if (!Number.isFinite(value)) throw new CanonicalJsonError(path, `${String(value)} is not a JSON number`);
      // ECMAScript Number::toString; JSON.stringify(-0) is "0" as RFC 8785 requires.
      return JSON.stringify(value);
    case "string":
      return serializeString(value, path);
    case "bigint":
      throw new CanonicalJsonError(path, "a bigint is not a JSON value (convert it to a string or number)");
    case "symbol":
      throw new CanonicalJsonError(path, "a symbol is not a JSON value");
    case "function":
      throw new CanonicalJsonError(path, "a function is not a JSON value");
  }
  if (value === null) return "null";
  const obj = value as object;
  if (ancestors.has(obj)) throw new CanonicalJsonError(path, "circular reference");

  const toJSON = (obj as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === "function") {
    if (obj instanceof Date && Number.isNaN(obj.getTime())) {
      throw new CanonicalJsonError(path, "an invalid Date is not a JSON value");
    }
    ancestors.add(obj);
    try {
      return serialize(toJSON.call(obj, key), path, key, ancestors);
    } finally {
      ancestors.delete(obj);
    }
  }

  ancestors.add(obj);
  try {
    if (Array.isArray(obj)) {
      const items = obj.map((item: unknown, i) => {
        const itemPath = `${path}[${i}]`;
        const text = serialize(item, itemPath, String(i), ancestors);
        if (text === undefined) throw new CanonicalJsonError(itemPath, "undefined is not a JSON value");
        return text;
      });
      return `[${items.join(",")}]`;
    }
    const proto: unknown = Object.getPrototypeOf(obj);
    if (proto !== Object.prototype && proto !== null) {
      throw new CanonicalJsonError(path, `a ${describeObject(obj)} is not a plain JSON object`);
    }
    const record = obj as Record<string, unknown>;
    const members: string[] = [];
    // Default sort compares UTF-16 code units, exactly RFC 8785's rule.
    for (const name of Object.keys(record).sort()) {
      const childPath = memberPath(path, name);
      const text = serialize(record[name], childPath, name, ancestors);
      if (text !== undefined) members.push(`${serializeString(name, childPath)}:${text}`);
    }
    return `{${members.join(",")}}`;
  } finally {
    ancestors.delete(obj);
  }
}

/** SHA-256 (hex) of a value's canonical JSON: equal content, equal hash, whatever the key order. */
export function canonicalSha256(value: unknown): string {
  return createHash("sha256").update(canonicalJson(value)).digest("hex");
}
