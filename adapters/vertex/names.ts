/**
 * Gateway names ↔ Vertex AI model ids and resource names.
 *
 * A model is keyed by its model id (display names are not unique in Vertex AI). Model ids are lower
 * case, so names on this backend are case-insensitive: "Churn-Model" and "churn-model" are the
 * model with id `churn-model`. The case a model was registered with is kept in its display name,
 * and a model whose display name equals its id but for case is served under its display name;
 * any other model is served under its id (an auto-generated decimal id for models uploaded
 * without one).
 */
import { InvalidInputError } from "../../src/core/index.js";

/** Characters a model id may hold (any case in a gateway name), up to 63 of them. */
const NAME_RE = /^[A-Za-z0-9_-]{1,63}$/;
/** UploadModelRequest.model_id: `[a-z0-9_-]`, at most 63, not starting with a digit or hyphen. */
const CREATABLE_ID_RE = /^[a-z_][a-z0-9_-]{0,62}$/;
/** Version ids are auto-incrementing decimal strings. */
const VERSION_ID_RE = /^[1-9][0-9]{0,18}$/;
/** Model.version_aliases: `[a-z][a-zA-Z0-9-]{0,126}[a-z0-9]`, so an alias is never a version id. */
export const ALIAS_RE = /^[a-z][a-zA-Z0-9-]{0,126}[a-z0-9]$/;
export const ALIAS_RULE = "[a-z][a-zA-Z0-9-]{0,126}[a-z0-9] (2-128 characters, starting with a lowercase letter)";
/** The alias Vertex AI keeps on exactly one version: the one a bare model name reads. */
export const DEFAULT_ALIAS = "default";

/** The model id a gateway name reads, or undefined when no Vertex AI model can have that name. */
export function modelIdOf(name: string): string | undefined {
  return NAME_RE.test(name) ? name.toLowerCase() : undefined;
}

/** The model id a registration creates, or InvalidInput saying why the name cannot be one. */
export function creatableModelId(name: string, backend: string): string {
  const fail = (why: string) => new InvalidInputError(`modelName: "${name}" ${why}`, { backend, field: "modelName" });
  if (!NAME_RE.test(name)) throw fail("cannot be a Vertex AI model id: use 1-63 letters, digits, '_' or '-'");
  const id = name.toLowerCase();
  if (!CREATABLE_ID_RE.test(id)) throw fail("cannot be a new Vertex AI model id: it must not start with a digit or '-'");
  return id;
}

export function isVersionId(version: string): boolean {
  return VERSION_ID_RE.test(version);
}

export function isAlias(alias: string): boolean {
  return ALIAS_RE.test(alias);
}

/** The name a model is served under: its display name when that is its id in another case, else its id. */
export function gatewayName(modelId: string, displayName: string | null | undefined): string {
  return displayName && displayName.toLowerCase() === modelId ? displayName : modelId;
}

/** The model id in a resource name `projects/…/locations/…/models/{id}[@…]` (its last segment, without `@…`). */
export function modelIdOfResource(resource: string): string {
  const last = resource.slice(resource.lastIndexOf("/") + 1);
  const at = last.indexOf("@");
  return at < 0 ? last : last.slice(0, at);
}

/** Resource names under one project and location. */
export class ResourceNames {
  readonly location: string;

  constructor(project: string, location: string) {
    this.location = `projects/${project}/locations/${location}`;
  }

  model(id: string): string {
    return `${this.location}/models/${id}`;
  }

  /** `models/{id}@{version id or alias}` */
  version(id: string, at: string): string {
    return `${this.model(id)}@${at}`;
  }
}
