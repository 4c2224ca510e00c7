/**
 * The query limits (limits: in modelgate.yaml) against a real gateway, over HTTP and WebSocket:
 * hostile documents are refused with QUERY_TOO_COMPLEX, naming the limit and its configured value,
 * before any resolver or backend call runs (every adapter call is counted: none happens), and the
 * standard introspection query still works. Production mode also keeps "Did you mean" suggestions
 * out of execution errors (variable values), on both transports.
 */
import { getIntrospectionQuery } from "graphql";
import { createClient, type Client } from "graphql-ws";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { BUILT_IN_ADAPTERS } from "../../src/app/adapter-registry.js";
import { callCounter, countingFactories, type CallCounter } from "../support/counting-adapter.js";
import { ALIASES_IN_FRAGMENTS, BACKEND_FIELD, deepIntrospection, doublingFragments } from "../support/hostile-documents.js";
import { startTestGateway, type TestGateway } from "../support/test-gateway.js";

const MODELS = BACKEND_FIELD;
const doubling = doublingFragments;
/** 35 deep, next to a field that reaches the backend if the document runs at all. */
const DEEP_INTROSPECTION = deepIntrospection(30);

const GRAPHIQL_INTROSPECTION = getIntrospectionQuery({ descriptions: true, specifiedByUrl: true, directiveIsRepeatable: true, schemaDescription: true, inputValueDeprecation: true });

/** The error refusing a document for `limit` (the message names the value found, the limit and its key). */
function refusal(limit: string, max: number, message: string | RegExp = new RegExp(`is over the limit of ${max} \\(limits\\.${limit}\\)$`)) {
  return expect.objectContaining({ message: typeof message === "string" ? message : expect.stringMatching(message), extensions: { code: "QUERY_TOO_COMPLEX", limit, max } });
}

const clients: Client[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.dispose()));
});

function wsClient(gw: TestGateway, opts: { lazy?: boolean } = {}): Client {
  const c = createClient({ url: gw.graphqlUrl.replace(/^http/, "ws"), webSocketImpl: WebSocket, retryAttempts: 0, lazy: opts.lazy ?? true });
  clients.push(c);
  return c;
}

/** The errors a subscribe is refused with (graphql-ws rejects with them when the operation never started). */
async function wsRefusal(c: Client, query: string, variables?: Record<string, unknown>): Promise<unknown> {
  const iterator = c.iterate({ query, ...(variables ? { variables } : {}) });
  try {
    const first = await iterator.next();
    return first.value;
  } catch (errors) {
    return errors;
  } finally {
    await iterator.return?.();
  }
}

describe("query limits (development mode, introspection on)", () => {
  let gw: TestGateway;
  const counter: CallCounter = callCounter();

  beforeAll(async () => {
    gw = await startTestGateway({
      factories: countingFactories(BUILT_IN_ADAPTERS, counter),
      webhooks: false,
      // Nothing else may call the backend while a test counts: no background drift pass.
      config: { drift: { enabled: false } },
    });
  });
  afterAll(async () => {
    await gw?.stop();
  });

  /** Sends a document over HTTP and returns the response with the adapter calls it caused. */
  async function httpCalls(query: string): Promise<{ status: number; body: Awaited<ReturnType<TestGateway["gql"]>>; calls: string[] }> {
    const before = counter.log.length;
    const body = await gw.gql(query);
    return { status: body.status, body, calls: counter.log.slice(before) };
  }

  it("counts adapter calls (the control: an accepted document reaches the backend)", async () => {
    const { body, calls } = await httpCalls(`query Control { ${MODELS} }`);
    expect(body.errors).toBeUndefined();
    expect(calls.length).toBeGreaterThan(0);
    const small = await httpCalls(doubling(3, "query", "Query", MODELS));
    expect(small.body.errors).toBeUndefined();
    expect(small.calls.length).toBeGreaterThan(0);
  });

  it("refuses a fragment spread twice per level, 22 levels deep, before running it (HTTP)", async () => {
    // The hand-written depth limit this replaced took seconds here, then ran the query.
    const { status, body, calls } = await httpCalls(doubling(22, "query", "Query", MODELS));
    expect({ status, data: body.data, errors: body.errors }).toEqual({ status: 400, data: undefined, errors: [refusal("maxCost", 1_000_000)] });
    expect(calls).toEqual([]);
  });

  it("refuses the 40-level doubling-fragment query (HTTP)", async () => {
    // Before: 2^40 walks of the fragments; the process froze for days.
    const { status, body, calls } = await httpCalls(doubling(40, "query", "Query", MODELS));
    expect(status).toBe(400);
    expect(body.errors).toEqual([refusal("maxCost", 1_000_000, "query cost 1.3e+17 is over the limit of 1000000 (limits.maxCost)")]);
    expect(calls).toEqual([]);
  });

  it("refuses aliases hidden in fragments (HTTP)", async () => {
    const { status, body, calls } = await httpCalls(ALIASES_IN_FRAGMENTS);
    expect(status).toBe(400);
    expect(body.errors).toEqual([refusal("maxAliases", 30, "alias count 32 is over the limit of 30 (limits.maxAliases)")]);
    expect(calls).toEqual([]);
  });

  it("refuses deep introspection (HTTP)", async () => {
    const { status, body, calls } = await httpCalls(DEEP_INTROSPECTION);
    expect(status).toBe(400);
    expect(body.errors).toEqual([refusal("maxIntrospectionDepth", 15, "introspection depth 35 is over the limit of 15 (limits.maxIntrospectionDepth)")]);
    expect(calls).toEqual([]);
  });

  it("refuses one field selected too often at one place, before graphql-js compares every pair (HTTP)", async () => {
    const { status, body, calls } = await httpCalls(`{ ${Array.from({ length: 80 }, () => MODELS).join(" ")} }`);
    expect(status).toBe(400);
    expect(body.errors).toEqual([refusal("maxFieldRepeats", 50, '"models.nodes.name" selected 80 times at one place in the response is over the limit of 50 (limits.maxFieldRepeats)')]);
    expect(calls).toEqual([]);
  });

  it("refuses a document past maxTokens or maxCharacters, naming the limit (HTTP)", async () => {
    const tokens = await httpCalls(`query Many { ${Array.from({ length: 300 }, () => MODELS).join(" ")} }`);
    expect(tokens.status).toBe(400);
    expect(tokens.body.errors).toEqual([refusal("maxTokens", 1000, "token count is over the limit of 1000 (limits.maxTokens)")]);
    const long = `query Long { ${MODELS} } # ${"x".repeat(15_000)}`;
    const characters = await httpCalls(long);
    expect(characters.status).toBe(400);
    expect(characters.body.errors).toEqual([refusal("maxCharacters", 15_000, `query length ${long.length} is over the limit of 15000 (limits.maxCharacters)`)]);
    expect([...tokens.calls, ...characters.calls]).toEqual([]);
  });

  it("answers the standard introspection query GraphiQL sends", async () => {
    const res = await gw.gql<{ __schema: { types: { name: string }[] } }>(GRAPHIQL_INTROSPECTION);
    expect(res.errors).toBeUndefined();
    expect(res.data?.__schema.types.map((t) => t.name)).toContain("RegisteredModel");
  });

  it("applies the same limits to WebSocket subscriptions, before anything runs", async () => {
    const c = wsClient(gw);
    const before = counter.log.length;
    // The socket answers every refusal at once (HTTP, one answer per request, gives the first).
    expect(await wsRefusal(c, doubling(40, "subscription", "Subscription", "registryEvents { seq }"))).toEqual([refusal("maxCost", 1_000_000), refusal("maxFieldRepeats", 50)]);

    const aliases = `subscription Hidden { registryEvents { ...A } }
      fragment A on RegistryEvent { ...B ...B ...B ...B }
      fragment B on RegistryEvent { ${Array.from({ length: 8 }, (_, i) => `s${i}: seq`).join(" ")} }`;
    expect(await wsRefusal(c, aliases)).toEqual([refusal("maxAliases", 30, "alias count 32 is over the limit of 30 (limits.maxAliases)")]);

    // A query over the socket meets the limits before the "subscriptions only" rule.
    expect(await wsRefusal(c, DEEP_INTROSPECTION)).toEqual([refusal("maxIntrospectionDepth", 15)]);
    expect(await wsRefusal(c, doubling(40, "query", "Query", MODELS))).toEqual([refusal("maxCost", 1_000_000), refusal("maxFieldRepeats", 50)]);
    expect(await wsRefusal(c, `subscription Long { registryEvents { seq } } # ${"x".repeat(15_000)}`)).toEqual([refusal("maxCharacters", 15_000)]);
    expect(await wsRefusal(c, `subscription Many { registryEvents { ${"seq ".repeat(1_000)} } }`)).toEqual([
      refusal("maxTokens", 1000, "token count is over the limit of 1000 (limits.maxTokens)"),
    ]);
    expect(counter.log.slice(before)).toEqual([]);
  });
});

describe("subscriptions with @skip / @include at their root (graphql-js's validation threw on them)", () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({ webhooks: false, config: { drift: { enabled: false } } });
  });
  afterAll(async () => {
    await gw?.stop();
  });

  const ROOT_INCLUDE = "subscription S($on: Boolean!) { registryEvents @include(if: $on) { seq } }";

  it("answer 400 over HTTP, not 500", async () => {
    const res = await gw.gql(ROOT_INCLUDE, { on: true });
    expect(res.status).toBe(400);
    expect(res.errors).toEqual([{ message: "subscriptions are served over WebSocket (the graphql-transport-ws protocol) at /graphql, not over HTTP", extensions: { code: "UNSUPPORTED" } }]);
    const mixed = await fetch(gw.graphqlUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: `query Q { backends { id } } ${ROOT_INCLUDE}`, operationName: "Q" }),
    });
    expect(mixed.status).toBe(400);
    expect(await mixed.json()).toEqual({ errors: [expect.objectContaining({ message: 'Subscription "S" must not use @include on its top level selection.', extensions: { code: "GRAPHQL_VALIDATION_FAILED" } })] });
  });

  it("are refused over WebSocket with a validation error, and the socket stays open", async () => {
    // Not lazy: the socket stays open between operations, so any close is the server's doing.
    const c = wsClient(gw, { lazy: false });
    let closed: unknown;
    c.on("closed", (event) => (closed = (event as { code?: number }).code));
    expect(await wsRefusal(c, ROOT_INCLUDE, { on: true })).toEqual([
      expect.objectContaining({ message: 'Subscription "S" must not use @include on its top level selection.', extensions: { code: "GRAPHQL_VALIDATION_FAILED" } }),
    ]);
    expect(await wsRefusal(c, "subscription { registryEvents { nope } }")).toEqual([expect.objectContaining({ extensions: { code: "GRAPHQL_VALIDATION_FAILED" } })]);
    expect(closed).toBeUndefined();
  });
});

describe("query limits configured in modelgate.yaml", () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({ webhooks: false, config: { drift: { enabled: false }, limits: { maxDepth: 3, maxCost: 50 } } });
  });
  afterAll(async () => {
    await gw?.stop();
  });

  it("uses the configured values on both transports", async () => {
    const deep = await gw.gql("{ models { nodes { versions { nodes { version } } } } }");
    expect(deep.errors).toEqual([refusal("maxDepth", 3, "query depth 5 is over the limit of 3 (limits.maxDepth)")]);
    const costly = await gw.gql("{ models(first: 100) { nodes { name } } }");
    expect(costly.errors).toEqual([refusal("maxCost", 50, "query cost 725 is over the limit of 50 (limits.maxCost)")]);
    expect((await gw.gql("{ models(first: 2) { nodes { name } } }")).errors).toBeUndefined();
    const c = wsClient(gw);
    expect(await wsRefusal(c, "{ models { nodes { versions { nodes { version } } } } }")).toEqual([
      refusal("maxDepth", 3, "query depth 5 is over the limit of 3 (limits.maxDepth)"),
    ]);
  });
});

describe("production mode", () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({ webhooks: false, config: { server: { mode: "production" }, drift: { enabled: false } } });
  });
  afterAll(async () => {
    await gw?.stop();
  });

  it("keeps the limits' messages and codes", async () => {
    const res = await gw.gql(ALIASES_IN_FRAGMENTS);
    expect(res.errors).toEqual([refusal("maxAliases", 30, "alias count 32 is over the limit of 30 (limits.maxAliases)")]);
  });

  it("suggests no schema names in errors about variable values (HTTP and WebSocket)", async () => {
    const http = await gw.gql("query($s: Stage) { models(first: 1) { nodes { versions(first: 1, filter: { stage: $s }) { nodes { version } } } } }", { s: "PRODUCTON" });
    expect(http.errors).toEqual([expect.objectContaining({ message: expect.stringMatching(/^Variable "\$s" got invalid value "PRODUCTON"/), extensions: { code: "BAD_USER_INPUT" } })]);
    expect(JSON.stringify(http.errors)).not.toMatch(/Did you mean|"PRODUCTION"/);
    // Over the socket it is the client's mistake too (BAD_USER_INPUT), not a masked internal error.
    const ws = await wsRefusal(wsClient(gw), "subscription($t: [RegistryEventType!]) { registryEvents(filter: { types: $t }) { seq } }", { t: ["DRIFTT"] });
    expect(ws).toEqual({ errors: [expect.objectContaining({ message: expect.stringMatching(/^Variable "\$t" got invalid value "DRIFTT"/), extensions: { code: "BAD_USER_INPUT" } })] });
    expect(JSON.stringify(ws)).not.toMatch(/Did you mean|"DRIFT"/);
  });
});
