import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { mlflowSignature, verifyDelivery } from "./signature.js";

const SECRET = "a-webhook-secret-of-some-length";
const NOW = Date.UTC(2026, 5, 10, 12, 0, 0);
const TS = String(NOW / 1000);

function delivery(payload: string, overrides: Record<string, string> = {}) {
  return {
    "x-mlflow-delivery-id": "9f1c2a7e-0000-4000-8000-000000000001",
    "x-mlflow-timestamp": TS,
    "x-mlflow-signature": mlflowSignature(SECRET, "9f1c2a7e-0000-4000-8000-000000000001", TS, payload),
    ...overrides,
  };
}

describe("MLflow webhook signatures", () => {
  const body = JSON.stringify({ entity: "model_version_alias", action: "created", timestamp: "t", data: { name: "m", alias: "a", version: "1" } });

  it("signs exactly as MLflow does: base64 HMAC-SHA256 over delivery id, timestamp and payload", () => {
    const expected = createHmac("sha256", SECRET).update(`id.123.${body}`).digest("base64");
    expect(mlflowSignature(SECRET, "id", "123", body)).toBe(`v1,${expected}`);
  });

  it("accepts a delivery signed with the secret, within the tolerance", () => {
    expect(verifyDelivery(delivery(body), body, SECRET, 300, NOW)).toEqual({ ok: true, deliveryId: "9f1c2a7e-0000-4000-8000-000000000001", timestamp: NOW / 1000 });
    expect(verifyDelivery(delivery(body), body, SECRET, 300, NOW + 299_000).ok).toBe(true);
  });

  it("accepts any one valid signature among several (secret rotation)", () => {
    const headers = delivery(body);
    headers["x-mlflow-signature"] = `v1,bm90LWl0 ${headers["x-mlflow-signature"]}`;
    expect(verifyDelivery(headers, body, SECRET, 300, NOW).ok).toBe(true);
  });

  it("refuses a wrong secret, a changed body and a missing signature", () => {
    expect(verifyDelivery(delivery(body), body, "another-secret-entirely", 300, NOW)).toMatchObject({ ok: false, status: 401 });
    expect(verifyDelivery(delivery(body), body.replace('"1"', '"2"'), SECRET, 300, NOW)).toMatchObject({ ok: false, status: 401 });
    const { "x-mlflow-signature": _, ...unsigned } = delivery(body);
    expect(verifyDelivery(unsigned, body, SECRET, 300, NOW)).toMatchObject({ ok: false, status: 401, reason: expect.stringContaining("missing X-MLflow-Signature") });
  });

  it("refuses a delivery older (or newer) than the tolerance, even when correctly signed", () => {
    const verdict = verifyDelivery(delivery(body), body, SECRET, 300, NOW + 301_000);
    expect(verdict).toMatchObject({ ok: false, status: 400, reason: expect.stringContaining("replay") });
    expect(verifyDelivery(delivery(body), body, SECRET, 300, NOW - 400_000)).toMatchObject({ ok: false, status: 400 });
  });

  it("refuses deliveries without MLflow's headers or with a malformed timestamp", () => {
    expect(verifyDelivery({}, body, SECRET, 300, NOW)).toMatchObject({ ok: false, status: 400 });
    expect(verifyDelivery(delivery(body, { "x-mlflow-timestamp": "yesterday" }), body, SECRET, 300, NOW)).toMatchObject({ ok: false, status: 400 });
  });
});
