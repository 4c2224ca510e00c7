/**
 * Tags are Vertex AI labels, and the gateway's stage is the label `modelgate-stage`. Labels are
 * the only thing Vertex AI filters on server-side, and they have a narrow character set, so tags
 * are checked against it (InvalidInput naming the tag) rather than encoded: an encoded tag would
 * neither read nor filter as itself in the Vertex AI console or API.
 */
import { InvalidInputError, STAGES, type Stage, type Tags, type WriteApproval } from "../../src/core/index.js";

/** Labels under this prefix are the adapter's own: shown as typed fields, not as tags. */
export const OWN_LABEL_PREFIX = "modelgate-";

export const OWN_LABELS = {
  /** The gateway stage, lower-case: none, staging, shadow, production, archived. */
  stage: "modelgate-stage",
  /** A unique id per registration: finds the version an upload whose answer was lost made. */
  requestId: "modelgate-request-id",
  /** The gateway promotion (or rollback) request whose approval the last approved stage write applied (label-safe). */
  approvalId: "modelgate-approval-id",
  /** Its approvers, each label-safe, joined by "--" (lossy: see approvalLabels). */
  approvedBy: "modelgate-approved-by",
  /** When the last approval was made, in Unix seconds. */
  approvedAt: "modelgate-approved-at",
  /** The gateway copy request that registered the version (a UUID, label-safe as it is): a copy finds the version by it after a crash. */
  copyRequestId: "modelgate-copy-request-id",
} as const;

export const MAX_LABEL_LENGTH = 64;

/**
 * Label keys and values: lowercase letters (international ones included), digits, '_' and '-', at
 * most 64 characters; keys start with a letter (Google Cloud's label rules).
 */
const LABEL_VALUE_RE = /^[\p{Ll}\p{Lo}\p{Lm}\p{Mn}\p{Nd}_-]*$/u;
const LABEL_KEY_START_RE = /^[\p{Ll}\p{Lo}]/u;

/** Why `key: value` cannot be a label, or undefined when it can. */
export function labelProblem(key: string, value: string): string | undefined {
  if (key === "") return "label keys must not be empty";
  if (!LABEL_KEY_START_RE.test(key)) return "label keys must start with a lowercase letter";
  if (!LABEL_VALUE_RE.test(key)) return "label keys may only contain lowercase letters, digits, '_' and '-'";
  if ([...key].length > MAX_LABEL_LENGTH) return `label keys are at most ${MAX_LABEL_LENGTH} characters`;
  if (!LABEL_VALUE_RE.test(value)) return "label values may only contain lowercase letters, digits, '_' and '-'";
  if ([...value].length > MAX_LABEL_LENGTH) return `label values are at most ${MAX_LABEL_LENGTH} characters`;
  return undefined;
}

/** Tags as labels; InvalidInput naming the first tag that cannot be one (or that is the adapter's own). */
export function tagsAsLabels(tags: Tags | undefined, backend: string, field = "tags"): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const [key, value] of Object.entries(tags ?? {})) {
    const at = `${field}.${key}`;
    if (typeof value !== "string") throw new InvalidInputError(`${at}: tag values are strings`, { backend, field: at });
    if (key.startsWith(OWN_LABEL_PREFIX)) {
      throw new InvalidInputError(`${at}: tags starting with "${OWN_LABEL_PREFIX}" belong to the gateway (stage, request id)`, { backend, field: at });
    }
    const problem = labelProblem(key, value);
    if (problem) {
      throw new InvalidInputError(`${at}: tag "${key}"="${value}" cannot be a Vertex AI label: ${problem}`, { backend, field: at });
    }
    labels[key] = value;
  }
  return labels;
}

/** Labels as users see them, as tags: the adapter's own labels are shown as typed fields instead. */
export function userTags(labels: Readonly<Record<string, string>> | null | undefined): Tags {
  const out: Tags = {};
  for (const [k, v] of Object.entries(labels ?? {})) if (!k.startsWith(OWN_LABEL_PREFIX)) out[k] = v;
  return out;
}

export function stageLabelValue(stage: Stage): string {
  return stage.toLowerCase();
}

/** The stage a `modelgate-stage` label value names; NONE when absent or not a stage (the label stays visible then). */
export function stageOfLabels(labels: Readonly<Record<string, string>> | null | undefined): { stage: Stage; recognised: boolean } {
  const raw = labels?.[OWN_LABELS.stage];
  if (raw === undefined) return { stage: "NONE", recognised: true };
  const stage = STAGES.find((s) => s.toLowerCase() === raw);
  return stage === undefined ? { stage: "NONE", recognised: false } : { stage, recognised: true };
}

/** `labels."key"="value"` terms joined by AND (keys quoted: label keys hold '-'). */
export function labelFilter(labels: Readonly<Record<string, string>>): string {
  return Object.entries(labels)
    .map(([k, v]) => `labels.${quote(k)}=${quote(v)}`)
    .join(" AND ");
}

function quote(text: string): string {
  return `"${text.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}

/**
 * `text` as a label value: lower-cased, each run of characters labels do not allow (`@`, `.`, spaces,
 * upper-case letters without a lower-case form) replaced by `_`, cut to 64 characters.
 */
export function labelSafe(text: string): string {
  const lowered = text.toLowerCase().replace(/[^\p{Ll}\p{Lo}\p{Lm}\p{Mn}\p{Nd}_-]+/gu, "_");
  return [...lowered].slice(0, MAX_LABEL_LENGTH).join("");
}

/**
 * The labels that record an approval on a version. Labels are the only field of a Vertex AI version
 * that can change after upload (Model.metadata is immutable), so they hold it, in label-safe form:
 * a request id (a UUID) is kept as it is; approver ids lose what labels cannot hold
 * ("Alice@Example.com" reads "alice_example_com") and a long list is cut at 64 characters. The
 * exact approvers are in the gateway's audit log under the same request id.
 */
export function approvalLabels(approval: WriteApproval): Record<string, string> {
  return {
    [OWN_LABELS.approvalId]: labelSafe(approval.requestId),
    [OWN_LABELS.approvedBy]: labelSafe(approval.approvedBy.map(labelSafe).join("--")),
    [OWN_LABELS.approvedAt]: String(Math.floor(approval.approvedAt.getTime() / 1000)),
  };
}
