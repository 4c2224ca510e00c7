/** The fake's in-memory registry state, and the Model messages it is read as. */
import { createHash } from "node:crypto";
import { invalidArgument } from "./rpc-error.js";
import { DEFAULT_ALIAS } from "./rules.js";

/** google.protobuf.Timestamp as proto-loader encodes it (longs as strings). */
export interface Timestamp {
  seconds: string;
  nanos: number;
}

export interface StoredEvaluation {
  id: string;
  display_name: string;
  metrics_schema_uri: string;
  metrics: unknown;
  slice_dimensions: string[];
  data_item_schema_uri: string;
  annotation_schema_uri: string;
  metadata: unknown;
  createTime: number;
}

export interface StoredVersion {
  versionId: string;
  aliases: string[];
  versionDescription: string;
  /** Version labels; what a read shows is the model's labels overlaid with these. */
  labels: Record<string, string>;
  artifactUri: string;
  metadataSchemaUri: string;
  /** google.protobuf.Value as received (immutable after upload), or null. */
  metadata: unknown;
  /** Input only: kept, never returned. */
  containerSpec: unknown;
  createTime: number;
  updateTime: number;
  /** Bumped on every change of this version; part of its etag. */
  revision: number;
  evaluations: StoredEvaluation[];
}

export interface StoredModel {
  location: string;
  id: string;
  /** Creation order across the fake, the tiebreak of every listing. */
  seq: number;
  displayName: string;
  description: string;
  labels: Record<string, string>;
  createTime: number;
  updateTime: number;
  revision: number;
  nextVersion: number;
  /** Ascending by version id. */
  versions: StoredVersion[];
}

/** Monotonic milliseconds: two writes never share a timestamp, so ordering by time is total. */
export class Clock {
  private last = 0;

  now(): number {
    this.last = Math.max(Date.now(), this.last + 1);
    return this.last;
  }
}

export function timestamp(ms: number): Timestamp {
  return { seconds: String(Math.floor(ms / 1000)), nanos: (ms % 1000) * 1_000_000 };
}

export function defaultVersion(model: StoredModel): StoredVersion {
  const found = model.versions.find((v) => v.aliases.includes(DEFAULT_ALIAS));
  if (!found) throw new Error(`invariant broken: model ${model.id} has no "${DEFAULT_ALIAS}" version`);
  return found;
}

/** The labels a read shows: model labels, overlaid by the version's own. */
export function mergedLabels(model: StoredModel, version: StoredVersion): Record<string, string> {
  return { ...model.labels, ...version.labels };
}

/** Changes whenever anything the version's Model message shows changes (model fields included). */
export function etagOf(model: StoredModel, version: StoredVersion): string {
  return createHash("sha256").update(`${model.location}/${model.id}/${model.revision}@${version.versionId}/${version.revision}`).digest("base64url").slice(0, 20);
}

/** The fields of a Model message the fake fills; the serializer leaves the others at their defaults. */
const MODEL_FIELDS = [
  "name",
  "version_id",
  "version_aliases",
  "version_create_time",
  "version_update_time",
  "display_name",
  "description",
  "version_description",
  "metadata_schema_uri",
  "metadata",
  "artifact_uri",
  "create_time",
  "update_time",
  "etag",
  "labels",
] as const;

export interface ModelMessageOptions {
  /** ListModelVersions names each version `models/{id}@{version_id}` (model_service.proto). */
  versionedName?: boolean;
  /** read_mask paths; empty reads everything. */
  readMask?: readonly string[];
}

/** A version as a google.cloud.aiplatform.v1.Model message. */
export function modelMessage(model: StoredModel, version: StoredVersion, opts: ModelMessageOptions = {}): Record<string, unknown> {
  const name = `${model.location}/models/${model.id}`;
  const full: Record<string, unknown> = {
    name: opts.versionedName ? `${name}@${version.versionId}` : name,
    version_id: version.versionId,
    version_aliases: [...version.aliases],
    version_create_time: timestamp(version.createTime),
    version_update_time: timestamp(version.updateTime),
    display_name: model.displayName,
    description: model.description,
    version_description: version.versionDescription,
    metadata_schema_uri: version.metadataSchemaUri,
    metadata: version.metadata,
    artifact_uri: version.artifactUri,
    create_time: timestamp(model.createTime),
    update_time: timestamp(model.updateTime),
    etag: etagOf(model, version),
    labels: mergedLabels(model, version),
  };
  const mask = opts.readMask ?? [];
  if (mask.length === 0) return full;
  const keep = new Set(mask.map((p) => snakeCase(p)));
  for (const path of keep) {
    if (!(MODEL_FIELDS as readonly string[]).includes(path)) throw invalidArgument(`read_mask: "${path}" is not a readable field of Model`);
  }
  return Object.fromEntries(Object.entries(full).filter(([k]) => keep.has(k)));
}

export function snakeCase(path: string): string {
  return path.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}
