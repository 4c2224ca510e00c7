import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { join } from "node:path";
import { faultFactories, type FaultSwitch } from "../support/fault-adapter.js";
import { EXAMPLE_SEED, startTestGateway, type TestGateway } from "../support/test-gateway.js";

const control: FaultSwitch = { mode: "bug", models: [] };

function start(mode: "production" | "development"): Promise<TestGateway> {
  return startTestGateway({
    factories: faultFactories(control),
    config: {
      server: { mode },
      backends: [
        { id: "example", kind: "git-yaml", repo: join("registry"), seedFrom: EXAMPLE_SEED, timeoutMs: 5_000 },
        { id: "buggy", kind: "fault", timeoutMs: 5_000 },
      ],
    },
  });
}

describe("production mode", () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await start("production");
  });
  afterAll(async () => {
    await gw?.stop();
  });

  it("refuses introspection", async () => {
    const res = await gw.gql("{ __schema { types { name } } }");
    expect(res.data).toBeUndefined();
    expect(res.errors?.[0]?.message).toMatch(/introspection is not allowed/i);
    const type = await gw.gql('{ __type(name: "Query") { name } }');
    expect(type.errors?.[0]?.message).toMatch(/introspection is not allowed/i);
  });

  it("masks unexpected errors: no message, no stack", async () => {
    const res = await gw.gql('{ model(backend: "buggy", name: "x") { name } }');
    expect(res.errors).toEqual([{ message: "Internal server error", path: ["model"], extensions: { code: "INTERNAL_SERVER_ERROR" } }]);
    expect(JSON.stringify(res)).not.toContain("secret internal detail");
  });

  it("still shows typed errors as they are", async () => {
    const res = await gw.gql('{ model(backend: "nope", name: "x") { name } }');
    expect(res.errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
  });

  it("does not suggest field names to clients", async () => {
    const res = await gw.gql("{ modelz { name } }");
    expect(res.errors?.[0]?.message).not.toMatch(/Did you mean/);
  });

  it("serves no GraphiQL page", async () => {
    expect((await fetch(`${gw.url}/graphiql`)).status).toBe(404);
  });
});

describe("development mode", () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await start("development");
  });
  afterAll(async () => {
    await gw?.stop();
  });

  it("shows the message of an unexpected error, still without a stack trace", async () => {
    const res = await gw.gql('{ model(backend: "buggy", name: "x") { name } }');
    expect(res.errors?.[0]?.message).toContain("secret internal detail");
    expect(res.errors?.[0]?.extensions).toEqual({ code: "INTERNAL_SERVER_ERROR" });
  });

  it("allows introspection", async () => {
    const res = await gw.gql("{ __schema { queryType { name } } }");
    expect(res.data).toEqual({ __schema: { queryType: { name: "Query" } } });
  });
});
