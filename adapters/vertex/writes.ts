/**
 * Writes: registering versions (UploadModel, long-running), moving and removing aliases
 * (MergeVersionAliases: Vertex AI moves an alias off its previous holder atomically), and the stage
 * label (UpdateModel of the version's labels with its etag: a read-modify-write that Vertex AI
 * refuses with ABORTED when the version changed in between; retried from a fresh read).
 *
 * Alias and stage writes are serialised per model. Registrations are not: Vertex AI numbers
 * versions itself, and each upload carries a unique `modelgate-request-id` label, so an upload whose
 * answer was lost is found instead of made twice.
 */
import { randomUUID } from "node:crypto";
import {
  ConflictError,
  InvalidInputError,
  NotFoundError,
  UnavailableError,
  callEnded,
  deadlineError,
  exponentialDelay,
  isFloatingModelId,
  isRegistryError,
  isStage,
  remainingMs,
  type CallContext,
  type ModelVersion,
  type RegisterVersionInput,
  type Stage,
  type WriteApproval,
  type WriteOptions,
} from "../../src/core/index.js";
import type { VertexBackend } from "./backend-context.js";
import { OWN_LABELS, approvalLabels, labelFilter, stageLabelValue } from "./labels.js";
import { existingModelId, modelNotFound } from "./model-reads.js";
import { ALIAS_RULE, DEFAULT_ALIAS, creatableModelId, isAlias, isVersionId, modelIdOf } from "./names.js";
import { uploadModelMessage, validateRegisterInput } from "./register-input.js";
import type { IModel } from "./rpc.js";
import { fetchAliased, fetchVersion, servedVersion } from "./version-reads.js";
import { decodeVersionRecord } from "./version-metadata.js";

/** Attempts of an upload whose answer was lost, and of an etag-checked stage write, the first included. */
const UPLOAD_ATTEMPTS = 3;
const STAGE_ATTEMPTS = 5;

export async function registerVersion(b: VertexBackend, input: RegisterVersionInput, ctx: CallContext, opts?: WriteOptions): Promise<ModelVersion> {
  const name = input.modelName;
  if (typeof name !== "string") throw new InvalidInputError("modelName: must be a string", { backend: b.backend, field: "modelName" });
  const id = modelIdOf(name) ?? creatableModelId(name, b.backend);
  const labels = validateRegisterInput(input, b.backend);
  if (callEnded(ctx)) throw deadlineError(ctx, b.backend, `registering a version of model "${name}"`);

  const requestId = randomUUID();
  const upload = async (retried = false): Promise<string> => {
    const existing = await findModel(b, id, ctx);
    if (existing === undefined) {
      if (input.createModel === false) throw modelNotFound(b, name, "createModel is false, so it was not created");
      creatableModelId(name, b.backend);
    }
    const model = uploadModelMessage(
      input,
      {
        displayName: existing?.displayName || name,
        ...(existing === undefined && input.modelDescription ? { modelDescription: input.modelDescription } : {}),
        labels,
        requestId,
      },
      b.container,
      ctx.actor,
      opts?.reason,
    );
    const request =
      existing === undefined
        ? { parent: b.names.location, modelId: id, model }
        : { parent: b.names.location, parentModel: b.names.model(id), model };
    try {
      const response = await b.rpc.uploadModel(request, ctx);
      return response.modelVersionId ?? "";
    } catch (err) {
      // Created meanwhile by a concurrent registration: this one becomes a version of it.
      if (existing === undefined && !retried && isRegistryError(err) && err.code === "ALREADY_EXISTS") return upload(true);
      throw err;
    }
  };

  const versionId = await uploadOnce(b, id, requestId, () => upload(), ctx, name);
  const created = await fetchVersion(b, name, versionId, ctx);
  b.logger.info({ backend: b.backend, model: name, version: versionId, requestId, actor: ctx.actor.id }, "registered Vertex AI model version");
  return servedVersion(b, created);
}

async function findModel(b: VertexBackend, id: string, ctx: CallContext): Promise<IModel | undefined> {
  try {
    return await b.rpc.getModel(b.names.model(id), ctx);
  } catch (err) {
    if (isRegistryError(err) && err.code === "NOT_FOUND") return undefined;
    throw err;
  }
}

/**
 * Runs the upload; when it fails without an answer (UNAVAILABLE), looks for the version by its
 * request id before uploading again, so a version is never made twice.
 */
async function uploadOnce(b: VertexBackend, id: string, requestId: string, upload: () => Promise<string>, ctx: CallContext, name: string): Promise<string> {
  let last: unknown;
  for (let attempt = 1; attempt <= UPLOAD_ATTEMPTS; attempt++) {
    if (attempt > 1) {
      await pause(exponentialDelay(attempt - 1, { initialDelay: 100 }), ctx, b, `registering a version of model "${name}"`, last);
      const found = await byRequestId(b, id, requestId, ctx).catch((err: unknown) => {
        if (isRegistryError(err) && (err.code === "UNAVAILABLE" || err.code === "NOT_FOUND")) return undefined;
        throw err;
      });
      if (found !== undefined) return found;
    }
    try {
      return await upload();
    } catch (err) {
      if (!isRegistryError(err) || err.code !== "UNAVAILABLE") throw err;
      last = err;
    }
  }
  const reason = last instanceof Error ? last.message : String(last);
  throw new UnavailableError(`registering a version of model "${name}" failed after ${UPLOAD_ATTEMPTS} attempts; last failure: ${reason}`, { backend: b.backend });
}

async function byRequestId(b: VertexBackend, id: string, requestId: string, ctx: CallContext): Promise<string | undefined> {
  const page = await b.rpc.listModelVersions(
    { name: b.names.model(id), filter: labelFilter({ [OWN_LABELS.requestId]: requestId }), pageSize: 10 },
    ctx,
  );
  return page.items.find((v) => v.labels?.[OWN_LABELS.requestId] === requestId)?.versionId ?? undefined;
}

async function pause(ms: number, ctx: CallContext, b: VertexBackend, what: string, last: unknown): Promise<void> {
  const tooLate = () => {
    const err = deadlineError(ctx, b.backend, what);
    err.message = `${err.message} while retrying after: ${last instanceof Error ? last.message : String(last)}; an earlier attempt may have been applied`;
    return err;
  };
  if (remainingMs(ctx) <= ms || callEnded(ctx)) throw tooLate();
  await new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      ctx.signal.removeEventListener("abort", done);
      resolve();
    }
    ctx.signal.addEventListener("abort", done, { once: true });
  });
  if (callEnded(ctx)) throw tooLate();
}

function serialised<T>(b: VertexBackend, id: string, name: string, ctx: CallContext, what: string, task: () => Promise<T>): Promise<T> {
  return b.modelLocks.run(id, task, ctx.signal, () => deadlineError(ctx, b.backend, `${what} (waiting for earlier writes to model "${name}")`));
}

function checkVersion(b: VertexBackend, name: string, version: string): void {
  if (!isVersionId(version)) {
    throw new NotFoundError(`model "${name}" has no version "${version}" in Vertex AI backend "${b.backend}": Vertex AI version ids are decimal numbers`, {
      backend: b.backend,
    });
  }
}

/** PRODUCTION serves live traffic: a generation config there must pin its provider model. */
function checkPinned(b: VertexBackend, model: IModel, name: string, field: string): void {
  const decoded = decodeVersionRecord(model.metadata);
  const config = decoded.ok ? decoded.record.generationConfig : undefined;
  if (config && isFloatingModelId(config.model)) {
    throw new InvalidInputError(
      `${field}: version ${model.versionId} of "${name}" uses the floating model id "${config.model}"; production needs a pinned snapshot id`,
      { backend: b.backend, field },
    );
  }
}

/** Points `alias` at `version`; `default` moves the version a bare model name reads. */
export async function setAlias(b: VertexBackend, name: string, alias: string, version: string, ctx: CallContext): Promise<ModelVersion> {
  if (!isAlias(alias)) {
    throw new InvalidInputError(`alias: "${alias}" is not a valid Vertex AI alias: ${ALIAS_RULE}`, { backend: b.backend, field: "alias" });
  }
  const id = existingModelId(b, name);
  checkVersion(b, name, version);
  return serialised(b, id, name, ctx, `setting alias "${alias}"`, async () => {
    try {
      return servedVersion(b, await b.rpc.mergeVersionAliases(b.names.version(id, version), [alias], ctx));
    } catch (err) {
      // Tell a missing model from a missing version.
      if (isRegistryError(err) && err.code === "NOT_FOUND") await fetchVersion(b, name, version, ctx);
      throw err;
    }
  });
}

export async function removeAlias(b: VertexBackend, name: string, alias: string, ctx: CallContext): Promise<void> {
  if (alias === DEFAULT_ALIAS) {
    throw new InvalidInputError(
      `alias: Vertex AI keeps "${DEFAULT_ALIAS}" on exactly one version of every model; move it with setAlias instead of removing it`,
      { backend: b.backend, field: "alias" },
    );
  }
  const id = existingModelId(b, name);
  await serialised(b, id, name, ctx, `removing alias "${alias}"`, async () => {
    const holder = await fetchAliased(b, name, alias, ctx);
    await b.rpc.mergeVersionAliases(b.names.version(id, holder.versionId ?? ""), [`-${alias}`], ctx);
  });
}

/**
 * The stage is the version's `modelgate-stage` label. UpdateModel replaces the version's labels
 * with the map given, and a read shows model and version labels merged, so the write sends what it
 * read plus the new stage, with the etag of that read: a concurrent change makes Vertex AI answer
 * ABORTED, and the write is made again from a fresh read, a few times, then reported as CONFLICT.
 * An approval goes in the same update, as the labels `modelgate-approval-id`, `modelgate-approved-by`
 * and `modelgate-approved-at` (./labels.ts, approvalLabels).
 */
export async function setStage(
  b: VertexBackend,
  name: string,
  version: string,
  stage: Stage,
  ctx: CallContext,
  approval?: WriteApproval,
): Promise<ModelVersion> {
  if (!isStage(stage)) {
    throw new InvalidInputError(`stage: "${String(stage)}" is not one of NONE, STAGING, SHADOW, PRODUCTION, ARCHIVED`, { backend: b.backend, field: "stage" });
  }
  const id = existingModelId(b, name);
  checkVersion(b, name, version);
  return serialised(b, id, name, ctx, `setting the stage of version ${version}`, async () => {
    let last: unknown;
    for (let attempt = 1; attempt <= STAGE_ATTEMPTS; attempt++) {
      if (attempt > 1) await pause(exponentialDelay(attempt - 1, { initialDelay: 25 }), ctx, b, `setting the stage of version ${version} of model "${name}"`, last);
      const current = await fetchVersion(b, name, version, ctx);
      if (stage === "PRODUCTION") checkPinned(b, current, name, "stage");
      try {
        const updated = await b.rpc.updateModel(
          {
            model: {
              name: b.names.version(id, version),
              labels: {
                ...(current.labels ?? {}),
                [OWN_LABELS.stage]: stageLabelValue(stage),
                ...(approval === undefined ? {} : approvalLabels(approval)),
              },
              etag: current.etag ?? "",
            },
            updateMask: { paths: ["labels"] },
          },
          ctx,
        );
        return servedVersion(b, updated);
      } catch (err) {
        if (!isRegistryError(err) || err.code !== "CONFLICT") throw err;
        last = err;
      }
    }
    const reason = last instanceof Error ? last.message : String(last);
    throw new ConflictError(
      `version ${version} of model "${name}" kept changing while its stage was written (${STAGE_ATTEMPTS} attempts); last answer: ${reason}`,
      { backend: b.backend },
    );
  });
}

/**
 * Removes a version (DeleteModelVersion). Vertex AI keeps no empty model and never deletes the
 * version holding `default`: the only version goes with its model (DeleteModel); a default version
 * with siblings first hands `default` to the newest other version.
 */
export async function deleteVersion(b: VertexBackend, name: string, version: string, ctx: CallContext): Promise<void> {
  const id = existingModelId(b, name);
  checkVersion(b, name, version);
  await serialised(b, id, name, ctx, `deleting version ${version}`, async () => {
    const target = await fetchVersion(b, name, version, ctx);
    const siblings = await b.rpc.listModelVersions({ name: b.names.model(id), pageSize: 100 }, ctx);
    const others = siblings.items.filter((v) => v.versionId !== version);
    if (others.length === 0 && siblings.nextPageToken === undefined) {
      await b.rpc.deleteModel(b.names.model(id), ctx);
      return;
    }
    if ((target.versionAliases ?? []).includes(DEFAULT_ALIAS)) {
      const newest = others.reduce((a, v) => (Number(v.versionId) > Number(a.versionId) ? v : a));
      await b.rpc.mergeVersionAliases(b.names.version(id, newest.versionId ?? ""), [DEFAULT_ALIAS], ctx);
    }
    await b.rpc.deleteModelVersion(b.names.version(id, version), ctx);
  });
}
