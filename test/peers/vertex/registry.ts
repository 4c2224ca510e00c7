/**
 * The Model Registry semantics of the fake, one method per ModelService RPC it serves, each taking
 * the decoded request message and returning the response message (or throwing an RpcError).
 * Everything is synchronous over in-memory state, so each RPC is atomic, as a server-side
 * transaction would be. The rules are those of model_service.proto / model.proto and
 * /work/shared/reference/vertex.md; docs/backends/vertex.md lists where the fake had to choose.
 */
import { randomInt } from "node:crypto";
import { parseFilter, type FilterScope, type FilterSubject } from "./filter.js";
import type {
  DeleteRequest,
  GetModelRequest,
  ListModelVersionsRequest,
  ListModelsRequest,
  MergeVersionAliasesRequest,
  ModelInput,
  UpdateModelRequest,
  UploadModelRequest,
} from "./messages.js";
import { isVersionId, modelName, parseLocation, parseModelName, type ModelRef } from "./names.js";
import type { Operations } from "./operations.js";
import { paginate, parseOrderBy, sortBy } from "./paging.js";
import { aborted, alreadyExists, failedPrecondition, invalidArgument, notFound } from "./rpc-error.js";
import { DEFAULT_ALIAS, checkAlias, checkDisplayName, checkLabels, checkModelId } from "./rules.js";
import { defaultVersion, etagOf, mergedLabels, modelMessage, snakeCase, type Clock, type StoredModel, type StoredVersion } from "./state.js";

export interface RegistryOptions {
  /** GetOperation polls before an UploadModel operation completes (0: its answer is already done). */
  uploadPolls: number;
}

const MODEL_ORDER_FIELDS = { display_name: "display_name", displayName: "display_name", create_time: "create_time", createTime: "create_time", update_time: "update_time", updateTime: "update_time" };
const VERSION_ORDER_FIELDS = { create_time: "create_time", createTime: "create_time", update_time: "update_time", updateTime: "update_time" };

export class FakeModelRegistry {
  private readonly models = new Map<string, StoredModel>();
  private seq = 0;

  constructor(
    private readonly clock: Clock,
    private readonly operations: Operations,
    readonly options: RegistryOptions,
  ) {}

  reset(): void {
    this.models.clear();
    this.operations.clear();
  }

  // --- lookups -------------------------------------------------------------------------------

  model(ref: ModelRef): StoredModel {
    const found = this.models.get(modelName(ref.location, ref.modelId));
    if (!found) throw notFound(`Model "${modelName(ref.location, ref.modelId)}" does not exist.`);
    return found;
  }

  /** The version `ref` names: `@{version id}`, `@{alias}`, or the default version for a bare name (or `@-`). */
  version(model: StoredModel, ref: ModelRef): StoredVersion {
    if (ref.at === undefined || ref.at === "-") return defaultVersion(model);
    const at = ref.at;
    const found = isVersionId(at) ? model.versions.find((v) => v.versionId === at) : model.versions.find((v) => v.aliases.includes(at));
    if (!found) throw notFound(`Model "${modelName(model.location, model.id)}@${at}" does not exist.`);
    return found;
  }

  private explicitVersion(name: string, field: string): { model: StoredModel; version: StoredVersion } {
    const ref = parseModelName(name, field);
    if (ref.at === undefined || !isVersionId(ref.at)) {
      throw invalidArgument(`${field}: "${name}" must name a version by its version ID (projects/{project}/locations/{location}/models/{model}@{version_id})`);
    }
    const model = this.model(ref);
    return { model, version: this.version(model, ref) };
  }

  // --- UploadModel ---------------------------------------------------------------------------

  uploadModel(req: UploadModelRequest): Record<string, unknown> {
    const location = parseLocation(req.parent, "parent");
    const input = req.model;
    if (!input) throw invalidArgument("model: required");
    checkDisplayName(input.display_name, "model.display_name");
    if (!input.container_spec || input.container_spec.image_uri === "") {
      throw invalidArgument("model.container_spec.image_uri: required for a model that is not AutoML-trained");
    }
    checkLabels(input.labels, "model.labels");
    for (const alias of input.version_aliases) checkAlias(alias, "model.version_aliases");
    if (req.model_id !== "") checkModelId(req.model_id);

    let parentId: string | undefined;
    if (req.parent_model !== "") {
      const ref = parseModelName(req.parent_model, "parent_model");
      if (ref.at !== undefined) throw invalidArgument(`parent_model: "${req.parent_model}" must name a model, not a version`);
      if (ref.location !== location) throw invalidArgument(`parent_model: "${req.parent_model}" is not in ${location}`);
      if (req.model_id !== "" && req.model_id !== ref.modelId) {
        throw invalidArgument(`model_id: "${req.model_id}" differs from the id of parent_model "${req.parent_model}"`);
      }
      this.model(ref);
      parentId = ref.modelId;
    } else if (req.model_id !== "" && this.models.has(modelName(location, req.model_id))) {
      throw alreadyExists(`Model "${modelName(location, req.model_id)}" already exists.`);
    }

    const id = parentId ?? (req.model_id !== "" ? req.model_id : String(randomInt(1, 2 ** 47)) + String(randomInt(1_000_000, 9_999_999)));
    const target = modelName(location, id);
    return this.operations.start(target, "google.cloud.aiplatform.v1.UploadModelOperationMetadata", this.options.uploadPolls, () => {
      const versionId = parentId !== undefined ? this.addVersion(this.model({ location, modelId: parentId }), input) : this.createModel(location, id, input);
      return { type: "google.cloud.aiplatform.v1.UploadModelResponse", message: { model: target, model_version_id: versionId } };
    });
  }

  private createModel(location: string, id: string, input: ModelInput): string {
    const name = modelName(location, id);
    if (this.models.has(name)) throw alreadyExists(`Model "${name}" already exists.`);
    const now = this.clock.now();
    const model: StoredModel = {
      location,
      id,
      seq: ++this.seq,
      displayName: input.display_name,
      description: input.description,
      labels: {},
      createTime: now,
      updateTime: now,
      revision: 1,
      nextVersion: 1,
      versions: [],
    };
    this.models.set(name, model);
    return this.addVersion(model, input);
  }

  /** A new version; the first one gets `default`, and aliases given move here from other versions. */
  private addVersion(model: StoredModel, input: ModelInput): string {
    const now = this.clock.now();
    const version: StoredVersion = {
      versionId: String(model.nextVersion++),
      aliases: [],
      versionDescription: input.version_description,
      labels: { ...input.labels },
      artifactUri: input.artifact_uri,
      metadataSchemaUri: input.metadata_schema_uri,
      metadata: input.metadata ?? null,
      containerSpec: input.container_spec,
      createTime: now,
      updateTime: now,
      revision: 1,
      evaluations: [],
    };
    const aliases = new Set(input.version_aliases);
    if (model.versions.length === 0) aliases.add(DEFAULT_ALIAS);
    model.versions.push(version);
    for (const alias of aliases) this.moveAlias(model, alias, version, now);
    model.updateTime = now;
    return version.versionId;
  }

  private moveAlias(model: StoredModel, alias: string, to: StoredVersion, now: number): void {
    for (const v of model.versions) {
      if (v !== to && v.aliases.includes(alias)) {
        v.aliases = v.aliases.filter((a) => a !== alias);
        touch(v, now);
      }
    }
    if (!to.aliases.includes(alias)) {
      to.aliases.push(alias);
      touch(to, now);
    }
  }

  // --- reads -----------------------------------------------------------------------------------

  getModel(req: GetModelRequest): Record<string, unknown> {
    const ref = parseModelName(req.name, "name");
    const model = this.model(ref);
    return modelMessage(model, this.version(model, ref));
  }

  /** One Model per model: its default version, with the model's and that version's labels. */
  listModels(req: ListModelsRequest): Record<string, unknown> {
    const location = parseLocation(req.parent, "parent");
    const matches = this.predicate(req.filter, "models");
    const order = parseOrderBy(req.order_by, MODEL_ORDER_FIELDS);
    const models = [...this.models.values()].filter((m) => m.location === location && matches(subject(m, defaultVersion(m))));
    sortBy(models, order, (m, field) => (field === "display_name" ? m.displayName : field === "create_time" ? m.createTime : m.updateTime), (m) => m.seq);
    const page = paginate(models, req, ["ListModels", location, req.filter, req.order_by]);
    const readMask = req.read_mask?.paths ?? [];
    return { models: page.items.map((m) => modelMessage(m, defaultVersion(m), { readMask })), next_page_token: page.next_page_token };
  }

  listModelVersions(req: ListModelVersionsRequest): Record<string, unknown> {
    const ref = parseModelName(req.name, "name");
    if (ref.at !== undefined) throw invalidArgument(`name: "${req.name}" must name a model, not a version`);
    const model = this.model(ref);
    const matches = this.predicate(req.filter, "versions");
    const order = parseOrderBy(req.order_by, VERSION_ORDER_FIELDS);
    const versions = model.versions.filter((v) => matches(subject(model, v)));
    sortBy(versions, order, (v, field) => (field === "create_time" ? v.createTime : v.updateTime), (v) => Number(v.versionId));
    const page = paginate(versions, req, ["ListModelVersions", req.name, req.filter, req.order_by]);
    const readMask = req.read_mask?.paths ?? [];
    return { models: page.items.map((v) => modelMessage(model, v, { versionedName: true, readMask })), next_page_token: page.next_page_token };
  }

  private predicate(filter: string, scope: FilterScope): (s: FilterSubject) => boolean {
    return filter.trim() === "" ? () => true : parseFilter(filter, scope);
  }

  // --- UpdateModel -----------------------------------------------------------------------------

  /**
   * `models/{id}` (or `@-`) updates the model: display_name, description, labels (the model's own).
   * `models/{id}@{version}` updates that version: version_description, labels (the version's own).
   * A field of the other kind is a precondition error; a set etag must match the current one.
   * `labels` in the mask replaces that level's labels with the given map.
   */
  updateModel(req: UpdateModelRequest): Record<string, unknown> {
    const input = req.model;
    if (!input) throw invalidArgument("model: required");
    const paths = (req.update_mask?.paths ?? []).map(snakeCase);
    if (paths.length === 0) throw invalidArgument("update_mask: required, and must name at least one field");
    const ref = parseModelName(input.name, "model.name");
    const model = this.model(ref);
    const versionUpdate = ref.at !== undefined && ref.at !== "-";
    const version = this.version(model, ref);

    const modelFields = ["display_name", "description", "labels"];
    const versionFields = ["version_description", "labels"];
    for (const path of paths) {
      if (!modelFields.includes(path) && !versionFields.includes(path)) throw invalidArgument(`update_mask: "${path}" cannot be updated`);
      if (versionUpdate && !versionFields.includes(path)) {
        throw failedPrecondition(`update_mask: "${path}" is a model field, but model.name "${input.name}" names a version; update the model as models/{model}`);
      }
      if (!versionUpdate && !modelFields.includes(path)) {
        throw failedPrecondition(`update_mask: "${path}" is a version field, but model.name "${input.name}" names the model; update the version as models/{model}@{version}`);
      }
    }
    if (input.etag !== "" && input.etag !== etagOf(model, version)) {
      throw aborted(`The etag "${input.etag}" of "${input.name}" does not match the current one: it was changed since it was read.`);
    }
    if (paths.includes("display_name")) checkDisplayName(input.display_name, "model.display_name");
    if (paths.includes("labels")) checkLabels(input.labels, "model.labels");

    const now = this.clock.now();
    if (versionUpdate) {
      if (paths.includes("version_description")) version.versionDescription = input.version_description;
      if (paths.includes("labels")) version.labels = { ...input.labels };
      touch(version, now);
    } else {
      if (paths.includes("display_name")) model.displayName = input.display_name;
      if (paths.includes("description")) model.description = input.description;
      if (paths.includes("labels")) model.labels = { ...input.labels };
      model.revision++;
      model.updateTime = now;
    }
    return modelMessage(model, version);
  }

  // --- MergeVersionAliases --------------------------------------------------------------------

  /**
   * Adds aliases to the version (moving each from the version holding it), removes `-alias` ones
   * it holds; adding and removing the same alias cancel out. `default` can move but never be removed:
   * exactly one version holds it.
   */
  mergeVersionAliases(req: MergeVersionAliasesRequest): Record<string, unknown> {
    const { model, version } = this.explicitVersion(req.name, "name");
    if (req.version_aliases.length === 0) throw invalidArgument("version_aliases: required, and must not be empty");
    const add = new Set<string>();
    const remove = new Set<string>();
    for (const entry of req.version_aliases) {
      const removal = entry.startsWith("-");
      const alias = removal ? entry.slice(1) : entry;
      checkAlias(alias, "version_aliases");
      (removal ? remove : add).add(alias);
    }
    for (const alias of [...add]) {
      if (remove.delete(alias)) add.delete(alias);
    }
    if (remove.has(DEFAULT_ALIAS) && version.aliases.includes(DEFAULT_ALIAS)) {
      throw failedPrecondition(`version_aliases: the "${DEFAULT_ALIAS}" alias cannot be removed, a model has exactly one default version; add "${DEFAULT_ALIAS}" to another version to move it`);
    }
    const now = this.clock.now();
    for (const alias of add) this.moveAlias(model, alias, version, now);
    const kept = version.aliases.filter((a) => !remove.has(a));
    if (kept.length !== version.aliases.length) {
      version.aliases = kept;
      touch(version, now);
    }
    return modelMessage(model, version);
  }

  // --- deletes ---------------------------------------------------------------------------------

  deleteModelVersion(req: DeleteRequest): Record<string, unknown> {
    const { model, version } = this.explicitVersion(req.name, "name");
    const name = `${modelName(model.location, model.id)}@${version.versionId}`;
    if (model.versions.length === 1) {
      throw failedPrecondition(`Model version "${name}" is the only version of the model and cannot be deleted; delete the model with DeleteModel instead.`);
    }
    if (version.aliases.includes(DEFAULT_ALIAS)) {
      throw failedPrecondition(`Model version "${name}" is the default version and cannot be deleted; move the "${DEFAULT_ALIAS}" alias to another version first.`);
    }
    return this.operations.start(modelName(model.location, model.id), "google.cloud.aiplatform.v1.DeleteOperationMetadata", 0, () => {
      model.versions = model.versions.filter((v) => v !== version);
      model.updateTime = this.clock.now();
      return { type: "google.protobuf.Empty", message: {} };
    });
  }

  deleteModel(req: DeleteRequest): Record<string, unknown> {
    const ref = parseModelName(req.name, "name");
    if (ref.at !== undefined) throw invalidArgument(`name: "${req.name}" must name a model; delete a version with DeleteModelVersion`);
    const model = this.model(ref);
    return this.operations.start(modelName(model.location, model.id), "google.cloud.aiplatform.v1.DeleteOperationMetadata", 0, () => {
      this.models.delete(modelName(model.location, model.id));
      return { type: "google.protobuf.Empty", message: {} };
    });
  }
}

function subject(model: StoredModel, version: StoredVersion): FilterSubject {
  return { modelId: model.id, displayName: model.displayName, labels: mergedLabels(model, version) };
}

function touch(version: StoredVersion, now: number): void {
  version.revision++;
  version.updateTime = now;
}
