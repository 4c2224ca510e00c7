/**
 * Where the backend is MLflow itself, MLflow's client gets the same answers from the facade as from
 * the real `mlflow server`: the same calls are made against both and their JSON (the client's
 * entities as protobuf JSON) compared field by field. The only differences allowed are the
 * documented ones (docs/mlflow-facade.md#differences-from-mlflow), removed here by `documented()`:
 * - version tags under `modelgate.`: the facade adds `modelgate.stage` and `modelgate.native.*`;
 *   versions the gateway registered carry its own `modelgate.*` tags in MLflow (request id, author);
 * - `user_id` of a version the gateway registered: the gateway user (MLflow leaves it empty).
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { deleteModelsWithPrefix } from "../mlflow/helpers.js";
import { mlflowEnv, python, startFacadeGateway, type FacadeGateway } from "./harness.js";

const prefix = `parity-${randomBytes(3).toString("hex")}`;
const P = `${prefix}-read`;
const WD = `${prefix}-direct`;
const WF = `${prefix}-facade`;
let gw: FacadeGateway;

type Json = ReturnType<typeof JSON.parse>;

/** Removes the documented differences from an entity's JSON (recursively), and names/times when asked. */
function documented(value: Json, opts: { identity?: boolean } = {}): Json {
  if (Array.isArray(value)) return value.map((v) => documented(v, opts));
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, Json> = {};
  for (const [key, v] of Object.entries(value as Record<string, Json>)) {
    if (key === "user_id") continue;
    if (opts.identity && (key === "name" || key === "creation_timestamp" || key === "last_updated_timestamp")) continue;
    if (key === "tags" && Array.isArray(v)) {
      const kept = (v as { key: string }[]).filter((t) => !t.key.startsWith("modelgate."));
      if (kept.length > 0) out[key] = kept;
      continue;
    }
    out[key] = documented(v, opts);
  }
  return out;
}

/** A call straight to the real mlflow server's REST API. */
async function mlflowCall(path: string, body: Record<string, unknown>): Promise<void> {
  const res = await fetch(`${inject("mlflowUrl")}/api/2.0/mlflow/${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
}

beforeAll(async () => {
  gw = await startFacadeGateway({ config: { backends: [{ id: "mlf", kind: "mlflow", trackingUri: inject("mlflowUrl") }] } });
  // The state both are read from, made straight in MLflow.
  await mlflowCall("registered-models/create", { name: P, tags: [{ key: "team", value: "risk" }], description: "credit risk" });
  await mlflowCall("model-versions/create", { name: P, source: "s3://bucket/p/1", run_id: "r-1", tags: [{ key: "k", value: "v" }], description: "first" });
  await mlflowCall("model-versions/create", { name: P, source: "s3://bucket/p/2" });
  await mlflowCall("model-versions/create", { name: P, source: "s3://bucket/p/3", tags: [{ key: "k", value: "w" }] });
  await mlflowCall("registered-models/alias", { name: P, alias: "champion", version: "1" });
  await mlflowCall("registered-models/alias", { name: P, alias: "challenger", version: "3" });
  for (const name of [WD, WF]) {
    await mlflowCall("registered-models/create", { name });
    await mlflowCall("model-versions/create", { name, source: "s3://bucket/w/1" });
  }
}, 120_000);

afterAll(async () => {
  await gw?.stop();
  await deleteModelsWithPrefix(inject("mlflowUrl"), prefix);
});

/** One Python process talks to both: `real` (the mlflow server) and `facade` (the gateway's facade of it). */
function env(extra: Record<string, string>): Record<string, string> {
  return { ...mlflowEnv(gw.registryUri("mlf"), "alice"), REAL: inject("mlflowUrl"), FACADE: gw.registryUri("mlf"), ...extra };
}

const CLIENTS = `
real = MlflowClient(tracking_uri=os.environ["REAL"], registry_uri=os.environ["REAL"])
facade = MlflowClient(tracking_uri=os.environ["FACADE"], registry_uri=os.environ["FACADE"])
`;

/** The same reads of both. */
const READS = `${CLIENTS}
p = os.environ["P"]

def reads(client):
    r = {}
    r["model"] = as_json(client.get_registered_model(p))
    r["versions"] = [as_json(client.get_model_version(p, v)) for v in ("1", "2", "3")]
    r["by_alias"] = as_json(client.get_model_version_by_alias(p, "champion"))
    r["search_versions"] = [as_json(v) for v in client.search_model_versions(f"name='{p}'")]
    r["search_versions_filtered"] = [as_json(v) for v in client.search_model_versions(f"name = '{p}' AND tags.k = 'v'")]
    r["search_versions_ordered"] = [v.version for v in client.search_model_versions(f"name='{p}'", order_by=["version_number ASC"])]
    r["search_versions_in"] = [v.version for v in client.search_model_versions(f"name IN ('{p}') AND version_number > 1")]
    r["search_models"] = [as_json(m) for m in client.search_registered_models(f"name = '{p}'")]
    r["search_models_like"] = [m.name for m in client.search_registered_models(f"name LIKE '{os.environ['PREFIX']}%'")]
    r["search_models_tag"] = [m.name for m in client.search_registered_models(f"tags.team = 'risk' AND name LIKE '{os.environ['PREFIX']}%'")]
    r["latest"] = [as_json(v) for v in client.get_latest_versions(p)]
    r["download"] = client.get_model_version_download_uri(p, "1")
    first = client.search_model_versions(f"name='{p}'", max_results=2)
    r["pages"] = [[v.version for v in first], [v.version for v in client.search_model_versions(f"name='{p}'", max_results=2, page_token=first.token)]]
    r["errors"] = {
        "model": error_of(lambda: client.get_registered_model(p + "-nope")),
        "version": error_of(lambda: client.get_model_version(p, "9")),
        "alias": error_of(lambda: client.get_model_version_by_alias(p, "nope")),
        "stage": error_of(lambda: client.get_latest_versions(p, stages=["prod"])),
        "exists": error_of(lambda: client.create_registered_model(p)),
        "filter": error_of(lambda: client.search_model_versions(f"name = '{p}' OR name = 'x'")),
    }
    return r

out["real"] = reads(real)
out["facade"] = reads(facade)
`;

/** The same writes, straight in MLflow (WD) and through the facade (WF); then both read back from MLflow. */
const WRITES = `${CLIENTS}
def writes(client, n):
    r = {}
    client.set_registered_model_tag(n, "team", "ml")
    client.delete_registered_model_tag(n, "absent")
    r["updated_model"] = as_json(client.update_registered_model(n, description="updated"))
    client.set_model_version_tag(n, "1", "quality", "gold")
    client.delete_model_version_tag(n, "1", "absent")
    r["updated_version"] = as_json(client.update_model_version(n, "1", description="v1 notes"))
    client.set_registered_model_alias(n, "challenger", "1")
    client.delete_registered_model_alias(n, "absent")
    r["created"] = as_json(client.create_model_version(n, "s3://bucket/w/2", run_id="r-2", tags={"k": "v"}, description="second"))
    client.set_model_version_tag(n, "2", "drop-me", "x")
    client.delete_model_version_tag(n, "2", "drop-me")
    return r

def read_back(n):
    return {"model": as_json(real.get_registered_model(n)), "versions": [as_json(v) for v in real.search_model_versions(f"name='{n}'")]}

out["direct"] = writes(real, os.environ["WD"])
out["through"] = writes(facade, os.environ["WF"])
out["direct_read"] = read_back(os.environ["WD"])
out["through_read"] = read_back(os.environ["WF"])
`;

describe("MLflow's client: the facade of an MLflow backend answers as the real mlflow server", () => {
  it("answers the same reads, searches, pages and errors", async () => {
    const { result } = await python<{ real: Record<string, Json>; facade: Record<string, Json> }>(READS, env({ P, PREFIX: prefix }));
    const { real: r, facade: f } = result;
    // Field by field, so a difference names its place.
    for (const key of Object.keys(r)) expect(documented(f[key]), key).toEqual(documented(r[key]));
    expect(Object.keys(f).sort()).toEqual(Object.keys(r).sort());
    // What the documented differences are, on the facade's side.
    const tags = Object.fromEntries((f["versions"][0].tags as { key: string; value: string }[]).map((t) => [t.key, t.value]));
    expect(tags).toEqual({ k: "v", "modelgate.stage": "NONE" });
    expect(r["search_models_like"]).toEqual([P, WF, WD].sort());
  }, 240_000);

  it("makes the same writes: metadata written through the facade reads back from MLflow as if written directly", async () => {
    const { result } = await python<{ direct: Record<string, Json>; through: Record<string, Json>; direct_read: Json; through_read: Json }>(WRITES, env({ WD, WF }));
    const { direct: d, through: t } = result;
    for (const key of Object.keys(d)) expect(documented(t[key], { identity: true }), key).toEqual(documented(d[key], { identity: true }));
    expect(documented(result.through_read, { identity: true })).toEqual(documented(result.direct_read, { identity: true }));
    // The gateway's own tags on the version it registered (a documented difference), and its trail.
    const created = (result.through_read.versions as { version: string; tags: { key: string; value: string }[] }[]).find((v) => v.version === "2");
    expect(Object.fromEntries(created!.tags.map((x) => [x.key, x.value]))).toMatchObject({ "modelgate.created_by": "alice" });
    const trail = await gw.gateway.services.store.listAudit({ filter: { backendId: "mlf", modelName: WF }, first: 50, order: "asc" });
    expect(trail.items.map((e) => e.action)).toEqual([
      "model.update",
      "model.update",
      "model_version.update",
      "model_version.update",
      "alias.set",
      "model_version.register",
      "model_version.update",
      "model_version.update",
    ]);
  }, 240_000);
});
