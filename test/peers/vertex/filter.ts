/**
 * The list filters model_service.proto documents (AIP-160 subset), field names in snake_case or
 * camelCase:
 *   ListModels:        model = / !=, display_name = / !=, base_model_name =, labels.key=value,
 *                      labels.key:*, labels:key, a key with a space quoted (labels."a key")
 *   ListModelVersions: the labels forms only
 * Terms are joined by AND (or juxtaposed). OR, NOT, '-' negation and parentheses are refused with
 * INVALID_ARGUMENT: the fake does not implement them, so it must not pretend to.
 */
import { invalidArgument } from "./rpc-error.js";

export interface FilterSubject {
  modelId: string;
  displayName: string;
  labels: Readonly<Record<string, string>>;
}

export type Predicate = (subject: FilterSubject) => boolean;

export type FilterScope = "models" | "versions";

type Op = "=" | "!=" | ":";

interface Term {
  path: string[];
  op: Op;
  value: string;
}

const FIELD_ALIASES: Record<string, string> = {
  model: "model",
  display_name: "display_name",
  displayName: "display_name",
  base_model_name: "base_model_name",
  baseModelName: "base_model_name",
  labels: "labels",
};

export function parseFilter(filter: string, scope: FilterScope): Predicate {
  const terms = new Parser(filter).terms();
  const checks = terms.map((t) => compile(t, scope, filter));
  return (subject) => checks.every((check) => check(subject));
}

function compile(term: Term, scope: FilterScope, filter: string): Predicate {
  const [head, ...rest] = term.path;
  const field = head === undefined ? undefined : FIELD_ALIASES[head];
  const refuse = (why: string) => invalidArgument(`filter "${filter}": ${why}`);
  if (field === undefined) throw refuse(`unknown field "${term.path.join(".")}"`);
  if (scope === "versions" && field !== "labels") throw refuse(`ListModelVersions filters on labels only, not "${head}"`);

  if (field === "labels") {
    if (rest.length === 0) {
      if (term.op !== ":") throw refuse(`"labels" takes ':' and a key (labels:key)`);
      const key = term.value;
      return (s) => Object.hasOwn(s.labels, key);
    }
    if (rest.length > 1) throw refuse(`"${term.path.join(".")}" names more than one label key`);
    const key = rest[0]!;
    if (term.op === ":" && term.value === "*") return (s) => Object.hasOwn(s.labels, key);
    if (term.op === "!=") throw refuse(`labels support '=' and ':' only`);
    const value = term.value;
    return (s) => s.labels[key] === value;
  }

  if (rest.length > 0) throw refuse(`"${head}" has no sub-fields`);
  if (term.op === ":") throw refuse(`"${head}" supports '=' and '!=' only`);
  if (field === "base_model_name") {
    if (term.op !== "=") throw refuse(`base_model_name supports '=' only`);
    // Models uploaded to the fake have no base model.
    return () => false;
  }
  const read = field === "model" ? (s: FilterSubject) => s.modelId : (s: FilterSubject) => s.displayName;
  const value = term.value;
  return term.op === "=" ? (s) => read(s) === value : (s) => read(s) !== value;
}

class Parser {
  private pos = 0;

  constructor(private readonly text: string) {}

  terms(): Term[] {
    const out: Term[] = [];
    this.space();
    while (this.pos < this.text.length) {
      if (out.length > 0 && this.keyword("AND")) this.space();
      for (const refused of ["OR", "NOT"]) {
        if (this.keyword(refused)) throw this.error(`${refused} is not supported`);
      }
      const c = this.text[this.pos];
      if (c === "(" || c === ")" || c === "-") throw this.error(`'${c}' is not supported`);
      out.push(this.term());
      this.space();
    }
    return out;
  }

  private term(): Term {
    const path = [this.segment()];
    while (this.text[this.pos] === ".") {
      this.pos++;
      path.push(this.segment());
    }
    this.space();
    const op = this.op();
    this.space();
    const value = this.value();
    return { path, op, value };
  }

  private segment(): string {
    if (this.text[this.pos] === '"') return this.quoted();
    const start = this.pos;
    while (this.pos < this.text.length && !/[\s.=!:"()]/u.test(this.text[this.pos]!)) this.pos++;
    if (this.pos === start) throw this.error("expected a field name");
    return this.text.slice(start, this.pos);
  }

  private op(): Op {
    if (this.text.startsWith("!=", this.pos)) {
      this.pos += 2;
      return "!=";
    }
    const c = this.text[this.pos];
    if (c === "=" || c === ":") {
      this.pos++;
      return c;
    }
    throw this.error("expected '=', '!=' or ':'");
  }

  private value(): string {
    if (this.text[this.pos] === '"') return this.quoted();
    const start = this.pos;
    while (this.pos < this.text.length && !/\s/u.test(this.text[this.pos]!)) this.pos++;
    if (this.pos === start) throw this.error("expected a value");
    return this.text.slice(start, this.pos);
  }

  private quoted(): string {
    this.pos++;
    let out = "";
    while (this.pos < this.text.length) {
      const c = this.text[this.pos++]!;
      if (c === "\\") {
        const next = this.text[this.pos++];
        if (next === undefined) break;
        out += next;
      } else if (c === '"') {
        return out;
      } else {
        out += c;
      }
    }
    throw this.error("unterminated quoted string");
  }

  private keyword(word: string): boolean {
    if (!this.text.startsWith(word, this.pos)) return false;
    const after = this.text[this.pos + word.length];
    if (after !== undefined && !/\s/u.test(after)) return false;
    this.pos += word.length;
    return true;
  }

  private space(): void {
    while (this.pos < this.text.length && /\s/u.test(this.text[this.pos]!)) this.pos++;
  }

  private error(why: string) {
    return invalidArgument(`filter "${this.text}": ${why} (at character ${this.pos + 1})`);
  }
}
