/**
 * Writes: registering versions, moving and removing aliases, and the stage projection (an alias per
 * aliased stage plus the `modelgate.stage` tag; never MLflow's deprecated transition-stage).
 *
 * Alias and stage writes are serialised per model: MLflow's alias set is an unconditional upsert
 * (last writer wins) and a stage write is several requests. Registrations are not serialised: MLflow
 * numbers versions itself, and each create carries a unique `modelgate.request_id` tag so that a
 * create retried after a lost answer is found instead of made twice.
 */
import { randomUUID } from "node:crypto";
import {
  InvalidInputError,
  NotFoundError,
  canonicalJson,
  deadlineError,
  isFloatingModelId,
  isRegistryError,
  isStage,
  type CallContext,
  type ModelVersion,
  type RegisterVersionInput,
  type Stage,
  type WriteApproval,
  type WriteOptions,
} from "../../src/core/index.js";
import type { BackendContext } from "./backend-context.js";
import { MLFLOW_ALIAS_RE, isReservedMlflowAlias } from "./config.js";
import { hasTags, versionFilterString } from "./filter-string.js";
import { decodeGenerationConfig } from "./json-tags.js";
import { fetchRegisteredModel, modelNotFound } from "./model-reads.js";
import { createVersionBody, validateRegisterInput } from "./register-input.js";
import { isAliasedStage } from "./stage-projection.js";
import { OWN_TAGS, isPrompt } from "./tags.js";
import { toModelVersion } from "./to-domain.js";
import { fetchVersion, servedVersion } from "./version-reads.js";
import { aliasMap, tagMap, type SearchVersionsResponse, type VersionResponse, type WireModelVersion } from "./wire.js";
import { retryWrite } from "./write-retry.js";

export async function registerVersion(b: BackendContext, input: RegisterVersionInput, ctx: CallContext, opts?: WriteOptions): Promise<ModelVersion> {
  validateRegisterInput(input, b.backend);
  const name = input.modelName;
  await ensureModel(b, input, ctx);
  const requestId = randomUUID();
  const body = createVersionBody(input, requestId, ctx.actor, opts?.reason);
  let created: WireModelVersion;
  try {
    created = await retryWrite(
      {
        what: `registering a version of model "${name}"`,
        write: async () =>
          (await b.http.call<VersionResponse>({ method: "POST", path: "model-versions/create", body, subject: `model "${name}"` }, ctx)).model_version,
        confirm: () => findByRequestId(b, name, requestId, ctx),
      },
      ctx,
      b.backend,
    );
  } catch (err) {
    if (isRegistryError(err) && err.code === "INVALID_INPUT" && /source/i.test(err.message)) {
      throw new InvalidInputError(`artifactUri: ${err.message}`, { backend: b.backend, field: "artifactUri" });
    }
    if (isRegistryError(err) && err.code === "NOT_FOUND") throw modelNotFound(b, name, "it was deleted while the version was being registered");
    throw err;
  } finally {
    b.models.invalidate(name);
  }
  b.logger.info({ backend: b.backend, model: name, version: created.version, requestId, actor: ctx.actor.id }, "registered MLflow model version");
  return servedVersion(b, toModelVersion(created, created.aliases ?? [], b.backend, b.stages));
}

/** Makes sure the registered model exists (creating it unless told not to) and is not a prompt. */
async function ensureModel(b: BackendContext, input: RegisterVersionInput, ctx: CallContext): Promise<void> {
  const name = input.modelName;
  try {
    const wire = await retryWrite({ what: `reading model "${name}"`, write: () => fetchRegisteredModel(b, name, ctx) }, ctx, b.backend);
    if (isPrompt(tagMap(wire.tags))) {
      throw new InvalidInputError(`modelName: "${name}" is a prompt of MLflow's Prompt Registry; models and prompts share MLflow's names`, {
        backend: b.backend,
        field: "modelName",
      });
    }
    return;
  } catch (err) {
    if (!isRegistryError(err) || err.code !== "NOT_FOUND") throw err;
  }
  if (input.createModel === false) throw modelNotFound(b, name, "createModel is false, so it was not created");
  await retryWrite(
    {
      what: `creating model "${name}"`,
      write: async () => {
        try {
          await b.http.call(
            {
              method: "POST",
              path: "registered-models/create",
              body: { name, ...(input.modelDescription ? { description: input.modelDescription } : {}) },
              subject: `model "${name}"`,
            },
            ctx,
          );
        } catch (err) {
          // Created meanwhile by a concurrent registration, or by our own attempt whose answer was lost.
          if (!isRegistryError(err) || err.code !== "ALREADY_EXISTS") throw err;
        }
      },
    },
    ctx,
    b.backend,
  );
}

/** The version an earlier create attempt made, found by its request id tag. */
async function findByRequestId(b: BackendContext, name: string, requestId: string, ctx: CallContext): Promise<WireModelVersion | undefined> {
  const tags = { [OWN_TAGS.requestId]: requestId };
  const f = versionFilterString(name, { tags });
  const res = await b.http.call<SearchVersionsResponse>(
    { method: "GET", path: "model-versions/search", query: { filter: f.filter, max_results: 10 }, subject: `request id ${requestId}` },
    ctx,
  );
  return (res.model_versions ?? []).find((v) => v.name === name && hasTags(tagMap(v.tags), tags));
}

function checkAlias(b: BackendContext, alias: string): void {
  if (!MLFLOW_ALIAS_RE.test(alias)) {
    throw new InvalidInputError(`alias: "${alias}" is not a valid MLflow alias: 1-255 letters, digits, '_' or '-'`, { backend: b.backend, field: "alias" });
  }
  if (isReservedMlflowAlias(alias)) {
    throw new InvalidInputError(`alias: "${alias}" is reserved by MLflow ('latest' and 'v<N>' name versions)`, { backend: b.backend, field: "alias" });
  }
}

/** PRODUCTION serves live traffic: a generation config there must pin its provider model. */
function checkPinned(b: BackendContext, wire: WireModelVersion, field: string): void {
  const raw = tagMap(wire.tags)[OWN_TAGS.generationConfig];
  if (raw === undefined) return;
  const parsed = decodeGenerationConfig(raw);
  if (parsed.ok && isFloatingModelId(parsed.value.model)) {
    throw new InvalidInputError(
      `${field}: version ${wire.version} of "${wire.name}" uses the floating model id "${parsed.value.model}"; production needs a pinned snapshot id`,
      { backend: b.backend, field },
    );
  }
}

function serialised<T>(b: BackendContext, name: string, ctx: CallContext, what: string, task: () => Promise<T>): Promise<T> {
  return b.modelLocks.run(name, task, ctx.signal, () => deadlineError(ctx, b.backend, `${what} (waiting for earlier writes to model "${name}")`));
}

async function putAlias(b: BackendContext, name: string, alias: string, version: string, ctx: CallContext): Promise<void> {
  await retryWrite(
    {
      what: `pointing alias "${alias}" of model "${name}" at version ${version}`,
      write: () =>
        b.http.call({ method: "POST", path: "registered-models/alias", body: { name, alias, version }, subject: `model "${name}" alias "${alias}"` }, ctx),
    },
    ctx,
    b.backend,
  );
}

async function deleteAlias(b: BackendContext, name: string, alias: string, ctx: CallContext): Promise<void> {
  // MLflow answers 200 for an alias that is already gone, so a repeat is harmless.
  await retryWrite(
    {
      what: `removing alias "${alias}" of model "${name}"`,
      write: () =>
        b.http.call({ method: "DELETE", path: "registered-models/alias", body: { name, alias }, subject: `model "${name}" alias "${alias}"` }, ctx),
    },
    ctx,
    b.backend,
  );
}

async function putVersionTag(b: BackendContext, name: string, version: string, key: string, value: string, ctx: CallContext): Promise<void> {
  await retryWrite(
    {
      what: `setting tag "${key}" of model "${name}" version ${version}`,
      write: () =>
        b.http.call(
          { method: "POST", path: "model-versions/set-tag", body: { name, version, key, value }, subject: `model "${name}" version ${version}` },
          ctx,
        ),
    },
    ctx,
    b.backend,
  );
}

/** The version after this adapter's writes, without another read (they are ours: we hold the model's lock). */
function afterWrites(b: BackendContext, wire: WireModelVersion, aliases: readonly string[], stageTag?: string): ModelVersion {
  const tags = stageTag === undefined ? wire.tags : [...(wire.tags ?? []).filter((t) => t.key !== OWN_TAGS.stage), { key: OWN_TAGS.stage, value: stageTag }];
  return toModelVersion({ ...wire, tags: tags ?? [] }, aliases, b.backend, b.stages).version;
}

export async function setAlias(b: BackendContext, name: string, alias: string, version: string, ctx: CallContext): Promise<ModelVersion> {
  checkAlias(b, alias);
  return serialised(b, name, ctx, `setting alias "${alias}"`, async () => {
    const wire = await fetchVersion(b, name, version, ctx);
    if (b.stages.stageOfAlias(alias) === "PRODUCTION") checkPinned(b, wire, "version");
    try {
      await putAlias(b, name, alias, version, ctx);
    } finally {
      b.models.invalidate(name);
    }
    return afterWrites(b, wire, [...new Set([...(wire.aliases ?? []), alias])]);
  });
}

export async function removeAlias(b: BackendContext, name: string, alias: string, ctx: CallContext): Promise<void> {
  await serialised(b, name, ctx, `removing alias "${alias}"`, async () => {
    const model = await fetchRegisteredModel(b, name, ctx);
    if (isPrompt(tagMap(model.tags))) throw modelNotFound(b, name, "it is a prompt, not a model");
    if (aliasMap(model.aliases)[alias] === undefined) {
      throw new NotFoundError(`model "${name}" has no alias "${alias}" in MLflow backend "${b.backend}"`, { backend: b.backend });
    }
    try {
      await deleteAlias(b, name, alias, ctx);
    } finally {
      b.models.invalidate(name);
    }
  });
}

/**
 * An aliased stage moves its alias here (MLflow moves it off the previous holder atomically), drops
 * any other stage alias this version held, then tags the version. NONE and ARCHIVED tag the version,
 * then drop the stage aliases it holds. Alias first for aliased stages and tag first otherwise: if a
 * step fails, the version reads as either its old or its new stage, never a third one.
 *
 * An approval (a promotion or rollback being applied) is written first, as the version tags
 * `modelgate.approval.request_id`, `.approved_by` and `.approved_at`: a version never reads in its
 * new stage without the approval that put it there. The tags stay when the version later leaves
 * the stage, until the next approved write replaces them.
 */
export async function setStage(
  b: BackendContext,
  name: string,
  version: string,
  stage: Stage,
  ctx: CallContext,
  approval?: WriteApproval,
): Promise<ModelVersion> {
  if (!isStage(stage)) {
    throw new InvalidInputError(`stage: "${String(stage)}" is not one of NONE, STAGING, SHADOW, PRODUCTION, ARCHIVED`, { backend: b.backend, field: "stage" });
  }
  return serialised(b, name, ctx, `setting the stage of version ${version}`, async () => {
    let wire = await fetchVersion(b, name, version, ctx);
    if (stage === "PRODUCTION") checkPinned(b, wire, "stage");
    const aliases = wire.aliases ?? [];
    const held = b.stages.heldStageAliases(aliases);
    try {
      const approvalTags = approval === undefined ? [] : approvalTagsOf(approval);
      for (const [key, value] of approvalTags) await putVersionTag(b, name, version, key, value, ctx);
      wire = withTags(wire, approvalTags);
      if (isAliasedStage(stage)) {
        const target = b.stages.aliasOf(stage);
        await putAlias(b, name, target, version, ctx);
        for (const a of held) if (a !== target) await deleteAlias(b, name, a, ctx);
        await putVersionTag(b, name, version, OWN_TAGS.stage, stage, ctx);
        const after = [...aliases.filter((a) => !held.includes(a)), target];
        return afterWrites(b, wire, after, stage);
      }
      await putVersionTag(b, name, version, OWN_TAGS.stage, stage, ctx);
      for (const a of held) await deleteAlias(b, name, a, ctx);
      return afterWrites(b, wire, aliases.filter((a) => !held.includes(a)), stage);
    } finally {
      b.models.invalidate(name);
    }
  });
}

/** The version tags that record an approval (tags.ts, OWN_TAGS.approval*). */
function approvalTagsOf(approval: WriteApproval): [string, string][] {
  return [
    [OWN_TAGS.approvalRequestId, approval.requestId],
    [OWN_TAGS.approvalApprovedBy, approval.approvedBy.join(", ")],
    [OWN_TAGS.approvalApprovedAt, approval.approvedAt.toISOString()],
  ];
}

function withTags(wire: WireModelVersion, tags: readonly [string, string][]): WireModelVersion {
  if (tags.length === 0) return wire;
  const keys = new Set(tags.map(([k]) => k));
  return { ...wire, tags: [...(wire.tags ?? []).filter((t) => !keys.has(t.key)), ...tags.map(([key, value]) => ({ key, value }))] };
}

/**
 * Mirrors model card sections as the `modelgate.card` tag (canonical JSON) of the registered model
 * (version undefined) or of one version; no sections deletes the tag. MLflow's limit on tag values
 * applies: a longer card fails here and stays in the gateway's store.
 */
export async function setModelCard(b: BackendContext, name: string, version: string | undefined, sections: Readonly<Record<string, string>>, ctx: CallContext): Promise<void> {
  const key = OWN_TAGS.card;
  const empty = Object.keys(sections).length === 0;
  const subject = version === undefined ? `model "${name}"` : `model "${name}" version ${version}`;
  if (version === undefined) await fetchRegisteredModel(b, name, ctx);
  else await fetchVersion(b, name, version, ctx);
  const target = version === undefined ? { name } : { name, version };
  const path = `${version === undefined ? "registered-models" : "model-versions"}/${empty ? "delete-tag" : "set-tag"}`;
  try {
    await retryWrite(
      {
        what: `${empty ? "removing" : "setting"} the model card of ${subject}`,
        write: () =>
          b.http.call(
            { method: empty ? "DELETE" : "POST", path, body: empty ? { ...target, key } : { ...target, key, value: canonicalJson(sections) }, subject },
            ctx,
          ),
      },
      ctx,
      b.backend,
    );
  } catch (err) {
    // Deleting a tag that is not there is done.
    if (!(empty && isRegistryError(err) && err.code === "NOT_FOUND")) throw err;
  } finally {
    b.models.invalidate(name);
  }
}

/**
 * Removes a version (DELETE model-versions/delete). Read first, so a version that is not there is
 * NotFoundError (MLflow's own answer names neither); the registered model stays, even when empty.
 */
export async function deleteVersion(b: BackendContext, name: string, version: string, ctx: CallContext): Promise<void> {
  await serialised(b, name, ctx, `deleting version ${version}`, async () => {
    await fetchVersion(b, name, version, ctx);
    await retryWrite(
      {
        what: `deleting version ${version} of model "${name}"`,
        write: () => b.http.call({ method: "DELETE", path: "model-versions/delete", body: { name, version }, subject: `model "${name}" version ${version}` }, ctx),
      },
      ctx,
      b.backend,
    );
  });
}
