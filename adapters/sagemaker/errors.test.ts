/** Typed errors: what SageMaker (moto) answers, as the contract's codes, naming backend and region, never a secret. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isRegistryError, type RegistryError } from "../../src/core/index.js";
import { freePort } from "../../test/peers/process.js";
import { ctx, motoAdapter, uniquePrefix } from "../../test/sagemaker/helpers.js";
import type { SageMakerAdapter } from "./adapter.js";

const REGION = "us-west-1";
const prefix = uniquePrefix("err");
const SECRET = "wJalrXUtnFEMI-K7MDENG-bPxRfiCYEXAMPLEKEY";
const TOKEN = "FQoGZXIvYXdzEXAMPLESESSIONTOKEN";
let adapter: SageMakerAdapter;

beforeAll(async () => {
  adapter = await motoAdapter(REGION, { credentials: { accessKeyId: "AKIDERRORS", secretAccessKey: SECRET, sessionToken: TOKEN } });
  await adapter.registerVersion({ modelName: `${prefix}-known` }, ctx());
  await adapter.registerVersion({ modelName: `${prefix}-known` }, ctx());
  await adapter.registerVersion({ modelName: `${prefix}-other` }, ctx());
});
afterAll(async () => {
  await adapter?.close();
});

async function failure(call: Promise<unknown>): Promise<RegistryError> {
  const err = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isRegistryError(err)) throw new Error(`expected a typed RegistryError, got ${String(err)}`);
  expect(err.message).not.toContain(SECRET);
  expect(err.message).not.toContain(TOKEN);
  expect(JSON.stringify(err)).not.toContain(SECRET);
  return err;
}

describe("errors", () => {
  it("answers NOT_FOUND for an unknown model, naming the region", async () => {
    const missing = `${prefix}-missing`;
    // Each call starts only when awaited: a rejection must never wait unhandled for its turn.
    for (const call of [
      () => adapter.getModel(missing, ctx()),
      () => adapter.listVersions(missing, { first: 10 }, ctx()),
      () => adapter.getVersion(missing, "1", ctx()),
      () => adapter.getVersionByAlias(missing, "champion", ctx()),
      () => adapter.setStage(missing, "1", "STAGING", ctx()),
      () => adapter.setAlias(missing, "champion", "1", ctx()),
      () => adapter.removeAlias(missing, "champion", ctx()),
    ]) {
      const err = await failure(call());
      expect(err).toMatchObject({ code: "NOT_FOUND", backend: `sm-${REGION}` });
      expect(err.message).toBe(`model "${missing}" does not exist in SageMaker in ${REGION} (account 123456789012)`);
    }
    // A name SageMaker cannot have does not exist either.
    expect(await failure(adapter.getModel("not_a_group", ctx()))).toMatchObject({ code: "NOT_FOUND" });
  });

  it("answers NOT_FOUND for unknown versions and aliases of a known model", async () => {
    const known = `${prefix}-known`;
    expect((await failure(adapter.getVersion(known, "99999", ctx()))).message).toBe(
      `version 99999 of model "${known}" does not exist in SageMaker in ${REGION} (account 123456789012)`,
    );
    expect(await failure(adapter.getVersion(known, "v1", ctx()))).toMatchObject({ code: "NOT_FOUND" });
    expect(await failure(adapter.getVersionByAlias(known, "nobody", ctx()))).toMatchObject({ code: "NOT_FOUND", field: "alias" });
    expect(await failure(adapter.registerVersion({ modelName: `${prefix}-absent`, createModel: false }, ctx()))).toMatchObject({ code: "NOT_FOUND" });
  });

  it("answers UNSUPPORTED for past-time reads and INVALID_INPUT for foreign cursors", async () => {
    const known = `${prefix}-known`;
    expect(await failure(adapter.getModel(known, ctx(), { asOf: new Date() }))).toMatchObject({ code: "UNSUPPORTED", field: "asOf" });
    expect(await failure(adapter.listVersions(known, { first: 1, after: "sm1.bm9wZQ" }, ctx()))).toMatchObject({ code: "INVALID_INPUT", field: "after" });
    const page = await adapter.listVersions(known, { first: 1 }, ctx());
    const cursor = page.nextCursor as string;
    expect((await adapter.listVersions(known, { first: 1, after: cursor }, ctx())).items.map((v) => v.version)).toEqual(["2"]);
    expect(await failure(adapter.listVersions(`${prefix}-other`, { first: 1, after: cursor }, ctx()))).toMatchObject({ code: "INVALID_INPUT", field: "after" });
    expect(await failure(adapter.listModels({ first: 1, after: cursor }, ctx()))).toMatchObject({ code: "INVALID_INPUT", field: "after" });
  });

  it("answers UNAVAILABLE when SageMaker does not answer, and health says DOWN with the region", async () => {
    const port = await freePort();
    const down = await motoAdapter(REGION, { endpoint: `http://127.0.0.1:${port}`, credentials: { accessKeyId: "AKIDDOWN", secretAccessKey: SECRET, sessionToken: TOKEN } });
    try {
      const err = await failure(down.listModels({ first: 10 }, ctx()));
      expect(err.code).toBe("UNAVAILABLE");
      expect(err.message).toMatch(new RegExp(`^SageMaker in ${REGION} did not answer ListModelPackageGroups: ECONNREFUSED`));
      const health = await down.health(ctx());
      expect(health.state).toBe("DOWN");
      expect(health.message).toMatch(new RegExp(`^SageMaker in ${REGION} is not reachable: `));
      expect(health.message).not.toContain(SECRET);
    } finally {
      await down.close();
    }
  });

  it("refuses to serve another account than the configured one", async () => {
    const other = await motoAdapter(REGION, { accountId: "000000000000" }, { id: "sm-wrong-account" });
    try {
      const health = await other.health(ctx());
      expect(health.state).toBe("DOWN");
      expect(health.message).toContain("answered with resources of account 123456789012, but this backend is configured for account 000000000000");
      expect(await failure(other.getModel(`${prefix}-known`, ctx()))).toMatchObject({ code: "UNAUTHORIZED", backend: "sm-wrong-account" });
    } finally {
      await other.close();
    }
  });

  it("fails DEADLINE_EXCEEDED without writing when the call has ended", async () => {
    const name = `${prefix}-late`;
    const expired = { ...ctx(), deadline: Date.now() - 1 };
    expect(await failure(adapter.registerVersion({ modelName: name }, expired))).toMatchObject({ code: "DEADLINE_EXCEEDED" });
    expect(await failure(adapter.getModel(name, ctx()))).toMatchObject({ code: "NOT_FOUND" });
  });

  it("reports health UP with region and account", async () => {
    const health = await adapter.health(ctx());
    expect(health).toMatchObject({ state: "UP", message: `SageMaker in ${REGION} (account 123456789012) answers` });
    expect(adapter.info).toMatchObject({ id: `sm-${REGION}`, kind: "sagemaker", region: REGION, accountId: "123456789012" });
  });
});
