/**
 * What Vertex AI has no field for lives in the version's `Model.metadata` (a google.protobuf.Value,
 * immutable once uploaded, like the registration it records), under the key `modelgate`:
 *
 *   { "modelgate": { "v": 1, "generationConfig": {...}, "params": {...}, "metrics": {...},
 *                    "lineage": {...}, "createdBy": "alice", "reason": "..." } }
 *
 * Labels cannot hold JSON (64 lowercase characters), and the version description is the user's.
 * Read back with zod: metadata that does not parse is reported (logged) and the version is served
 * without those fields, instead of served half-parsed.
 */
import { z } from "zod";
import { generationConfigSchema, lineageSchema, type GenerationConfig, type Lineage } from "../../src/core/index.js";
import { fromProtoValue, toProtoValue, type Json, type ProtoValue } from "./protobuf-value.js";

export const METADATA_KEY = "modelgate";
const FORMAT_VERSION = 1;

const recordSchema = z.strictObject({
  v: z.literal(FORMAT_VERSION),
  generationConfig: generationConfigSchema.optional(),
  params: z.record(z.string(), z.unknown()).optional(),
  metrics: z.record(z.string(), z.number().finite()).optional(),
  lineage: lineageSchema.optional(),
  createdBy: z.string().optional(),
  reason: z.string().optional(),
});

export interface VersionRecord {
  generationConfig?: GenerationConfig;
  params?: Record<string, unknown>;
  metrics?: Record<string, number>;
  lineage?: Lineage;
  createdBy?: string;
  reason?: string;
}

export type DecodedRecord = { ok: true; record: VersionRecord } | { ok: false; problem: string };

/** The Model.metadata of a new version; values must be JSON (register-input.ts checks). */
export function encodeVersionRecord(record: VersionRecord): ProtoValue {
  const body: Record<string, unknown> = { v: FORMAT_VERSION };
  if (record.generationConfig !== undefined) body["generationConfig"] = record.generationConfig;
  for (const key of ["params", "metrics", "lineage"] as const) {
    const value = record[key];
    if (value !== undefined && Object.keys(value).length > 0) body[key] = value;
  }
  if (record.createdBy) body["createdBy"] = record.createdBy;
  if (record.reason) body["reason"] = record.reason;
  // Through JSON: drops `undefined` members, as a protobuf Struct cannot hold them.
  return toProtoValue({ [METADATA_KEY]: JSON.parse(JSON.stringify(body)) as Json });
}

/** The record in a version's metadata; an empty record when the version has none of ours. */
export function decodeVersionRecord(metadata: ProtoValue | null | undefined): DecodedRecord {
  const json = fromProtoValue(metadata);
  if (json === null || typeof json !== "object" || Array.isArray(json) || !(METADATA_KEY in json)) return { ok: true, record: {} };
  const parsed = recordSchema.safeParse(json[METADATA_KEY]);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const at = issue?.path.length ? `${METADATA_KEY}.${issue.path.map(String).join(".")}` : METADATA_KEY;
    return { ok: false, problem: `${at}: ${issue?.message ?? "invalid"}` };
  }
  const { v: _v, generationConfig, ...rest } = parsed.data;
  const record: VersionRecord = {};
  for (const [k, v] of Object.entries(rest)) if (v !== undefined) (record as Record<string, unknown>)[k] = v;
  if (generationConfig) record.generationConfig = toGenerationConfig(generationConfig);
  return { ok: true, record };
}

function toGenerationConfig(c: z.output<typeof generationConfigSchema>): GenerationConfig {
  return {
    model: c.model,
    params: c.params,
    ...(c.promptRef === undefined ? {} : { promptRef: c.promptRef }),
    ...(c.toolsRef === undefined ? {} : { toolsRef: c.toolsRef }),
    ...(c.approvedBy === undefined ? {} : { approvedBy: c.approvedBy }),
    ...(c.eval === undefined
      ? {}
      : {
          eval: {
            suite: c.eval.suite,
            score: c.eval.score,
            ...(c.eval.run === undefined ? {} : { run: c.eval.run }),
            ...(c.eval.artifactUri === undefined ? {} : { artifactUri: c.eval.artifactUri }),
          },
        }),
  };
}
