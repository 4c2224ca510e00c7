/**
 * MLflow's webhook signatures (MLflow >= 3.3, mlflow/webhooks/delivery.py; the Standard Webhooks
 * scheme): `X-MLflow-Signature: v1,<base64 HMAC-SHA256(secret, "{delivery_id}.{timestamp}.{payload}")>`
 * with `X-MLflow-Delivery-Id` and `X-MLflow-Timestamp` (Unix seconds). A timestamp too far from the
 * receiver's clock is refused, so a captured delivery cannot be replayed later.
 */
import { createHmac, timingSafeEqual } from "node:crypto";

export const SIGNATURE_HEADER = "x-mlflow-signature";
export const TIMESTAMP_HEADER = "x-mlflow-timestamp";
export const DELIVERY_ID_HEADER = "x-mlflow-delivery-id";

export function mlflowSignature(secret: string, deliveryId: string, timestamp: string, payload: string): string {
  return `v1,${createHmac("sha256", secret).update(`${deliveryId}.${timestamp}.${payload}`, "utf8").digest("base64")}`;
}

export type Verdict =
  | { ok: true; deliveryId: string; timestamp: number }
  | { ok: false; status: 400 | 401; reason: string };

function header(headers: Readonly<Record<string, string | string[] | undefined>>, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Checks a delivery's headers and body (the exact bytes received, as UTF-8) against the secret. */
export function verifyDelivery(
  headers: Readonly<Record<string, string | string[] | undefined>>,
  payload: string,
  secret: string,
  toleranceSeconds: number,
  nowMs: number,
): Verdict {
  const deliveryId = header(headers, DELIVERY_ID_HEADER);
  const timestamp = header(headers, TIMESTAMP_HEADER);
  const signature = header(headers, SIGNATURE_HEADER);
  if (!deliveryId || !timestamp) return { ok: false, status: 400, reason: "missing X-MLflow-Delivery-Id or X-MLflow-Timestamp: not an MLflow webhook delivery" };
  if (!signature) return { ok: false, status: 401, reason: "missing X-MLflow-Signature: configure the webhook's secret in MLflow (the gateway registers it with one)" };
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, status: 400, reason: `X-MLflow-Timestamp "${timestamp}" is not Unix seconds` };
  const skew = Math.abs(nowMs / 1000 - Number(timestamp));
  if (skew > toleranceSeconds) {
    return { ok: false, status: 400, reason: `X-MLflow-Timestamp is ${Math.round(skew)} s from the gateway's clock (tolerance ${toleranceSeconds} s): an old delivery is refused as a replay` };
  }
  const expected = Buffer.from(mlflowSignature(secret, deliveryId, timestamp, payload), "utf8");
  // Several space-separated signatures may be sent while a secret rotates: any valid one will do.
  const valid = signature
    .split(" ")
    .filter((s) => s.length > 0)
    .some((s) => {
      const given = Buffer.from(s, "utf8");
      return given.length === expected.length && timingSafeEqual(given, expected);
    });
  if (!valid) return { ok: false, status: 401, reason: "X-MLflow-Signature does not match: wrong secret, or the body was changed" };
  return { ok: true, deliveryId, timestamp: Number(timestamp) };
}
