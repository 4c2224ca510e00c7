/**
 * Resource names of the Model Registry, as model_service.proto spells them:
 *   projects/{project}/locations/{location}
 *   projects/{project}/locations/{location}/models/{model}[@{version id | alias | -}]
 *   projects/{project}/locations/{location}/models/{model}[@{version}]/evaluations/{evaluation}
 *   projects/{project}/locations/{location}/models/{model}/operations/{operation}
 */
import { invalidArgument } from "./rpc-error.js";

const SEGMENT = "[^/@]+";
const LOCATION_RE = new RegExp(`^projects/(${SEGMENT})/locations/(${SEGMENT})$`);
const MODEL_RE = new RegExp(`^(projects/${SEGMENT}/locations/${SEGMENT})/models/(${SEGMENT})(?:@([^/]+))?$`);
const EVALUATION_RE = new RegExp(`^(projects/${SEGMENT}/locations/${SEGMENT})/models/(${SEGMENT})(?:@([^/]+))?/evaluations/(${SEGMENT})$`);

/** A model reference: the location it lives in, its id and what follows `@`, if anything. */
export interface ModelRef {
  location: string;
  modelId: string;
  /** Version id, alias or "-"; absent for the bare model name. */
  at?: string;
}

export function parseLocation(name: string, field: string): string {
  if (!LOCATION_RE.test(name)) throw invalidArgument(`${field}: "${name}" is not a location name (projects/{project}/locations/{location})`);
  return name;
}

export function parseModelName(name: string, field: string): ModelRef {
  const m = MODEL_RE.exec(name);
  if (!m) throw invalidArgument(`${field}: "${name}" is not a model name (projects/{project}/locations/{location}/models/{model}[@{version}])`);
  return { location: m[1]!, modelId: m[2]!, ...(m[3] === undefined ? {} : { at: m[3] }) };
}

export function parseEvaluationName(name: string, field: string): { model: ModelRef; evaluationId: string } {
  const m = EVALUATION_RE.exec(name);
  if (!m) {
    throw invalidArgument(`${field}: "${name}" is not a model evaluation name (projects/{project}/locations/{location}/models/{model}/evaluations/{evaluation})`);
  }
  return { model: { location: m[1]!, modelId: m[2]!, ...(m[3] === undefined ? {} : { at: m[3] }) }, evaluationId: m[4]! };
}

export function modelName(location: string, modelId: string): string {
  return `${location}/models/${modelId}`;
}

/** Version ids are auto-incrementing decimal strings; aliases never are. */
export function isVersionId(text: string): boolean {
  return /^[1-9][0-9]*$/.test(text);
}
