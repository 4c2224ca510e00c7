/**
 * GET /metrics over real HTTP on a real gateway (git-YAML registry, SQLite store): who may read it
 * (the rule of /readyz's details: admins, plus the scrape-only tokens of metrics.tokens), and that a
 * scrape reports the requests, backend calls, circuits, leader, subscriptions and store gauges that
 * the requests made just before it caused.
 */
import { createClient, type Client } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { sha256Hex } from "./auth.js";
import { startTestGateway, type TestGateway } from "../../test/support/test-gateway.js";

const ADMIN = "admin-token-0123456789";
const VIEWER = "viewer-token-0123456789";
const SCRAPER = "scrape-token-0123456789";
const APPROVER = "approver-token-0123456789";

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({
    config: {
      auth: {
        tokens: [
          { subject: "ops", sha256: sha256Hex(ADMIN), roles: ["admin"] },
          { subject: "dashboard", sha256: sha256Hex(VIEWER), roles: ["viewer"] },
          { subject: "bob", sha256: sha256Hex(APPROVER), roles: ["approver"] },
        ],
      },
      policies: { rules: [{ gates: { approvals: 1 } }] },
      metrics: { tokens: [{ subject: "prometheus", sha256: sha256Hex(SCRAPER) }] },
    },
    webhooks: false,
  });
});
afterAll(async () => {
  await gw?.stop();
});

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const scrape = (headers: Record<string, string> = {}, method = "GET") => fetch(`${gw.url}/metrics`, { method, headers });

/** The value of the sample `name{labels}` in an exposition text (labels: a subset that must match). */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split("\n")) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (m === null || m[1] !== name) continue;
    const found = Object.fromEntries([...(m[2] ?? "").matchAll(/([a-zA-Z_]\w*)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1], l[2]]));
    if (Object.entries(labels).every(([k, v]) => found[k] === v)) return Number(m[3]);
  }
  return undefined;
}

describe("who may read /metrics", () => {
  it("refuses an anonymous caller and a bad token (401), and a viewer (403)", async () => {
    const anonymous = await scrape();
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("www-authenticate")).toContain("Bearer");
    expect((await scrape(bearer("not-a-token"))).status).toBe(401);
    const viewer = await scrape(bearer(VIEWER));
    expect(viewer.status).toBe(403);
    expect(await viewer.json()).toMatchObject({ error: { code: "FORBIDDEN" } });
  });

  it("serves an admin and a scrape token in Prometheus text format; the scrape token opens nothing else", async () => {
    for (const token of [ADMIN, SCRAPER]) {
      const res = await scrape(bearer(token));
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
      expect(await res.text()).toContain("# TYPE modelgate_request_duration_seconds histogram");
    }
    const head = await scrape(bearer(SCRAPER), "HEAD");
    expect(head.status).toBe(200);
    expect(await head.text()).toBe("");
    expect((await scrape(bearer(SCRAPER), "POST")).status).toBe(405);
    expect((await gw.gql("{ models(first: 1) { nodes { name } } }", undefined, bearer(SCRAPER))).status).toBe(401);
    expect((await fetch(`${gw.url}/readyz`, { headers: bearer(SCRAPER) }).then((r) => r.json())) as unknown).toEqual({ ready: true });
  });
});

describe("what a scrape reports", () => {
  let ws: Client | undefined;
  afterAll(async () => {
    await ws?.dispose();
  });

  it("requests by route, operation and status; backend calls by outcome; circuits, leader, subscriptions, outbox and drift", async () => {
    expect((await gw.gql("query Models { models(first: 5) { nodes { name } } }", undefined, bearer(VIEWER))).status).toBe(200);
    expect((await gw.gql("query Models { models(first: 5) { nodes { name } } }", undefined, bearer(VIEWER))).status).toBe(200);
    const missing = await gw.gql(`query Missing { model(backend: "example", name: "no-such-model") { name } }`, undefined, bearer(VIEWER));
    expect(missing.status).toBe(200);
    expect((await gw.gql("query { nope }", undefined, bearer(VIEWER))).status).toBe(400);
    expect((await fetch(`${gw.url}/v1/resolve/no-such-model?env=production`, { headers: bearer(VIEWER) })).status).toBe(404);
    // Refused before Apollo runs (no subscriptions over HTTP): still an invalid GraphQL request.
    const refused = await gw.gql("subscription { registryEvents { seq } }", undefined, bearer(VIEWER));
    // The MLflow-compatible registry is one route, whatever the path.
    const mlflowStatus = (await fetch(`${gw.url}/api/2.0/mlflow/registered-models/search`, { headers: bearer(VIEWER) })).status;

    // One subscription open on this replica.
    ws = createClient({ url: gw.url.replace(/^http/, "ws") + "/graphql", webSocketImpl: WebSocket, retryAttempts: 0, connectionParams: bearer(VIEWER) });
    const events = ws.iterate({ query: "subscription { registryEvents { seq } }" });
    void events.next().catch(() => undefined);
    let text = "";
    const until = Date.now() + 15_000;
    while (sample(text, "modelgate_subscriptions") !== 1) {
      if (Date.now() > until) throw new Error(`no subscription counted:\n${text}`);
      await new Promise((r) => setTimeout(r, 50));
      text = await (await scrape(bearer(SCRAPER))).text();
    }

    const graphql = { route: "/graphql", status: "200" };
    expect(sample(text, "modelgate_request_duration_seconds_count", { ...graphql, operation: "Models" })).toBe(2);
    expect(sample(text, "modelgate_request_duration_seconds_count", { ...graphql, operation: "Missing" })).toBe(1);
    expect(refused.status).toBe(400);
    expect(sample(text, "modelgate_request_duration_seconds_count", { route: "/graphql", operation: "invalid", status: "400" })).toBe(2);
    expect(sample(text, "modelgate_request_duration_seconds_count", { route: "/mlflow", status: String(mlflowStatus) })).toBe(1);
    expect(sample(text, "modelgate_request_duration_seconds_count", { route: "/v1/resolve", status: "404" })).toBe(1);
    expect(sample(text, "modelgate_request_duration_seconds_bucket", { ...graphql, operation: "Models", le: "+Inf" })).toBe(2);
    expect(sample(text, "modelgate_graphql_errors_total", { operation: "invalid", code: "GRAPHQL_VALIDATION_FAILED" })).toBe(1);

    const example = { backend: "example", kind: "git-yaml" };
    expect(sample(text, "modelgate_backend_call_duration_seconds_count", { ...example, method: "listModels", outcome: "OK" })).toBeGreaterThanOrEqual(2);
    expect(sample(text, "modelgate_backend_call_duration_seconds_count", { ...example, method: "getModel", outcome: "NOT_FOUND" })).toBeGreaterThanOrEqual(1);
    expect(sample(text, "modelgate_backend_circuit_state", { ...example, state: "CLOSED" })).toBe(1);
    expect(sample(text, "modelgate_backend_circuit_state", { ...example, state: "OPEN" })).toBe(0);

    expect(sample(text, "modelgate_leader")).toBe(1);
    expect(sample(text, "modelgate_store_up")).toBe(1);
    expect(sample(text, "modelgate_outbox_pending")).toBe(0);
    expect(sample(text, "modelgate_outbox_oldest_age_seconds")).toBe(0);
    expect(text).toContain("# TYPE modelgate_drift_open_observations gauge");
    // Process metrics come from prom-client's defaults.
    expect(sample(text, "process_cpu_user_seconds_total")).toBeGreaterThan(0);
  });
});

describe("the outbox counters", () => {
  it("count an approved promotion applied by the outbox, with its backend writes", async () => {
    const requested = await gw.gql<{ promotionRequest: { promotionRequest: { id: string }; userErrors: unknown[] } }>(
      `mutation { promotionRequest(input: { backend: "example", model: "support-triage", version: "15", toStage: PRODUCTION, environment: "production", reason: "ship 15" }) { promotionRequest { id } userErrors { code message } } }`,
      undefined,
      bearer(ADMIN),
    );
    expect(requested.data?.promotionRequest.userErrors).toEqual([]);
    const id = requested.data!.promotionRequest.promotionRequest.id;
    const approved = await gw.gql<{ promotionApprove: { userErrors: unknown[] } }>(
      `mutation Approve($id: ID!) { promotionApprove(input: { id: $id, comment: "ok" }) { userErrors { code message } } }`,
      { id },
      bearer(APPROVER),
    );
    expect(approved.data?.promotionApprove.userErrors).toEqual([]);
    let text = "";
    const until = Date.now() + 15_000;
    while (sample(text, "modelgate_outbox_applies_total", { outcome: "applied" }) !== 1) {
      if (Date.now() > until) throw new Error(`the apply was not counted:\n${text}`);
      await new Promise((r) => setTimeout(r, 50));
      text = await (await scrape(bearer(SCRAPER))).text();
    }
    expect(sample(text, "modelgate_outbox_applies_total", { outcome: "failed" })).toBeUndefined();
    expect(sample(text, "modelgate_backend_call_duration_seconds_count", { backend: "example", method: "setStage", outcome: "OK" })).toBeGreaterThanOrEqual(2);
    expect(sample(text, "modelgate_request_duration_seconds_count", { route: "/graphql", operation: "Approve", status: "200" })).toBe(1);
  });
});

describe("metrics.enabled: false", () => {
  it("serves no /metrics", async () => {
    const off = await startTestGateway({ config: { metrics: { enabled: false } }, webhooks: false });
    try {
      expect(off.gateway.metrics).toBeUndefined();
      expect((await fetch(`${off.url}/metrics`)).status).toBe(404);
    } finally {
      await off.stop();
    }
  });
});
