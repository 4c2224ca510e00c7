/** What every facade endpoint gets, and how one is declared. */
import type { ServerResponse } from "node:http";
import type { Governance } from "./governed.js";
import type { Params } from "./params.js";
import type { RetryLedger } from "./retry-ledger.js";
import type { RegistryView } from "./view.js";
import { invalidParameter } from "./errors.js";
import { GATEWAY_TAG_PREFIX, NATIVE_TAG_PREFIX, STAGE_TAG } from "./wire.js";

export interface FacadeRequest {
  view: RegistryView;
  params: Params;
  governance: Governance;
  ledger: RetryLedger;
  res: ServerResponse;
  /** The endpoint below /api/2.0/mlflow/, e.g. "registered-models/create". */
  endpoint: string;
  /** Most versions of one model read for a search or a derived answer. */
  maxVersions: number;
}

export interface Route {
  methods: readonly string[];
  /** Writes need the publisher role. */
  write: boolean;
  handle(r: FacadeRequest): Promise<unknown>;
}

/** Why a write is made, as the audit trail and git commits record it. */
export function reasonOf(r: FacadeRequest): string {
  return `MLflow API ${r.endpoint}`;
}

const PROMPT_PREFIX = "mlflow.prompt.";

/** A tag key the facade lets a client write (the stage tag is handled before, as a promotion). */
export function checkWritableTag(key: string): void {
  if (key.startsWith(NATIVE_TAG_PREFIX)) {
    throw invalidParameter(`tag '${key}' is read-only: ${NATIVE_TAG_PREFIX}* tags show the backend's own fields, change them in the backend`);
  }
  if (key === STAGE_TAG) throw invalidParameter(`tag '${STAGE_TAG}' is the version's stage: set it on a version (a promotion), or use transition_model_version_stage`);
  if (key.startsWith(GATEWAY_TAG_PREFIX)) throw invalidParameter(`tag '${key}' is reserved: ${GATEWAY_TAG_PREFIX}* tags belong to modelgate`);
  if (key.startsWith(PROMPT_PREFIX)) throw invalidParameter(`tag '${key}' belongs to MLflow's Prompt Registry, which this registry does not serve: prompts cannot be registered as models here`);
}

export function checkWritableTags(tags: Readonly<Record<string, string>>): void {
  for (const key of Object.keys(tags)) checkWritableTag(key);
}
