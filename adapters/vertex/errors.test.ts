/**
 * gRPC statuses as the contract's typed errors, each naming the backend and the call; deadlines
 * and cancellation as DEADLINE_EXCEEDED without waiting for the backend; an unreachable backend
 * as UNAVAILABLE, and health DOWN without throwing.
 */
import net from "node:net";
import { status } from "@grpc/grpc-js";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createCallContext } from "../../src/core/index.js";
import { codeOf, createFakeAdapter, ctx, startFakeAdapter, type FakeHarness } from "../../test/vertex/harness.js";
import { startVertexFake } from "../../test/peers/vertex/index.js";

let h: FakeHarness;

beforeAll(async () => {
  h = await startFakeAdapter();
});
afterAll(() => h.close());
beforeEach(async () => {
  h.fake.reset();
  await h.adapter.registerVersion({ modelName: "churn" }, ctx());
});

/** A promise the test settles: a backend that answers when the test says so. */
function held(): { promise: Promise<void>; release: () => void } {
  let release!: () => void;
  const promise = new Promise<void>((resolve) => (release = resolve));
  return { promise, release };
}

describe("gRPC status mapping", () => {
  // NOT_FOUND of a read is told apart (model or version) in the adapter's own words: aliases.test.ts.
  const cases: [status, string][] = [
    [status.ALREADY_EXISTS, "ALREADY_EXISTS"],
    [status.INVALID_ARGUMENT, "INVALID_INPUT"],
    [status.FAILED_PRECONDITION, "INVALID_INPUT"],
    [status.OUT_OF_RANGE, "INVALID_INPUT"],
    [status.ABORTED, "CONFLICT"],
    [status.PERMISSION_DENIED, "FORBIDDEN"],
    [status.UNAUTHENTICATED, "UNAUTHORIZED"],
    [status.UNIMPLEMENTED, "UNSUPPORTED"],
    [status.UNAVAILABLE, "UNAVAILABLE"],
    [status.DEADLINE_EXCEEDED, "UNAVAILABLE"],
    [status.RESOURCE_EXHAUSTED, "UNAVAILABLE"],
    [status.INTERNAL, "UNAVAILABLE"],
    [status.UNKNOWN, "UNAVAILABLE"],
  ];

  it.each(cases.map(([grpcStatus, code]) => ({ grpcStatus, code, name: status[grpcStatus] })))(
    "maps $name to $code, naming the backend, the call and Vertex AI's words",
    async ({ grpcStatus, code }) => {
    h.fake.fail("GetModel", grpcStatus, 1, "said by the fake");
    const failed = await codeOf(h.adapter.getVersion("churn", "1", ctx()));
    expect(failed).toMatchObject({ code, backend: "vertex-test" });
    expect(failed.message).toContain(`Vertex AI answered ${status[grpcStatus]} to GetModel projects/modelgate-test/locations/europe-west4/models/churn@1`);
    expect(failed.message).toContain("said by the fake");
    },
  );

  it("reports Vertex AI's DEADLINE_EXCEEDED as UNAVAILABLE while the call's own deadline has not passed", async () => {
    h.fake.fail("ListModels", status.DEADLINE_EXCEEDED);
    expect((await codeOf(h.adapter.listModels({ first: 10 }, ctx()))).code).toBe("UNAVAILABLE");
  });
});

describe("deadlines and cancellation", () => {
  it("fails at the call's deadline, not when the backend finally answers", async () => {
    // The fake answers only once the test lets it, after the call has failed.
    const answer = held();
    h.fake.before("GetModel", () => answer.promise);
    try {
      const failed = await codeOf(h.adapter.getVersion("churn", "1", ctx(200)));
      expect(failed.code).toBe("DEADLINE_EXCEEDED");
      expect(failed.message).toMatch(/ran past the call's deadline/);
    } finally {
      answer.release();
    }
  });

  it("cancels the gRPC call when the caller aborts", async () => {
    const answer = held();
    const entered = held();
    h.fake.before("ListModels", () => {
      entered.release();
      return answer.promise;
    });
    const controller = new AbortController();
    try {
      // The caller's own deadline is past this test's timeout: only the abort can end the call.
      const call = h.adapter.listModels({ first: 10 }, createCallContext({ timeoutMs: 120_000, actor: { id: "tester", roles: [] }, signal: controller.signal }));
      await entered.promise;
      controller.abort();
      const failed = await codeOf(call);
      expect(failed.code).toBe("DEADLINE_EXCEEDED");
      expect(failed.message).toMatch(/was cancelled/);
    } finally {
      answer.release();
    }
  });

  it("says a registration that ran out of time while its upload runs may still complete", async () => {
    h.fake.setUploadPolls(1_000);
    const failed = await codeOf(h.adapter.registerVersion({ modelName: "churn" }, ctx(600)));
    expect(failed.code).toBe("DEADLINE_EXCEEDED");
    expect(failed.message).toMatch(/UploadModel .*operation .*may still complete in Vertex AI/);
  });
});

describe("an unreachable backend", () => {
  async function closedPort(): Promise<number> {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as net.AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    return port;
  }

  it("is UNAVAILABLE to calls and DOWN to health, which never throws", async () => {
    const fake = await startVertexFake();
    await fake.stop();
    const adapter = await createFakeAdapter(fake, { config: { apiEndpoint: `127.0.0.1:${await closedPort()}` } });
    try {
      const failed = await codeOf(adapter.listModels({ first: 10 }, ctx(5_000)));
      expect(failed).toMatchObject({ code: "UNAVAILABLE", backend: "vertex-test" });
      const health = await adapter.health(ctx(5_000));
      expect(health.state).toBe("DOWN");
      expect(health.message).toMatch(/^Vertex AI at 127\.0\.0\.1:\d+ \(projects\/modelgate-test\/locations\/europe-west4\) is not answering/);
    } finally {
      await adapter.close();
    }
  });

  it("is UP to health when it answers", async () => {
    const health = await h.adapter.health(ctx());
    expect(health).toMatchObject({ state: "UP" });
    expect(health.message).toBeUndefined();
  });
});
