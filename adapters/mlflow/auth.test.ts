/**
 * Credentials: sent as configured on every request (seen by a recording proxy in front of the real
 * server), and never part of an error or health message, even when a server echoes them back.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFaultProxy, type FaultProxy } from "../../test/mlflow/fault-proxy.js";
import { ctx, makeAdapter, sharedMlflowUrl } from "../../test/mlflow/helpers.js";

const TOKEN = "tok-Zq9-very-secret";
const PASSWORD = "pa55-w0rd-secret";
let proxy: FaultProxy;

beforeAll(async () => {
  proxy = await startFaultProxy(sharedMlflowUrl());
});
afterAll(async () => {
  await proxy.close();
});

describe("MLflow auth", () => {
  it("sends a bearer token, basic credentials, or nothing, on API and health requests", async () => {
    const cases = [
      { auth: { type: "bearer", token: TOKEN }, expected: `Bearer ${TOKEN}` },
      { auth: { type: "basic", username: "gateway", password: PASSWORD }, expected: `Basic ${Buffer.from(`gateway:${PASSWORD}`).toString("base64")}` },
      { auth: { type: "none" }, expected: undefined },
    ];
    for (const { auth, expected } of cases) {
      proxy.requests.length = 0;
      const adapter = makeAdapter({ trackingUri: proxy.url, auth });
      try {
        await adapter.listModels({ first: 1 }, ctx());
        expect((await adapter.health(ctx())).state).toBe("UP");
      } finally {
        await adapter.close();
      }
      expect(proxy.requests.map((r) => r.path)).toEqual(["registered-models/search", "/health", "registered-models/search"]);
      for (const r of proxy.requests) expect(r.headers["authorization"]).toBe(expected);
    }
  });

  it("keeps secrets out of errors and health messages, even when the server echoes them", async () => {
    const basic = Buffer.from(`gateway:${PASSWORD}`).toString("base64");
    const configs = [
      { auth: { type: "bearer", token: TOKEN }, secrets: [TOKEN] },
      { auth: { type: "basic", username: "gateway", password: PASSWORD }, secrets: [PASSWORD, basic] },
    ];
    for (const { auth, secrets } of configs) {
      for (const status of [401, 403, 500]) {
        proxy.rules.length = 0;
        proxy.rules.push({
          path: /.*/,
          fault: {
            kind: "answer",
            status,
            body: { error_code: status === 401 ? "UNAUTHENTICATED" : "PERMISSION_DENIED", message: `rejected Authorization: ${secrets.join(" / ")}` },
          },
        });
        const adapter = makeAdapter({ trackingUri: proxy.url, auth });
        try {
          const err = await adapter.getModel("m", ctx()).then(
            () => undefined,
            (e: unknown) => e as Error,
          );
          expect(err).toBeDefined();
          const health = await adapter.health(ctx());
          expect(health.state).toBe("DOWN");
          const seen = [err?.message, JSON.stringify(err), String(err?.stack), health.message].join("\n");
          expect(seen).toContain("rejected Authorization");
          for (const secret of secrets) expect(seen).not.toContain(secret);
          expect((err as Error & { cause?: unknown }).cause).toBeUndefined();
        } finally {
          await adapter.close();
        }
      }
    }
    proxy.rules.length = 0;
  });
});
