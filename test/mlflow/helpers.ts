/**
 * Shared by the MLflow adapter's tests: an adapter on the shared real MLflow server (or any URL),
 * call contexts, per-run model-name prefixes, direct REST access for arranging state the way
 * another MLflow user would, and cleanup.
 */
import { randomBytes } from "node:crypto";
import { inject } from "vitest";
import { MlflowAdapter } from "../../adapters/mlflow/adapter.js";
import { mlflowConfigSchema } from "../../adapters/mlflow/config.js";
import { createCallContext, type CallContext } from "../../src/core/index.js";

export const silentLogger = { debug() {}, info() {}, warn() {}, error() {} };

export function sharedMlflowUrl(): string {
  return inject("mlflowUrl");
}

export function makeAdapter(config: Record<string, unknown> = {}, id = "mlflow-test"): MlflowAdapter {
  return new MlflowAdapter(id, mlflowConfigSchema.parse({ trackingUri: sharedMlflowUrl(), ...config }), silentLogger);
}

export function ctx(timeoutMs = 20_000, requestId?: string): CallContext {
  return createCallContext({
    timeoutMs,
    actor: { id: "mlflow-tester", roles: ["admin"] },
    ...(requestId === undefined ? {} : { requestId }),
  });
}

/** A model-name prefix no other run uses. */
export function uniquePrefix(label: string): string {
  return `${label}-${randomBytes(4).toString("hex")}`;
}

/** MLflow's REST API, called directly (as MLflow's UI or another client would). */
export async function mlflowRest<T = Record<string, unknown>>(
  url: string,
  method: "GET" | "POST" | "PATCH" | "DELETE",
  path: string,
  params: Record<string, unknown> = {},
): Promise<T> {
  const target = new URL(`${url}/api/2.0/mlflow/${path}`);
  let body: string | undefined;
  if (method === "GET") {
    for (const [k, v] of Object.entries(params)) {
      for (const item of Array.isArray(v) ? v : [v]) target.searchParams.append(k, String(item));
    }
  } else {
    body = JSON.stringify(params);
  }
  const res = await fetch(target, { method, ...(body === undefined ? {} : { body, headers: { "content-type": "application/json" } }) });
  const text = await res.text();
  if (!res.ok) throw new Error(`MLflow ${method} ${path} answered ${res.status}: ${text}`);
  return (text ? JSON.parse(text) : {}) as T;
}

/** Deletes every registered model (prompts included) whose name starts with `prefix`. */
export async function deleteModelsWithPrefix(url: string, prefix: string): Promise<void> {
  for (const filter of [`name LIKE '${prefix}%'`, `name LIKE '${prefix}%' AND tags.\`mlflow.prompt.is_prompt\` = 'true'`]) {
    for (;;) {
      const res = await mlflowRest<{ registered_models?: { name: string }[] }>(url, "GET", "registered-models/search", { filter, max_results: 1000 });
      const names = (res.registered_models ?? []).map((m) => m.name).filter((n) => n.startsWith(prefix));
      if (names.length === 0) break;
      for (const name of names) await mlflowRest(url, "DELETE", "registered-models/delete", { name });
    }
  }
}
