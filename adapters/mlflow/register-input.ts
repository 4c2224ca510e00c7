/** Checking a RegisterVersionInput, and the `model-versions/create` request it becomes. */
import { InvalidInputError, parseRef, type Actor, type RegisterVersionInput } from "../../src/core/index.js";
import { canonicalJson } from "../../src/core/index.js";
import { encodeGenerationConfig } from "./json-tags.js";
import { OWN_TAGS, OWN_TAG_PREFIX, PROMPT_TAG_PREFIX } from "./tags.js";
import { NO_ARTIFACT_SOURCE } from "./to-domain.js";
import type { WireTag } from "./wire.js";

/** MLflow's own limits (mlflow/utils/validation.py). */
const MAX_TAG_KEY = 250;
const MAX_TAG_VALUE = 100_000;
const MAX_NAME = 256;
const TAG_KEY_RE = /^[\p{L}\p{N}_\-./ :]+$/u;

export interface CreateVersionBody {
  name: string;
  source: string;
  description?: string;
  run_id?: string;
  run_link?: string;
  tags: WireTag[];
}

export function validateRegisterInput(input: RegisterVersionInput, backend: string): void {
  const fail = (field: string, message: string): never => {
    throw new InvalidInputError(`${field}: ${message}`, { backend, field });
  };
  const name = input.modelName;
  if (typeof name !== "string" || name.trim() === "" || name.trim() !== name) fail("modelName", "must be a non-empty name without surrounding whitespace");
  if (name.length > MAX_NAME) fail("modelName", `must be at most ${MAX_NAME} characters`);
  if (/[/:]/.test(name)) fail("modelName", `"${name}": MLflow model names cannot contain '/' or ':'`);
  if (input.artifactUri !== undefined && (typeof input.artifactUri !== "string" || input.artifactUri.trim() === "")) {
    fail("artifactUri", "must be a non-empty URI (s3://, gs://, models:/, runs:/ …) or left out");
  }
  if (input.artifactUri === NO_ARTIFACT_SOURCE) fail("artifactUri", `"${NO_ARTIFACT_SOURCE}" is reserved: leave artifactUri out instead`);
  for (const [key, value] of Object.entries(input.tags ?? {})) {
    const field = `tags.${key}`;
    if (key.startsWith(OWN_TAG_PREFIX)) fail(field, `tags under "${OWN_TAG_PREFIX}" belong to the gateway (stage, generation config, lineage …)`);
    if (key.startsWith(PROMPT_TAG_PREFIX)) fail(field, `tags under "${PROMPT_TAG_PREFIX}" belong to MLflow's Prompt Registry`);
    if (!TAG_KEY_RE.test(key)) fail(field, "MLflow tag keys may only contain letters, digits, spaces and _ - . / :");
    if (key.length > MAX_TAG_KEY) fail(field, `MLflow tag keys are at most ${MAX_TAG_KEY} characters`);
    if (typeof value !== "string") fail(field, "tag values are strings");
    if (value.length > MAX_TAG_VALUE) fail(field, `MLflow tag values are at most ${MAX_TAG_VALUE} characters`);
  }
  for (const [key, value] of Object.entries(input.metrics ?? {})) {
    if (typeof value !== "number" || !Number.isFinite(value)) fail(`metrics.${key}`, "metrics are finite numbers");
  }
  for (const [key, value] of Object.entries(input.lineage ?? {})) {
    if (value !== undefined && typeof value !== "string") fail(`lineage.${key}`, "must be a string");
  }
  const config = input.generationConfig;
  if (config !== undefined) {
    if (typeof config.model !== "string" || config.model.trim() === "" || config.model.trim() !== config.model) {
      fail("generationConfig.model", "must be a provider model id without surrounding whitespace");
    }
    if (typeof config.params !== "object" || config.params === null || Array.isArray(config.params)) {
      fail("generationConfig.params", "must be an object");
    }
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
    if (encodeGenerationConfig(config).length > MAX_TAG_VALUE) {
      fail("generationConfig", `is more than ${MAX_TAG_VALUE} characters as JSON, MLflow's limit for a tag value`);
    }
  }
}

/** The create request: user tags plus the adapter's own (request id, author, reason, JSON fields). */
export function createVersionBody(input: RegisterVersionInput, requestId: string, actor: Actor, reason: string | undefined): CreateVersionBody {
  const tags: Record<string, string> = { ...(input.tags ?? {}) };
  tags[OWN_TAGS.requestId] = requestId;
  tags[OWN_TAGS.createdBy] = actor.id;
  tags[OWN_TAGS.stage] = "NONE";
  if (reason !== undefined && reason !== "") tags[OWN_TAGS.reason] = reason.slice(0, MAX_TAG_VALUE);
  if (input.copyRequestId !== undefined) tags[OWN_TAGS.copyRequestId] = input.copyRequestId;
  if (input.generationConfig !== undefined) tags[OWN_TAGS.generationConfig] = encodeGenerationConfig(input.generationConfig);
  if (input.params !== undefined && Object.keys(input.params).length > 0) tags[OWN_TAGS.params] = canonicalJson(input.params);
  if (input.metrics !== undefined && Object.keys(input.metrics).length > 0) tags[OWN_TAGS.metrics] = canonicalJson(input.metrics);
  const l = input.lineage ?? {};
  const extra = {
    ...(l.codeCommit === undefined ? {} : { codeCommit: l.codeCommit }),
    ...(l.datasetHash === undefined ? {} : { datasetHash: l.datasetHash }),
    ...(l.parentModel === undefined ? {} : { parentModel: l.parentModel }),
    ...(l.teacherModel === undefined ? {} : { teacherModel: l.teacherModel }),
  };
  if (Object.keys(extra).length > 0) tags[OWN_TAGS.lineage] = canonicalJson(extra);
  return {
    name: input.modelName,
    source: input.artifactUri ?? NO_ARTIFACT_SOURCE,
    ...(input.description === undefined || input.description === "" ? {} : { description: input.description }),
    ...(l.runId === undefined || l.runId === "" ? {} : { run_id: l.runId }),
    ...(l.runLink === undefined || l.runLink === "" ? {} : { run_link: l.runLink }),
    tags: Object.entries(tags).map(([key, value]) => ({ key, value })),
  };
}
