/**
 * The `tracing` keys of modelgate.yaml reach the OTLP exporter: spans are POSTed as OTLP/HTTP JSON to
 * `tracing.endpoint` with `tracing.headers`, under the configured service name and resource
 * attributes, and shutdown flushes what the batch still holds. The collector is a local HTTP server.
 */
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { metrics } from "@opentelemetry/api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tracingSchema } from "../config/schema.js";
import { startTracing } from "./tracing-sdk.js";
import { gatewayTracer, inSpan } from "./tracing.js";

interface Export {
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

const received: Export[] = [];
let collector: Server;
let endpoint: string;

beforeAll(async () => {
  collector = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({ url: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  });
  await new Promise<void>((resolve) => collector.listen(0, "127.0.0.1", resolve));
  endpoint = `http://127.0.0.1:${(collector.address() as AddressInfo).port}/v1/traces`;
});
afterAll(async () => {
  await new Promise((resolve) => collector.close(resolve));
});

describe("startTracing", () => {
  it("exports the gateway's spans to tracing.endpoint with tracing.headers, service name and resource attributes", async () => {
    const config = tracingSchema.parse({
      enabled: true,
      endpoint,
      headers: { "x-collector-key": "k-123" },
      serviceName: "modelgate-test",
      resourceAttributes: { "deployment.environment": "test" },
    });
    const tracing = await startTracing(config, { serviceVersion: "9.9.9" });
    await inSpan(gatewayTracer(true)!, "backend getModel", { "modelgate.backend.id": "example" }, async () => "done");
    await tracing.shutdown();

    const traces = received.filter((r) => r.url === "/v1/traces");
    expect(traces.length).toBeGreaterThan(0);
    expect(traces[0]!.headers["x-collector-key"]).toBe("k-123");
    expect(traces[0]!.headers["content-type"]).toBe("application/json");
    const body = JSON.parse(traces[0]!.body) as {
      resourceSpans: { resource: { attributes: { key: string; value: { stringValue?: string } }[] }; scopeSpans: { scope: { name: string }; spans: { name: string }[] }[] }[];
    };
    const [resourceSpans] = body.resourceSpans;
    const resource = Object.fromEntries(resourceSpans!.resource.attributes.map((a) => [a.key, a.value.stringValue]));
    expect(resource).toMatchObject({ "service.name": "modelgate-test", "service.version": "9.9.9", "deployment.environment": "test" });
    const spans = resourceSpans!.scopeSpans.flatMap((s) => s.spans.map((span) => `${s.scope.name}: ${span.name}`));
    expect(spans).toContain("modelgate: backend getModel");
    // Traces only: the SDK set up no OpenTelemetry metrics pipeline (that is /metrics' job).
    expect(metrics.getMeterProvider().constructor.name).toBe("NoopMeterProvider");
  });
});
