/**
 * BentoML's `metadata` (free-form: "training context information or model evaluation metrics") as
 * the gateway's params, metrics and lineage.
 *
 * Reading, for metadata written by anyone:
 *   - `metadata.metrics` (a mapping): its finite numbers are metrics;
 *   - `metadata.params` (a mapping): its entries are params;
 *   - `metadata.lineage` (a mapping): run_id, run_link, code_commit, dataset_hash, parent_model;
 *   - any other top-level entry: a finite number is a metric (`auc: 0.91`), anything else a param
 *     (`dataset: v3`, `layers: [64, 32]`). Nested entries win over top-level ones of the same name.
 * Writing (registerVersion): params, metrics and lineage go under those three keys, so a numeric
 * param (`max_tokens: 300`) reads back as a param, not a metric.
 */
import type { Lineage } from "modelgate/core";
import { PyTimestamp } from "./pyyaml.js";

export const METADATA_KEYS = { params: "params", metrics: "metrics", lineage: "lineage" } as const;

const LINEAGE_KEYS: Record<string, keyof Lineage> = {
  run_id: "runId",
  run_link: "runLink",
  code_commit: "codeCommit",
  dataset_hash: "datasetHash",
  parent_model: "parentModel",
};
const LINEAGE_FIELDS = Object.fromEntries(Object.entries(LINEAGE_KEYS).map(([snake, camel]) => [camel, snake])) as Record<keyof Lineage, string>;

export function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof PyTimestamp);
}

/** A value as JSON can carry it: timestamps as written, non-finite floats as their names. */
export function toJsonValue(value: unknown): unknown {
  if (value instanceof PyTimestamp) return value.text;
  if (typeof value === "number" && !Number.isFinite(value)) return Number.isNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity";
  if (Array.isArray(value)) return value.map(toJsonValue);
  if (isMapping(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJsonValue(v)]));
  return value;
}

const isMetric = (value: unknown): value is number => typeof value === "number" && Number.isFinite(value);

export interface SplitMetadata {
  params: Record<string, unknown>;
  metrics: Record<string, number>;
  lineage: Lineage;
}

export function splitMetadata(metadata: Record<string, unknown>): SplitMetadata {
  const params: Record<string, unknown> = {};
  const metrics: Record<string, number> = {};
  const lineage: Lineage = {};
  for (const [key, value] of Object.entries(metadata)) {
    if (key === METADATA_KEYS.params && isMapping(value)) continue;
    if (key === METADATA_KEYS.metrics && isMapping(value)) continue;
    if (key === METADATA_KEYS.lineage && isMapping(value)) continue;
    if (isMetric(value)) metrics[key] = value;
    else params[key] = toJsonValue(value);
  }
  const nestedParams = metadata[METADATA_KEYS.params];
  if (isMapping(nestedParams)) for (const [key, value] of Object.entries(nestedParams)) params[key] = toJsonValue(value);
  const nestedMetrics = metadata[METADATA_KEYS.metrics];
  if (isMapping(nestedMetrics)) {
    for (const [key, value] of Object.entries(nestedMetrics)) {
      if (isMetric(value)) metrics[key] = value;
      else params[`${METADATA_KEYS.metrics}.${key}`] = toJsonValue(value);
    }
  }
  const nestedLineage = metadata[METADATA_KEYS.lineage];
  if (isMapping(nestedLineage)) {
    for (const [key, value] of Object.entries(nestedLineage)) {
      const field = LINEAGE_KEYS[key];
      if (field !== undefined && typeof value === "string") lineage[field] = value;
      else params[`${METADATA_KEYS.lineage}.${key}`] = toJsonValue(value);
    }
  }
  return { params, metrics, lineage };
}

/** The metadata of a registration: `base` (an imported model's) with params, metrics and lineage merged in. */
export function buildMetadata(
  base: Record<string, unknown>,
  input: { params?: Record<string, unknown>; metrics?: Record<string, number>; lineage?: Lineage },
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  const merge = (key: string, add: Record<string, unknown>) => {
    if (Object.keys(add).length === 0) return;
    const existing = out[key];
    out[key] = { ...(isMapping(existing) ? existing : {}), ...add };
  };
  merge(METADATA_KEYS.params, input.params ?? {});
  merge(METADATA_KEYS.metrics, input.metrics ?? {});
  const lineage: Record<string, string> = {};
  for (const [field, value] of Object.entries(input.lineage ?? {})) {
    const key = LINEAGE_FIELDS[field as keyof Lineage];
    if (key !== undefined && typeof value === "string" && value !== "") lineage[key] = value;
  }
  merge(METADATA_KEYS.lineage, lineage);
  return out;
}
