/**
 * Field rules of model.proto and model_service.proto, checked the way Vertex AI refuses input:
 * INVALID_ARGUMENT naming the field.
 */
import { invalidArgument } from "./rpc-error.js";

/**
 * Model.labels: keys and values at most 64 characters (Unicode code points), "lowercase letters,
 * numeric characters, underscores and dashes. International characters are allowed." Letters with
 * case must be lower-case; letters of scripts without case (CJK, ...) are allowed.
 */
const LABEL_TEXT_RE = /^[\p{Ll}\p{Lo}\p{Lm}\p{Mn}\p{Nd}_-]*$/u;
export const MAX_LABEL_LENGTH = 64;

export function checkLabels(labels: Readonly<Record<string, string>>, field: string): void {
  for (const [key, value] of Object.entries(labels)) {
    if (key === "") throw invalidArgument(`${field}: label keys must not be empty`);
    for (const [what, text] of [
      ["key", key],
      ["value", value],
    ] as const) {
      if ([...text].length > MAX_LABEL_LENGTH) {
        throw invalidArgument(`${field}: label ${what} "${text}" is longer than ${MAX_LABEL_LENGTH} characters`);
      }
      if (!LABEL_TEXT_RE.test(text)) {
        throw invalidArgument(
          `${field}: label ${what} "${text}" may only contain lowercase letters, numeric characters, underscores and dashes`,
        );
      }
    }
  }
}

/**
 * Model.version_aliases: `[a-z][a-zA-Z0-9-]{0,126}[a-z0-9]`, so an alias is never a version id.
 * (MergeVersionAliasesRequest's comment ends the pattern in `[a-z-0-9]`; model.proto's field, the
 * stricter of the two, is the rule here.)
 */
export const ALIAS_RE = /^[a-z][a-zA-Z0-9-]{0,126}[a-z0-9]$/;
export const DEFAULT_ALIAS = "default";

export function checkAlias(alias: string, field: string): void {
  if (!ALIAS_RE.test(alias)) {
    throw invalidArgument(`${field}: alias "${alias}" does not match [a-z][a-zA-Z0-9-]{0,126}[a-z0-9]`);
  }
}

/** UploadModelRequest.model_id: up to 63 characters of `[a-z0-9_-]`, not starting with a digit or hyphen. */
export const MODEL_ID_RE = /^[a-z_][a-z0-9_-]{0,62}$/;

export function checkModelId(id: string): void {
  if (!MODEL_ID_RE.test(id)) {
    throw invalidArgument(
      `model_id: "${id}" must be up to 63 characters of [a-z0-9_-] and must not start with a number or hyphen`,
    );
  }
}

/** Model.display_name: required, up to 128 characters of any UTF-8. */
export function checkDisplayName(displayName: string, field: string): void {
  if (displayName === "") throw invalidArgument(`${field}: display_name is required`);
  if ([...displayName].length > 128) throw invalidArgument(`${field}: display_name is longer than 128 characters`);
}
