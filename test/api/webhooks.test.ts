/**
 * Outbound webhooks end to end: a real gateway over the example git-YAML registry, mutations that
 * append audit events, and real HTTP receivers on 127.0.0.1 that verify every signature with the
 * public `verifyWebhookSignature`. Backoffs are short; every wait polls a condition with a deadline.
 */
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configSchema } from "../../src/config/schema.js";
import { WebhookDispatcher } from "../../src/events/webhook-dispatcher.js";
import { sha256Hex } from "../../src/http/auth.js";
import { createLogger } from "../../src/logging.js";
import { openSqliteStore } from "../../src/store/sqlite-store.js";
import { REPO_ROOT, startTestGateway, type TestGateway } from "../support/test-gateway.js";
import { eventually, startWebhookReceiver, type WebhookReceiver } from "../support/webhook-receiver.js";

const SECRET = "ci-secret-0123456789";
const FAST = { pollMs: 100, baseBackoffMs: 20, maxBackoffMs: 150, maxAttempts: 1_000 };
/** The receivers listen on loopback, which targets may only use when the operator allows it. */
const LOOPBACK_RECEIVERS = { allowPrivateTargets: ["127.0.0.1"] };

const DELIVERIES = `query($t: ID!, $status: WebhookDeliveryStatus, $first: Int, $after: String) {
  webhookDeliveries(targetId: $t, status: $status, first: $first, after: $after) {
    nodes { id position eventSeq eventId eventType status attemptCount lastStatusCode lastError redeliveryOf event
      attempts { number statusCode error success durationMs } }
    pageInfo { hasNextPage endCursor }
  }
}`;

interface Delivery {
  id: string;
  position: number;
  eventSeq: number;
  eventId: string;
  eventType: string;
  status: string;
  attemptCount: number;
  lastStatusCode: number | null;
  lastError: string | null;
  redeliveryOf: string | null;
  event: { seq: number; action: string; target: string };
  attempts: { number: number; statusCode: number | null; error: string | null; success: boolean; durationMs: number }[];
}

async function deliveries(gw: TestGateway, targetId: string, vars: Record<string, unknown> = {}, headers: Record<string, string> = {}): Promise<Delivery[]> {
  const res = await gw.gql<{ webhookDeliveries: { nodes: Delivery[] } }>(DELIVERIES, { t: targetId, first: 100, ...vars }, headers);
  expect(res.errors).toBeUndefined();
  return res.data!.webhookDeliveries.nodes;
}

let aliasCounter = 0;
/** Sets a fresh alias on support-triage through the API: one ALIAS_CHANGED event. Returns its audit target. */
async function aliasSet(gw: TestGateway, headers: Record<string, string> = {}): Promise<string> {
  const alias = `wh-${++aliasCounter}`;
  const res = await gw.gql<{ aliasSet: { userErrors: unknown[] } }>(
    `mutation { aliasSet(input: { backend: "example", model: "support-triage", alias: "${alias}", version: "${13 + (aliasCounter % 4)}" }) { userErrors { code message } } }`,
    {},
    headers,
  );
  expect(res.errors).toBeUndefined();
  expect(res.data?.aliasSet.userErrors).toEqual([]);
  return `example/support-triage#${alias}`;
}

function expectInOrderOnce(received: { body: { event: { seq: number; id: string } } }[]): void {
  const seqs = received.map((r) => r.body.event.seq);
  expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
  expect(new Set(received.map((r) => r.body.event.id)).size).toBe(received.length);
}

describe("webhooks from modelgate.yaml", () => {
  let receiver: WebhookReceiver;
  let gw: TestGateway;

  beforeAll(async () => {
    receiver = await startWebhookReceiver(SECRET);
    gw = await startTestGateway({
      config: { webhookEgress: LOOPBACK_RECEIVERS, webhooks: [{ id: "ci", url: receiver.url, secret: SECRET, events: ["ALIAS_CHANGED"], filter: { backend: "example" } }] },
      webhooks: FAST,
    });
  });
  afterAll(async () => {
    await gw?.stop();
    await receiver?.close();
  });

  it("delivers every matching event signed, in audit order, once", async () => {
    const targets = [await aliasSet(gw), await aliasSet(gw), await aliasSet(gw)];
    const got = await eventually("3 deliveries", () => receiver.accepted().length >= 3 && receiver.accepted());
    expect(got.map((r) => r.body.event.target)).toEqual(targets);
    for (const r of got) {
      expect(r.verified).toMatchObject({ ok: true, deliveryId: r.deliveryId, eventType: "ALIAS_CHANGED" });
      expect(r.signature).toMatch(/^v1=[0-9a-f]{64}$/);
      expect(r.body).toMatchObject({ deliveryId: r.deliveryId, targetId: "ci", event: { type: "ALIAS_CHANGED", action: "alias.set", outcome: "SUCCESS", backendId: "example" } });
    }
    expectInOrderOnce(got);
    // The receiver's own verification refuses the same request with the body changed.
    expect(receiver.received.every((r) => r.answered === 204)).toBe(true);
  });

  it("keeps order through a receiver that answers 500 and then is down, and delivers everything once it is back", async () => {
    const before = receiver.accepted().length;
    receiver.respondWith(500);
    const targets = [await aliasSet(gw), await aliasSet(gw)];
    // Retries of the head delivery reach the receiver and fail.
    await eventually("retries answered 500", () => receiver.received.filter((r) => r.answered === 500).length >= 3);
    await receiver.down();
    targets.push(await aliasSet(gw), await aliasSet(gw));
    // Attempts now fail without an HTTP status (connection refused), visible in the delivery log.
    await eventually("a refused connection in the log", async () =>
      (await deliveries(gw, "ci", { status: "PENDING" })).some((d) => d.attempts.some((a) => a.statusCode === null && a.error !== null)),
    );
    receiver.respondWith(204);
    await receiver.up();
    const got = await eventually("4 more deliveries", () => receiver.accepted().length >= before + 4 && receiver.accepted());
    expect(got.slice(before).map((r) => r.body.event.target)).toEqual(targets);
    expectInOrderOnce(got);
    // While an event was failing, no later event was sent: every request (failed ones included) is in seq order.
    const allSeqs = receiver.received.map((r) => r.body.event.seq);
    expect(allSeqs).toEqual([...allSeqs].sort((a, b) => a - b));

    const log = await deliveries(gw, "ci");
    expect(log.every((d) => d.status === "SUCCEEDED")).toBe(true);
    const first = log.find((d) => d.event.target === targets[0])!;
    expect(first.attemptCount).toBeGreaterThanOrEqual(3);
    expect(first.attempts.slice(0, 3).map((a) => [a.statusCode, a.error, a.success])).toEqual([
      [500, "HTTP 500", false],
      [500, "HTTP 500", false],
      [500, "HTTP 500", false],
    ]);
    expect(first.attempts.at(-1)).toMatchObject({ statusCode: 204, error: null, success: true });
    expect(first.attempts.map((a) => a.number)).toEqual(first.attempts.map((_, i) => i + 1));
    expect(log.map((d) => d.position)).toEqual([...log.map((d) => d.position)].sort((a, b) => b - a));
  });

  it("pages the delivery log newest first and filters it by status", async () => {
    const all = await deliveries(gw, "ci");
    const page1 = await gw.gql<{ webhookDeliveries: { nodes: Delivery[]; pageInfo: { hasNextPage: boolean; endCursor: string } } }>(DELIVERIES, { t: "ci", first: 2 });
    expect(page1.data!.webhookDeliveries.nodes.map((d) => d.id)).toEqual(all.slice(0, 2).map((d) => d.id));
    expect(page1.data!.webhookDeliveries.pageInfo.hasNextPage).toBe(true);
    const rest = await deliveries(gw, "ci", { after: page1.data!.webhookDeliveries.pageInfo.endCursor });
    expect(rest.map((d) => d.id)).toEqual(all.slice(2).map((d) => d.id));
    expect(await deliveries(gw, "ci", { status: "FAILED" })).toEqual([]);
    const targets = await gw.gql<{ webhookTargets: Record<string, unknown>[] }>(
      "{ webhookTargets { id url owner events secretHint cursorSeq filter { backend model environment } } }",
    );
    expect(targets.data?.webhookTargets).toEqual([
      { id: "ci", url: receiver.url, owner: "CONFIG", events: ["ALIAS_CHANGED"], secretHint: SECRET.slice(-4), cursorSeq: expect.any(Number), filter: { backend: "example", model: null, environment: null } },
    ]);
  });

  it("redelivers a succeeded delivery as a new delivery of the same event, after the tail", async () => {
    const [newest] = await deliveries(gw, "ci", { status: "SUCCEEDED" });
    const oldest = (await deliveries(gw, "ci")).at(-1)!;
    const count = receiver.accepted().length;
    const res = await gw.gql<{ webhookDeliveryRedeliver: { delivery: Delivery | null; userErrors: unknown[] } }>(
      "mutation($id: ID!) { webhookDeliveryRedeliver(input: { id: $id }) { delivery { id position eventId status redeliveryOf } userErrors { field code message } } }",
      { id: oldest.id },
    );
    expect(res.data?.webhookDeliveryRedeliver.userErrors).toEqual([]);
    const copy = res.data!.webhookDeliveryRedeliver.delivery!;
    expect(copy).toMatchObject({ eventId: oldest.eventId, status: "PENDING", redeliveryOf: oldest.id });
    expect(copy.id).not.toBe(oldest.id);
    expect(copy.position).toBeGreaterThan(newest!.position);
    const got = await eventually("the redelivery", () => receiver.accepted().length > count && receiver.accepted().at(-1));
    expect(got).toMatchObject({ deliveryId: copy.id, body: { event: { id: oldest.eventId } }, verified: { ok: true } });
    await eventually("the copy succeeded", async () => (await deliveries(gw, "ci")).find((d) => d.id === copy.id)?.status === "SUCCEEDED");

    const unknown = await gw.gql<{ webhookDeliveryRedeliver: { delivery: unknown; userErrors: unknown[] } }>(
      `mutation { webhookDeliveryRedeliver(input: { id: "${randomUUID()}" }) { delivery { id } userErrors { field code } } }`,
    );
    expect(unknown.data?.webhookDeliveryRedeliver).toEqual({ delivery: null, userErrors: [{ field: ["input", "id"], code: "NOT_FOUND" }] });
  });
});

describe("webhook targets managed through the API", () => {
  const ADMIN = "admin-token-for-webhook-tests";
  const PUBLISHER = "publisher-token-for-webhook-tests";
  const asAdmin = { authorization: `Bearer ${ADMIN}` };
  const asPublisher = { authorization: `Bearer ${PUBLISHER}` };
  let receiver: WebhookReceiver;
  let gw: TestGateway;

  beforeAll(async () => {
    receiver = await startWebhookReceiver(SECRET);
    gw = await startTestGateway({
      config: {
        auth: {
          tokens: [
            { subject: "ada", sha256: sha256Hex(ADMIN), roles: ["admin"] },
            { subject: "pat", sha256: sha256Hex(PUBLISHER), roles: ["publisher"] },
          ],
        },
        webhookEgress: LOOPBACK_RECEIVERS,
        webhooks: [{ id: "from-config", url: "http://127.0.0.1:9/unused", secret: SECRET, events: ["DRIFT"] }],
      },
      webhooks: { ...FAST, maxAttempts: 2 },
    });
  });
  afterAll(async () => {
    await gw?.stop();
    await receiver?.close();
  });

  const CREATE = `mutation($input: WebhookTargetCreateInput!) {
    webhookTargetCreate(input: $input) { target { id url owner events secretHint createdBy filter { backend model environment } } userErrors { field code message } }
  }`;
  type TargetPayload = { target: Record<string, unknown> | null; userErrors: { field: string[] | null; code: string; message: string }[] };

  it("creates, refuses bad input and non-admins with userErrors, updates, and never returns the secret", async () => {
    const create = (input: Record<string, unknown>, headers = asAdmin) => gw.gql<{ webhookTargetCreate: TargetPayload }>(CREATE, { input }, headers);
    const good = { id: "api-hook", url: receiver.url, secret: SECRET, events: ["ALIAS_CHANGED"], filter: { model: "support-triage" } };

    const ftp = await create({ ...good, url: "ftp://127.0.0.1/hooks" });
    expect(ftp.data?.webhookTargetCreate).toMatchObject({ target: null, userErrors: [{ field: ["input", "url"], code: "INVALID_INPUT" }] });
    expect(ftp.data?.webhookTargetCreate.userErrors[0]?.message).toContain("http:// or https://");
    expect((await create({ ...good, url: "not a url" })).data?.webhookTargetCreate.userErrors[0]?.field).toEqual(["input", "url"]);
    expect((await create({ ...good, secret: "short" })).data?.webhookTargetCreate.userErrors[0]).toMatchObject({ field: ["input", "secret"], code: "INVALID_INPUT" });
    expect((await create({ ...good, id: "Bad Id" })).data?.webhookTargetCreate.userErrors[0]).toMatchObject({ field: ["input", "id"], code: "INVALID_INPUT" });
    expect((await create(good, asPublisher)).data?.webhookTargetCreate.userErrors[0]).toMatchObject({ code: "FORBIDDEN" });

    const created = await create(good);
    expect(created.data?.webhookTargetCreate).toEqual({
      target: { id: "api-hook", url: receiver.url, owner: "API", events: ["ALIAS_CHANGED"], secretHint: SECRET.slice(-4), createdBy: "ada", filter: { backend: null, model: "support-triage", environment: null } },
      userErrors: [],
    });
    expect((await create(good)).data?.webhookTargetCreate.userErrors[0]).toMatchObject({ field: ["input", "id"], code: "ALREADY_EXISTS" });
    expect((await create({ ...good, id: "from-config" })).data?.webhookTargetCreate.userErrors[0]).toMatchObject({ code: "ALREADY_EXISTS" });

    const UPDATE = `mutation($input: WebhookTargetUpdateInput!) { webhookTargetUpdate(input: $input) { target { id url secretHint filter { model } } userErrors { field code } } }`;
    const updated = await gw.gql<{ webhookTargetUpdate: TargetPayload }>(UPDATE, { input: { id: "api-hook", secret: "new-secret-9876543210", filter: null } }, asAdmin);
    expect(updated.data?.webhookTargetUpdate).toEqual({ target: { id: "api-hook", url: receiver.url, secretHint: "3210", filter: { model: null } }, userErrors: [] });
    const back = await gw.gql<{ webhookTargetUpdate: TargetPayload }>(UPDATE, { input: { id: "api-hook", secret: SECRET } }, asAdmin);
    expect(back.data?.webhookTargetUpdate.userErrors).toEqual([]);
    expect((await gw.gql<{ webhookTargetUpdate: TargetPayload }>(UPDATE, { input: { id: "api-hook", url: "file:///etc/passwd" } }, asAdmin)).data?.webhookTargetUpdate.userErrors).toEqual([
      { field: ["input", "url"], code: "INVALID_INPUT" },
    ]);
    expect((await gw.gql<{ webhookTargetUpdate: TargetPayload }>(UPDATE, { input: { id: "from-config", url: receiver.url } }, asAdmin)).data?.webhookTargetUpdate.userErrors).toEqual([
      { field: ["input", "id"], code: "CONFLICT" },
    ]);
    expect((await gw.gql<{ webhookTargetUpdate: TargetPayload }>(UPDATE, { input: { id: "nope", url: receiver.url } }, asAdmin)).data?.webhookTargetUpdate.userErrors).toEqual([
      { field: ["input", "id"], code: "NOT_FOUND" },
    ]);

    const listed = await gw.gql<{ webhookTargets: { id: string; owner: string }[] }>("{ webhookTargets { id owner } }", {}, asAdmin);
    expect(listed.data?.webhookTargets).toEqual([
      { id: "api-hook", owner: "API" },
      { id: "from-config", owner: "CONFIG" },
    ]);
    const forbidden = await gw.gql("{ webhookTargets { id } }", {}, asPublisher);
    expect(forbidden.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    // The secret is not in the schema at all.
    const secretField = await gw.gql("{ webhookTargets { secret } }", {}, asAdmin);
    expect(secretField.errors?.[0]?.extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");

    // Target changes are audited, without the secret.
    const audit = await gw.gql<{ auditEvents: { nodes: { action: string; after: unknown }[] } }>(
      `{ auditEvents(first: 10, filter: { order: ASC }) { nodes { action after } } }`,
      {},
      asAdmin,
    );
    const actions = audit.data!.auditEvents.nodes.map((n) => n.action);
    expect(actions).toEqual(expect.arrayContaining(["webhook_target.create", "webhook_target.update"]));
    expect(JSON.stringify(audit.data)).not.toContain(SECRET);
  });

  it("gives a delivery up after the last attempt, moves on to the next, and redelivers the failed one on demand", async () => {
    receiver.respondWith(503);
    const failing = await aliasSet(gw, asAdmin);
    const failed = await eventually("the delivery given up", async () =>
      (await deliveries(gw, "api-hook", { status: "FAILED" }, asAdmin)).find((d) => d.event.target === failing),
    );
    expect(failed.attempts.map((a) => [a.number, a.statusCode, a.success])).toEqual([
      [1, 503, false],
      [2, 503, false],
    ]);
    receiver.respondWith(200);
    const next = await aliasSet(gw, asAdmin);
    await eventually("the next event delivered", () => receiver.accepted().some((r) => r.body.event.target === next));

    const res = await gw.gql<{ webhookDeliveryRedeliver: { delivery: { id: string; status: string }; userErrors: unknown[] } }>(
      "mutation($id: ID!) { webhookDeliveryRedeliver(input: { id: $id }) { delivery { id status } userErrors { code } } }",
      { id: failed.id },
      asAdmin,
    );
    expect(res.data?.webhookDeliveryRedeliver).toEqual({ delivery: { id: failed.id, status: "PENDING" }, userErrors: [] });
    await eventually("the failed delivery redelivered", () => receiver.accepted().some((r) => r.deliveryId === failed.id));
    const after = (await deliveries(gw, "api-hook", {}, asAdmin)).find((d) => d.id === failed.id)!;
    expect(after).toMatchObject({ status: "SUCCEEDED", attemptCount: 3 });
    expect(receiver.accepted().filter((r) => r.body.event.target === failing)).toHaveLength(1);
  });

  it("deletes an API-managed target with its log, and refuses to delete one from the config", async () => {
    const DELETE = `mutation($id: ID!) { webhookTargetDelete(input: { id: $id }) { deletedId userErrors { field code } } }`;
    expect((await gw.gql(DELETE, { id: "from-config" }, asAdmin)).data).toEqual({ webhookTargetDelete: { deletedId: null, userErrors: [{ field: ["input", "id"], code: "CONFLICT" }] } });
    expect((await gw.gql(DELETE, { id: "api-hook" }, asPublisher)).data).toEqual({ webhookTargetDelete: { deletedId: null, userErrors: [{ field: null, code: "FORBIDDEN" }] } });
    expect((await gw.gql(DELETE, { id: "api-hook" }, asAdmin)).data).toEqual({ webhookTargetDelete: { deletedId: "api-hook", userErrors: [] } });
    expect((await gw.gql(DELETE, { id: "api-hook" }, asAdmin)).data).toEqual({ webhookTargetDelete: { deletedId: null, userErrors: [{ field: ["input", "id"], code: "NOT_FOUND" }] } });
    expect(await deliveries(gw, "api-hook", {}, asAdmin)).toEqual([]);
    const listed = await gw.gql<{ webhookTargets: { id: string }[] }>("{ webhookTargets { id } }", {}, asAdmin);
    expect(listed.data?.webhookTargets.map((t) => t.id)).toEqual(["from-config"]);
  });

  it("refuses non-http(s) URLs and duplicate ids in modelgate.yaml", () => {
    const parsed = configSchema.safeParse({
      webhooks: [
        { id: "a", url: "ftp://example.com/x", secret: SECRET },
        { id: "a", url: "https://example.com/x", secret: SECRET },
      ],
    });
    expect(parsed.success).toBe(false);
    const issues = parsed.error!.issues.map((i) => [i.path.join("."), i.message]);
    expect(issues).toEqual(
      expect.arrayContaining([
        ["webhooks.0.url", "must be an http:// or https:// URL"],
        ["webhooks.1.id", 'duplicate webhook id "a"'],
      ]),
    );
  });
});

describe("two dispatchers on one store", () => {
  // Two dispatcher instances (two lease owners, as two replicas would be) over one store. (Two
  // SQLite connections in one process cannot share a file: better-sqlite3 waits for the other's
  // write lock synchronously. Across processes, and on PostgreSQL, the same lease applies.)
  it("never send the same target's deliveries concurrently, and send each exactly once, in order", async () => {
    const receiver = await startWebhookReceiver(SECRET);
    receiver.setDelay(15);
    const store = await openSqliteStore({ file: ":memory:" });
    const logger = createLogger("silent");
    const opts = { pollMs: 20, baseBackoffMs: 10, maxBackoffMs: 50, maxAttempts: 1_000, egress: LOOPBACK_RECEIVERS };
    const one = new WebhookDispatcher(store, logger, opts);
    const two = new WebhookDispatcher(store, logger, opts);
    try {
      await store.webhooks.createTarget({ id: "shared", url: receiver.url, secret: SECRET, events: [], filter: {} }, "API", "test", new Date());
      one.start();
      two.start();
      const n = 24;
      for (let i = 0; i < n; i++) {
        // Each append wakes both dispatchers; both try to work on the target.
        await store.appendAudit({ actor: "alice", action: "alias.set", targetType: "alias", target: `example/m#a${i}`, outcome: "SUCCESS" });
        if (i === n / 2) receiver.respondWith(500);
        if (i === n / 2 + 3) receiver.respondWith(204);
      }
      const got = await eventually(`${n} deliveries`, () => receiver.accepted().length >= n && receiver.accepted(), 30_000);
      expect(got.map((r) => r.body.event.target)).toEqual(Array.from({ length: n }, (_, i) => `example/m#a${i}`));
      expect(new Set(got.map((r) => r.deliveryId)).size).toBe(n);
      expectInOrderOnce(got);
      expect(receiver.maxInFlight).toBe(1);
      const log = await store.webhooks.listDeliveries({ targetId: "shared", first: 100 });
      expect(log.items).toHaveLength(n);
      expect(log.items.every((d) => d.status === "SUCCEEDED")).toBe(true);
      // Every attempt recorded is one the receiver saw: no attempt was made twice.
      const attempts = await store.webhooks.listAttempts(log.items.map((d) => d.id));
      expect(attempts).toHaveLength(receiver.received.length);
    } finally {
      await Promise.all([one.stop(), two.stop()]);
      await store.close();
      await receiver.close();
    }
  });
});

describe("two processes on one SQLite file", () => {
  it("deliver a target's events once each, in order, one request at a time", async () => {
    const dir = await mkdtemp(join(tmpdir(), "modelgate-webhooks-"));
    const file = join(dir, "modelgate.db");
    const receiver = await startWebhookReceiver(SECRET);
    receiver.setDelay(10);
    const store = await openSqliteStore({ file, busyTimeoutMs: 20_000 });
    const here = new WebhookDispatcher(store, createLogger("silent"), { pollMs: 20, baseBackoffMs: 10, maxBackoffMs: 50, maxAttempts: 1_000, egress: LOOPBACK_RECEIVERS });
    await store.webhooks.createTarget({ id: "shared", url: receiver.url, secret: SECRET, events: [], filter: {} }, "API", "test", new Date());
    const child = spawn(process.execPath, ["--import", "tsx", join(REPO_ROOT, "test/support/webhook-dispatcher-process.ts"), file], {
      cwd: REPO_ROOT,
      stdio: ["ignore", "pipe", "inherit"],
    });
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    try {
      let out = "";
      child.stdout.on("data", (c: Buffer) => (out += c.toString()));
      await eventually("the other process to start", () => out.includes("ready"), 30_000);
      here.start();
      const n = 16;
      for (let i = 0; i < n; i++) {
        await store.appendAudit({ actor: "alice", action: "alias.set", targetType: "alias", target: `example/m#p${i}`, outcome: "SUCCESS" });
      }
      const got = await eventually(`${n} deliveries`, () => receiver.accepted().length >= n && receiver.accepted(), 30_000);
      expect(got.map((r) => r.body.event.target)).toEqual(Array.from({ length: n }, (_, i) => `example/m#p${i}`));
      expect(new Set(got.map((r) => r.deliveryId)).size).toBe(n);
      expect(receiver.maxInFlight).toBe(1);
      // The receiver answers before the dispatcher records the outcome: wait for the last record.
      const log = await eventually(
        "every delivery recorded",
        async () => {
          const page = await store.webhooks.listDeliveries({ targetId: "shared", first: 100 });
          return page.items.every((d) => d.status !== "PENDING") && page;
        },
        30_000,
      );
      expect(log.items.map((d) => [d.status, d.attemptCount])).toEqual(Array.from({ length: n }, () => ["SUCCEEDED", 1]));
    } finally {
      await here.stop();
      child.kill("SIGTERM");
      await exited;
      await store.close();
      await receiver.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
