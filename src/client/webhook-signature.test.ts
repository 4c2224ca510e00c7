import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { signatureHeader, verifyWebhookSignature, webhookSignature } from "./webhook-signature.js";

const secret = "whsec-0123456789abcdef";
const body = '{"deliveryId":"d-1","targetId":"ci","event":{"seq":7,"type":"ALIAS_CHANGED"}}';
const now = new Date("2026-03-01T12:00:00.000Z");
const ts = Math.floor(now.getTime() / 1000);

async function headers(over: Record<string, string> = {}): Promise<Record<string, string>> {
  return {
    "modelgate-delivery": "d-1",
    "modelgate-timestamp": String(ts),
    "modelgate-event": "ALIAS_CHANGED",
    "modelgate-signature": await signatureHeader(secret, ts, "d-1", body),
    ...over,
  };
}

describe("webhook signatures", () => {
  it("is the hex HMAC-SHA256 of '<timestamp>.<delivery id>.<body>' (what the documented recipe computes)", async () => {
    const expected = createHmac("sha256", secret).update(`${ts}.d-1.${body}`).digest("hex");
    expect(await webhookSignature(secret, ts, "d-1", body)).toBe(expected);
    expect(await webhookSignature(secret, ts, "d-1", new TextEncoder().encode(body))).toBe(expected);
  });

  it("verifies a signed delivery, from plain header objects and from fetch Headers", async () => {
    const h = await headers();
    expect(await verifyWebhookSignature({ secret, body, headers: h, now })).toEqual({ ok: true, deliveryId: "d-1", timestamp: ts, eventType: "ALIAS_CHANGED" });
    expect(await verifyWebhookSignature({ secret, body: Buffer.from(body), headers: new Headers(h), now })).toMatchObject({ ok: true });
    // Any of several v1 values may match (rotation).
    const rotated = { ...h, "modelgate-signature": `v1=${"0".repeat(64)}, ${h["modelgate-signature"]}` };
    expect(await verifyWebhookSignature({ secret, body, headers: rotated, now })).toMatchObject({ ok: true });
  });

  it("refuses a tampered body, delivery id or timestamp, a wrong secret and a malformed signature", async () => {
    const h = await headers();
    const refused = async (input: Partial<Parameters<typeof verifyWebhookSignature>[0]>) =>
      (await verifyWebhookSignature({ secret, body, headers: h, now, ...input })).ok;
    expect(await refused({ body: body.replace('"seq":7', '"seq":8') })).toBe(false);
    expect(await refused({ headers: { ...h, "modelgate-delivery": "d-2" } })).toBe(false);
    expect(await refused({ headers: { ...h, "modelgate-timestamp": String(ts - 1) } })).toBe(false);
    expect(await refused({ secret: `${secret}x` })).toBe(false);
    expect(await refused({ headers: { ...h, "modelgate-signature": "v1=zz" } })).toBe(false);
    expect(await refused({ headers: { ...h, "modelgate-signature": h["modelgate-signature"]!.replace("v1=", "v0=") } })).toBe(false);
    const { "modelgate-signature": _omit, ...unsigned } = h;
    expect(await verifyWebhookSignature({ secret, body, headers: unsigned, now })).toEqual({
      ok: false,
      reason: "missing Modelgate-Delivery, Modelgate-Timestamp or Modelgate-Signature header",
    });
  });

  it("refuses timestamps more than the tolerance (5 minutes by default) away from now", async () => {
    const h = await headers();
    const at = (seconds: number) => new Date(now.getTime() + seconds * 1000);
    expect((await verifyWebhookSignature({ secret, body, headers: h, now: at(300) })).ok).toBe(true);
    const late = await verifyWebhookSignature({ secret, body, headers: h, now: at(301) });
    expect(late).toEqual({ ok: false, reason: `timestamp ${ts} is more than 300 s away from now (${ts + 301})` });
    expect((await verifyWebhookSignature({ secret, body, headers: h, now: at(-301) })).ok).toBe(false);
    expect((await verifyWebhookSignature({ secret, body, headers: h, now: at(100), toleranceSeconds: 60 })).ok).toBe(false);
    expect((await verifyWebhookSignature({ secret, body, headers: { ...h, "modelgate-timestamp": "soon" }, now })).ok).toBe(false);
  });
});
