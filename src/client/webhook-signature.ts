/**
 * Webhook signatures. Every delivery carries
 *
 *   Modelgate-Delivery:  <delivery id>
 *   Modelgate-Timestamp: <unix seconds when the attempt was signed>
 *   Modelgate-Event:     <registry event type>
 *   Modelgate-Signature: v1=<hex HMAC-SHA256(secret, "<timestamp>.<delivery id>.<raw body>")>
 *
 * A receiver recomputes the HMAC over the raw body bytes it received, compares in constant time and
 * refuses timestamps too far from its own clock (replays). Dependency-free and built on WebCrypto
 * (`globalThis.crypto.subtle`, in Node >= 20 and browsers), so `modelgate/client` exports it too.
 */

export const WEBHOOK_HEADERS = {
  delivery: "modelgate-delivery",
  timestamp: "modelgate-timestamp",
  event: "modelgate-event",
  signature: "modelgate-signature",
} as const;

/** Default tolerance for the timestamp, seconds (5 minutes). */
export const DEFAULT_WEBHOOK_TOLERANCE_SECONDS = 300;

const encoder = new TextEncoder();

function hmacKey(secret: string, usage: "sign" | "verify"): ReturnType<typeof globalThis.crypto.subtle.importKey> {
  return globalThis.crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [usage]);
}

/** The signed bytes: "<timestamp>.<deliveryId>." followed by the raw body. */
function signedContent(timestamp: number, deliveryId: string, body: string | Uint8Array): Uint8Array {
  const prefix = encoder.encode(`${timestamp}.${deliveryId}.`);
  const raw = typeof body === "string" ? encoder.encode(body) : body;
  const out = new Uint8Array(prefix.length + raw.length);
  out.set(prefix, 0);
  out.set(raw, prefix.length);
  return out;
}

const toHex = (bytes: ArrayBuffer): string => Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, "0")).join("");

function fromHex(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/** Hex HMAC-SHA256 of "<timestamp>.<deliveryId>.<body>" with `secret`. */
export async function webhookSignature(secret: string, timestamp: number, deliveryId: string, body: string | Uint8Array): Promise<string> {
  const key = await hmacKey(secret, "sign");
  return toHex(await globalThis.crypto.subtle.sign("HMAC", key, signedContent(timestamp, deliveryId, body)));
}

/** The value of `Modelgate-Signature` for one attempt. */
export async function signatureHeader(secret: string, timestamp: number, deliveryId: string, body: string | Uint8Array): Promise<string> {
  return `v1=${await webhookSignature(secret, timestamp, deliveryId, body)}`;
}

export interface VerifyWebhookInput {
  secret: string;
  /** The raw request body exactly as received (not re-serialized JSON). */
  body: string | Uint8Array;
  /** The request headers (a plain object as Node's `req.headers`, or a fetch `Headers`). */
  headers: Headers | Record<string, string | string[] | undefined>;
  /** Seconds a timestamp may be away from `now` (default 300). */
  toleranceSeconds?: number;
  /** The receiver's clock (default: now). */
  now?: Date;
}

export type VerifyWebhookResult =
  | { ok: true; deliveryId: string; timestamp: number; eventType: string | undefined }
  | { ok: false; reason: string };

function header(headers: VerifyWebhookInput["headers"], name: string): string | undefined {
  if (typeof (headers as Headers).get === "function") return (headers as Headers).get(name) ?? undefined;
  const record = headers as Record<string, string | string[] | undefined>;
  const key = Object.keys(record).find((k) => k.toLowerCase() === name);
  const value = key === undefined ? undefined : record[key];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Checks a delivery's signature and timestamp. Accepts when any `v1=` value of the signature header
 * matches (a comma-separated list allows secret rotation on the sender side later). The comparison
 * is WebCrypto's HMAC verify, which takes constant time.
 */
export async function verifyWebhookSignature(input: VerifyWebhookInput): Promise<VerifyWebhookResult> {
  const deliveryId = header(input.headers, WEBHOOK_HEADERS.delivery);
  const timestampText = header(input.headers, WEBHOOK_HEADERS.timestamp);
  const signature = header(input.headers, WEBHOOK_HEADERS.signature);
  if (deliveryId === undefined || timestampText === undefined || signature === undefined) {
    return { ok: false, reason: "missing Modelgate-Delivery, Modelgate-Timestamp or Modelgate-Signature header" };
  }
  if (!/^[0-9]{1,12}$/.test(timestampText)) return { ok: false, reason: "Modelgate-Timestamp is not unix seconds" };
  const timestamp = Number(timestampText);
  const now = Math.floor((input.now ?? new Date()).getTime() / 1000);
  const tolerance = input.toleranceSeconds ?? DEFAULT_WEBHOOK_TOLERANCE_SECONDS;
  if (Math.abs(now - timestamp) > tolerance) {
    return { ok: false, reason: `timestamp ${timestamp} is more than ${tolerance} s away from now (${now})` };
  }
  const key = await hmacKey(input.secret, "verify");
  const content = signedContent(timestamp, deliveryId, input.body);
  const candidates = signature
    .split(",")
    .map((part) => part.trim())
    .filter((part) => part.startsWith("v1="))
    .map((part) => part.slice(3));
  for (const candidate of candidates) {
    if (!/^[0-9a-f]{64}$/i.test(candidate)) continue;
    if (await globalThis.crypto.subtle.verify("HMAC", key, fromHex(candidate), content)) {
      return { ok: true, deliveryId, timestamp, eventType: header(input.headers, WEBHOOK_HEADERS.event) };
    }
  }
  return { ok: false, reason: "signature does not match" };
}
