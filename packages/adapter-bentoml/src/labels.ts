/**
 * Labels with a meaning to the adapter. BentoML labels are string -> string, shown by
 * `bentoml models get` and filterable there; the gateway's own live under `modelgate.` and are shown
 * as typed fields (stage, aliases, description …), not as tags.
 */
import type { Stage } from "modelgate/core";

export const OWN_LABEL_PREFIX = "modelgate.";
/** Read-only tags the adapter derives from model.yaml (tag, module, framework, size); never labels. */
export const DERIVED_TAG_PREFIX = "bentoml.";

export const OWN_LABELS = {
  /** The gateway stage: staging, shadow, production, archived (absent: NONE). */
  stage: "modelgate.stage",
  /** Prefix of alias labels: `modelgate.alias.<alias>` = when it was set (ISO 8601). */
  aliasPrefix: "modelgate.alias.",
  /** The version's description (BentoML has no such field). */
  description: "modelgate.description",
  /** Where a version registered with a remote artifactUri keeps its files (s3://, gs:// …). */
  artifactUri: "modelgate.artifact_uri",
  /** The directory a version's files were imported from. */
  importedFrom: "modelgate.imported_from",
  /** The gateway user who registered the version. */
  createdBy: "modelgate.created_by",
  approvalRequestId: "modelgate.approval.request_id",
  approvalApprovedBy: "modelgate.approval.approved_by",
  approvalApprovedAt: "modelgate.approval.approved_at",
} as const;

const STAGE_WORDS: Record<string, Stage> = {
  none: "NONE",
  staging: "STAGING",
  shadow: "SHADOW",
  production: "PRODUCTION",
  archived: "ARCHIVED",
};

/** The label value written for a stage; NONE removes the label. */
export function stageLabelValue(stage: Stage): string | undefined {
  return stage === "NONE" ? undefined : stage.toLowerCase();
}

/** The stage a `modelgate.stage` value means (any case), and the raw value when it means none. */
export function stageFromLabel(value: string | undefined): { stage: Stage; unknown?: string } {
  if (value === undefined || value.trim() === "") return { stage: "NONE" };
  const stage = STAGE_WORDS[value.trim().toLowerCase()];
  return stage === undefined ? { stage: "NONE", unknown: value } : { stage };
}

export function aliasLabel(alias: string): string {
  return `${OWN_LABELS.aliasPrefix}${alias}`;
}

export function isOwnLabel(key: string): boolean {
  return key.startsWith(OWN_LABEL_PREFIX);
}

/** Labels as users see them: the adapter's own are shown as typed fields instead. */
export function userLabels(labels: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(labels)) if (!isOwnLabel(k)) out[k] = v;
  return out;
}

/** Alias names the adapter writes: letters, digits, `_ - .`, starting with a letter or digit. */
export const ALIAS_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;
/** BentoML's own pointer, shown as an alias, moved by BentoML on every save. */
export const LATEST_ALIAS = "latest";
