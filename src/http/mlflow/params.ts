/**
 * A request's parameters as MLflow's server reads them: the query string of a GET (a repeated key
 * is a list: `order_by=a&order_by=b`), the JSON body of every other method, DELETE included.
 * Missing or mistyped parameters are INVALID_PARAMETER_VALUE naming the parameter.
 */
import { MlflowApiError, invalidParameter } from "./errors.js";

export class Params {
  private constructor(private readonly values: Readonly<Record<string, unknown>>) {}

  static fromQuery(query: URLSearchParams): Params {
    const values: Record<string, unknown> = {};
    for (const key of new Set(query.keys())) {
      const all = query.getAll(key);
      values[key] = all.length === 1 ? all[0] : all;
    }
    return new Params(values);
  }

  static fromBody(text: string): Params {
    if (text.trim() === "") return new Params({});
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new MlflowApiError("BAD_REQUEST", "the request body is not valid JSON");
    }
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
      throw new MlflowApiError("BAD_REQUEST", "the request body must be a JSON object");
    }
    return new Params(parsed as Record<string, unknown>);
  }

  has(name: string): boolean {
    const v = this.values[name];
    return v !== undefined && v !== null;
  }

  /** A string parameter; numbers are taken as their text (clients send versions either way). */
  optionalString(name: string): string | undefined {
    const v = this.values[name];
    if (v === undefined || v === null) return undefined;
    if (typeof v === "string") return v;
    if (typeof v === "number" && Number.isFinite(v)) return String(v);
    throw invalidParameter(`Invalid value ${JSON.stringify(v)} for parameter '${name}' supplied: it must be a string.`);
  }

  string(name: string): string {
    const v = this.optionalString(name);
    if (v === undefined || v === "") {
      throw invalidParameter(`Missing value for required parameter '${name}'. See the API docs for more information about request parameters.`);
    }
    return v;
  }

  optionalInt(name: string): number | undefined {
    const v = this.values[name];
    if (v === undefined || v === null || v === "") return undefined;
    const n = typeof v === "number" ? v : typeof v === "string" && /^-?\d+$/.test(v.trim()) ? Number(v) : NaN;
    if (!Number.isSafeInteger(n)) throw invalidParameter(`Invalid value ${JSON.stringify(v)} for parameter '${name}' supplied: it must be an integer.`);
    return n;
  }

  optionalBool(name: string): boolean | undefined {
    const v = this.values[name];
    if (v === undefined || v === null || v === "") return undefined;
    if (typeof v === "boolean") return v;
    if (v === "true" || v === "True") return true;
    if (v === "false" || v === "False") return false;
    throw invalidParameter(`Invalid value ${JSON.stringify(v)} for parameter '${name}' supplied: it must be a boolean.`);
  }

  strings(name: string): string[] {
    const v = this.values[name];
    if (v === undefined || v === null) return [];
    const list = Array.isArray(v) ? v : [v];
    return list.map((item) => {
      if (typeof item !== "string") throw invalidParameter(`Invalid value ${JSON.stringify(v)} for parameter '${name}' supplied: it must be a list of strings.`);
      return item;
    });
  }

  /** `[{key, value}]` as MLflow's create calls send tags; a key given twice keeps its last value. */
  tags(name: string): Record<string, string> {
    const v = this.values[name];
    if (v === undefined || v === null) return {};
    if (!Array.isArray(v)) throw invalidParameter(`Invalid value for parameter '${name}' supplied: it must be a list of {key, value}.`);
    const out: Record<string, string> = {};
    for (const item of v as unknown[]) {
      const key = (item as { key?: unknown } | null)?.key;
      const value = (item as { value?: unknown } | null)?.value;
      if (typeof key !== "string" || key === "") throw invalidParameter(`Invalid value for parameter '${name}' supplied: every tag needs a non-empty string key.`);
      if (value !== undefined && value !== null && typeof value !== "string") {
        throw invalidParameter(`Invalid value for parameter '${name}' supplied: the value of tag '${key}' must be a string.`);
      }
      out[key] = typeof value === "string" ? value : "";
    }
    return out;
  }
}
