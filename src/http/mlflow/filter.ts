/**
 * MLflow's search filter strings, parsed and matched the way its server does (mlflow/utils/
 * search_utils.py): clauses joined by AND (no OR), `key comparator value`, keys `name` or
 * `attribute.name`, tags as `tags.key`, `tag.key` or with a quoted key (`` tags.`a.b` ``,
 * `tags."a.b"`), strings in single or double quotes, lists in parentheses for IN / NOT IN.
 *
 * A tag the object does not have matches nothing, except MLflow's prompt flag, which a model
 * without it matches as "not a prompt" (its client adds `tag.`mlflow.prompt.is_prompt` != 'true'`
 * to every model search).
 */
import { invalidParameter } from "./errors.js";

export type Comparator = "=" | "!=" | "<" | "<=" | ">" | ">=" | "LIKE" | "ILIKE" | "IN" | "NOT IN";

export interface Clause {
  type: "attribute" | "tag";
  key: string;
  comparator: Comparator;
  value: string | number | string[];
}

/** What a kind of object may be searched on. */
export interface FilterSchema {
  /** Attributes compared as strings (=, !=, LIKE, ILIKE; IN and NOT IN for those in `listKeys`). */
  stringKeys: ReadonlySet<string>;
  /** Attributes compared as integers (=, !=, <, <=, >, >=). */
  numericKeys: ReadonlySet<string>;
  listKeys: ReadonlySet<string>;
}

export const MODEL_FILTER: FilterSchema = { stringKeys: new Set(["name"]), numericKeys: new Set(), listKeys: new Set(["name"]) };
export const VERSION_FILTER: FilterSchema = {
  stringKeys: new Set(["name", "run_id", "source_path"]),
  numericKeys: new Set(["version_number"]),
  listKeys: new Set(["name", "run_id"]),
};

const PROMPT_FLAG = "mlflow.prompt.is_prompt";
const TAG_ENTITIES = new Set(["tag", "tags"]);
const ATTRIBUTE_ENTITIES = new Set(["attribute", "attributes", "attr"]);
const STRING_COMPARATORS = new Set<Comparator>(["=", "!=", "LIKE", "ILIKE"]);
const NUMERIC_COMPARATORS = new Set<Comparator>(["=", "!=", "<", "<=", ">", ">="]);
const COMPARATOR_RE = /^(NOT\s+IN(?=[\s(])|ILIKE(?=[\s'"])|LIKE(?=[\s'"])|IN(?=[\s(])|!=|<=|>=|=|<|>)/i;

class Cursor {
  i = 0;
  constructor(readonly text: string) {}
  skip(): void {
    while (this.i < this.text.length && /\s/.test(this.text[this.i] as string)) this.i++;
  }
  done(): boolean {
    this.skip();
    return this.i >= this.text.length;
  }
  peek(): string {
    return this.text[this.i] ?? "";
  }
  rest(): string {
    return this.text.slice(this.i);
  }
  fail(what: string): never {
    throw invalidParameter(`Invalid filter string '${this.text}': ${what} at position ${this.i}`);
  }
}

function quoted(c: Cursor): string {
  const quote = c.peek();
  c.i++;
  let out = "";
  while (c.i < c.text.length) {
    const ch = c.text[c.i] as string;
    if (ch === "\\" && c.i + 1 < c.text.length) {
      out += c.text[c.i + 1];
      c.i += 2;
      continue;
    }
    if (ch === quote) {
      // A doubled quote inside a SQL string is one quote.
      if (quote === "'" && c.text[c.i + 1] === "'") {
        out += "'";
        c.i += 2;
        continue;
      }
      c.i++;
      return out;
    }
    out += ch;
    c.i++;
  }
  return c.fail(`unterminated ${quote}`);
}

function key(c: Cursor): { type: Clause["type"]; key: string } {
  c.skip();
  if (c.peek() === "`" || c.peek() === '"') return { type: "attribute", key: quoted(c) };
  const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(c.rest())?.[0];
  if (word === undefined) return c.fail("expected a key");
  c.i += word.length;
  if (c.peek() !== ".") return { type: "attribute", key: word };
  c.i++;
  const entity = word.toLowerCase();
  const type = TAG_ENTITIES.has(entity) ? "tag" : ATTRIBUTE_ENTITIES.has(entity) ? "attribute" : undefined;
  if (type === undefined) throw invalidParameter(`Invalid entity type '${word}'. Valid values are ['tag', 'attribute']`);
  if (c.peek() === "`" || c.peek() === '"') return { type, key: quoted(c) };
  const name = /^[^\s=!<>'"]+/.exec(c.rest())?.[0];
  if (name === undefined) return c.fail(`expected a ${type} name after '${word}.'`);
  c.i += name.length;
  return { type, key: name };
}

function scalar(c: Cursor): string | number {
  c.skip();
  if (c.peek() === "'" || c.peek() === '"') return quoted(c);
  const number = /^-?\d+(\.\d+)?/.exec(c.rest())?.[0];
  if (number === undefined) return c.fail("expected a quoted string or a number");
  c.i += number.length;
  return Number(number);
}

function value(c: Cursor, comparator: Comparator): Clause["value"] {
  c.skip();
  if (comparator !== "IN" && comparator !== "NOT IN") return scalar(c);
  if (c.peek() !== "(") return c.fail(`expected a list in parentheses after ${comparator}`);
  c.i++;
  const items: string[] = [];
  for (;;) {
    const item = scalar(c);
    if (typeof item !== "string") return c.fail("list items are quoted strings");
    items.push(item);
    c.skip();
    if (c.peek() === ",") {
      c.i++;
      continue;
    }
    if (c.peek() === ")") {
      c.i++;
      return items;
    }
    return c.fail("expected ',' or ')'");
  }
}

/** Parses and checks a filter against what the searched objects have; empty means no filter. */
export function parseFilter(text: string | undefined, schema: FilterSchema): Clause[] {
  if (text === undefined || text.trim() === "") return [];
  const c = new Cursor(text);
  const clauses: Clause[] = [];
  for (;;) {
    const k = key(c);
    c.skip();
    const match = COMPARATOR_RE.exec(c.rest());
    if (!match) return c.fail("expected a comparator (=, !=, <, <=, >, >=, LIKE, ILIKE, IN, NOT IN)");
    c.i += (match[0] as string).length;
    const comparator = (match[0] as string).toUpperCase().replace(/\s+/g, " ") as Comparator;
    const clause: Clause = { ...k, comparator, value: value(c, comparator) };
    check(clause, schema);
    clauses.push(clause);
    if (c.done()) return clauses;
    const joiner = /^(AND|OR)\b/i.exec(c.rest())?.[0];
    if (joiner === undefined) return c.fail("expected AND");
    // MLflow's own words: clauses join with AND only.
    if (joiner.toUpperCase() === "OR") throw invalidParameter("Invalid clause(s) in filter string: OR");
    c.i += joiner.length;
  }
}

function check(clause: Clause, schema: FilterSchema): void {
  const { type, key: k, comparator } = clause;
  if (type === "tag") {
    if (!STRING_COMPARATORS.has(comparator)) throw invalidParameter(`Invalid comparator '${comparator}' for tags; use one of =, !=, LIKE, ILIKE`);
    if (typeof clause.value !== "string") throw invalidParameter(`Tag values are strings in quotes: tags.${k} ${comparator} ${String(clause.value)}`);
    return;
  }
  if (schema.numericKeys.has(k)) {
    if (!NUMERIC_COMPARATORS.has(comparator)) throw invalidParameter(`Invalid comparator '${comparator}' for '${k}'; use one of =, !=, <, <=, >, >=`);
    const n = Number(clause.value);
    if (!Number.isInteger(n)) throw invalidParameter(`'${k}' is compared with an integer, got ${JSON.stringify(clause.value)}`);
    clause.value = n;
    return;
  }
  if (schema.stringKeys.has(k)) {
    const list = comparator === "IN" || comparator === "NOT IN";
    if (list && !schema.listKeys.has(k)) throw invalidParameter(`Invalid comparator '${comparator}' for '${k}'`);
    if (!list && !STRING_COMPARATORS.has(comparator)) throw invalidParameter(`Invalid comparator '${comparator}' for '${k}'; use one of =, !=, LIKE, ILIKE`);
    if (!list && typeof clause.value !== "string") throw invalidParameter(`'${k}' is compared with a string in quotes, got ${String(clause.value)}`);
    return;
  }
  const valid = [...schema.stringKeys, ...schema.numericKeys].sort().join(", ");
  throw invalidParameter(`Invalid attribute key '${k}' specified. Valid keys are ${valid}, and tags (tags.<key>)`);
}

/** SQL LIKE as a regular expression: `%` any run, `_` any one character. */
export function likePattern(pattern: string, caseInsensitive: boolean): RegExp {
  const body = [...pattern].map((ch) => (ch === "%" ? ".*" : ch === "_" ? "." : ch.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&"))).join("");
  return new RegExp(`^${body}$`, caseInsensitive ? "is" : "s");
}

/** What a searched object offers: attributes by filter name, and its tags. */
export interface FilterRow {
  attributes: Readonly<Record<string, string | number>>;
  tags: Readonly<Record<string, string>>;
}

function compare(lhs: string | number, comparator: Comparator, rhs: Clause["value"]): boolean {
  switch (comparator) {
    case "=":
      return lhs === rhs;
    case "!=":
      return lhs !== rhs;
    case "<":
      return Number(lhs) < Number(rhs);
    case "<=":
      return Number(lhs) <= Number(rhs);
    case ">":
      return Number(lhs) > Number(rhs);
    case ">=":
      return Number(lhs) >= Number(rhs);
    case "LIKE":
      return likePattern(String(rhs), false).test(String(lhs));
    case "ILIKE":
      return likePattern(String(rhs), true).test(String(lhs));
    case "IN":
      return (rhs as string[]).includes(String(lhs));
    case "NOT IN":
      return !(rhs as string[]).includes(String(lhs));
  }
}

export function matches(row: FilterRow, clauses: readonly Clause[]): boolean {
  return clauses.every((clause) => {
    if (clause.type === "tag") {
      const lhs = row.tags[clause.key];
      if (lhs === undefined) {
        return clause.key === PROMPT_FLAG && ((clause.comparator === "=" && clause.value === "false") || (clause.comparator === "!=" && clause.value === "true"));
      }
      return compare(lhs, clause.comparator, clause.value);
    }
    const lhs = row.attributes[clause.key];
    return lhs !== undefined && compare(lhs, clause.comparator, clause.value);
  });
}

/** The model name a filter pins with `name = '...'` (then only that model needs reading). */
export function pinnedName(clauses: readonly Clause[]): string | undefined {
  const exact = clauses.find((c) => c.type === "attribute" && c.key === "name" && c.comparator === "=" && typeof c.value === "string");
  return exact?.value as string | undefined;
}
