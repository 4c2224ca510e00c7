/**
 * Schema-driven GraphQL fuzzing: random documents built from the real schema (real fields with
 * random arguments, nesting, aliases, named and inline fragments, directives, variables) and
 * invalid mutations of them (wrong or unknown arguments, unknown fields, broken syntax, huge
 * depth, hostile fragment and alias fan-out, token and character floods), plus malformed HTTP
 * requests. Deterministic for a seed (mulberry32), so a failure reproduces with FUZZ_SEED.
 * Used by test/api/fuzz.test.ts and bench/limits.ts.
 */
import { request, type Agent } from "node:http";
import {
  getNamedType,
  getNullableType,
  isCompositeType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isLeafType,
  isListType,
  isNonNullType,
  isScalarType,
  isUnionType,
  type GraphQLArgument,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLObjectType,
  type GraphQLSchema,
} from "graphql";

/** A seeded PRNG (mulberry32): numbers in [0, 1). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One request of the corpus. `kind` says what it is (valid-ish, which mutation, which hostile shape). */
export interface FuzzRequest {
  kind: string;
  method: "POST" | "GET";
  /** Sent as is (POST). */
  body?: string;
  /** Query string (GET), without the "?". */
  search?: string;
  contentType?: string;
  /** false: send no Authorization header; a string: send that token instead of the caller's. */
  token?: false | string;
  /** The GraphQL document, when there is one (for WebSocket and failure reports). */
  query?: string;
  variables?: Record<string, unknown>;
}

const WORDS = ["support-triage", "reply-drafter", "ticket-embedder", "example", "production", "staging", "champion", "1", "2", "14", "latest", "", " ", "é", "💥", "a\"b", "back\\slash", "x".repeat(300), "../../etc/passwd", "%zz", "null"];

class Generator {
  private fragments: string[] = [];
  private variables: { name: string; type: string; value: unknown }[] = [];
  private counter = 0;

  constructor(
    private readonly schema: GraphQLSchema,
    readonly rand: () => number,
  ) {}

  int(n: number): number {
    return Math.floor(this.rand() * n);
  }
  chance(p: number): boolean {
    return this.rand() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }
  some<T>(items: readonly T[], max: number): T[] {
    const pool = [...items];
    const out: T[] = [];
    const n = 1 + this.int(Math.min(max, pool.length));
    while (out.length < n && pool.length > 0) out.push(pool.splice(this.int(pool.length), 1)[0] as T);
    return out;
  }

  /** A JSON value for an input type (mostly right, sometimes wrong). */
  value(type: GraphQLInputType, depth = 0): unknown {
    if (this.chance(0.03)) return this.pick([null, 42, "wrong", true, [], {}]);
    if (isNonNullType(type)) return this.value(type.ofType, depth);
    if (isListType(type)) return Array.from({ length: this.int(3) }, () => this.value(type.ofType, depth + 1));
    if (isEnumType(type)) return this.chance(0.9) ? this.pick(type.getValues()).name : "NOT_A_VALUE";
    if (isInputObjectType(type)) {
      const out: Record<string, unknown> = {};
      if (depth > 3) return out;
      for (const field of Object.values(type.getFields())) {
        if (isNonNullType(field.type) || this.chance(0.4)) out[field.name] = this.value(field.type, depth + 1);
      }
      if (this.chance(0.05)) out["unknownField"] = 1;
      return out;
    }
    switch (isScalarType(type) ? type.name : "") {
      case "Int":
        return this.pick([0, 1, 2, 5, 10, 100, 101, -1, 2 ** 31, 1e6]);
      case "Float":
        return this.pick([0, 0.5, -1.5, 1e300, 0.99]);
      case "Boolean":
        return this.chance(0.5);
      case "DateTime":
        return this.pick(["2024-01-01T00:00:00Z", "2999-12-31T23:59:59.999Z", "yesterday", "1970-01-01T00:00:00Z"]);
      case "JSON":
      case "JSONObject":
        return this.pick([{}, { a: 1 }, [1, 2], "text", { nested: { deep: [true, null] } }]);
      default:
        return this.pick(WORDS);
    }
  }

  /** A GraphQL literal for a JSON value of an input type. */
  literal(type: GraphQLInputType, value: unknown): string {
    if (value === null || value === undefined) return "null";
    const named = getNamedType(type);
    if (Array.isArray(value)) {
      const inner = isListType(getNullableType(type)) ? (getNullableType(type) as { ofType: GraphQLInputType }).ofType : type;
      return `[${value.map((v) => this.literal(inner, v)).join(", ")}]`;
    }
    if (typeof value === "object") {
      const fields = isInputObjectType(named) ? named.getFields() : {};
      const entries = Object.entries(value as Record<string, unknown>).map(([k, v]) => `${k}: ${this.literal(fields[k]?.type ?? type, v)}`);
      return `{ ${entries.join(", ")} }`;
    }
    if (isEnumType(named) && typeof value === "string" && /^[_A-Za-z][_0-9A-Za-z]*$/.test(value)) return value;
    return JSON.stringify(value);
  }

  args(args: readonly GraphQLArgument[]): string {
    const out: string[] = [];
    for (const arg of args) {
      if (!isNonNullType(arg.type) && !this.chance(0.5)) continue;
      const value = this.value(arg.type);
      if (this.chance(0.25)) {
        const name = `v${this.variables.length}`;
        this.variables.push({ name, type: String(arg.type), value });
        out.push(`${arg.name}: $${name}`);
      } else {
        out.push(`${arg.name}: ${this.literal(arg.type, value)}`);
      }
    }
    return out.length === 0 ? "" : `(${out.join(", ")})`;
  }

  directives(): string {
    if (!this.chance(0.08)) return "";
    if (this.chance(0.05)) return " @include(if: $missing)";
    return this.pick([" @include(if: true)", " @skip(if: false)", " @include(if: false)", " @skip(if: true)", " @deprecated"]);
  }

  selection(type: GraphQLCompositeType, depth: number, maxDepth: number): string {
    const parts: string[] = [];
    if (isUnionType(type) || (isInterfaceType(type) && this.chance(0.5))) {
      parts.push("__typename");
      const possible = this.schema.getPossibleTypes(type);
      for (const t of this.some(possible, 2)) parts.push(`... on ${t.name} ${this.selection(t, depth, maxDepth)}`);
      if (isUnionType(type)) return `{ ${parts.join(" ")} }`;
    }
    const fields = Object.values((type as GraphQLObjectType).getFields()) as GraphQLField<unknown, unknown>[];
    const chosen = depth >= maxDepth ? fields.filter((f) => isLeafType(getNamedType(f.type))) : fields;
    for (const field of this.some(chosen.length > 0 ? chosen : fields, 5)) {
      const named = getNamedType(field.type);
      const alias = this.chance(0.1) ? `a${this.counter++}: ` : "";
      let text = `${alias}${field.name}${this.args(field.args)}${this.directives()}`;
      if (isCompositeType(named)) {
        if (depth >= maxDepth + 2) continue;
        text += ` ${this.selection(named, depth + 1, maxDepth)}`;
      }
      parts.push(text);
    }
    if (parts.length === 0) parts.push("__typename");
    if (this.chance(0.1)) {
      const name = `Frag${this.fragments.length}`;
      this.fragments.push(`fragment ${name} on ${type.name} { ${parts.join(" ")} }`);
      return `{ ...${name}${this.chance(0.2) ? ` ...${name}` : ""} }`;
    }
    return `{ ${parts.join(" ")} }`;
  }

  operation(): { query: string; variables: Record<string, unknown>; root: string } {
    this.fragments = [];
    this.variables = [];
    const roots = [this.schema.getQueryType(), this.schema.getQueryType(), this.schema.getQueryType(), this.schema.getMutationType(), this.schema.getSubscriptionType()].filter(
      (t): t is GraphQLObjectType => t != null,
    );
    const root = this.pick(roots);
    const keyword = root === this.schema.getMutationType() ? "mutation" : root === this.schema.getSubscriptionType() ? "subscription" : "query";
    const body = this.selection(root, 1, 1 + this.int(8));
    const defs = this.variables.length === 0 ? "" : `(${this.variables.map((v) => `$${v.name}: ${v.type}`).join(", ")})`;
    const name = this.chance(0.5) ? ` Fuzz${this.int(1000)}` : defs === "" ? "" : " Fuzz";
    const query = [`${keyword}${name}${defs} ${body}`, ...this.fragments].join("\n");
    return { query, variables: Object.fromEntries(this.variables.map((v) => [v.name, v.value])), root: keyword };
  }
}

/** Invalid variants of a valid-looking document. */
function mutate(g: Generator, query: string): { kind: string; query: string } {
  switch (g.int(7)) {
    case 0: {
      // Unknown field.
      const at = query.indexOf("{", g.int(query.length));
      return { kind: "unknown-field", query: at < 0 ? `${query} { nope }` : `${query.slice(0, at + 1)} notAField_${g.int(99)} ${query.slice(at + 1)}` };
    }
    case 1: {
      // Unknown or wrongly typed argument.
      const at = query.search(/\w+\(/);
      if (at < 0) return { kind: "wrong-arg", query: query.replace("{", "{ models(first: \"ten\") { nodes { name } } ") };
      const open = query.indexOf("(", at);
      return { kind: "wrong-arg", query: `${query.slice(0, open + 1)}${g.pick(["bogus: 1, ", "first: \"x\", ", "first: {a: 1}, ", "filter: 5, "])}${query.slice(open + 1)}` };
    }
    case 2: {
      // Broken syntax: cut, drop or insert a character.
      const at = g.int(query.length);
      const op = g.int(3);
      return { kind: "syntax", query: op === 0 ? query.slice(0, at) : op === 1 ? query.slice(0, at) + query.slice(at + 1) : `${query.slice(0, at)}${g.pick(["{", "}", "(", ")", "\"", "$", "@", "...", "#", "\\u0000", ":"])}${query.slice(at)}` };
    }
    case 3: {
      // Huge depth through a recursive path.
      const n = 10 + g.int(60);
      return { kind: "deep", query: `{ models { nodes { ${"versions { nodes { model { ".repeat(n)}name${" } } }".repeat(n)} } } }` };
    }
    case 4: {
      // A fragment spread twice per level.
      const n = 10 + g.int(40);
      const fragments = Array.from({ length: n }, (_, i) => `fragment D${i} on Query { ...D${i + 1} ...D${i + 1} }`);
      return { kind: "doubling", query: `query Doubling { ...D0 }\n${fragments.join("\n")}\nfragment D${n} on Query { backends { id } }` };
    }
    case 5: {
      // Alias, directive or token floods.
      const n = 20 + g.int(400);
      const flood = g.pick(["alias", "directive", "field"]);
      const item = (i: number) => (flood === "alias" ? `a${i}: backends { id }` : flood === "directive" ? "environments @include(if: true) { name }" : "environments { name }");
      return { kind: `flood-${flood}`, query: `{ ${Array.from({ length: n }, (_, i) => item(i)).join(" ")} }` };
    }
    default: {
      // Deep introspection, or a fragment cycle.
      const n = 5 + g.int(40);
      return g.chance(0.5)
        ? { kind: "deep-introspection", query: `{ __schema { types { fields { type { ${"ofType { ".repeat(n)}name${" }".repeat(n)} } } } } }` }
        : { kind: "cycle", query: "query Cycle { ...A } fragment A on Query { backends { id } ...B } fragment B on Query { ...A }" };
    }
  }
}

export interface CorpusOptions {
  /** Share of requests that are malformed HTTP rather than documents (default 0.05). */
  malformed?: number;
}

/** `count` requests for `schema`, deterministic for `seed`. */
export function fuzzCorpus(schema: GraphQLSchema, seed: number, count: number, opts: CorpusOptions = {}): FuzzRequest[] {
  const g = new Generator(schema, prng(seed));
  const malformed = opts.malformed ?? 0.05;
  const out: FuzzRequest[] = [];
  const json = (kind: string, query: string, variables?: Record<string, unknown>, extra: Partial<FuzzRequest> = {}): FuzzRequest => ({
    kind,
    method: "POST",
    body: JSON.stringify({ query, ...(variables && Object.keys(variables).length > 0 ? { variables } : {}) }),
    contentType: "application/json",
    query,
    ...(variables ? { variables } : {}),
    ...extra,
  });
  while (out.length < count) {
    const roll = g.rand();
    const op = g.operation();
    if (roll < malformed) {
      const raw = g.pick([
        { kind: "raw-invalid-json", body: "{\"query\": \"{ backends { id } }\"", contentType: "application/json" },
        { kind: "raw-array", body: "[]", contentType: "application/json" },
        { kind: "raw-query-number", body: "{\"query\": 5}", contentType: "application/json" },
        { kind: "raw-no-query", body: "{}", contentType: "application/json" },
        { kind: "raw-variables-string", body: JSON.stringify({ query: op.query, variables: "nope" }), contentType: "application/json" },
        { kind: "raw-empty", body: "", contentType: "application/json" },
        { kind: "raw-text-plain", body: JSON.stringify({ query: op.query }), contentType: "text/plain" },
        { kind: "raw-graphql-response-type", body: JSON.stringify({ query: op.query }), contentType: "application/graphql-response+json" },
        { kind: "raw-batch", body: JSON.stringify([{ query: op.query }, { query: op.query }]), contentType: "application/json" },
        { kind: "raw-operation-name", body: JSON.stringify({ query: op.query, operationName: "NoSuchOperation" }), contentType: "application/json" },
      ]);
      out.push({ kind: raw.kind, method: "POST", body: raw.body, contentType: raw.contentType, query: op.query });
    } else if (roll < malformed + 0.03) {
      // GET: refused without a preflight header (CSRF), answered with one.
      const search = new URLSearchParams({ query: op.query, ...(Object.keys(op.variables).length > 0 ? { variables: JSON.stringify(op.variables) } : {}) }).toString();
      out.push({ kind: g.chance(0.5) ? "get" : "get-preflight", method: "GET", search, query: op.query });
    } else if (roll < malformed + 0.05) {
      out.push(json(g.chance(0.5) ? "no-token" : "bad-token", op.query, op.variables, { token: g.chance(0.5) ? false : "not-a-valid-token" }));
    } else if (roll < 0.6) {
      out.push(json(`valid-${op.root}`, op.query, op.variables));
    } else {
      const bad = mutate(g, op.query);
      out.push(json(bad.kind, bad.query, op.variables));
    }
  }
  return out;
}

export interface FuzzAnswer {
  status: number;
  contentType: string;
  text: string;
}

/**
 * Sends one request of the corpus to `${base}/graphql` on `agent` (keep-alive), as `token` unless it
 * says otherwise. A request that found its reused keep-alive socket reset before any answer is sent
 * once more on a new socket, as Node's http docs advise (`request.reusedSocket`): the server may
 * close an idle socket just as the client picks it up, which says nothing about the request.
 * `onRetry` counts those; a reset on a fresh socket, or a second one, is the caller's to judge.
 */
export function sendFuzzRequest(agent: Agent, base: URL, r: FuzzRequest, token: string, onRetry?: () => void): Promise<FuzzAnswer> {
  return sendOnce(agent, base, r, token).catch((err: unknown) => {
    if ((err as { reusedSocket?: boolean }).reusedSocket !== true || (err as NodeJS.ErrnoException).code !== "ECONNRESET") throw err;
    onRetry?.();
    return sendOnce(agent, base, r, token);
  });
}

function sendOnce(agent: Agent, base: URL, r: FuzzRequest, token: string): Promise<FuzzAnswer> {
  const headers: Record<string, string> = {};
  if (r.token !== false) headers["authorization"] = `Bearer ${r.token ?? token}`;
  if (r.contentType !== undefined) headers["content-type"] = r.contentType;
  if (r.kind === "get-preflight") headers["apollo-require-preflight"] = "true";
  const body = r.method === "POST" ? Buffer.from(r.body ?? "") : undefined;
  if (body !== undefined) headers["content-length"] = String(body.length);
  return new Promise((resolve, reject) => {
    const path = `/graphql${r.search === undefined ? "" : `?${r.search}`}`;
    let answered = false;
    const req = request({ agent, host: base.hostname, port: base.port, method: r.method, path, headers }, (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, contentType: String(res.headers["content-type"] ?? ""), text: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    req.on("error", (err) => reject(Object.assign(err, { reusedSocket: req.reusedSocket && !answered })));
    req.end(body);
  });
}
