/** model-versions/*: create, get, search, update, tags, download URI, transition-stage. */
import { canonicalJson, isStage, type ModelVersion, type Stage } from "../../core/index.js";
import { MlflowApiError, invalidParameter } from "./errors.js";
import { VERSION_FILTER, matches, parseFilter, pinnedName, type FilterRow } from "./filter.js";
import { parseOrderBy, sortBy } from "./order.js";
import { decodePageToken, encodePageToken } from "./page-token.js";
import { allModels, mapLimited, parseStages } from "./scan.js";
import { checkWritableTag, checkWritableTags, reasonOf, type FacadeRequest, type Route } from "./route.js";
import type { RegistryView } from "./view.js";
import { STAGE_TAG, stageOfMlflow, toWireVersion } from "./wire.js";

const MAX_VERSION_RESULTS = 200_000;
const DEFAULT_VERSION_RESULTS = 10_000;

async function create(r: FacadeRequest): Promise<unknown> {
  const { view, params } = r;
  const name = params.string("name");
  const source = params.string("source");
  const tags = params.tags("tags");
  checkWritableTags(tags);
  const runId = params.optionalString("run_id") || undefined;
  const runLink = params.optionalString("run_link") || undefined;
  const description = params.optionalString("description") || undefined;
  const key = `${view.backendId}|${view.call.actor.id}|${r.endpoint}|${canonicalJson({ name, source, tags, runId: runId ?? null, runLink: runLink ?? null, description: description ?? null })}`;
  // A backend that holds no model without a version (Vertex AI) creates it with its first version.
  const holdsEmptyModels = view.adapter.createModel !== undefined;
  const created = await r.ledger.run(key, r.res, async () => {
    if (holdsEmptyModels) await view.model(name);
    return view.services.writes.registerVersion(
      view.backendId,
      {
        modelName: name,
        artifactUri: source,
        createModel: !holdsEmptyModels,
        ...(Object.keys(tags).length > 0 ? { tags } : {}),
        ...(description === undefined ? {} : { description }),
        ...(runId === undefined && runLink === undefined ? {} : { lineage: { ...(runId ? { runId } : {}), ...(runLink ? { runLink } : {}) } }),
      },
      view.call,
      reasonOf(r),
    );
  });
  // Registration through the gateway is synchronous: the version is READY, the client's polling ends at once.
  return { model_version: toWireVersion(created, undefined) };
}

async function get(r: FacadeRequest): Promise<unknown> {
  const v = await r.view.version(r.params.string("name"), r.params.string("version"));
  return { model_version: await r.view.wireVersion(v) };
}

/** A version as search filters see it: MLflow's attributes and the tags the facade shows. */
function rowOf(v: ModelVersion): FilterRow {
  const wire = toWireVersion(v, undefined);
  return {
    attributes: { name: wire.name, run_id: wire.run_id, source_path: wire.source, ...(/^\d+$/.test(v.version) ? { version_number: Number(v.version) } : {}) },
    tags: Object.fromEntries((wire.tags ?? []).map((t) => [t.key, t.value])),
  };
}

async function versionsOf(view: RegistryView, name: string): Promise<ModelVersion[]> {
  try {
    return await view.versions(name);
  } catch (err) {
    // MLflow answers a search for a model that does not exist with no versions.
    if (err instanceof MlflowApiError && err.errorCode === "RESOURCE_DOES_NOT_EXIST") return [];
    throw err;
  }
}

async function search(r: FacadeRequest): Promise<unknown> {
  const { view, params } = r;
  const filter = params.optionalString("filter");
  const maxResults = params.optionalInt("max_results") ?? DEFAULT_VERSION_RESULTS;
  if (maxResults < 1 || maxResults > MAX_VERSION_RESULTS) {
    throw invalidParameter(`Invalid value for request parameter max_results. It must be at most ${MAX_VERSION_RESULTS}, but got value ${maxResults}`);
  }
  const clauses = parseFilter(filter, VERSION_FILTER);
  const order = parseOrderBy(
    params.strings("order_by").length > 0 ? params.strings("order_by") : ["last_updated_timestamp DESC"],
    new Set(["name", "version_number", "creation_timestamp", "last_updated_timestamp"]),
    [
      { key: "name", ascending: true },
      { key: "version_number", ascending: false },
    ],
  );
  const query = { backend: view.backendId, filter: filter ?? "", order };
  const offset = decodePageToken(params.optionalString("page_token"), query);

  const pinned = pinnedName(clauses);
  const names = pinned === undefined ? (await allModels(view)).map((m) => m.name) : [pinned];
  const versions = (await mapLimited(view, names, (n) => versionsOf(view, n))).flat();
  const found = versions.filter((v) => matches(rowOf(v), clauses));
  const sorted = sortBy(found, order, (v, key) => {
    if (key === "name") return v.modelName;
    if (key === "version_number") return /^\d+$/.test(v.version) ? Number(v.version) : v.version;
    if (key === "creation_timestamp") return v.createdAt?.getTime();
    return (v.updatedAt ?? v.createdAt)?.getTime();
  });
  const page = sorted.slice(offset, offset + maxResults);
  const more = offset + maxResults < sorted.length;
  // Like MLflow's server, search results carry no aliases (get and get-by-alias do).
  return { model_versions: page.map((v) => toWireVersion(v, undefined)), ...(more ? { next_page_token: encodePageToken(offset + maxResults, query) } : {}) };
}

async function update(r: FacadeRequest): Promise<unknown> {
  const { view } = r;
  const name = r.params.string("name");
  const version = r.params.string("version");
  const description = r.params.optionalString("description") ?? "";
  await view.version(name, version);
  const updated = await view.services.writes.updateVersion(view.backendId, name, version, { description }, view.call, reasonOf(r));
  return { model_version: await view.wireVersion(updated) };
}

/** The stage a `modelgate.stage` tag value names: a gateway stage, or MLflow's name of one. */
function stageOfTag(value: string): Stage {
  const upper = value.trim().toUpperCase();
  if (isStage(upper)) return upper;
  const mlflow = stageOfMlflow(value);
  if (mlflow !== undefined) return mlflow;
  throw invalidParameter(`'${value}' is not a stage: ${STAGE_TAG} is one of NONE, STAGING, SHADOW, PRODUCTION, ARCHIVED`);
}

async function setTag(r: FacadeRequest): Promise<unknown> {
  const { view } = r;
  const name = r.params.string("name");
  const version = r.params.string("version");
  const key = r.params.string("key");
  const value = r.params.optionalString("value") ?? "";
  if (key === STAGE_TAG) {
    await r.governance.move(view, name, version, stageOfTag(value), `set tag ${STAGE_TAG}=${value}`);
    return {};
  }
  checkWritableTag(key);
  await view.version(name, version);
  await view.services.writes.updateVersion(view.backendId, name, version, { setTags: { [key]: value } }, view.call, reasonOf(r));
  return {};
}

async function deleteTag(r: FacadeRequest): Promise<unknown> {
  const { view } = r;
  const name = r.params.string("name");
  const version = r.params.string("version");
  const key = r.params.string("key");
  if (key === STAGE_TAG) {
    throw invalidParameter(`tag '${STAGE_TAG}' is the version's stage and cannot be removed: transition the version to None (a promotion) instead`);
  }
  checkWritableTag(key);
  const v = await view.version(name, version);
  // MLflow answers the removal of a tag that is not there with success.
  if (v.tags[key] === undefined) return {};
  await view.services.writes.updateVersion(view.backendId, name, version, { removeTags: [key] }, view.call, reasonOf(r));
  return {};
}

async function downloadUri(r: FacadeRequest): Promise<unknown> {
  const name = r.params.string("name");
  const version = r.params.string("version");
  const v = await r.view.version(name, version);
  if (v.artifactUri === undefined) {
    throw invalidParameter(
      `version ${version} of "${name}" has no artifact location in backend "${r.view.backendId}"${v.generationConfig ? " (it is a generation config: read it with resolve)" : ""}`,
    );
  }
  return { artifact_uri: v.artifactUri };
}

async function transition(r: FacadeRequest): Promise<unknown> {
  const { view, params } = r;
  const name = params.string("name");
  const version = params.string("version");
  const stageText = params.string("stage");
  const [stage] = parseStages([stageText]);
  const archiveExisting = params.optionalBool("archive_existing_versions") ?? false;
  if (archiveExisting && stage !== "Staging" && stage !== "Production") {
    throw invalidParameter(`'archive_existing_versions' can only be set to True when transitioning to 'Staging' or 'Production', got '${stageText}'`);
  }
  const moved = await r.governance.move(view, name, version, stageOfMlflow(stage as string) as Stage, `transition-stage to ${stage as string}`);
  return { model_version: await view.wireVersion(moved) };
}

async function unsupportedDelete(r: FacadeRequest): Promise<unknown> {
  throw new MlflowApiError(
    "NOT_IMPLEMENTED",
    `modelgate does not delete versions (${r.endpoint}): the audit trail and promotion history refer to them. Archive it with transition_model_version_stage(..., "Archived") instead.`,
  );
}

export const MODEL_VERSION_ROUTES: Readonly<Record<string, Route>> = {
  "model-versions/create": { methods: ["POST"], write: true, handle: create },
  "model-versions/get": { methods: ["GET"], write: false, handle: get },
  "model-versions/search": { methods: ["GET"], write: false, handle: search },
  "model-versions/update": { methods: ["PATCH"], write: true, handle: update },
  "model-versions/delete": { methods: ["DELETE"], write: true, handle: unsupportedDelete },
  "model-versions/set-tag": { methods: ["POST"], write: true, handle: setTag },
  "model-versions/delete-tag": { methods: ["DELETE"], write: true, handle: deleteTag },
  "model-versions/get-download-uri": { methods: ["GET"], write: false, handle: downloadUri },
  "model-versions/transition-stage": { methods: ["POST"], write: true, handle: transition },
};
