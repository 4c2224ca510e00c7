/**
 * Usage and idle alerts end to end (docs/lifecycle.md#usage-and-idle-alerts): a real gateway over the
 * example git-YAML registry with auth on. Resolves over HTTP (kept and first answers, 200 and 304)
 * and GraphQL are counted per caller and show in ModelVersion.usage after a flush; usageReport adds
 * served requests, audited; with the lifecycle clock moved 31 days on, the idle check raises
 * IDLE_IN_PRODUCTION for every production version, delivered to a real webhook receiver and a
 * registryEvents subscription, addressed to the owner, marked in whatRunsInProduction; a resolve
 * clears it.
 */
import { createClient, type Client } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { captureIo } from "../../src/cli/capture-io.js";
import { runCli } from "../../src/cli/program.js";
import { sha256Hex } from "../../src/http/auth.js";
import { startTestGateway, type TestGateway } from "../support/test-gateway.js";
import { eventually, startWebhookReceiver, type WebhookReceiver } from "../support/webhook-receiver.js";

const APP = "app-token-0123456789abcdef";
const FLEET = "fleet-token-0123456789abcdef";
const SECRET = "idle-secret-0123456789";
const DAY = 86_400_000;

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

async function cli(token: string, ...argv: string[]) {
  const io = captureIo({ MODELGATE_URL: gw.url, MODELGATE_TOKEN: token });
  const code = await runCli(argv, io);
  return { code, stdout: io.out(), stderr: io.err() };
}

let gw: TestGateway;
let receiver: WebhookReceiver;
let ws: Client;
let now = Date.now();

const USAGE = `query($v: String!, $env: String) {
  modelVersion(backend: "example", model: "support-triage", version: $v) {
    id
    usage(environment: $env) { environment lastResolvedAt resolves24h lastServedAt served24h byCaller(first: 10) { caller environment source count lastAt } }
  }
}`;

interface Usage {
  environment: string | null;
  lastResolvedAt: string | null;
  resolves24h: number;
  lastServedAt: string | null;
  served24h: number;
  byCaller: { caller: string; environment: string; source: string; count: number; lastAt: string }[];
}

async function usage(version: string, environment?: string): Promise<{ id: string; usage: Usage }> {
  const res = await gw.gql<{ modelVersion: { id: string; usage: Usage } }>(USAGE, { v: version, ...(environment ? { env: environment } : {}) }, bearer(APP));
  expect(res.errors).toBeUndefined();
  return res.data!.modelVersion;
}

async function resolveHttp(etag?: string): Promise<{ status: number; etag: string }> {
  const res = await fetch(`${gw.url}/v1/resolve/support-triage?env=production`, { headers: { ...bearer(APP), ...(etag ? { "if-none-match": etag } : {}) } });
  await res.arrayBuffer();
  expect([200, 304]).toContain(res.status);
  return { status: res.status, etag: res.headers.get("etag") ?? "" };
}

beforeAll(async () => {
  receiver = await startWebhookReceiver(SECRET);
  gw = await startTestGateway({
    config: {
      auth: {
        tokens: [
          { subject: "checkout-service", sha256: sha256Hex(APP), roles: ["viewer"] },
          { subject: "serving-fleet", sha256: sha256Hex(FLEET), roles: ["publisher"] },
        ],
      },
      lifecycle: {
        idle: { afterDays: 30 },
        owners: [{ models: "support-*", team: "support-platform", contact: "#support-ml" }],
      },
      webhookEgress: { allowPrivateTargets: ["127.0.0.1"] },
      webhooks: [{ id: "owners", url: receiver.url, secret: SECRET, events: ["IDLE_IN_PRODUCTION"] }],
    },
    webhooks: { pollMs: 100, baseBackoffMs: 20, maxBackoffMs: 150, maxAttempts: 1_000 },
    gatewayOptions: { lifecycleClock: () => new Date(now), idleChecks: false },
  });
  ws = createClient({ url: gw.graphqlUrl.replace(/^http/, "ws"), webSocketImpl: WebSocket, retryAttempts: 0, connectionParams: { authorization: `Bearer ${APP}` } });
});

afterAll(async () => {
  await ws?.dispose();
  await gw?.stop();
  await receiver?.close();
});

describe("usage", () => {
  it("counts every resolve per version and caller, shown after a flush", async () => {
    const before = await usage("14");
    expect(before.usage).toMatchObject({ resolves24h: 0, lastResolvedAt: null });

    // First answer (built), kept answers (the in-memory path), 304s, and GraphQL resolve.
    const first = await resolveHttp();
    for (let i = 0; i < 3; i += 1) await resolveHttp();
    for (let i = 0; i < 3; i += 1) expect((await resolveHttp(first.etag)).status).toBe(304);
    for (let i = 0; i < 3; i += 1) {
      const res = await gw.gql<{ resolve: { registryVersion: string } }>(`{ resolve(name: "support-triage", environment: "production") { registryVersion } }`, undefined, bearer(APP));
      expect(res.data?.resolve.registryVersion).toBe("example/support-triage@14");
    }
    // asOf answers are history, not use: not counted.
    await fetch(`${gw.url}/v1/resolve/support-triage?env=production&asOf=${new Date().toISOString()}`, { headers: bearer(APP) }).then((r) => r.arrayBuffer());

    await gw.gateway.services.usage.flush();
    const after = await usage("14");
    expect(after.usage).toMatchObject({ environment: null, resolves24h: 10, served24h: 0, lastServedAt: null });
    expect(after.usage.lastResolvedAt).not.toBeNull();
    expect(after.usage.byCaller).toEqual([expect.objectContaining({ caller: "checkout-service", environment: "production", source: "RESOLVE", count: 10 })]);
    expect((await usage("14", "staging")).usage.resolves24h).toBe(0);
    expect((await usage("15")).usage.resolves24h).toBe(0);

    // The CLI says the same, with the owner from lifecycle.owners.
    const shown = await cli(APP, "usage", "example/support-triage@14");
    expect(shown.stderr).toBe("");
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/^resolves \(24h\)\s+10$/m);
    expect(shown.stdout).toMatch(/^owner\s+support-platform #support-ml \(lifecycle\.owners\)$/m);
    expect(shown.stdout).toMatch(/^checkout-service\s+production\s+RESOLVE\s+10\s/m);
    expect((await cli(APP, "usage", "support-triage@99", "--backend", "example")).code).toBe(3);
  });

  it("records usageReport as served requests, audited, for the publisher role only", async () => {
    const { id } = await usage("14");
    const end = new Date(now - 60_000).toISOString();
    const start = new Date(now - 3_600_000).toISOString();
    const REPORT = `mutation($input: UsageReportInput!) { usageReport(input: $input) { usageReport { backendId modelName version environment requests reportedBy auditEventId } userErrors { field code message } } }`;
    type Payload = { usageReport: { usageReport: Record<string, unknown> | null; userErrors: { field: string[] | null; code: string; message: string }[] } };

    const byName = await gw.gql<Payload>(REPORT, { input: { backend: "example", model: "support-triage", version: "14", environment: "production", windowStart: start, windowEnd: end, requests: 1200 } }, bearer(FLEET));
    expect(byName.data?.usageReport.userErrors).toEqual([]);
    expect(byName.data?.usageReport.usageReport).toMatchObject({ backendId: "example", modelName: "support-triage", version: "14", requests: 1200, reportedBy: "serving-fleet" });
    const byId = await gw.gql<Payload>(REPORT, { input: { versionId: id, environment: "production", windowStart: start, windowEnd: end, requests: 300 } }, bearer(FLEET));
    expect(byId.data?.usageReport.userErrors).toEqual([]);

    const u = (await usage("14")).usage;
    expect(u).toMatchObject({ served24h: 1500, resolves24h: 10, lastServedAt: end });
    expect(u.byCaller.find((c) => c.source === "SERVED")).toMatchObject({ caller: "serving-fleet", count: 1500 });

    const audit = await gw.gql<{ auditEvents: { nodes: { action: string; actor: string; target: string; after: Record<string, unknown> }[] } }>(
      `{ auditEvents(first: 2, filter: { action: "usage.report" }) { nodes { action actor target after } } }`,
      undefined,
      bearer(APP),
    );
    expect(audit.data?.auditEvents.nodes).toHaveLength(2);
    expect(audit.data?.auditEvents.nodes[0]).toMatchObject({ actor: "serving-fleet", target: "example/support-triage@14", after: { environment: "production", requests: 300 } });

    // Refused: a viewer; a window that ends before it starts; an unknown version; both ways of naming it. Nothing recorded.
    const viewer = await gw.gql<Payload>(REPORT, { input: { versionId: id, environment: "production", windowStart: start, windowEnd: end, requests: 1 } }, bearer(APP));
    expect(viewer.data?.usageReport.userErrors[0]?.code).toBe("FORBIDDEN");
    const backwards = await gw.gql<Payload>(REPORT, { input: { versionId: id, environment: "production", windowStart: end, windowEnd: start, requests: 1 } }, bearer(FLEET));
    expect(backwards.data?.usageReport.userErrors[0]).toMatchObject({ field: ["input", "windowEnd"], code: "INVALID_INPUT" });
    const missing = await gw.gql<Payload>(REPORT, { input: { backend: "example", model: "support-triage", version: "99", environment: "production", windowStart: start, windowEnd: end, requests: 1 } }, bearer(FLEET));
    expect(missing.data?.usageReport.userErrors[0]?.code).toBe("NOT_FOUND");
    const both = await gw.gql<Payload>(REPORT, { input: { versionId: id, backend: "example", environment: "production", windowStart: start, windowEnd: end, requests: 1 } }, bearer(FLEET));
    expect(both.data?.usageReport.userErrors[0]).toMatchObject({ field: ["input", "versionId"] });
    expect((await usage("14")).usage.served24h).toBe(1500);

    // From a serving system's cron job, through the CLI; a viewer's token is refused.
    const reported = await cli(FLEET, "usage-report", "example/support-triage@14", "--env", "production", "--requests", "500", "--from", start, "--to", end);
    expect(reported.stderr).toBe("");
    expect(reported.stdout).toContain("recorded 500 requests served by example/support-triage@14 in production");
    expect((await cli(APP, "usage-report", "example/support-triage@14", "--env", "production", "--requests", "5", "--from", start, "--to", end)).code).not.toBe(0);
    expect((await usage("14")).usage.served24h).toBe(2000);
  });
});

describe("idle alerts", () => {
  const WHAT_RUNS = `{ whatRunsInProduction { versions { modelName version idleAlert { id environment lastUsedAt raisedAt idleDays owner { team contact source } } } } }`;
  type Running = { modelName: string; version: string; idleAlert: { id: string; environment: string; lastUsedAt: string | null; idleDays: number; owner: { team: string | null; contact: string | null; source: string } | null } | null };
  const whatRuns = async () => {
    const res = await gw.gql<{ whatRunsInProduction: { versions: Running[] } }>(WHAT_RUNS, undefined, bearer(APP));
    expect(res.errors).toBeUndefined();
    return new Map(res.data!.whatRunsInProduction.versions.map((v) => [`${v.modelName}@${v.version}`, v.idleAlert]));
  };

  it("raises IDLE_IN_PRODUCTION once per idle production version, to webhooks and subscriptions, and clears it on a resolve", async () => {
    const head = await gw.gql<{ auditEvents: { nodes: { seq: number }[] } }>("{ auditEvents(first: 1) { nodes { seq } } }", undefined, bearer(APP));
    const events = ws.iterate<{ registryEvents: { type: string; action: string; target: string; environment: string | null; after: Record<string, unknown>; reason: string | null } }>({
      query: `subscription($f: RegistryEventFilter, $s: Int) { registryEvents(filter: $f, afterSeq: $s) { type action target environment after reason } }`,
      variables: { f: { types: ["IDLE_IN_PRODUCTION"] }, s: head.data!.auditEvents.nodes[0]!.seq },
    });

    // Today: nothing is idle (the ones never used count from this first look).
    const services = gw.gateway.services;
    expect((await services.idleAlerts.check()).raised).toEqual([]);

    // 31 days later, nobody resolved or served anything: every production version is idle.
    now += 31 * DAY;
    // Two checks at once (as two replicas would): each alert recorded once.
    const [a, b] = await Promise.all([services.idleAlerts.check(), services.idleAlerts.check()]);
    const raised = [...a.raised, ...b.raised].map((r) => `${r.modelName}@${r.version}`).sort();
    expect(raised).toEqual(["reply-drafter@3", "support-triage@14", "ticket-embedder@2"]);
    expect((await services.idleAlerts.check()).raised).toEqual([]);

    const running = await whatRuns();
    expect(running.get("support-triage@14")).toMatchObject({ environment: "production", idleDays: 31, owner: { team: "support-platform", contact: "#support-ml", source: "CONFIG" } });
    expect(running.get("support-triage@14")?.lastUsedAt).not.toBeNull();
    expect(running.get("ticket-embedder@2")).toMatchObject({ lastUsedAt: null, owner: null });
    const list = await gw.gql<{ idleAlerts: { nodes: { modelName: string }[]; pageInfo: { hasNextPage: boolean; endCursor: string } } }>(
      `{ idleAlerts(environment: "production", first: 2) { nodes { modelName } pageInfo { hasNextPage endCursor } } }`,
      undefined,
      bearer(APP),
    );
    expect(list.data?.idleAlerts.nodes).toHaveLength(2);
    expect(list.data?.idleAlerts.pageInfo.hasNextPage).toBe(true);

    // The CLI: `idle --check` lists them with their owner and exits 4; whats-running marks them.
    const idle = await cli(APP, "idle", "--check");
    expect(idle.code).toBe(4);
    expect(idle.stdout).toMatch(/^example\/support-triage@14\s+production\s+31\s+\S+\s+\S+\s+support-platform #support-ml \(lifecycle\.owners\)$/m);
    // Never used: idle days count from the day it became idle (afterDays before it was raised).
    expect(idle.stdout).toMatch(/^example\/ticket-embedder@2\s+production\s+30\s+never\s/m);
    const runs = await cli(APP, "whats-running");
    expect(runs.stdout).toMatch(/^example\/support-triage@14\s.*\s31d\s/m);
    expect(runs.stdout).toContain("3 idle (IDLE_IN_PRODUCTION;");

    // Delivered to the owner's webhook, signed, with the owner in the payload.
    const delivered = await eventually("3 idle webhooks", () => receiver.accepted().length >= 3 && receiver.accepted());
    const triage = delivered.find((r) => r.body.event.target === "example/support-triage@14");
    expect(triage?.verified.ok).toBe(true);
    expect(triage?.body.event).toMatchObject({ type: "IDLE_IN_PRODUCTION", action: "idle.raise", environment: "production", after: { owner: { team: "support-platform", contact: "#support-ml", source: "CONFIG" }, afterDays: 30 } });

    // Used again (a resolve at the new now), flushed: the next check clears it, and says so.
    await resolveHttp();
    await services.usage.flush();
    const cleared = await services.idleAlerts.check();
    expect(cleared.cleared.map((c) => `${c.alert.modelName}@${c.alert.version}`)).toEqual(["support-triage@14"]);
    expect(cleared.cleared[0]?.reason).toMatch(/^used again at /);
    const after = await whatRuns();
    expect(after.get("support-triage@14")).toBeNull();
    expect(after.get("reply-drafter@3")).not.toBeNull();
    const left = await cli(APP, "idle", "--env", "production", "--json");
    expect(left.code).toBe(0);
    expect((JSON.parse(left.stdout) as { alerts: { modelName: string }[] }).alerts.map((a) => a.modelName).sort()).toEqual(["reply-drafter", "ticket-embedder"]);

    // The subscription saw the three raises and the clear, in order.
    const got: { type: string; action: string; target: string; environment: string | null }[] = [];
    while (got.length < 4) {
      const next = await events.next();
      if (next.done === true) throw new Error("the subscription ended");
      got.push(next.value.data!.registryEvents);
    }
    expect(got.every((e) => e.type === "IDLE_IN_PRODUCTION" && e.environment === "production")).toBe(true);
    expect(got.slice(0, 3).map((e) => e.action)).toEqual(["idle.raise", "idle.raise", "idle.raise"]);
    expect(got[3]).toMatchObject({ action: "idle.clear", target: "example/support-triage@14" });
    await eventually("the clear delivered", () => receiver.accepted().some((r) => r.body.event.action === "idle.clear"));
    await events.return?.();
  });
});
