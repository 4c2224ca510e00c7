/**
 * Tag keys with a meaning to the adapter. Version tags under `modelgate.` are the adapter's own:
 * they carry what MLflow has no field for and are shown as typed fields, not as tags.
 */
export const OWN_TAG_PREFIX = "modelgate.";

export const OWN_TAGS = {
  /** The gateway stage last written (NONE, STAGING, SHADOW, PRODUCTION, ARCHIVED). */
  stage: "modelgate.stage",
  /** The version's generation config, canonical JSON (sorted keys). */
  generationConfig: "modelgate.generation_config",
  /** A unique id per registerVersion call: finds the version a retried create already made. */
  requestId: "modelgate.request_id",
  /** `params` of the registration, canonical JSON. */
  params: "modelgate.params",
  /** `metrics` of the registration, canonical JSON. */
  metrics: "modelgate.metrics",
  /** Lineage MLflow has no field for (codeCommit, datasetHash, parentModel, teacherModel), canonical JSON. */
  lineage: "modelgate.lineage",
  /** The gateway user who registered the version (MLflow records none). */
  createdBy: "modelgate.created_by",
  /** Why the version was registered. */
  reason: "modelgate.reason",
  /** The gateway promotion (or rollback) request whose approval a stage write applied. */
  approvalRequestId: "modelgate.approval.request_id",
  /** Its approvers, comma-separated ("alice, bob"); a rollback's requester. */
  approvalApprovedBy: "modelgate.approval.approved_by",
  /** When the last approval was made, ISO 8601 UTC. */
  approvalApprovedAt: "modelgate.approval.approved_at",
  /** Human-written model card sections (on the registered model or a version), canonical JSON. */
  card: "modelgate.card",
  /** The gateway copy request that registered the version (a cross-registry copy finds it by this after a crash). */
  copyRequestId: "modelgate.copy.request_id",
} as const;

/** MLflow's Prompt Registry marks prompts (registered models and their versions) with this tag. */
export const PROMPT_FLAG_TAG = "mlflow.prompt.is_prompt";
/** A prompt version's template text. */
export const PROMPT_TEXT_TAG = "mlflow.prompt.text";
/** "text" or "chat" (a chat prompt's text is a JSON list of messages). */
export const PROMPT_TYPE_TAG = "_mlflow_prompt_type";
/** Tags MLflow's Prompt Registry owns: a registration through the gateway may not set them. */
export const PROMPT_TAG_PREFIX = "mlflow.prompt.";

export function isPrompt(tags: Readonly<Record<string, string>>): boolean {
  return tags[PROMPT_FLAG_TAG]?.toLowerCase() === "true";
}

/**
 * Gateway tags under `modelgate.` that are ordinary, user-visible version tags rather than the
 * adapter's own fields: the deprecation policy's `modelgate.archived-by` (docs/lifecycle.md).
 */
export const PUBLIC_GATEWAY_TAGS: ReadonlySet<string> = new Set(["modelgate.archived-by"]);

export function isOwnTag(key: string): boolean {
  return key.startsWith(OWN_TAG_PREFIX) && !PUBLIC_GATEWAY_TAGS.has(key);
}

/** Tags as users see them: the adapter's own tags are shown as typed fields instead. */
export function userTags(tags: Readonly<Record<string, string>>, keep: ReadonlySet<string> = new Set()): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(tags)) if (!isOwnTag(k) || keep.has(k)) out[k] = v;
  return out;
}
