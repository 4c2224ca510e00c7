/** registered-models/*: create, get, search, update, rename, tags, aliases, latest versions. */
import { canonicalJson, isRegistryError, type RegisteredModel } from "../../core/index.js";
import { MlflowApiError, invalidParameter } from "./errors.js";
import { MODEL_FILTER, matches, parseFilter, pinnedName } from "./filter.js";
import { parseOrderBy, sortBy } from "./order.js";
import { decodePageToken, encodePageToken } from "./page-token.js";
import { checkWritableTag, checkWritableTags, reasonOf, type FacadeRequest, type Route } from "./route.js";
import { allModels, mapLimited, parseStages } from "./scan.js";
import { nativeTags, toWireModel, toWireVersion } from "./wire.js";

const MAX_MODEL_RESULTS = 1_000;

async function create(r: FacadeRequest): Promise<unknown> {
  const name = r.params.string("name");
  const tags = r.params.tags("tags");
  checkWritableTags(tags);
  const description = r.params.optionalString("description");
  const { view } = r;
  const key = `${view.backendId}|${view.call.actor.id}|${r.endpoint}|${canonicalJson({ name, tags, description: description ?? null })}`;
  const created = await r.ledger.run(key, r.res, async () => {
    if ((await view.findModel(name)) !== undefined) {
      throw new MlflowApiError("RESOURCE_ALREADY_EXISTS", `Registered Model (name=${name}) already exists.`);
    }
    if (!view.adapter.createModel) {
      // Vertex AI holds no model without a version: it comes into being with its first version.
      if (Object.keys(tags).length > 0 || description) {
        throw new MlflowApiError(
          "NOT_IMPLEMENTED",
          `backend "${view.backendId}" (${view.adapter.info.kind}) cannot hold a model without a version, so it cannot keep tags or a description yet: create "${name}" with just its name, then register its first version`,
        );
      }
      const now = new Date();
      return { backendId: view.backendId, name, tags: {}, aliases: {}, createdAt: now, updatedAt: now } satisfies RegisteredModel;
    }
    return view.services.writes.createModel(
      view.backendId,
      { name, tags, ...(description === undefined || description === "" ? {} : { description }) },
      view.call,
      reasonOf(r),
    );
  });
  return { registered_model: toWireModel(created, {}) };
}

async function get(r: FacadeRequest): Promise<unknown> {
  const model = await r.view.model(r.params.string("name"));
  return { registered_model: await r.view.wireModel(model) };
}

async function search(r: FacadeRequest): Promise<unknown> {
  const { view, params } = r;
  const filter = params.optionalString("filter");
  const maxResults = params.optionalInt("max_results") ?? 100;
  if (maxResults < 1 || maxResults > MAX_MODEL_RESULTS) {
    throw invalidParameter(`Invalid value for request parameter max_results. It must be at most ${MAX_MODEL_RESULTS}, but got value ${maxResults}`);
  }
  const orderBy = params.strings("order_by");
  const clauses = parseFilter(filter, MODEL_FILTER);
  const order = parseOrderBy(orderBy, new Set(["name", "creation_timestamp", "last_updated_timestamp"]), [{ key: "name", ascending: true }], {
    timestamp: "last_updated_timestamp",
  });
  const query = { backend: view.backendId, filter: filter ?? "", order };
  const offset = decodePageToken(params.optionalString("page_token"), query);

  const pinned = pinnedName(clauses);
  const candidates = pinned === undefined ? await allModels(view) : [await view.findModel(pinned)].filter((m): m is RegisteredModel => m !== undefined);
  const found = candidates.filter((m) =>
    matches({ attributes: { name: m.name }, tags: { ...m.tags, ...Object.fromEntries(nativeTags(m.native).map((t) => [t.key, t.value])) } }, clauses),
  );
  const sorted = sortBy(found, order, (m, key) =>
    key === "name" ? m.name : key === "creation_timestamp" ? m.createdAt?.getTime() : (m.updatedAt ?? m.createdAt)?.getTime(),
  );
  const page = sorted.slice(offset, offset + maxResults);
  const registered_models = await mapLimited(view, page, (m) => view.wireModel(m));
  const more = offset + maxResults < sorted.length;
  return { registered_models, ...(more ? { next_page_token: encodePageToken(offset + maxResults, query) } : {}) };
}

async function latestVersions(r: FacadeRequest): Promise<unknown> {
  const name = r.params.string("name");
  const stages = parseStages(r.params.strings("stages"));
  const model = await r.view.model(name);
  const latest = await r.view.latestVersions(name, stages);
  const aliases = await r.view.aliases(model);
  return {
    model_versions: latest.map((v) =>
      toWireVersion(
        v,
        Object.keys(aliases).filter((a) => aliases[a] === v.version),
      ),
    ),
  };
}

async function update(r: FacadeRequest): Promise<unknown> {
  const name = r.params.string("name");
  const description = r.params.optionalString("description") ?? "";
  const updated = await r.view.services.writes.updateModel(r.view.backendId, name, { description }, r.view.call, reasonOf(r));
  return { registered_model: await r.view.wireModel(updated) };
}

async function rename(r: FacadeRequest): Promise<unknown> {
  const name = r.params.string("name");
  const newName = r.params.string("new_name");
  await r.view.model(name);
  const renamed = await r.view.services.writes.renameModel(r.view.backendId, name, newName, r.view.call, reasonOf(r));
  return { registered_model: await r.view.wireModel(renamed) };
}

async function setTag(r: FacadeRequest): Promise<unknown> {
  const name = r.params.string("name");
  const key = r.params.string("key");
  const value = r.params.optionalString("value") ?? "";
  checkWritableTag(key);
  await r.view.model(name);
  await r.view.services.writes.updateModel(r.view.backendId, name, { setTags: { [key]: value } }, r.view.call, reasonOf(r));
  return {};
}

async function deleteTag(r: FacadeRequest): Promise<unknown> {
  const name = r.params.string("name");
  const key = r.params.string("key");
  checkWritableTag(key);
  const model = await r.view.model(name);
  // MLflow answers a tag that is not there with success: nothing to write, nothing to record.
  if (model.tags[key] === undefined) return {};
  await r.view.services.writes.updateModel(r.view.backendId, name, { removeTags: [key] }, r.view.call, reasonOf(r));
  return {};
}

async function setAlias(r: FacadeRequest): Promise<unknown> {
  const name = r.params.string("name");
  const alias = r.params.string("alias");
  const version = r.params.string("version");
  const { view, governance } = r;
  if (alias.toLowerCase() === "latest" || /^v\d+$/i.test(alias)) {
    throw invalidParameter(`'${alias}' alias name (case insensitive) is reserved.`);
  }
  await view.model(name);
  const stage = governance.stageOfAlias(view, alias);
  if (stage !== undefined) {
    await governance.move(view, name, version, stage.stage, `set alias ${alias} -> ${version}`, stage.environmentHint);
    return {};
  }
  await view.version(name, version);
  await view.services.writes.setAlias(view.backendId, name, alias, version, view.call, reasonOf(r));
  return {};
}

async function deleteAlias(r: FacadeRequest): Promise<unknown> {
  const name = r.params.string("name");
  const alias = r.params.string("alias");
  const { view, governance } = r;
  const model = await view.model(name);
  const stage = governance.stageOfAlias(view, alias);
  if (stage !== undefined) {
    throw new MlflowApiError(
      "PERMISSION_DENIED",
      `alias '${alias}' stands for stage ${stage.stage} on backend "${view.backendId}": removing it would take a version out of that stage outside the promotion workflow. ` +
        `Point it at another version (a promotion), or transition the version to Archived (also a promotion).`,
    );
  }
  // MLflow answers the removal of an alias that is not there with success.
  if (model.aliases[alias] === undefined) return {};
  try {
    await view.services.writes.removeAlias(view.backendId, name, alias, view.call, reasonOf(r));
  } catch (err) {
    if (!(isRegistryError(err) && err.code === "NOT_FOUND")) throw err;
  }
  return {};
}

async function getAlias(r: FacadeRequest): Promise<unknown> {
  const name = r.params.string("name");
  const alias = r.params.string("alias");
  const version = await r.view.versionByAlias(name, alias);
  if (version === undefined) throw invalidParameter(`Registered model alias ${alias} not found.`);
  return { model_version: await r.view.wireVersion(version) };
}

async function unsupportedDelete(r: FacadeRequest): Promise<unknown> {
  throw new MlflowApiError(
    "NOT_IMPLEMENTED",
    `modelgate does not delete models (${r.endpoint}): the audit trail and promotion history refer to them. Archive its versions with transition_model_version_stage(..., "Archived") instead.`,
  );
}

export const REGISTERED_MODEL_ROUTES: Readonly<Record<string, Route>> = {
  "registered-models/create": { methods: ["POST"], write: true, handle: create },
  "registered-models/get": { methods: ["GET"], write: false, handle: get },
  "registered-models/search": { methods: ["GET"], write: false, handle: search },
  "registered-models/get-latest-versions": { methods: ["POST", "GET"], write: false, handle: latestVersions },
  "registered-models/update": { methods: ["PATCH"], write: true, handle: update },
  "registered-models/rename": { methods: ["POST"], write: true, handle: rename },
  "registered-models/delete": { methods: ["DELETE"], write: true, handle: unsupportedDelete },
  "registered-models/set-tag": { methods: ["POST"], write: true, handle: setTag },
  "registered-models/delete-tag": { methods: ["DELETE"], write: true, handle: deleteTag },
};

/** registered-models/alias: one path, three methods. */
export const ALIAS_ROUTES: Readonly<Record<string, Route>> = {
  POST: { methods: ["POST"], write: true, handle: setAlias },
  DELETE: { methods: ["DELETE"], write: true, handle: deleteAlias },
  GET: { methods: ["GET"], write: false, handle: getAlias },
};
