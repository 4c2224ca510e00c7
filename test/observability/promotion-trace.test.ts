/**
 * Traces end to end, with the real SDK bootstrap (src/observability/tracing-sdk.ts) and an
 * in-memory exporter: a promotion is ONE trace from the approving mutation through the outbox apply
 * on the git-YAML registry and on a real MLflow server (the HTTP requests reaching MLflow carry that
 * trace's `traceparent`, read on the wire by a recording proxy), and the trace reaches into gRPC
 * (the Vertex AI fake's server sees it) and the AWS SDK (moto).
 *
 * Tracing starts before any gateway module loads, as in `modelgate serve`: the gateway stack is
 * imported dynamically below.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { startTracing, type TracingHandle } from "../../src/observability/tracing-sdk.js";
import { tracingSchema } from "../../src/config/schema.js";
import { descendsFrom, idOf, only, parentOf, renderTree, traceOf, traceSpans } from "./span-tree.js";

const exporter = new InMemorySpanExporter();
let tracing: TracingHandle;

// Loaded after tracing started (see the file comment).
let workflow: typeof import("../workflow/workflow-gateway.js");
let faultProxy: typeof import("../mlflow/fault-proxy.js");
let vertexPeer: typeof import("../peers/vertex/index.js");
let vertexHarness: typeof import("../vertex/harness.js");
let sagemaker: typeof import("../sagemaker/helpers.js");

beforeAll(async () => {
  tracing = await startTracing(tracingSchema.parse({ enabled: true }), { spanProcessors: [new SimpleSpanProcessor(exporter)] });
  workflow = await import("../workflow/workflow-gateway.js");
  faultProxy = await import("../mlflow/fault-proxy.js");
  vertexPeer = await import("../peers/vertex/index.js");
  vertexHarness = await import("../vertex/harness.js");
  sagemaker = await import("../sagemaker/helpers.js");
});
afterAll(async () => {
  await tracing?.shutdown();
});

const TRACED = { tracing: { enabled: true } };
const ONE_APPROVAL = { policies: { rules: [{ gates: { approvals: 1 } }] } };

const REQUEST = `mutation Promote($input: PromotionRequestInput!) {
  promotionRequest(input: $input) { promotionRequest { id status } userErrors { field code message } }
}`;
const APPROVE = `mutation Approve($id: ID!) {
  promotionApprove(input: { id: $id, comment: "ship it" }) { promotionRequest { id status } userErrors { field code message } }
}`;
const REGISTER = `mutation Register($model: String!) {
  modelVersionRegister(input: { backend: "mlflow", model: $model, artifactUri: "s3://bucket/model" }) { modelVersion { version } userErrors { message } }
}`;

/** Requests a promotion (alice), approves it (bob), waits for the outbox to apply it; returns the approving mutation's trace. */
async function promoteAndApprove(gw: import("../workflow/workflow-gateway.js").WorkflowGateway, input: Record<string, unknown>): Promise<ReadableSpan[]> {
  const requested = await gw.as("alice", REQUEST, { input });
  expect(requested.data?.promotionRequest.userErrors).toEqual([]);
  const id = requested.data!.promotionRequest.promotionRequest.id as string;
  const approved = await gw.as("bob", APPROVE, { id });
  expect(approved.data?.promotionApprove.userErrors).toEqual([]);
  expect((await workflow.waitForStatus(gw, id)).status).toBe("APPLIED");
  const mutation = await eventually(() => only(exporter.getFinishedSpans(), "mutation Approve"));
  const traceId = traceOf(mutation);
  // The apply's span ends after the request shows APPLIED: wait for it.
  await eventually(() => only(traceSpans(exporter.getFinishedSpans(), traceId), "outbox apply"));
  return traceSpans(exporter.getFinishedSpans(), traceId);
}

async function eventually<T>(read: () => T, timeoutMs = 15_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      return read();
    } catch (err) {
      if (Date.now() > until) throw err;
      await new Promise((r) => setTimeout(r, 25));
    }
  }
}

describe("a promotion is one trace", () => {
  it("on git-YAML: the approving mutation, the outbox apply under it, and the backend calls under those", async () => {
    exporter.reset();
    const gw = await workflow.startWorkflowGateway({ config: { ...TRACED, ...ONE_APPROVAL } });
    try {
      const spans = await promoteAndApprove(gw, {
        backend: "example",
        model: "support-triage",
        version: "15",
        toStage: "PRODUCTION",
        environment: "production",
        reason: "ship 15",
      });
      const mutation = only(spans, "mutation Approve");
      expect(mutation.instrumentationScope.name).toBe("modelgate");
      expect(mutation.attributes).toMatchObject({ "graphql.operation.type": "mutation", "graphql.operation.name": "Approve" });
      // The HTTP server span of the incoming request is the root (instrumentation-http).
      const server = spans.find((s) => idOf(s) === parentOf(mutation));
      expect(server?.instrumentationScope.name).toBe("@opentelemetry/instrumentation-http");
      expect(server).toMatchObject({ name: "POST /graphql", attributes: expect.objectContaining({ "http.route": "/graphql" }) });

      const apply = only(spans, "outbox apply");
      expect(parentOf(apply)).toBe(idOf(mutation));
      expect(apply.attributes).toMatchObject({ "modelgate.outbox.outcome": "applied", "modelgate.outbox.attempt": 1 });

      // Under the apply: 15 to PRODUCTION and 14 demoted, each read back.
      const underApply = spans.filter((s) => s.name.startsWith("backend ") && descendsFrom(spans, s, apply));
      expect(underApply.filter((s) => s.name === "backend setStage")).toHaveLength(2);
      expect(underApply.filter((s) => s.name === "backend getVersion").length).toBeGreaterThanOrEqual(2);
      for (const s of underApply) expect(s.attributes).toMatchObject({ "modelgate.backend.id": "example", "modelgate.backend.kind": "git-yaml", "modelgate.backend.outcome": "OK" });
      console.info(`span tree of a git-YAML promotion's approval:\n${renderTree(spans)}`);
    } finally {
      await gw.stop();
    }
  });

  it("on MLflow: the apply's HTTP requests carry the mutation's trace in traceparent, on the wire", async () => {
    exporter.reset();
    const proxy = await faultProxy.startFaultProxy(inject("mlflowUrl"));
    const gw = await workflow.startWorkflowGateway({
      config: { ...TRACED, ...ONE_APPROVAL, backends: [{ id: "mlflow", kind: "mlflow", trackingUri: proxy.url }] },
    });
    const model = `trace-${randomBytes(4).toString("hex")}`;
    try {
      expect((await gw.as("pat", REGISTER, { model })).data?.modelVersionRegister.modelVersion.version).toBe("1");
      const before = proxy.requests.length;
      const spans = await promoteAndApprove(gw, { backend: "mlflow", model, version: "1", toStage: "STAGING", environment: "staging", reason: "try 1" });
      const mutation = only(spans, "mutation Approve");
      const apply = only(spans, "outbox apply");
      expect(parentOf(apply)).toBe(idOf(mutation));
      const setStage = only(spans, "backend setStage");
      expect(descendsFrom(spans, setStage, apply)).toBe(true);
      expect(setStage.attributes).toMatchObject({ "modelgate.backend.id": "mlflow", "modelgate.backend.kind": "mlflow" });

      // axios's requests (instrumentation-http client spans) under setStage ...
      const clientSpans = spans.filter((s) => s.instrumentationScope.name === "@opentelemetry/instrumentation-http" && s.kind === 2 && descendsFrom(spans, s, setStage));
      expect(clientSpans.length).toBeGreaterThan(0);
      // ... and what MLflow was sent: every request the apply made carries this trace, each under its client span.
      const sent = proxy.requests.slice(before).filter((r) => typeof r.headers.traceparent === "string" && r.headers.traceparent.includes(traceOf(mutation)));
      const writes = sent.filter((r) => r.method !== "GET");
      expect(writes.length).toBeGreaterThan(0);
      const clientIds = new Set(spans.filter((s) => s.kind === 2).map(idOf));
      for (const r of sent) {
        const [, traceId, parentId] = (r.headers.traceparent as string).split("-");
        expect(traceId).toBe(traceOf(mutation));
        expect(clientIds.has(parentId!)).toBe(true);
      }
    } finally {
      await gw.stop();
      await proxy.close();
      await import("../mlflow/helpers.js").then((h) => h.deleteModelsWithPrefix(inject("mlflowUrl"), model));
    }
  });
});

describe("the trace reaches into the backends' clients", () => {
  it("gRPC (Vertex AI): the fake's server span continues the backend call's trace", async () => {
    exporter.reset();
    const fake = await vertexPeer.startVertexFake();
    const gw = await workflow.startWorkflowGateway({ config: { ...TRACED, backends: [{ id: "vertex", kind: "vertex", ...vertexHarness.fakeBackendConfig(fake) }] } });
    try {
      const res = await gw.as("vic", `query VertexModels { models(first: 5, backend: "vertex") { nodes { name } } }`);
      expect(res.errors).toBeUndefined();
      const query = await eventually(() => only(exporter.getFinishedSpans(), "query VertexModels"));
      const spans = traceSpans(exporter.getFinishedSpans(), traceOf(query));
      const call = only(spans, "backend listModels");
      const grpc = spans.filter((s) => s.instrumentationScope.name === "@opentelemetry/instrumentation-grpc");
      const client = grpc.find((s) => s.kind === 2 && descendsFrom(spans, s, call));
      expect(client, renderTree(spans)).toBeDefined();
      // The fake runs @grpc/grpc-js's server in this process, instrumented too: it received the context.
      expect(grpc.some((s) => s.kind === 1 && parentOf(s) === idOf(client!))).toBe(true);
    } finally {
      await gw.stop();
      await fake.stop();
    }
  });

  it("the AWS SDK (SageMaker on moto): its spans nest under the backend call", async () => {
    exporter.reset();
    const gw = await workflow.startWorkflowGateway({
      config: { ...TRACED, backends: [{ id: "sagemaker", kind: "sagemaker", region: "eu-north-1", endpoint: inject("motoUrl"), credentials: sagemaker.TEST_CREDENTIALS }] },
    });
    try {
      const res = await gw.as("vic", `query SageMakerModels { models(first: 5, backend: "sagemaker") { nodes { name } } }`);
      expect(res.errors).toBeUndefined();
      const query = await eventually(() => only(exporter.getFinishedSpans(), "query SageMakerModels"));
      const spans = traceSpans(exporter.getFinishedSpans(), traceOf(query));
      const call = only(spans, "backend listModels");
      const aws = spans.find((s) => s.instrumentationScope.name === "@opentelemetry/instrumentation-aws-sdk" && descendsFrom(spans, s, call));
      expect(aws?.attributes["rpc.service"], renderTree(spans)).toBe("SageMaker");
      // Its HTTP request to moto is under it, so it went out with the trace's traceparent.
      expect(spans.some((s) => s.instrumentationScope.name === "@opentelemetry/instrumentation-http" && s.kind === 2 && descendsFrom(spans, s, aws!))).toBe(true);
    } finally {
      await gw.stop();
    }
  });

  it("a gateway with tracing off makes no span of its own, though the process traces", async () => {
    exporter.reset();
    const gw = await workflow.startWorkflowGateway({ config: { tracing: { enabled: false } } });
    try {
      const res = await gw.as("vic", `query Untraced { models(first: 5) { nodes { name } } }`);
      expect(res.errors).toBeUndefined();
      // The HTTP instrumentation still sees the request (it is process-wide) ...
      await eventually(() => expect(exporter.getFinishedSpans().some((s) => s.kind === 1)).toBe(true));
      // ... but the gateway made no span: no operation, no backend call.
      expect(exporter.getFinishedSpans().filter((s) => s.instrumentationScope.name === "modelgate")).toEqual([]);
    } finally {
      await gw.stop();
    }
  });
});
