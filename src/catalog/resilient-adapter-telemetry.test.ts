/**
 * What the resilience wrapper records per backend call: duration by outcome (the error code, or
 * CIRCUIT_OPEN when the breaker refused the call), retries, and with a tracer one span per call
 * (retries included). Faults come from a scripted adapter: no real peer fails on demand.
 */
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { node } from "@opentelemetry/sdk-node";
import { InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { NotFoundError, UnavailableError, createCallContext, type CallContext, type RegisteredModel, type RegistryAdapter } from "../core/index.js";
import { backendTelemetry } from "../observability/backend-telemetry.js";
import { GatewayMetrics } from "../observability/metrics.js";
import { gatewayTracer } from "../observability/tracing.js";
import { withResilience } from "./resilient-adapter.js";

const exporter = new InMemorySpanExporter();
beforeAll(() => {
  // Registered globally, as the SDK would be: any span made anywhere is seen.
  new node.NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }).register();
});
afterEach(() => exporter.reset());

const model: RegisteredModel = { backendId: "flaky", name: "m", tags: {}, aliases: {} };
const ctx = () => createCallContext({ timeoutMs: 5_000, actor: { id: "tester", roles: [] } });

/** getModel answers as `behaviour` says for the n-th call; setAlias always fails (UNAVAILABLE). */
function scripted(behaviour: (call: number, ctx: CallContext) => Promise<RegisteredModel>): RegistryAdapter {
  let calls = 0;
  return {
    info: { id: "flaky", kind: "test-kind" },
    capabilities: () => ({ asOf: false, generationConfigs: false, prompts: false, aliases: true, maxPageSize: 10, writes: true }),
    health: async () => ({ state: "UP" as const, latencyMs: 0, checkedAt: new Date() }),
    getModel: (_name: string, c: CallContext) => behaviour(++calls, c),
    setAlias: () => Promise.reject(new UnavailableError("write failed", { backend: "flaky" })),
    close: async () => {},
  } as unknown as RegistryAdapter;
}

/** The value of one sample of a metric (counters; histograms: their _count). */
async function sample(metrics: GatewayMetrics, name: string, labels: Record<string, string>): Promise<number | undefined> {
  const metric = metrics.registry.getSingleMetric(name);
  if (metric === undefined) throw new Error(`no metric ${name}`);
  const { values } = await metric.get();
  const match = values.find(
    (v) => (v as { metricName?: string }).metricName !== `${name}_bucket` && (v as { metricName?: string }).metricName !== `${name}_sum` && Object.entries(labels).every(([k, l]) => v.labels[k] === l),
  );
  return match?.value;
}

const noProcessMetrics = () => new GatewayMetrics({ maxOperationNames: 10, processMetrics: false });

describe("backend call metrics", () => {
  it("time each call once under its outcome, retries included, and count the retry", async () => {
    const metrics = noProcessMetrics();
    const adapter = withResilience(
      scripted(async (n) => {
        if (n === 1) throw new UnavailableError("blip", { backend: "flaky" });
        if (n === 2) return model;
        throw new NotFoundError("no such model", { backend: "flaky" });
      }),
      { timeoutMs: 1_000, metrics },
    );
    await adapter.getModel("m", ctx());
    await expect(adapter.getModel("m", ctx())).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(adapter.setAlias("m", "a", "1", ctx())).rejects.toMatchObject({ code: "UNAVAILABLE" });

    const labels = { backend: "flaky", kind: "test-kind" };
    expect(await sample(metrics, "modelgate_backend_call_duration_seconds", { ...labels, method: "getModel", outcome: "OK" })).toBe(1);
    expect(await sample(metrics, "modelgate_backend_call_duration_seconds", { ...labels, method: "getModel", outcome: "NOT_FOUND" })).toBe(1);
    expect(await sample(metrics, "modelgate_backend_call_duration_seconds", { ...labels, method: "setAlias", outcome: "UNAVAILABLE" })).toBe(1);
    expect(await sample(metrics, "modelgate_backend_retries_total", { ...labels, method: "getModel" })).toBe(1);
    // Metrics alone make no span.
    expect(exporter.getFinishedSpans()).toEqual([]);
  });

  it("label a call the open circuit refused CIRCUIT_OPEN, and export the breaker's state", async () => {
    const metrics = noProcessMetrics();
    const adapter = withResilience(
      scripted(async () => {
        throw new UnavailableError("down", { backend: "flaky" });
      }),
      { timeoutMs: 1_000, readAttempts: 1, breakerThreshold: 2, halfOpenAfterMs: 60_000, metrics },
    );
    metrics.setSources({ circuits: () => [{ backend: "flaky", kind: "test-kind", state: adapter.breakerState() }] });
    for (let i = 0; i < 3; i++) await expect(adapter.getModel("m", ctx())).rejects.toMatchObject({ code: "UNAVAILABLE" });
    const labels = { backend: "flaky", kind: "test-kind", method: "getModel" };
    expect(await sample(metrics, "modelgate_backend_call_duration_seconds", { ...labels, outcome: "UNAVAILABLE" })).toBe(2);
    expect(await sample(metrics, "modelgate_backend_call_duration_seconds", { ...labels, outcome: "CIRCUIT_OPEN" })).toBe(1);
    expect(await sample(metrics, "modelgate_backend_circuit_state", { backend: "flaky", state: "OPEN" })).toBe(1);
    expect(await sample(metrics, "modelgate_backend_circuit_state", { backend: "flaky", state: "CLOSED" })).toBe(0);
  });
});

describe("backend call spans", () => {
  it("make one span per call, retries as events on it; an answer like NOT_FOUND is not an error, an outage is", async () => {
    const adapter = withResilience(
      scripted(async (n) => {
        if (n === 1) throw new UnavailableError("blip", { backend: "flaky" });
        if (n === 2) return model;
        throw new NotFoundError("no such model", { backend: "flaky" });
      }),
      { timeoutMs: 1_000, tracer: gatewayTracer(true)! },
    );
    await adapter.getModel("m", ctx());
    await expect(adapter.getModel("m", ctx())).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(adapter.setAlias("m", "a", "1", ctx())).rejects.toMatchObject({ code: "UNAVAILABLE" });

    const [retried, notFound, failedWrite] = exporter.getFinishedSpans();
    expect(retried).toMatchObject({ name: "backend getModel", status: { code: 0 } });
    expect(retried!.attributes).toEqual({
      "modelgate.backend.id": "flaky",
      "modelgate.backend.kind": "test-kind",
      "modelgate.backend.method": "getModel",
      "modelgate.backend.outcome": "OK",
      "modelgate.backend.attempts": 2,
    });
    expect(retried!.events.map((e) => e.name)).toEqual(["retry"]);
    expect(notFound).toMatchObject({ name: "backend getModel", status: { code: 0 }, attributes: expect.objectContaining({ "modelgate.backend.outcome": "NOT_FOUND" }) });
    expect(failedWrite).toMatchObject({ name: "backend setAlias", status: { code: 2, message: "write failed" } });
  });

  it("are not made, nor anything recorded, when neither tracing nor metrics is on", () => {
    expect(backendTelemetry({ backend: "flaky", kind: "test-kind" })).toBeUndefined();
  });
});
