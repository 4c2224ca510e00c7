/** Checking a RegisterVersionInput, and the Model message UploadModel gets for it. */
import { InvalidInputError, parseRef, type Actor, type RegisterVersionInput } from "../../src/core/index.js";
import type { VertexConfig } from "./config.js";
import { OWN_LABELS, labelProblem, stageLabelValue, tagsAsLabels } from "./labels.js";
import type { IModel } from "./rpc.js";
import { encodeVersionRecord, type VersionRecord } from "./version-metadata.js";

/** Model.display_name: at most 128 characters. */
const MAX_DISPLAY_NAME = 128;

/** Checks everything but the model name (./names.ts); returns the tags as labels. */
export function validateRegisterInput(input: RegisterVersionInput, backend: string): Record<string, string> {
  const fail = (field: string, message: string): never => {
    throw new InvalidInputError(`${field}: ${message}`, { backend, field });
  };
  if (input.artifactUri !== undefined && (typeof input.artifactUri !== "string" || input.artifactUri.trim() === "")) {
    fail("artifactUri", "must be a non-empty URI of the artifact directory (gs://…) or left out");
  }
  for (const field of ["description", "modelDescription"] as const) {
    const value = input[field];
    if (value !== undefined && typeof value !== "string") fail(field, "must be a string");
  }
  const labels = tagsAsLabels(input.tags, backend);
  const copy = input.copyRequestId;
  if (copy !== undefined) {
    // Kept as a label so it reads back exactly: a value labels cannot hold is refused, not rewritten.
    const problem = typeof copy !== "string" || copy === "" ? "must be a non-empty string" : labelProblem(OWN_LABELS.copyRequestId, copy);
    if (problem !== undefined) fail("copyRequestId", problem);
  }
  for (const [key, value] of Object.entries(input.metrics ?? {})) {
    if (typeof value !== "number" || !Number.isFinite(value)) fail(`metrics.${key}`, "metrics are finite numbers");
  }
  if (input.params !== undefined) checkJson(input.params, "params", fail);
  for (const [key, value] of Object.entries(input.lineage ?? {})) {
    if (value !== undefined && typeof value !== "string") fail(`lineage.${key}`, "must be a string");
  }
  const config = input.generationConfig;
  if (config !== undefined) {
    if (typeof config.model !== "string" || config.model.trim() === "" || config.model.trim() !== config.model) {
      fail("generationConfig.model", "must be a provider model id without surrounding whitespace");
    }
    if (typeof config.params !== "object" || config.params === null || Array.isArray(config.params)) fail("generationConfig.params", "must be an object");
    checkJson(config.params, "generationConfig.params", fail);
    for (const field of ["promptRef", "toolsRef"] as const) {
      const ref = config[field];
      if (ref !== undefined && (typeof ref !== "string" || parseRef(ref) === undefined)) {
        fail(`generationConfig.${field}`, `expected "name@version", got ${JSON.stringify(ref)}`);
      }
    }
    if (config.eval !== undefined) {
      if (typeof config.eval.suite !== "string" || config.eval.suite === "") fail("generationConfig.eval.suite", "must be a non-empty string");
      if (typeof config.eval.score !== "number" || !Number.isFinite(config.eval.score)) fail("generationConfig.eval.score", "must be a finite number");
    }
  }
  return labels;
}

/** JSON values only (what a protobuf Struct can hold): no functions, bigints, NaN or Infinity. */
function checkJson(value: unknown, field: string, fail: (field: string, message: string) => never): void {
  const walk = (v: unknown, at: string): void => {
    if (v === null || typeof v === "string" || typeof v === "boolean") return;
    if (typeof v === "number") {
      if (!Number.isFinite(v)) fail(at, "numbers must be finite");
      return;
    }
    if (Array.isArray(v)) return v.forEach((item, i) => walk(item, `${at}[${i}]`));
    if (typeof v === "object") return Object.entries(v as object).forEach(([k, item]) => item !== undefined && walk(item, `${at}.${k}`));
    fail(at, `${typeof v} is not a JSON value`);
  };
  walk(value, field);
}

export interface UploadModelFields {
  displayName: string;
  /** Description of a model this upload creates. */
  modelDescription?: string;
  labels: Record<string, string>;
  requestId: string;
}

/** The Model message of the upload: user labels plus the stage (NONE) and the request id. */
export function uploadModelMessage(
  input: RegisterVersionInput,
  fields: UploadModelFields,
  container: VertexConfig["container"],
  actor: Actor,
  reason: string | undefined,
): IModel {
  const l = input.lineage ?? {};
  const lineage = Object.fromEntries(Object.entries(l).filter(([, v]) => v !== undefined && v !== ""));
  const record: VersionRecord = {
    ...(input.generationConfig ? { generationConfig: input.generationConfig } : {}),
    ...(input.params ? { params: input.params } : {}),
    ...(input.metrics ? { metrics: input.metrics } : {}),
    lineage,
    createdBy: actor.id,
    ...(reason ? { reason } : {}),
  };
  return {
    displayName: fields.displayName.slice(0, MAX_DISPLAY_NAME),
    ...(fields.modelDescription ? { description: fields.modelDescription } : {}),
    ...(input.description ? { versionDescription: input.description } : {}),
    labels: {
      ...fields.labels,
      [OWN_LABELS.stage]: stageLabelValue("NONE"),
      [OWN_LABELS.requestId]: fields.requestId,
      ...(input.copyRequestId === undefined ? {} : { [OWN_LABELS.copyRequestId]: input.copyRequestId }),
    },
    ...(input.artifactUri ? { artifactUri: input.artifactUri } : {}),
    containerSpec: {
      imageUri: container.imageUri,
      ...(container.predictRoute ? { predictRoute: container.predictRoute } : {}),
      ...(container.healthRoute ? { healthRoute: container.healthRoute } : {}),
    },
    metadata: encodeVersionRecord(record),
  };
}
