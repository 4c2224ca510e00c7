/**
 * `mlflow.pyfunc.load_model("models:/<name>@production")` through the facade of a git-YAML backend
 * loads a real pyfunc model registered with a `file://` source, after the `production` alias was set
 * with MLflow's client: a promotion that this policy lets apply at once, through the outbox.
 */
import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { EXAMPLE_SEED } from "../support/test-gateway.js";
import { mlflowEnv, python, startFacadeGateway, type FacadeGateway } from "./harness.js";

const suffix = randomBytes(3).toString("hex");
let gw: FacadeGateway;

beforeAll(async () => {
  gw = await startFacadeGateway({
    config: {
      backends: [{ id: "git", kind: "git-yaml", repo: join(tmpdir(), `modelgate-facade-pyfunc-${suffix}`), seedFrom: EXAMPLE_SEED }],
      // No approvals anywhere: alias writes that move a stage apply at once (still through the outbox, audited).
      policies: { rules: [{ gates: { approvals: 0 } }] },
    },
  });
}, 120_000);

afterAll(async () => {
  await gw?.stop();
});

it("loads a pyfunc model by models:/name@production through the facade", async () => {
  const model = `adder-${suffix}`;
  const { result } = await python<{ version: string; alias: { version: string; current_stage: string }; uri: string; prediction: number[] }>(
    `
import mlflow.pyfunc

class AddSeven(mlflow.pyfunc.PythonModel):
    def predict(self, context, model_input, params=None):
        return [x + 7 for x in model_input]

path = os.path.join(os.getcwd(), "adder")
mlflow.pyfunc.save_model(path, python_model=AddSeven())
name = os.environ["MODEL"]
v = mlflow.register_model("file://" + path, name)
out["version"] = v.version
client.transition_model_version_stage(name, v.version, "Staging")
client.set_registered_model_alias(name, "production", v.version)
out["alias"] = mv(client.get_model_version_by_alias(name, "production"))
out["uri"] = client.get_model_version_download_uri(name, v.version)
loaded = mlflow.pyfunc.load_model(f"models:/{name}@production")
out["prediction"] = [int(x) for x in loaded.predict([1, 2, 3])]
`,
    { ...mlflowEnv(gw.registryUri("git"), "alice"), MODEL: model },
    300_000,
  );
  expect(result.alias).toMatchObject({ version: result.version, current_stage: "Production" });
  expect(result.uri).toMatch(/^file:\/\/.*\/adder$/);
  expect(result.prediction).toEqual([8, 9, 10]);
  const applied = await gw.gateway.services.store.listAudit({ filter: { backendId: "git", modelName: model }, first: 50, order: "asc" });
  expect(applied.items.filter((e) => e.action === "promotion.apply").map((e) => e.actor)).toHaveLength(2);
}, 360_000);
