/**
 * Faults moto cannot produce, injected by an SDK middleware after the SDK's retry step (so the
 * SDK's own retries see them): throttling, a conflicting concurrent create, and an AWS error that
 * echoes the signed request.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { countCalls, ctx, motoAdapter, uniquePrefix, type CallCounter } from "../../test/sagemaker/helpers.js";
import type { SageMakerAdapter } from "./adapter.js";
import { SDK_MAX_ATTEMPTS } from "./api.js";

const REGION = "ca-central-1";
const prefix = uniquePrefix("flt");
const SECRET = "sEcReTkEy-FAULTS-0123456789";
const TOKEN = "SeSsIoNtOkEn-FAULTS-9876543210";
let adapter: SageMakerAdapter;
let counter: CallCounter;
/** Per operation: how many more requests to fail, and how. */
const faults = new Map<string, { times: number; error: () => Error }>();

function awsError(name: string, status: number, message: string): Error {
  return Object.assign(new Error(message), { name, $fault: status >= 500 ? "server" : "client", $metadata: { httpStatusCode: status } });
}

beforeAll(async () => {
  adapter = await motoAdapter(REGION, { credentials: { accessKeyId: "AKIDFAULTS", secretAccessKey: SECRET, sessionToken: TOKEN } });
  counter = countCalls(adapter);
  adapter.api.client.middlewareStack.add(
    (next, context) => async (args) => {
      const operation = String(context.commandName).replace(/Command$/, "");
      const fault = faults.get(operation);
      if (fault && fault.times > 0) {
        fault.times--;
        throw fault.error();
      }
      return next(args);
    },
    { step: "finalizeRequest", name: "injectFaults", priority: "low" },
  );
});
afterAll(async () => {
  await adapter?.close();
});

describe("injected faults", () => {
  it("turns throttling into UNAVAILABLE after the SDK's own retry", async () => {
    faults.set("ListModelPackageGroups", { times: 10, error: () => awsError("ThrottlingException", 400, "Rate exceeded") });
    counter.reset();
    const err = await adapter.listModels({ first: 5 }, ctx()).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "UNAVAILABLE", backend: `sm-${REGION}` });
    expect((err as Error).message).toBe(`SageMaker in ${REGION} answered ThrottlingException (HTTP 400) to ListModelPackageGroups: Rate exceeded`);
    expect(counter.count("ListModelPackageGroups")).toBe(SDK_MAX_ATTEMPTS);
    faults.clear();
  });

  it("recovers within the SDK's retry from one throttled request", async () => {
    await adapter.registerVersion({ modelName: `${prefix}-retry` }, ctx());
    faults.set("DescribeModelPackageGroup", { times: 1, error: () => awsError("ThrottlingException", 400, "Rate exceeded") });
    counter.reset();
    expect((await adapter.getModel(`${prefix}-retry`, ctx())).name).toBe(`${prefix}-retry`);
    expect(counter.count("DescribeModelPackageGroup")).toBe(2);
  });

  it("retries a conflicting create with the same client token: one version", async () => {
    const name = `${prefix}-conflict`;
    faults.set("CreateModelPackage", {
      times: 1,
      error: () => awsError("ConflictException", 400, "There was a conflict when you attempted to modify a SageMaker entity"),
    });
    counter.reset();
    const v = await adapter.registerVersion({ modelName: name }, ctx());
    expect(v.version).toBe("1");
    const creates = counter.inputs.filter((_, i) => counter.calls[i] === "CreateModelPackage");
    expect(creates).toHaveLength(2);
    expect(creates[0]?.["ClientToken"]).toMatch(/^[0-9a-f-]{36}$/);
    expect(creates[1]?.["ClientToken"]).toBe(creates[0]?.["ClientToken"]);
    expect((await adapter.listVersions(name, { first: 10 }, ctx())).items.map((x) => x.version)).toEqual(["1"]);
  });

  it("keeps secrets out of an error that echoes the signed request", async () => {
    faults.set("DescribeModelPackageGroup", {
      times: 1,
      error: () =>
        awsError(
          "InvalidSignatureException",
          403,
          `The request signature we calculated does not match the signature you provided. The Canonical String for this request should have been 'POST / host:api.sagemaker x-amz-security-token:${TOKEN}' secret ${SECRET}`,
        ),
    });
    const err = (await adapter.getModel(`${prefix}-retry`, ctx()).then(
      () => new Error("expected the call to fail"),
      (e: unknown) => e,
    )) as Error & { code?: string };
    expect(err.code).toBe("UNAUTHORIZED");
    expect(err.message).toContain("x-amz-security-token:[redacted]");
    expect(err.message).not.toContain(TOKEN);
    expect(err.message).not.toContain(SECRET);
    expect(JSON.stringify(err)).not.toContain(TOKEN);
    expect(String(err.stack)).not.toContain(TOKEN);
  });
});
