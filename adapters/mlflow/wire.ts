/** MLflow's REST JSON, as `mlflow server` 3.x sends it (proto3 JSON: empty fields are omitted). */

export interface WireTag {
  key: string;
  value?: string;
}

export interface WireModelAlias {
  alias: string;
  version: string;
}

export interface WireModelVersion {
  name: string;
  version: string;
  creation_timestamp?: number | string;
  last_updated_timestamp?: number | string;
  user_id?: string;
  /** Legacy stage: "None", "Staging", "Production", "Archived". Read-only for the gateway. */
  current_stage?: string;
  description?: string;
  source?: string;
  run_id?: string;
  /** PENDING_REGISTRATION | FAILED_REGISTRATION | READY */
  status?: string;
  status_message?: string;
  tags?: WireTag[];
  run_link?: string;
  /** Filled by get and get-by-alias; search leaves it empty. */
  aliases?: string[];
  model_id?: string;
}

export interface WireRegisteredModel {
  name: string;
  creation_timestamp?: number | string;
  last_updated_timestamp?: number | string;
  user_id?: string;
  description?: string;
  latest_versions?: WireModelVersion[];
  tags?: WireTag[];
  aliases?: WireModelAlias[];
}

export interface SearchModelsResponse {
  registered_models?: WireRegisteredModel[];
  next_page_token?: string;
}

export interface SearchVersionsResponse {
  model_versions?: WireModelVersion[];
  next_page_token?: string;
}

export interface GetModelResponse {
  registered_model: WireRegisteredModel;
}

export interface VersionResponse {
  model_version: WireModelVersion;
}

export function tagMap(tags: readonly WireTag[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of tags ?? []) out[t.key] = t.value ?? "";
  return out;
}

export function aliasMap(aliases: readonly WireModelAlias[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const a of aliases ?? []) out[a.alias] = a.version;
  return out;
}

export function wireDate(value: number | string | undefined): Date | undefined {
  if (value === undefined || value === "") return undefined;
  const ms = Number(value);
  return Number.isFinite(ms) && ms > 0 ? new Date(ms) : undefined;
}
