/**
 * Writes retried after faults a real MLflow only shows under failure (a lost answer, a 5xx), injected
 * by a proxy in front of the shared real server: retries never duplicate a write.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startFaultProxy, type FaultProxy } from "../../test/mlflow/fault-proxy.js";
import { ctx, deleteModelsWithPrefix, makeAdapter, mlflowRest, sharedMlflowUrl, uniquePrefix } from "../../test/mlflow/helpers.js";
import type { MlflowAdapter } from "./adapter.js";

const prefix = uniquePrefix("retry");
let proxy: FaultProxy;
let adapter: MlflowAdapter;
let url: string;

async function versionsOf(name: string): Promise<{ version: string; tags?: { key: string; value: string }[] }[]> {
  const res = await mlflowRest<{ model_versions?: { version: string; tags?: { key: string; value: string }[] }[] }>(url, "GET", "model-versions/search", {
    filter: `name = '${name}'`,
  });
  return res.model_versions ?? [];
}

const calls = (method: string, path: string) => proxy.requests.filter((r) => r.method === method && r.path === path).length;

beforeAll(async () => {
  url = sharedMlflowUrl();
  proxy = await startFaultProxy(url);
  adapter = makeAdapter({ trackingUri: proxy.url });
});
afterEach(() => {
  proxy.rules.length = 0;
  proxy.requests.length = 0;
});
afterAll(async () => {
  await adapter.close();
  await proxy.close();
  await deleteModelsWithPrefix(url, prefix);
});

describe("write retries", () => {
  it("finds the version a create made when its answer was lost, instead of creating another", async () => {
    const name = `${prefix}-lost-answer`;
    await adapter.registerVersion({ modelName: name }, ctx());
    proxy.requests.length = 0;
    proxy.rules.push({ method: "POST", path: "model-versions/create", fault: { kind: "drop-answer" }, times: 1 });

    const created = await adapter.registerVersion({ modelName: name, description: "after a reset" }, ctx());
    expect(created).toMatchObject({ version: "2", description: "after a reset" });
    expect(calls("POST", "model-versions/create")).toBe(1);
    // The confirming search by request id found it.
    expect(proxy.requests.some((r) => r.path === "model-versions/search" && r.query.includes("tags.`modelgate.request_id`"))).toBe(true);
    const versions = await versionsOf(name);
    expect(versions.map((v) => v.version).sort()).toEqual(["1", "2"]);
    const requestIds = versions.map((v) => v.tags?.find((t) => t.key === "modelgate.request_id")?.value);
    expect(new Set(requestIds).size).toBe(2);
  });

  it("retries a create MLflow failed with a 5xx before applying it", async () => {
    const name = `${prefix}-5xx`;
    proxy.rules.push({
      method: "POST",
      path: "model-versions/create",
      fault: { kind: "answer", status: 500, body: { error_code: "INTERNAL_ERROR", message: "(sqlite3.OperationalError) database is locked" } },
      times: 2,
    });
    const created = await adapter.registerVersion({ modelName: name }, ctx());
    expect(created.version).toBe("1");
    expect(calls("POST", "model-versions/create")).toBe(3);
    expect((await versionsOf(name)).map((v) => v.version)).toEqual(["1"]);
  });

  it("retries an alias move after a reset and a stage write after a 503", async () => {
    const name = `${prefix}-alias`;
    await adapter.registerVersion({ modelName: name }, ctx());
    proxy.rules.push({ method: "POST", path: "registered-models/alias", fault: { kind: "reset" }, times: 1 });
    expect((await adapter.setAlias(name, "champion", "1", ctx())).aliases).toEqual(["champion"]);
    expect(calls("POST", "registered-models/alias")).toBe(2);

    proxy.rules.push({ method: "POST", path: "model-versions/set-tag", fault: { kind: "answer", status: 503, body: "Service Unavailable", contentType: "text/plain" }, times: 1 });
    expect((await adapter.setStage(name, "1", "ARCHIVED", ctx())).stage).toBe("ARCHIVED");
    expect((await adapter.getVersion(name, "1", ctx())).stage).toBe("ARCHIVED");
  });

  it("does not retry what MLflow refused, and gives up with UNAVAILABLE after its attempts", async () => {
    const name = `${prefix}-refused`;
    await expect(adapter.registerVersion({ modelName: name, artifactUri: "relative/path" }, ctx())).rejects.toMatchObject({
      code: "INVALID_INPUT",
      field: "artifactUri",
      backend: "mlflow-test",
    });
    expect(calls("POST", "model-versions/create")).toBe(1);

    proxy.requests.length = 0;
    proxy.rules.push({ method: "POST", path: "model-versions/create", fault: { kind: "answer", status: 500, body: { error_code: "INTERNAL_ERROR", message: "boom" } } });
    await expect(adapter.registerVersion({ modelName: name }, ctx())).rejects.toMatchObject({
      code: "UNAVAILABLE",
      backend: "mlflow-test",
      message: expect.stringMatching(/registering a version of model ".*" failed after 4 attempts; last failure: MLflow answered INTERNAL_ERROR .*: boom/),
    });
    expect(calls("POST", "model-versions/create")).toBe(4);
    expect(await versionsOf(name)).toEqual([]);
  });
});
