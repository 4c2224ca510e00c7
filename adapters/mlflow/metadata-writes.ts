/**
 * Metadata writes: creating an empty registered model, descriptions and tags of models and
 * versions, renaming. Tags of the adapter's own (`modelgate.`) and of MLflow's Prompt Registry
 * (`mlflow.prompt.`) are refused: they carry the stage projection, the approval record and prompts.
 *
 * Tag set and description update are upserts, so a repeat after a lost answer is harmless
 * (retryWrite repeats them); a create is not repeated blindly: a lost answer is confirmed by reading.
 */
import {
  AlreadyExistsError,
  InvalidInputError,
  isRegistryError,
  type CallContext,
  type CreateModelInput,
  type MetadataPatch,
  type ModelVersion,
  type RegisteredModel,
  type Tags,
} from "../../src/core/index.js";
import type { BackendContext } from "./backend-context.js";
import { fetchRegisteredModel, modelNotFound } from "./model-reads.js";
import { PROMPT_TAG_PREFIX, isOwnTag, isPrompt } from "./tags.js";
import { toModelVersion, toRegisteredModel } from "./to-domain.js";
import { fetchVersion, servedVersion } from "./version-reads.js";
import { tagMap, type GetModelResponse, type WireRegisteredModel } from "./wire.js";
import { retryWrite } from "./write-retry.js";

function checkTagKeys(b: BackendContext, keys: Iterable<string>, field: string): void {
  for (const key of keys) {
    if (key.length === 0) throw new InvalidInputError(`${field}: a tag key must not be empty`, { backend: b.backend, field });
    if (isOwnTag(key)) {
      throw new InvalidInputError(`${field}: "${key}" is one of modelgate's own tags in MLflow (modelgate.*) and cannot be written directly`, {
        backend: b.backend,
        field,
      });
    }
    if (key.startsWith(PROMPT_TAG_PREFIX)) {
      throw new InvalidInputError(`${field}: "${key}" belongs to MLflow's Prompt Registry (mlflow.prompt.*)`, { backend: b.backend, field });
    }
  }
}

function checkPatch(b: BackendContext, patch: MetadataPatch): void {
  checkTagKeys(b, Object.keys(patch.setTags ?? {}), "tags");
  checkTagKeys(b, patch.removeTags ?? [], "tags");
}

/** The registered model, refusing prompts (models and prompts share MLflow's names). */
async function modelNotPrompt(b: BackendContext, name: string, ctx: CallContext): Promise<WireRegisteredModel> {
  const wire = await fetchRegisteredModel(b, name, ctx);
  if (isPrompt(tagMap(wire.tags))) throw modelNotFound(b, name, "it is a prompt of MLflow's Prompt Registry, not a model");
  return wire;
}

export async function createModel(b: BackendContext, input: CreateModelInput, ctx: CallContext): Promise<RegisteredModel> {
  const name = input.name;
  checkTagKeys(b, Object.keys(input.tags ?? {}), "tags");
  const body = {
    name,
    ...(input.description ? { description: input.description } : {}),
    ...(input.tags ? { tags: Object.entries(input.tags).map(([key, value]) => ({ key, value })) } : {}),
  };
  let attempted = false;
  try {
    const created = await retryWrite(
      {
        what: `creating model "${name}"`,
        write: async () => {
          attempted = true;
          return (await b.http.call<GetModelResponse>({ method: "POST", path: "registered-models/create", body, subject: `model "${name}"` }, ctx))
            .registered_model;
        },
        // An earlier attempt whose answer was lost made it: read it instead of failing on "exists".
        confirm: async () => {
          try {
            return await fetchRegisteredModel(b, name, ctx);
          } catch (err) {
            if (isRegistryError(err) && err.code === "NOT_FOUND") return undefined;
            throw err;
          }
        },
      },
      ctx,
      b.backend,
    );
    return toRegisteredModel(created, b.backend);
  } catch (err) {
    if (attempted && isRegistryError(err) && err.code === "ALREADY_EXISTS") {
      throw new AlreadyExistsError(`model "${name}" already exists in MLflow backend "${b.backend}"`, { backend: b.backend, cause: err });
    }
    throw err;
  } finally {
    b.models.invalidate(name);
  }
}

async function putTags(b: BackendContext, path: string, base: Record<string, string>, tags: Tags, subject: string, ctx: CallContext): Promise<void> {
  for (const [key, value] of Object.entries(tags)) {
    await retryWrite(
      { what: `setting tag "${key}" of ${subject}`, write: () => b.http.call({ method: "POST", path, body: { ...base, key, value }, subject }, ctx) },
      ctx,
      b.backend,
    );
  }
}

async function dropTags(b: BackendContext, path: string, base: Record<string, string>, keys: readonly string[], present: Record<string, string>, subject: string, ctx: CallContext): Promise<void> {
  for (const key of keys) {
    if (!(key in present)) continue;
    await retryWrite(
      {
        what: `removing tag "${key}" of ${subject}`,
        write: async () => {
          try {
            await b.http.call({ method: "DELETE", path, body: { ...base, key }, subject }, ctx);
          } catch (err) {
            // Gone already (a repeat after a lost answer, or another writer): the wanted state.
            if (!(isRegistryError(err) && err.code === "NOT_FOUND")) throw err;
          }
        },
      },
      ctx,
      b.backend,
    );
  }
}

export async function updateModel(b: BackendContext, name: string, patch: MetadataPatch, ctx: CallContext): Promise<RegisteredModel> {
  checkPatch(b, patch);
  const subject = `model "${name}"`;
  try {
    const before = await modelNotPrompt(b, name, ctx);
    if (patch.description !== undefined) {
      const body = { name, description: patch.description };
      await retryWrite({ what: `updating ${subject}`, write: () => b.http.call({ method: "PATCH", path: "registered-models/update", body, subject }, ctx) }, ctx, b.backend);
    }
    await putTags(b, "registered-models/set-tag", { name }, patch.setTags ?? {}, subject, ctx);
    await dropTags(b, "registered-models/delete-tag", { name }, patch.removeTags ?? [], tagMap(before.tags), subject, ctx);
    return toRegisteredModel(await fetchRegisteredModel(b, name, ctx), b.backend);
  } finally {
    b.models.invalidate(name);
  }
}

export async function updateVersion(b: BackendContext, name: string, version: string, patch: MetadataPatch, ctx: CallContext): Promise<ModelVersion> {
  checkPatch(b, patch);
  const subject = `model "${name}" version ${version}`;
  try {
    await modelNotPrompt(b, name, ctx);
    const before = await fetchVersion(b, name, version, ctx);
    if (patch.description !== undefined) {
      const body = { name, version, description: patch.description };
      await retryWrite({ what: `updating ${subject}`, write: () => b.http.call({ method: "PATCH", path: "model-versions/update", body, subject }, ctx) }, ctx, b.backend);
    }
    await putTags(b, "model-versions/set-tag", { name, version }, patch.setTags ?? {}, subject, ctx);
    await dropTags(b, "model-versions/delete-tag", { name, version }, patch.removeTags ?? [], tagMap(before.tags), subject, ctx);
    const after = await fetchVersion(b, name, version, ctx);
    return servedVersion(b, toModelVersion(after, after.aliases ?? [], b.backend, b.stages));
  } finally {
    b.models.invalidate(name);
  }
}

export async function renameModel(b: BackendContext, name: string, newName: string, ctx: CallContext): Promise<RegisteredModel> {
  if (newName.length === 0) throw new InvalidInputError("newName: must not be empty", { backend: b.backend, field: "newName" });
  await modelNotPrompt(b, name, ctx);
  try {
    const res = await b.http.call<GetModelResponse>(
      { method: "POST", path: "registered-models/rename", body: { name, new_name: newName }, subject: `model "${name}"` },
      ctx,
    );
    return toRegisteredModel(res.registered_model, b.backend);
  } catch (err) {
    if (isRegistryError(err) && err.code === "ALREADY_EXISTS") {
      throw new AlreadyExistsError(`cannot rename "${name}": a model "${newName}" already exists in MLflow backend "${b.backend}"`, {
        backend: b.backend,
        field: "newName",
        cause: err,
      });
    }
    throw err;
  } finally {
    b.models.invalidate(name);
    b.models.invalidate(newName);
  }
}
