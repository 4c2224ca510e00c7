import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { join } from "node:path";
import { faultFactories, type FaultSwitch } from "../support/fault-adapter.js";
import { EXAMPLE_SEED, startTestGateway, type GqlResult, type TestGateway } from "../support/test-gateway.js";

const control: FaultSwitch = { mode: "outage", models: ["aaa-from-flaky", "zzz-from-flaky"] };
let gw: TestGateway;

beforeAll(async () => {
  gw = await startTestGateway({
    factories: faultFactories(control),
    config: {
      backends: [
        // Generous: a slow git read on a loaded machine must not turn into a second failed backend.
        { id: "example", kind: "git-yaml", repo: join("registry"), seedFrom: EXAMPLE_SEED, timeoutMs: 60_000 },
        { id: "flaky", kind: "fault", timeoutMs: 5_000 },
      ],
    },
  });
});
afterAll(async () => {
  await gw?.stop();
});

const QUERY = `{ models(first: 100) { nodes { name backendId } failedBackends { backendId code message } pageInfo { hasNextPage } } }`;

describe("a backend outage", () => {
  it("turns only that backend's part into an error; the others' models still come back", async () => {
    control.mode = "outage";
    const res = await gw.gql<{ models: { nodes: { backendId: string }[]; failedBackends: { backendId: string; code: string }[]; pageInfo: { hasNextPage: boolean } } }>(QUERY);
    expect(res.status).toBe(200);
    const models = res.data!.models;
    expect(models.nodes.length).toBeGreaterThan(0);
    expect(new Set(models.nodes.map((n) => n.backendId))).toEqual(new Set(["example"]));
    expect(models.failedBackends).toEqual([{ backendId: "flaky", code: "BACKEND_UNAVAILABLE", message: "flaky is down (injected)" }]);
    expect(models.pageInfo.hasNextPage).toBe(true);
    expect(res.errors).toEqual([
      { message: "flaky is down (injected)", path: ["models"], extensions: { code: "BACKEND_UNAVAILABLE", backend: "flaky" } },
    ]);
  });

  it("recovers once the backend is back, merging its models by name", async () => {
    control.mode = "none";
    // Should the circuit be open from the outage above, it lets a trial through after its half-open
    // delay (5 s): ask until the backend answers again (a condition with a generous deadline).
    type Models = { models: { nodes: { name: string; backendId: string }[]; failedBackends: unknown[] } };
    const deadline = Date.now() + 60_000;
    let res: GqlResult<Models>;
    for (;;) {
      res = await gw.gql<Models>(QUERY);
      if (res.data?.models.failedBackends.length === 0 || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(res.errors).toBeUndefined();
    const names = res.data!.models.nodes.map((n) => n.name);
    expect(names[0]).toBe("aaa-from-flaky");
    expect(names.at(-1)).toBe("zzz-from-flaky");
    expect([...names].sort()).toEqual(names);
  });
});

describe("whatRunsInProduction with a backend down", () => {
  it("lists the versions of the backends that answered and names the one that did not", async () => {
    control.mode = "outage";
    const res = await gw.gql<{ whatRunsInProduction: { versions: { backendId: string; modelName: string }[]; failedBackends: { backendId: string; code: string; message: string }[] } }>(
      "{ whatRunsInProduction { versions { backendId modelName } failedBackends { backendId code message } } }",
    );
    expect(res.status).toBe(200);
    const state = res.data!.whatRunsInProduction;
    expect(state.failedBackends).toEqual([{ backendId: "flaky", code: "BACKEND_UNAVAILABLE", message: "flaky is down (injected)" }]);
    expect(state.versions.length).toBeGreaterThan(0);
    expect(new Set(state.versions.map((v) => v.backendId))).toEqual(new Set(["example"]));
    expect(res.errors).toEqual([
      { message: "flaky is down (injected)", path: ["whatRunsInProduction"], extensions: { code: "BACKEND_UNAVAILABLE", backend: "flaky" } },
    ]);
  });
});
