/**
 * Webhook targets may not reach into the gateway's own network (SSRF): loopback, private and
 * link-local addresses are refused after DNS resolution when a target is created or updated (a
 * user error naming the address), in modelgate.yaml, and at every delivery, where the connection
 * uses exactly the address that was checked (DNS rebinding). The operator's
 * webhookEgress.allowPrivateTargets is the only way through. Receivers are real HTTP servers on
 * 127.0.0.1; a controlled resolver plays the attacker's DNS, which no real peer can do here.
 */
import type { LookupAddress } from "node:dns";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configSchema } from "../../src/config/schema.js";
import { WebhookDispatcher } from "../../src/events/webhook-dispatcher.js";
import type { ResolveAll } from "../../src/events/webhook-transport.js";
import { sha256Hex } from "../../src/http/auth.js";
import { createLogger } from "../../src/logging.js";
import { openSqliteStore } from "../../src/store/sqlite-store.js";
import type { Store } from "../../src/store/store.js";
import { startTestGateway, type TestGateway } from "../support/test-gateway.js";
import { eventually, startWebhookReceiver, type WebhookReceiver } from "../support/webhook-receiver.js";

const SECRET = "ssrf-secret-0123456789";
const ADMIN = "ssrf-admin-token-0123456789";
const asAdmin = { authorization: `Bearer ${ADMIN}` };

type Payload = { target: { id: string; url: string } | null; userErrors: { field: string[] | null; code: string; message: string }[] };
const CREATE = `mutation($input: WebhookTargetCreateInput!) { webhookTargetCreate(input: $input) { target { id url } userErrors { field code message } } }`;
const UPDATE = `mutation($input: WebhookTargetUpdateInput!) { webhookTargetUpdate(input: $input) { target { id url } userErrors { field code message } } }`;

describe("creating and updating targets through the API", () => {
  let gw: TestGateway;
  let allowing: TestGateway;
  beforeAll(async () => {
    const auth = { tokens: [{ subject: "ada", sha256: sha256Hex(ADMIN), roles: ["admin"] }] };
    // No dispatcher: these tests are about the checks at creation; nothing is delivered.
    gw = await startTestGateway({ config: { auth }, webhooks: false });
    allowing = await startTestGateway({ config: { auth, webhookEgress: { allowPrivateTargets: ["127.0.0.1", "localhost", "10.20.0.0/16"] } }, webhooks: false });
  });
  afterAll(async () => {
    await gw?.stop();
    await allowing?.stop();
  });

  const create = (on: TestGateway, id: string, url: string) => on.gql<{ webhookTargetCreate: Payload }>(CREATE, { input: { id, url, secret: SECRET } }, asAdmin);

  it("refuses loopback, private, link-local and metadata addresses, IPv4 and IPv6, naming the address", async () => {
    const cases: [string, RegExp][] = [
      ["http://127.0.0.1:8080/hooks", /^url: 127\.0\.0\.1 is a loopback address: webhooks may not target loopback, private or link-local addresses unless webhookEgress\.allowPrivateTargets/],
      ["http://[::1]:8080/hooks", /^url: ::1 is a loopback address/],
      ["http://[::ffff:127.0.0.1]/hooks", /^url: ::ffff:7f00:1 is a loopback address/],
      ["http://0.0.0.0:4000/", /^url: 0\.0\.0\.0 is a "this host" address/],
      ["http://169.254.169.254/latest/meta-data/", /^url: 169\.254\.169\.254 is a link-local address \(169\.254\.0\.0\/16, where cloud metadata services answer\)/],
      ["https://10.0.0.1/hooks", /^url: 10\.0\.0\.1 is a private address \(10\.0\.0\.0\/8\)/],
      ["http://192.168.1.20/hooks", /^url: 192\.168\.1\.20 is a private address/],
      ["http://[fe80::1]/hooks", /^url: fe80::1 is a link-local address \(fe80::\/10\)/],
      ["http://[fd00::1]/hooks", /^url: fd00::1 is a unique local address \(fc00::\/7\)/],
      // A name, refused for what it resolves to (the OS resolver answers localhost with loopback).
      ["http://localhost:8080/hooks", /^url: (127\.0\.0\.1|::1) \(what localhost resolves to\) is a loopback address/],
    ];
    for (const [url, message] of cases) {
      const res = await create(gw, "private", url);
      expect(res.data?.webhookTargetCreate.target, url).toBeNull();
      expect(res.data?.webhookTargetCreate.userErrors, url).toEqual([{ field: ["input", "url"], code: "INVALID_INPUT", message: expect.stringMatching(message) }]);
    }
    const listed = await gw.gql<{ webhookTargets: unknown[] }>("{ webhookTargets { id } }", {}, asAdmin);
    expect(listed.data?.webhookTargets).toEqual([]);
  });

  it("accepts a public address, and refuses to move it to a private one", async () => {
    expect((await create(gw, "public", "http://93.184.216.34/hooks")).data?.webhookTargetCreate).toEqual({ target: { id: "public", url: "http://93.184.216.34/hooks" }, userErrors: [] });
    const moved = await gw.gql<{ webhookTargetUpdate: Payload }>(UPDATE, { input: { id: "public", url: "http://169.254.169.254/" } }, asAdmin);
    expect(moved.data?.webhookTargetUpdate.userErrors).toEqual([{ field: ["input", "url"], code: "INVALID_INPUT", message: expect.stringMatching(/^url: 169\.254\.169\.254 is a link-local address/) }]);
    const listed = await gw.gql<{ webhookTargets: { url: string }[] }>("{ webhookTargets { url } }", {}, asAdmin);
    expect(listed.data?.webhookTargets).toEqual([{ url: "http://93.184.216.34/hooks" }]);
  });

  it("accepts what webhookEgress.allowPrivateTargets lists (address, host name, network), and nothing more", async () => {
    for (const [id, url] of [
      ["by-address", "http://127.0.0.1:8080/hooks"],
      ["by-name", "http://localhost:8080/hooks"],
      ["by-network", "http://10.20.30.40/hooks"],
    ]) {
      expect((await create(allowing, id!, url!)).data?.webhookTargetCreate.userErrors, url).toEqual([]);
    }
    expect((await create(allowing, "elsewhere", "http://10.21.0.1/hooks")).data?.webhookTargetCreate.userErrors[0]?.message).toMatch(/^url: 10\.21\.0\.1 is a private address/);
    expect((await create(allowing, "metadata", "http://169.254.169.254/")).data?.webhookTargetCreate.userErrors[0]?.message).toMatch(/link-local/);
  });
});

describe("modelgate.yaml", () => {
  it("refuses a webhook URL with a non-public IP or localhost unless allowed, naming the key", () => {
    const parsed = configSchema.safeParse({
      webhooks: [
        { id: "a", url: "http://127.0.0.1:9000/x", secret: SECRET },
        { id: "b", url: "http://[::1]/x", secret: SECRET },
        { id: "c", url: "http://localhost/x", secret: SECRET },
        { id: "d", url: "http://169.254.169.254/x", secret: SECRET },
        { id: "e", url: "https://hooks.example.com/x", secret: SECRET },
      ],
    });
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues.map((i) => [i.path.join("."), i.message.split(": webhooks may not")[0]])).toEqual([
      ["webhooks.0.url", "127.0.0.1 is a loopback address"],
      ["webhooks.1.url", "::1 is a loopback address"],
      ["webhooks.2.url", "localhost is a loopback address"],
      ["webhooks.3.url", "169.254.169.254 is a link-local address (169.254.0.0/16, where cloud metadata services answer)"],
    ]);
    const allowed = configSchema.safeParse({
      webhookEgress: { allowPrivateTargets: ["127.0.0.1", "::1", "localhost"] },
      webhooks: [
        { id: "a", url: "http://127.0.0.1:9000/x", secret: SECRET },
        { id: "b", url: "http://[::1]/x", secret: SECRET },
        { id: "c", url: "http://localhost/x", secret: SECRET },
      ],
    });
    expect(allowed.success).toBe(true);
  });

  it("refuses an allowlist entry that is no address, network or host name", () => {
    const parsed = configSchema.safeParse({ webhookEgress: { allowPrivateTargets: ["10.0.0.0/40", "http://x"] } });
    expect(parsed.error?.issues.map((i) => [i.path.join("."), i.message])).toEqual([
      ["webhookEgress.allowPrivateTargets.0", '"10.0.0.0/40" is not a CIDR network (e.g. 10.0.0.0/8 or fd00::/8)'],
      ["webhookEgress.allowPrivateTargets.1", '"http://x" is neither an IP address, a CIDR network nor a host name'],
    ]);
  });
});

describe("delivering", () => {
  let receiver: WebhookReceiver;
  let store: Store;
  let port: string;
  const FAST = { pollMs: 20, baseBackoffMs: 10, maxBackoffMs: 50, maxAttempts: 1_000 };
  /** The attacker's DNS: every name under .rebind.test answers what `answer` says now. */
  let answer = "93.184.216.34";
  const resolve: ResolveAll = async (host) => {
    if (!host.endsWith(".rebind.test")) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: "ENOTFOUND" });
    return [{ address: answer, family: 4 } satisfies LookupAddress];
  };

  beforeAll(async () => {
    receiver = await startWebhookReceiver(SECRET);
    port = new URL(receiver.url).port;
    store = await openSqliteStore({ file: ":memory:" });
  });
  afterAll(async () => {
    await store?.close();
    await receiver?.close();
  });

  async function attempts(targetId: string): Promise<{ error?: string; statusCode?: number }[]> {
    const log = await store.webhooks.listDeliveries({ targetId, first: 100 });
    return store.webhooks.listAttempts(log.items.map((d) => d.id));
  }

  it("refuses to connect to a loopback target already in the store (from before this check), and records why", async () => {
    await store.webhooks.createTarget({ id: "old", url: receiver.url, secret: SECRET, events: [], filter: {} }, "API", "test", new Date());
    const dispatcher = new WebhookDispatcher(store, createLogger("silent"), { ...FAST, egress: { resolve } });
    dispatcher.start();
    try {
      await store.appendAudit({ actor: "alice", action: "alias.set", targetType: "alias", target: "example/m#old", outcome: "SUCCESS" });
      const tried = await eventually("a refused attempt", async () => (await attempts("old")).length >= 2 && attempts("old"));
      expect(tried[0]?.error).toMatch(/^127\.0\.0\.1 is a loopback address: webhooks may not target/);
      expect(tried[0]?.statusCode).toBeUndefined();
      expect(receiver.received).toEqual([]);
    } finally {
      await dispatcher.stop();
      await store.webhooks.deleteTarget("old");
    }
  });

  it("connects to the checked address only: a name rebound to 127.0.0.1 after creation gets nothing", async () => {
    answer = "93.184.216.34";
    await store.webhooks.createTarget({ id: "rebound", url: `http://hooks.rebind.test:${port}/hooks`, secret: SECRET, events: [], filter: {} }, "API", "test", new Date());
    // The creation check passed on the public answer; now the name points at the gateway's machine.
    answer = "127.0.0.1";
    const dispatcher = new WebhookDispatcher(store, createLogger("silent"), { ...FAST, egress: { resolve } });
    dispatcher.start();
    try {
      await store.appendAudit({ actor: "alice", action: "alias.set", targetType: "alias", target: "example/m#rebound", outcome: "SUCCESS" });
      const tried = await eventually("a refused attempt", async () => (await attempts("rebound")).length >= 2 && attempts("rebound"));
      expect(tried[0]?.error).toMatch(/^127\.0\.0\.1 \(what hooks\.rebind\.test resolves to\) is a loopback address/);
      expect(receiver.received).toEqual([]);
    } finally {
      await dispatcher.stop();
      await store.webhooks.deleteTarget("rebound");
    }
  });

  it("delivers to an allowed private address, over the connection to the address it checked", async () => {
    // hooks.rebind.test exists only in the controlled resolver: the receiver is reached only if the
    // socket connects to the address the guard's lookup answered.
    answer = "127.0.0.1";
    await store.webhooks.createTarget({ id: "allowed", url: `http://hooks.rebind.test:${port}/hooks`, secret: SECRET, events: [], filter: {} }, "API", "test", new Date());
    const dispatcher = new WebhookDispatcher(store, createLogger("silent"), { ...FAST, egress: { resolve, allowPrivateTargets: ["127.0.0.1"] } });
    dispatcher.start();
    try {
      await store.appendAudit({ actor: "alice", action: "alias.set", targetType: "alias", target: "example/m#allowed", outcome: "SUCCESS" });
      const got = await eventually("a delivery", () => receiver.accepted().length >= 1 && receiver.accepted());
      expect(got.map((r) => [r.body.targetId, r.verified.ok])).toContainEqual(["allowed", true]);
    } finally {
      await dispatcher.stop();
    }
  });
});
