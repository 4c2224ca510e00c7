/**
 * MLflow's failures as typed errors: real answers from the shared server where it gives them, and a
 * proxy for the ones only a failing server gives (5xx, 401, 403, a non-MLflow page, no answer).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCallContext } from "../../src/core/index.js";
import { freePort } from "../../test/peers/process.js";
import { startFaultProxy, type FaultProxy } from "../../test/mlflow/fault-proxy.js";
import { ctx, deleteModelsWithPrefix, makeAdapter, sharedMlflowUrl, uniquePrefix } from "../../test/mlflow/helpers.js";
import type { MlflowAdapter } from "./adapter.js";

const prefix = uniquePrefix("errors");
let adapter: MlflowAdapter;
let url: string;

beforeAll(() => {
  url = sharedMlflowUrl();
  adapter = makeAdapter();
});
afterAll(async () => {
  await adapter.close();
  await deleteModelsWithPrefix(url, prefix);
});

describe("answers of a real MLflow server", () => {
  it("maps RESOURCE_DOES_NOT_EXIST to NOT_FOUND for models and versions", async () => {
    await expect(adapter.getModel(`${prefix}-missing`, ctx())).rejects.toMatchObject({
      code: "NOT_FOUND",
      backend: "mlflow-test",
      message: `model "${prefix}-missing" not found in MLflow backend "mlflow-test"`,
    });
    const name = `${prefix}-known`;
    await adapter.registerVersion({ modelName: name }, ctx());
    await expect(adapter.getVersion(name, "7", ctx())).rejects.toMatchObject({ code: "NOT_FOUND", backend: "mlflow-test" });
    await expect(adapter.getVersion(name, "abc", ctx())).rejects.toMatchObject({ code: "NOT_FOUND", message: expect.stringContaining("numbers versions") });
    await expect(adapter.listVersions(`${prefix}-missing`, { first: 10 }, ctx())).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("maps a missing alias (MLflow's 400 INVALID_PARAMETER_VALUE) to NOT_FOUND", async () => {
    const name = `${prefix}-alias`;
    await adapter.registerVersion({ modelName: name }, ctx());
    const raw = await fetch(`${url}/api/2.0/mlflow/registered-models/alias?name=${encodeURIComponent(name)}&alias=nope`);
    expect(raw.status).toBe(400);
    expect(await raw.json()).toMatchObject({ error_code: "INVALID_PARAMETER_VALUE", message: "Registered model alias nope not found." });
    await expect(adapter.getVersionByAlias(name, "nope", ctx())).rejects.toMatchObject({
      code: "NOT_FOUND",
      backend: "mlflow-test",
      message: expect.stringContaining(`model "${name}" has no alias "nope"`),
    });
    await expect(adapter.removeAlias(name, "nope", ctx())).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("maps RESOURCE_ALREADY_EXISTS (a 400, not a 409) to ALREADY_EXISTS", async () => {
    const name = `${prefix}-exists`;
    await adapter.registerVersion({ modelName: name }, ctx());
    const raw = await fetch(`${url}/api/2.0/mlflow/registered-models/create`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name }),
    });
    expect(raw.status).toBe(400);
    await expect(adapter.http.call({ method: "POST", path: "registered-models/create", body: { name }, subject: `model "${name}"` }, ctx())).rejects.toMatchObject({
      code: "ALREADY_EXISTS",
      backend: "mlflow-test",
      message: expect.stringMatching(/^MLflow answered RESOURCE_ALREADY_EXISTS to POST registered-models\/create \(model ".*"\): Registered Model \(name=.*\) already exists/),
    });
  });

  it("maps other INVALID_PARAMETER_VALUE answers to INVALID_INPUT", async () => {
    await expect(
      adapter.http.call({ method: "GET", path: "registered-models/search", query: { max_results: 5000 } }, ctx()),
    ).rejects.toMatchObject({ code: "INVALID_INPUT", backend: "mlflow-test", message: expect.stringContaining("max_results") });
  });
});

describe("failures only a broken or unreachable server shows", () => {
  let proxy: FaultProxy;
  let broken: MlflowAdapter;
  beforeAll(async () => {
    proxy = await startFaultProxy(undefined);
    broken = makeAdapter({ trackingUri: proxy.url }, "mlflow-broken");
  });
  afterAll(async () => {
    await broken.close();
    await proxy.close();
  });

  const answer = (status: number, body: unknown, contentType?: string) => {
    proxy.rules.length = 0;
    proxy.rules.push({ path: /.*/, fault: { kind: "answer", status, body, ...(contentType ? { contentType } : {}) } });
  };

  it("maps 5xx, 401, 403 and a non-MLflow page", async () => {
    answer(500, { error_code: "INTERNAL_ERROR", message: "boom" });
    await expect(broken.getModel("m", ctx())).rejects.toMatchObject({ code: "UNAVAILABLE", backend: "mlflow-broken" });
    answer(502, "<html>Bad Gateway</html>", "text/html");
    await expect(broken.getModel("m", ctx())).rejects.toMatchObject({ code: "UNAVAILABLE", message: expect.stringContaining("HTTP 502") });
    answer(401, { error_code: "UNAUTHENTICATED", message: "You are not authenticated." });
    await expect(broken.getModel("m", ctx())).rejects.toMatchObject({ code: "UNAUTHORIZED", message: expect.stringContaining("credentials") });
    answer(401, "Unauthorized", "text/plain");
    await expect(broken.listModels({ first: 1 }, ctx())).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    answer(403, { error_code: "PERMISSION_DENIED", message: "Permission denied" });
    await expect(broken.setAlias("m", "a", "1", ctx())).rejects.toMatchObject({ code: "FORBIDDEN", backend: "mlflow-broken" });
    answer(404, "<html>Not Found</html>", "text/html");
    await expect(broken.getModel("m", ctx())).rejects.toMatchObject({ code: "UNAVAILABLE", message: expect.stringContaining("is trackingUri the MLflow server?") });
  });

  it("maps a refused connection to UNAVAILABLE naming the server, and health to DOWN without throwing", async () => {
    const port = await freePort();
    const nowhere = makeAdapter({ trackingUri: `http://127.0.0.1:${port}` }, "mlflow-nowhere");
    try {
      await expect(nowhere.listModels({ first: 10 }, ctx())).rejects.toMatchObject({
        code: "UNAVAILABLE",
        backend: "mlflow-nowhere",
        message: `MLflow at http://127.0.0.1:${port} did not answer GET registered-models/search (all models): ECONNREFUSED`,
      });
      const health = await nowhere.health(ctx());
      expect(health).toMatchObject({ state: "DOWN", message: expect.stringContaining("ECONNREFUSED") });
    } finally {
      await nowhere.close();
    }
  });

  it("gives up at the call's deadline with DEADLINE_EXCEEDED when MLflow does not answer", async () => {
    proxy.rules.length = 0;
    proxy.rules.push({ path: /.*/, fault: { kind: "hang" } });
    // A call with a later deadline, sent beside it to the same silent server: the first must end by
    // its own deadline (not by some fixed timeout that would end both) while this one still waits.
    const later = new AbortController();
    let laterSettled = false;
    const laterCall = broken
      .getModel("m", createCallContext({ timeoutMs: 120_000, actor: { id: "tester", roles: [] }, signal: later.signal }))
      .catch(() => undefined)
      .finally(() => (laterSettled = true));
    try {
      await expect(broken.getModel("m", ctx(300))).rejects.toMatchObject({ code: "DEADLINE_EXCEEDED", backend: "mlflow-broken" });
      expect(laterSettled).toBe(false);
    } finally {
      later.abort();
      await laterCall;
    }
    const cancel = new AbortController();
    const call = broken.registerVersion({ modelName: "m" }, createCallContext({ timeoutMs: 10_000, actor: { id: "tester", roles: [] }, signal: cancel.signal }));
    setTimeout(() => cancel.abort(), 50);
    await expect(call).rejects.toMatchObject({ code: "DEADLINE_EXCEEDED", message: expect.stringContaining("cancelled") });
    const health = await broken.health(ctx(300));
    expect(health.state).toBe("DOWN");
  });
});
