/** Checking a RegisterVersionInput against SageMaker's rules, before anything is written. */
import { InvalidInputError, parseRef, type RegisterVersionInput } from "../../src/core/index.js";
import { GROUP_NAME_RULE, isGroupName } from "./names.js";

/** SageMaker's `Url` shape (ModelDataUrl): an s3:// or https:// URL of at most 1024 characters. */
const MODEL_DATA_URL_RE = /^(https|s3):\/\/([^/]+)\/?(.*)$/;
/** SageMaker's `EntityDescription`: letters, marks, spaces, symbols, digits, punctuation (no line breaks). */
const DESCRIPTION_RE = /^[\p{L}\p{M}\p{Z}\p{S}\p{N}\p{P}]*$/u;
const MAX_DESCRIPTION = 1024;
const MAX_METADATA_PROPERTY = 1024;

export function validateRegisterInput(input: RegisterVersionInput, backend: string): void {
  const fail = (field: string, message: string): never => {
    throw new InvalidInputError(`${field}: ${message}`, { backend, field });
  };
  if (typeof input.modelName !== "string" || !isGroupName(input.modelName)) fail("modelName", `${JSON.stringify(input.modelName)}: ${GROUP_NAME_RULE}`);
  if (input.artifactUri !== undefined) {
    if (typeof input.artifactUri !== "string" || !MODEL_DATA_URL_RE.test(input.artifactUri) || input.artifactUri.length > 1024) {
      fail("artifactUri", "SageMaker keeps a version's model data as an s3:// or https:// URL of at most 1024 characters");
    }
  }
  for (const field of ["description", "modelDescription"] as const) {
    const text = input[field];
    if (text === undefined) continue;
    if (typeof text !== "string") fail(field, "must be a string");
    if (text.length > MAX_DESCRIPTION) fail(field, `SageMaker descriptions are at most ${MAX_DESCRIPTION} characters`);
    if (!DESCRIPTION_RE.test(text)) fail(field, "SageMaker descriptions may not contain line breaks or other control characters");
  }
  for (const field of ["codeCommit", "runId"] as const) {
    const value = input.lineage?.[field];
    if (value !== undefined && (typeof value !== "string" || value.length > MAX_METADATA_PROPERTY)) {
      fail(`lineage.${field}`, `must be a string of at most ${MAX_METADATA_PROPERTY} characters (SageMaker's MetadataProperties limit)`);
    }
  }
  const config = input.generationConfig;
  if (config !== undefined) {
    if (typeof config.model !== "string" || config.model.trim() === "" || config.model.trim() !== config.model) {
      fail("generationConfig.model", "must be a provider model id without surrounding whitespace");
    }
    if (typeof config.params !== "object" || config.params === null || Array.isArray(config.params)) fail("generationConfig.params", "must be an object");
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
}
