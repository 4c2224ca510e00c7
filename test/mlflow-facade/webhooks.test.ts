/**
 * MLflow webhooks as a push source for drift: a real `mlflow server` of this file's own (started with
 * MLFLOW_WEBHOOK_ALLOWED_SCHEMES / ALLOW_PRIVATE_IPS so it delivers to loopback). Not the shared one:
 * MLflow keeps each event's webhook list for MLFLOW_WEBHOOK_CACHE_TTL (60 s), so other files' alias
 * events just before this gateway registered its webhook left the shared server delivering to no
 * one for a minute, and the move this test waits for was never delivered.
 * the gateway registering its webhook there from config, with the drift poller off. An alias moved with
 * MLflow's client straight in MLflow is recorded as drift by the webhook's check alone. Deliveries
 * with a bad signature or an old timestamp are refused.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deleteModelsWithPrefix } from "../mlflow/helpers.js";
import { startMlflowServer, type MlflowServer } from "../peers/mlflow-server.js";
import { freePort } from "../peers/process.js";
import { mlflowSignature } from "../../src/http/mlflow/hooks/signature.js";
import { DRIFT_ACTOR, OUT_OF_BAND_CHANGE } from "../../src/workflow/drift.js";
import { TOKENS, eventually, mlflowEnv, python, startFacadeGateway, type FacadeGateway } from "./harness.js";

const SECRET = "webhook-secret-for-the-test-0123";
const model = `hooked-${randomBytes(3).toString("hex")}`;
let server: MlflowServer | undefined;
const mlflow = { url: "" };
let gw: FacadeGateway;
let port: number;

interface WireWebhook {
  webhook_id: string;
  name: string;
  url: string;
  status: string;
  events: { entity: string; action: string }[];
}

async function webhooks(): Promise<WireWebhook[]> {
  const res = await fetch(`${mlflow.url}/api/2.0/mlflow/webhooks`);
  return ((await res.json()) as { webhooks?: WireWebhook[] }).webhooks ?? [];
}

function gatewayConfig() {
  return {
    backends: [{ id: "hooked", kind: "mlflow", trackingUri: mlflow.url }],
    // No approvals: the facade's transitions apply at once, so the trail knows what MLflow should show.
    policies: { rules: [{ gates: { approvals: 0 } }] },
    mlflowFacade: { webhooks: [{ backend: "hooked", url: `http://127.0.0.1:${port}/hooks/mlflow/hooked`, secret: SECRET, toleranceSeconds: 60 }] },
  };
}

beforeAll(async () => {
  server = await startMlflowServer({ env: { MLFLOW_WEBHOOK_ALLOWED_SCHEMES: "http,https", MLFLOW_WEBHOOK_ALLOW_PRIVATE_IPS: "true" } });
  mlflow.url = server.url;
  port = await freePort();
  gw = await startFacadeGateway({ port, config: gatewayConfig() });
}, 120_000);

afterAll(async () => {
  await gw?.stop();
  // The shared server would go on delivering every test's events to a gateway that is gone.
  for (const w of (await webhooks()).filter((x) => x.name === "modelgate-hooked")) {
    await fetch(`${mlflow.url}/api/2.0/mlflow/webhooks/${w.webhook_id}`, { method: "DELETE" });
  }
  await deleteModelsWithPrefix(mlflow.url, model);
  await server?.stop();
});

describe("MLflow webhooks drive drift checks", () => {
  it("registers its webhook in the MLflow server from config, once, also across restarts", async () => {
    const registered = await eventually(async () => (await webhooks()).find((w) => w.name === "modelgate-hooked"), "the gateway's webhook in MLflow");
    expect(registered).toMatchObject({ url: `http://127.0.0.1:${port}/hooks/mlflow/hooked`, status: "ACTIVE" });
    expect(registered.events.map((e) => `${e.entity}.${e.action}`.toLowerCase()).sort()).toEqual([
      "model_version_alias.created",
      "model_version_alias.deleted",
      "model_version_tag.deleted",
      "model_version_tag.set",
    ]);
    // A restart (or a second replica) updates the same webhook instead of adding one.
    await gw.stop();
    gw = await startFacadeGateway({ port, config: gatewayConfig() });
    await eventually(
      async () => {
        const all = (await webhooks()).filter((w) => w.name === "modelgate-hooked");
        return all.length === 1 && all[0]?.webhook_id === registered.webhook_id ? true : undefined;
      },
      "one webhook after the restart",
    );
  }, 120_000);

  it("records an alias moved in MLflow as drift through the webhook alone (poller off); a transition through the facade then ratifies what MLflow holds", async () => {
    // Made straight in MLflow; then version 1 goes to production through the facade: the trail now expects it there.
    const { result: promoted } = await python<{ stage: string; aliases: string[] }>(
      `
name = os.environ["MODEL"]
direct = MlflowClient(tracking_uri=os.environ["MLFLOW_URL"])
direct.create_registered_model(name)
direct.create_model_version(name, "s3://bucket/hooked/1")
direct.create_model_version(name, "s3://bucket/hooked/2")
client.transition_model_version_stage(name, "1", "Staging")
v = client.transition_model_version_stage(name, "1", "Production")
out["stage"] = v.current_stage
out["aliases"] = sorted(v.aliases)
`,
      { ...mlflowEnv(`http://127.0.0.1:${port}/mlflow/hooked`, "alice"), MODEL: model, MLFLOW_URL: mlflow.url },
    );
    expect(promoted).toEqual({ stage: "Production", aliases: ["production"] });
    // The gateway's own alias writes were delivered too; they are no drift.
    const drift = gw.gateway.services.drift;
    expect(await drift.driftOf("hooked", model, "1")).toBeNull();

    // Out of band: someone moves `production` with MLflow's client, straight in MLflow.
    const { result: moved } = await python<{ at: number }>(
      `
client.set_registered_model_alias(os.environ["MODEL"], "production", "2")
out["at"] = time.time()
`,
      { MLFLOW_TRACKING_URI: mlflow.url, MODEL: model },
    );
    // Generous: the shared MLflow server delivers every test file's events through one queue, and
    // other files run beside this one (the latency is logged, never asserted).
    const found = await eventually(() => drift.driftOf("hooked", model, "1").then((d) => d ?? undefined), "the drift of version 1", 150_000, 20);
    const latencyMs = found.detectedAt.getTime() - moved.at * 1000;
    console.log(`[mlflow webhook] alias moved in MLflow -> drift recorded by the gateway in ${Math.round(latencyMs)} ms (poller off)`);
    expect(found).toMatchObject({ version: "1", expectedStage: "PRODUCTION", actualStage: "NONE" });
    const events = await gw.gateway.services.store.listAudit({ filter: { backendId: "hooked", modelName: model, action: OUT_OF_BAND_CHANGE }, first: 10 });
    expect(events.items.map((e) => [e.actor, e.target])).toEqual([[DRIFT_ACTOR, `hooked/${model}@1`]]);

    // Version 2 now holds production without the trail's approval: a transition through the facade is
    // not a no-op but a request that ratifies it (this policy lets it apply at once).
    const ratify = await fetch(`http://127.0.0.1:${port}/mlflow/hooked/api/2.0/mlflow/model-versions/transition-stage`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${TOKENS.alice}` },
      body: JSON.stringify({ name: model, version: "2", stage: "Production", archive_existing_versions: false }),
    });
    expect(ratify.status).toBe(200);
    expect(await ratify.json()).toMatchObject({ model_version: { version: "2", current_stage: "Production" } });
    const trail = await gw.gateway.services.store.listAudit({ filter: { backendId: "hooked", modelName: model }, first: 50, order: "asc" });
    const requests = trail.items.filter((e) => e.action === "promotion.request").map((e) => e.after as { stage: string; ratifies?: boolean });
    expect(requests.at(-1)).toMatchObject({ stage: "PRODUCTION", ratifies: true });
    expect(trail.items.filter((e) => e.action === "promotion.apply").map((e) => e.outcome)).toEqual(["SUCCESS", "SUCCESS", "SUCCESS"]);
  }, 240_000);

  it("refuses deliveries with a bad signature or an old timestamp, and accepts a fresh signed one", async () => {
    const url = `http://127.0.0.1:${port}/hooks/mlflow/hooked`;
    const body = JSON.stringify({ entity: "model_version_alias", action: "created", timestamp: new Date().toISOString(), data: { name: model, alias: "x", version: "1" } });
    const post = (headers: Record<string, string>) => fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });
    const now = String(Math.floor(Date.now() / 1000));
    const forged = await post({ "X-MLflow-Delivery-Id": "d-1", "X-MLflow-Timestamp": now, "X-MLflow-Signature": mlflowSignature("not-the-secret-at-all", "d-1", now, body) });
    expect(forged.status).toBe(401);
    expect(await forged.json()).toMatchObject({ error: { message: expect.stringContaining("does not match") } });
    const old = String(Math.floor(Date.now() / 1000) - 3_600);
    const replayed = await post({ "X-MLflow-Delivery-Id": "d-2", "X-MLflow-Timestamp": old, "X-MLflow-Signature": mlflowSignature(SECRET, "d-2", old, body) });
    expect(replayed.status).toBe(400);
    expect(await replayed.json()).toMatchObject({ error: { message: expect.stringContaining("replay") } });
    const fresh = await post({ "X-MLflow-Delivery-Id": "d-3", "X-MLflow-Timestamp": now, "X-MLflow-Signature": mlflowSignature(SECRET, "d-3", now, body) });
    expect(fresh.status).toBe(200);
    expect(await fresh.json()).toEqual({ status: "checking", deliveryId: "d-3" });
    const again = await post({ "X-MLflow-Delivery-Id": "d-3", "X-MLflow-Timestamp": now, "X-MLflow-Signature": mlflowSignature(SECRET, "d-3", now, body) });
    expect(await again.json()).toEqual({ status: "duplicate", deliveryId: "d-3" });
    const unknown = await fetch(`http://127.0.0.1:${port}/hooks/mlflow/nope`, { method: "POST", body });
    expect(unknown.status).toBe(404);
  });
});
