/**
 * registryEvents over a real WebSocket (graphql-ws client over `ws`) against a real gateway with
 * auth on: events of mutations made over HTTP arrive in order with the right types, filters apply,
 * afterSeq resumes, and the socket has the HTTP path's authentication and limits.
 */
import { createClient, type Client, type FormattedExecutionResult } from "graphql-ws";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { sha256Hex } from "../../src/http/auth.js";
import { startTestGateway, type TestGateway } from "../support/test-gateway.js";

const VIEWER = "viewer-token-0123456789";
const PUBLISHER = "publisher-token-0123456789";

let gw: TestGateway;
let wsUrl: string;
const clients: Client[] = [];

beforeAll(async () => {
  gw = await startTestGateway({
    config: {
      limits: { maxAliases: 2 },
      auth: {
        tokens: [
          { subject: "dashboard", sha256: sha256Hex(VIEWER), roles: ["viewer"] },
          { subject: "ci-pipeline", sha256: sha256Hex(PUBLISHER), roles: ["publisher"] },
        ],
      },
    },
  });
  wsUrl = gw.graphqlUrl.replace(/^http/, "ws");
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.dispose()));
});

afterAll(async () => {
  await gw?.stop();
});

interface Event {
  id: string;
  seq: number;
  type: string;
  action: string;
  actor: string;
  target: string;
  backendId: string | null;
  modelName: string | null;
  environment: string | null;
  before: unknown;
  after: unknown;
  reason: string | null;
  at: string;
}

const SUBSCRIBE = `subscription Events($filter: RegistryEventFilter, $afterSeq: Int) {
  registryEvents(filter: $filter, afterSeq: $afterSeq) { id seq type action actor target backendId modelName environment before after reason at }
}`;

function client(opts: { token?: string; headers?: Record<string, string> } = {}): Client {
  const headers = opts.headers;
  const c = createClient({
    url: wsUrl,
    webSocketImpl: headers === undefined ? WebSocket : class extends WebSocket {
      constructor(address: string, protocols?: string | string[]) {
        super(address, protocols, { headers });
      }
    },
    retryAttempts: 0,
    ...(opts.token === undefined ? {} : { connectionParams: { authorization: `Bearer ${opts.token}` } }),
  });
  clients.push(c);
  return c;
}

function subscribe(c: Client, variables: Record<string, unknown> = {}, query = SUBSCRIBE): AsyncIterableIterator<FormattedExecutionResult<{ registryEvents: Event }, unknown>> {
  return c.iterate<{ registryEvents: Event }>({ query, variables });
}

async function take(it: AsyncIterableIterator<FormattedExecutionResult<{ registryEvents: Event }, unknown>>, n: number): Promise<Event[]> {
  const events: Event[] = [];
  while (events.length < n) {
    const next = await it.next();
    if (next.done === true) throw new Error(`the subscription ended after ${events.length} events`);
    expect(next.value.errors).toBeUndefined();
    events.push(next.value.data!.registryEvents);
  }
  return events;
}

/** The seq of the newest audit event: subscribing after it sees everything that happens next. */
async function headSeq(): Promise<number> {
  const res = await gw.gql<{ auditEvents: { nodes: { seq: number }[] } }>("{ auditEvents(first: 1) { nodes { seq } } }", undefined, bearer(VIEWER));
  return res.data?.auditEvents.nodes[0]?.seq ?? 0;
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

async function register(model: string): Promise<string> {
  const res = await gw.gql<{ modelVersionRegister: { modelVersion: { version: string }; userErrors: unknown[] } }>(
    `mutation { modelVersionRegister(input: { backend: "example", model: "${model}", artifactUri: "s3://b/${model}", reason: "subscription test" }) { modelVersion { version } userErrors { code message } } }`,
    undefined,
    bearer(PUBLISHER),
  );
  expect(res.data?.modelVersionRegister.userErrors).toEqual([]);
  return res.data!.modelVersionRegister.modelVersion.version;
}

async function aliasSet(model: string, alias: string, version: string): Promise<void> {
  const res = await gw.gql<{ aliasSet: { userErrors: unknown[] } }>(
    `mutation { aliasSet(input: { backend: "example", model: "${model}", alias: "${alias}", version: "${version}" }) { userErrors { code message } } }`,
    undefined,
    bearer(PUBLISHER),
  );
  expect(res.data?.aliasSet.userErrors).toEqual([]);
}

async function aliasRemove(model: string, alias: string): Promise<void> {
  const res = await gw.gql<{ aliasRemove: { userErrors: unknown[] } }>(
    `mutation { aliasRemove(input: { backend: "example", model: "${model}", alias: "${alias}" }) { userErrors { code message } } }`,
    undefined,
    bearer(PUBLISHER),
  );
  expect(res.data?.aliasRemove.userErrors).toEqual([]);
}

/** Opens a raw socket; resolves with the HTTP status of a refused upgrade, or the close code. */
function rawSocket(url: string, headers: Record<string, string>, init?: Record<string, unknown>): Promise<{ status?: number; close?: number }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, "graphql-transport-ws", { headers });
    ws.on("unexpected-response", (_req, res) => {
      resolve({ status: res.statusCode });
      res.resume();
    });
    ws.on("open", () => ws.send(JSON.stringify({ type: "connection_init", ...(init === undefined ? {} : { payload: init }) })));
    ws.on("close", (code) => resolve({ close: code }));
    ws.on("error", (err) => {
      if (!/Unexpected server response/.test(err.message)) reject(err);
    });
  });
}

describe("registryEvents over WebSocket", () => {
  it("streams the events of HTTP mutations in order, with their types", async () => {
    const after = await headSeq();
    const events = subscribe(client({ token: VIEWER }), { afterSeq: after });
    const version = await register("sub-stream");
    await aliasSet("sub-stream", "champion", version);
    await aliasRemove("sub-stream", "champion");

    const got = await take(events, 3);
    expect(got.map((e) => [e.seq, e.type, e.action])).toEqual([
      [after + 1, "VERSION_REGISTERED", "model_version.register"],
      [after + 2, "ALIAS_CHANGED", "alias.set"],
      [after + 3, "ALIAS_CHANGED", "alias.remove"],
    ]);
    expect(got[0]).toMatchObject({ actor: "ci-pipeline", backendId: "example", modelName: "sub-stream", environment: null, reason: "subscription test" });
    expect(got[1]).toMatchObject({ target: "example/sub-stream#champion" });
    expect(new Date(got[0]!.at).getTime()).not.toBeNaN();

    // The id is the audit event's node id.
    const node = await gw.gql<{ node: { seq: number; action: string } }>(
      "query($id: ID!) { node(id: $id) { ... on AuditEvent { seq action } } }",
      { id: got[1]!.id },
      bearer(VIEWER),
    );
    expect(node.data?.node).toEqual({ seq: after + 2, action: "alias.set" });
    await events.return?.();
  });

  it("starts at the current position without afterSeq: earlier events are not replayed", async () => {
    const earlier = await register("sub-live");
    expect(earlier).toBe("1");
    const events = subscribe(client({ token: VIEWER }), { filter: { model: "sub-live" } });
    const first = take(events, 1);
    const state: { got?: Event[] } = {};
    void first.then((got) => (state.got = got));
    // The subscription goes live at some point after the request: register until it sees one.
    while (state.got === undefined) {
      await register("sub-live");
      await Promise.race([first, headSeq()]);
    }
    const got = await first;
    expect(got[0]).toMatchObject({ type: "VERSION_REGISTERED", modelName: "sub-live", target: expect.not.stringMatching(/@1$/) });
    expect((got[0]!.after as { version: string }).version).not.toBe("1");
    await events.return?.();
  });

  it("delivers only what matches the filter", async () => {
    const after = await headSeq();
    const events = subscribe(client({ token: VIEWER }), { afterSeq: after, filter: { types: ["ALIAS_CHANGED"], model: "sub-filter-a", backend: "example" } });
    const a = await register("sub-filter-a");
    const b = await register("sub-filter-b");
    await aliasSet("sub-filter-b", "champion", b);
    await aliasSet("sub-filter-a", "champion", a);
    await aliasSet("sub-filter-a", "challenger", a);

    const got = await take(events, 2);
    expect(got.map((e) => [e.seq, e.type, e.target])).toEqual([
      [after + 4, "ALIAS_CHANGED", "example/sub-filter-a#champion"],
      [after + 5, "ALIAS_CHANGED", "example/sub-filter-a#challenger"],
    ]);
    await events.return?.();
  });

  it("resumes after a seq without gaps: the same events, with the same ids", async () => {
    const after = await headSeq();
    const first = subscribe(client({ token: VIEWER }), { afterSeq: after, filter: { model: "sub-resume" } });
    const version = await register("sub-resume");
    await aliasSet("sub-resume", "champion", version);
    await aliasSet("sub-resume", "challenger", version);
    const original = await take(first, 3);
    await first.return?.();

    // A client that saw only the first event reconnects and resumes after it.
    const resumed = subscribe(client({ token: VIEWER }), { afterSeq: original[0]!.seq, filter: { model: "sub-resume" } });
    await aliasRemove("sub-resume", "challenger");
    const again = await take(resumed, 3);
    expect(again.slice(0, 2)).toEqual(original.slice(1));
    expect(again[2]).toMatchObject({ seq: original[2]!.seq + 1, action: "alias.remove" });
    await resumed.return?.();
  });

  it("accepts the token as the upgrade request's Authorization header", async () => {
    const after = await headSeq();
    const events = subscribe(client({ headers: bearer(VIEWER) }), { afterSeq: after, filter: { model: "sub-header" } });
    await register("sub-header");
    expect((await take(events, 1))[0]).toMatchObject({ seq: after + 1, type: "VERSION_REGISTERED" });
    await events.return?.();
  });

  it("refuses a connection without a valid token with 4403", async () => {
    expect(await rawSocket(wsUrl, {})).toEqual({ close: 4403 });
    expect(await rawSocket(wsUrl, {}, { authorization: "Bearer wrong-token" })).toEqual({ close: 4403 });
    // The graphql-ws client reports the same close.
    const refused = subscribe(client(), { afterSeq: 0 });
    await expect(refused.next()).rejects.toMatchObject({ code: 4403 });
  });

  it("refuses an upgrade with an invalid Authorization header with 401", async () => {
    expect(await rawSocket(wsUrl, { authorization: "Bearer wrong-token" })).toEqual({ status: 401 });
  });

  it("serves only subscriptions, within the HTTP path's limits", async () => {
    const c = client({ token: VIEWER });
    const query = c.iterate({ query: "{ backends { id } }" });
    await expect(query.next()).rejects.toEqual([expect.objectContaining({ extensions: { code: "BAD_REQUEST" } })]);

    const aliases = c.iterate({ query: "subscription { registryEvents { a: seq b: seq c: seq } }" });
    await expect(aliases.next()).rejects.toEqual([expect.objectContaining({ message: "alias count 3 is over the limit of 2 (limits.maxAliases)", extensions: { code: "QUERY_TOO_COMPLEX", limit: "maxAliases", max: 2 } })]);

    const invalid = c.iterate({ query: "subscription { registryEvents { nope } }" });
    await expect(invalid.next()).rejects.toEqual([expect.objectContaining({ extensions: { code: "GRAPHQL_VALIDATION_FAILED" } })]);

    const negative = subscribe(c, { afterSeq: -1 });
    const result = await negative.next();
    expect(result.value?.errors?.[0]).toMatchObject({ message: "afterSeq must be at least 0, got -1", extensions: { code: "BAD_USER_INPUT", field: "afterSeq" } });
  });

  it("answers a subscription sent over HTTP with UNSUPPORTED, naming the WebSocket endpoint", async () => {
    const res = await gw.gql("subscription { registryEvents { seq } }", undefined, bearer(VIEWER));
    expect(res.data ?? null).toBeNull();
    expect(res.errors).toEqual([
      expect.objectContaining({
        message: "subscriptions are served over WebSocket (the graphql-transport-ws protocol) at /graphql, not over HTTP",
        extensions: { code: "UNSUPPORTED" },
      }),
    ]);
  });
});

describe("development mode (no auth)", () => {
  it("accepts a connection without a token, and refuses a browser's cross-origin upgrade with 403", async () => {
    const dev = await startTestGateway();
    try {
      const url = dev.graphqlUrl.replace(/^http/, "ws");
      expect(await rawSocket(url, { origin: "https://evil.example" })).toEqual({ status: 403 });
      const c = createClient({ url, webSocketImpl: WebSocket, retryAttempts: 0 });
      clients.push(c);
      const events = subscribe(c, { afterSeq: 0, filter: { model: "dev-mode" } });
      const res = await dev.gql('mutation { modelVersionRegister(input: { backend: "example", model: "dev-mode", artifactUri: "s3://b/k" }) { userErrors { code } } }');
      expect(res.errors).toBeUndefined();
      expect((await take(events, 1))[0]).toMatchObject({ type: "VERSION_REGISTERED", modelName: "dev-mode", actor: "anonymous" });
      await events.return?.();
      await c.dispose();
      // Same origin (the gateway's own GraphiQL page) is fine.
      const host = new URL(dev.url).host;
      const sameOrigin = await new Promise<boolean>((resolve) => {
        const ws = new WebSocket(url, "graphql-transport-ws", { headers: { origin: dev.url, host } });
        ws.on("open", () => {
          ws.close();
          resolve(true);
        });
        ws.on("unexpected-response", () => resolve(false));
      });
      expect(sameOrigin).toBe(true);
    } finally {
      await dev.stop();
    }
  });
});

describe("shutdown", () => {
  it("closes sockets with open subscriptions with 1001 Going away", async () => {
    const own = await startTestGateway({ config: { auth: { tokens: [{ subject: "dashboard", sha256: sha256Hex(VIEWER), roles: ["viewer"] }] } } });
    const ws = new WebSocket(own.graphqlUrl.replace(/^http/, "ws"), "graphql-transport-ws");
    const closed = new Promise<number>((resolve) => ws.on("close", (code) => resolve(code)));
    const acknowledged = new Promise<void>((resolve) =>
      ws.on("message", (data) => {
        if ((JSON.parse(String(data)) as { type: string }).type === "connection_ack") resolve();
      }),
    );
    ws.on("open", () => ws.send(JSON.stringify({ type: "connection_init", payload: { authorization: `Bearer ${VIEWER}` } })));
    await acknowledged;
    ws.send(JSON.stringify({ id: "1", type: "subscribe", payload: { query: "subscription { registryEvents { seq } }" } }));
    await own.stop();
    expect(await closed).toBe(1001);
  });
});
