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
import { mlflowEnv, python, startFacadeGateway, type FacadeGateway } from "./harness.js";

const prefix = `parity-${randomBytes(3).toString("hex")}`;
const P = `${prefix}-read`;
const WD = `${prefix}-direct`;
const WF = `${prefix}-facade`;
let gw: FacadeGateway;
let real: Record<string, string>;
let facade: Record<string, string>;

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

beforeAll(async () => {
  const mlflowUrl = inject("mlflowUrl");
  gw = await startFacadeGateway({ config: { backends: [{ id: "mlf", kind: "mlflow", trackingUri: mlflowUrl }] } });
  real = { MLFLOW_TRACKING_URI: mlflowUrl };
  facade = mlflowEnv(gw.registryUri("mlf"), "alice");
  // The state both are read from, made straight in MLflow.
  await python(
    `
p, wd, wf = os.environ["P"], os.environ["WD"], os.environ["WF"]
client.create_registered_model(p, tags={"team": "risk"}, description="credit risk")
client.create_model_version(p, "s3://bucket/p/1", run_id="r-1", tags={"k": "v"}, description="first")
client.create_model_version(p, "s3://bucket/p/2")
client.create_model_version(p, "s3://bucket/p/3", tags={"k": "w"})
client.set_registered_model_alias(p, "champion", "1")
client.set_registered_model_alias(p, "challenger", "3")
for n in (wd, wf):
    client.create_registered_model(n)
    client.create_model_version(n, "s3://bucket/w/1")
`,
    { ...real, P, WD, WF },
  );
}, 240_000);

afterAll(async () => {
  await gw?.stop();
});

const READS = `
p = os.environ["P"]
out["model"] = as_json(client.get_registered_model(p))
out["versions"] = [as_json(client.get_model_version(p, v)) for v in ("1", "2", "3")]
out["by_alias"] = as_json(client.get_model_version_by_alias(p, "champion"))
out["search_versions"] = [as_json(v) for v in client.search_model_versions(f"name='{p}'")]
out["search_versions_filtered"] = [as_json(v) for v in client.search_model_versions(f"name = '{p}' AND tags.k = 'v'")]
out["search_versions_ordered"] = [v.version for v in client.search_model_versions(f"name='{p}'", order_by=["version_number ASC"])]
out["search_versions_in"] = [v.version for v in client.search_model_versions(f"name IN ('{p}') AND version_number > 1")]
out["search_models"] = [as_json(m) for m in client.search_registered_models(f"name = '{p}'")]
out["search_models_like"] = [m.name for m in client.search_registered_models(f"name LIKE '{os.environ['PREFIX']}%'")]
out["search_models_tag"] = [m.name for m in client.search_registered_models(f"tags.team = 'risk' AND name LIKE '{os.environ['PREFIX']}%'")]
out["latest"] = [as_json(v) for v in client.get_latest_versions(p)]
out["download"] = client.get_model_version_download_uri(p, "1")
first = client.search_model_versions(f"name='{p}'", max_results=2)
out["pages"] = [[v.version for v in first], [v.version for v in client.search_model_versions(f"name='{p}'", max_results=2, page_token=first.token)]]
out["errors"] = {
    "model": error_of(lambda: client.get_registered_model(p + "-nope")),
    "version": error_of(lambda: client.get_model_version(p, "9")),
    "alias": error_of(lambda: client.get_model_version_by_alias(p, "nope")),
    "stage": error_of(lambda: client.get_latest_versions(p, stages=["prod"])),
    "exists": error_of(lambda: client.create_registered_model(p)),
    "filter": error_of(lambda: client.search_model_versions(f"name = '{p}' OR name = 'x'")),
}
`;

const WRITES = `
n = os.environ["W"]
client.set_registered_model_tag(n, "team", "ml")
client.delete_registered_model_tag(n, "absent")
out["updated_model"] = as_json(client.update_registered_model(n, description="updated"))
client.set_model_version_tag(n, "1", "quality", "gold")
client.delete_model_version_tag(n, "1", "absent")
out["updated_version"] = as_json(client.update_model_version(n, "1", description="v1 notes"))
client.set_registered_model_alias(n, "challenger", "1")
client.delete_registered_model_alias(n, "absent")
out["created"] = as_json(client.create_model_version(n, "s3://bucket/w/2", run_id="r-2", tags={"k": "v"}, description="second"))
client.set_model_version_tag(n, "2", "drop-me", "x")
client.delete_model_version_tag(n, "2", "drop-me")
`;

const READ_BACK = `
out["direct"] = {"model": as_json(client.get_registered_model(os.environ["WD"])), "versions": [as_json(v) for v in client.search_model_versions(f"name='{os.environ['WD']}'")]}
out["facade"] = {"model": as_json(client.get_registered_model(os.environ["WF"])), "versions": [as_json(v) for v in client.search_model_versions(f"name='{os.environ['WF']}'")]}
`;

describe("MLflow's client: the facade of an MLflow backend answers as the real mlflow server", () => {
  it("answers the same reads, searches, pages and errors", async () => {
    const env = { P, PREFIX: prefix };
    const [fromReal, fromFacade] = await Promise.all([python<Json>(READS, { ...real, ...env }), python<Json>(READS, { ...facade, ...env })]);
    const r = fromReal.result as Record<string, Json>;
    const f = fromFacade.result as Record<string, Json>;
    // Field by field, so a difference names its place.
    for (const key of Object.keys(r)) expect(documented(f[key]), key).toEqual(documented(r[key]));
    expect(Object.keys(f).sort()).toEqual(Object.keys(r).sort());
    // What the documented differences are, on the facade's side.
    const tags = Object.fromEntries((f["versions"][0].tags as { key: string; value: string }[]).map((t) => [t.key, t.value]));
    expect(tags).toEqual({ k: "v", "modelgate.stage": "NONE" });
    expect(r["search_models_like"]).toEqual([P, WF, WD].sort());
  }, 240_000);

  it("makes the same writes: metadata written through the facade reads back from MLflow as if written directly", async () => {
    const [direct, through] = await Promise.all([python<Json>(WRITES, { ...real, W: WD }), python<Json>(WRITES, { ...facade, W: WF })]);
    const d = direct.result as Record<string, Json>;
    const t = through.result as Record<string, Json>;
    for (const key of Object.keys(d)) expect(documented(t[key], { identity: true }), key).toEqual(documented(d[key], { identity: true }));
    const { result } = await python<{ direct: Json; facade: Json }>(READ_BACK, { ...real, WD, WF });
    expect(documented(result.facade, { identity: true })).toEqual(documented(result.direct, { identity: true }));
    // The gateway's own tags on the version it registered (a documented difference), and its trail.
    const created = (result.facade.versions as { version: string; tags: { key: string; value: string }[] }[]).find((v) => v.version === "2");
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
