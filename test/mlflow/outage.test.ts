/**
 * Outage: a gateway over the example git-YAML registry and a real MLflow server of its own. The MLflow
 * server is killed mid-run: listings still answer with the git-YAML models, name the MLflow backend
 * in errors and failedBackends, and the circuit opens; after a restart the gateway recovers (the
 * circuit lets a trial call through 5 s after opening).
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMlflowServer, type MlflowServer } from "../peers/mlflow-server.js";
import { EXAMPLE_SEED, startTestGateway, type TestGateway } from "../support/test-gateway.js";
import { mlflowRest } from "./helpers.js";

let mlflow: MlflowServer;
let gw: TestGateway;
const MLFLOW_MODELS = ["outage-fraud-scorer", "outage-ranker"];

interface ModelsAnswer {
  models: { nodes: { name: string; backendId: string }[]; failedBackends: { backendId: string; code: string; message: string }[] };
}
const QUERY = `{ models(first: 100) { nodes { name backendId } failedBackends { backendId code message } } }`;
const CIRCUIT = `{ backend(id: "mlflow") { health { state circuit message } } }`;

beforeAll(async () => {
  mlflow = await startMlflowServer();
  for (const name of MLFLOW_MODELS) {
    await mlflowRest(mlflow.url, "POST", "registered-models/create", { name });
    await mlflowRest(mlflow.url, "POST", "model-versions/create", { name, source: `s3://models/${name}/1` });
  }
  gw = await startTestGateway({
    config: {
      backends: [
        // Generous: on a loaded machine a slow answer must not count as an outage (the outage below
        // is a refused connection, which fails at once).
        { id: "example", kind: "git-yaml", repo: join("registry"), seedFrom: EXAMPLE_SEED, timeoutMs: 60_000 },
        { id: "mlflow", kind: "mlflow", trackingUri: mlflow.url, timeoutMs: 60_000 },
      ],
    },
  });
}, 180_000);
afterAll(async () => {
  await gw?.stop();
  await mlflow?.stop();
});

describe("an MLflow outage", () => {
  it("keeps serving the other backend's models, names the MLflow backend, and recovers after a restart", async () => {
    const before = await gw.gql<ModelsAnswer>(QUERY);
    expect(before.errors).toBeUndefined();
    const backendsBefore = new Set(before.data!.models.nodes.map((n) => n.backendId));
    expect(backendsBefore).toEqual(new Set(["example", "mlflow"]));
    const gitModels = before.data!.models.nodes.filter((n) => n.backendId === "example").map((n) => n.name);
    expect(gitModels.length).toBeGreaterThan(0);

    await mlflow.stop();

    const during = await gw.gql<ModelsAnswer>(QUERY);
    expect(during.status).toBe(200);
    expect(during.data!.models.nodes.map((n) => n.name)).toEqual(gitModels);
    expect(during.data!.models.failedBackends).toEqual([
      { backendId: "mlflow", code: "BACKEND_UNAVAILABLE", message: expect.stringContaining(`MLflow at ${mlflow.url} did not answer`) },
    ]);
    expect(during.errors).toEqual([
      expect.objectContaining({ path: ["models"], extensions: expect.objectContaining({ code: "BACKEND_UNAVAILABLE", backend: "mlflow" }) }),
    ]);

    // Consecutive failures open the circuit: MLflow is then failed fast, without a connection attempt.
    for (let i = 0; i < 3; i++) await gw.gql<ModelsAnswer>(QUERY);
    const open = await gw.gql<{ backend: { health: { state: string; circuit: string; message: string } } }>(CIRCUIT);
    expect(open.data!.backend.health).toMatchObject({ state: "DOWN", circuit: "OPEN" });
    const failedFast = await gw.gql<ModelsAnswer>(QUERY);
    expect(failedFast.data!.models.failedBackends[0]?.message).toContain("circuit is open");
    expect(failedFast.data!.models.nodes.map((n) => n.name)).toEqual(gitModels);

    await mlflow.restart();
    // The circuit lets one trial call through 5 s after it opened (a restart may take less; should
    // the trial fail, it opens for 5 s more): ask until MLflow's models are back, with a generous
    // deadline, instead of assuming one wait of 5 s is enough.
    const deadline = Date.now() + 120_000;
    let after = await gw.gql<ModelsAnswer>(QUERY);
    while (after.data?.models.failedBackends.length !== 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      after = await gw.gql<ModelsAnswer>(QUERY);
    }
    expect(after.errors).toBeUndefined();
    expect(after.data!.models.failedBackends).toEqual([]);
    expect(after.data!.models.nodes.filter((n) => n.backendId === "mlflow").map((n) => n.name)).toEqual(MLFLOW_MODELS);
    const closed = await gw.gql<{ backend: { health: { state: string; circuit: string } } }>(CIRCUIT);
    expect(closed.data!.backend.health).toMatchObject({ state: "UP", circuit: "CLOSED" });
  }, 180_000);
});
