/**
 * The schema of a model file, `models/<name>.yaml`: one registered model with all its versions.
 * Objects are strict so a misspelt key ("promt_ref") is reported rather than silently ignored.
 */
import { z } from "zod";
import { parseRef } from "../../src/core/index.js";

/** Registered model names: also the file name, so no path separators. */
export const MODEL_NAME_RE = /^[a-zA-Z0-9][a-zA-Z0-9._-]{0,127}$/;
export const ALIAS_RE = /^[a-zA-Z0-9_-]{1,64}$/;
/** Alias names the registry keeps for itself: `latest` always means the highest version. */
export const RESERVED_ALIASES: readonly string[] = ["latest"];
/** A string version ("v2", "2026-06-10"); numeric versions are plain non-negative integers. */
export const VERSION_RE = /^[a-zA-Z0-9][a-zA-Z0-9._-]{0,63}$/;
/** Numeric versions, compared as numbers ("014" is a string version). */
export const NUMERIC_VERSION_RE = /^(0|[1-9][0-9]*)$/;

export const STATUSES = ["draft", "staging", "shadow", "production", "retired"] as const;
export type Status = (typeof STATUSES)[number];

export function isReservedAlias(alias: string): boolean {
  return RESERVED_ALIASES.includes(alias.toLowerCase());
}

/** A version written as a number (14) or a string ("v2"), normalized to its string form. */
const versionId = z.unknown().transform((value, ctx): string => {
  if (typeof value === "number" && Number.isSafeInteger(value) && value >= 0) return String(value);
  if (typeof value === "string" && VERSION_RE.test(value)) return value;
  ctx.addIssue({
    code: "custom",
    message:
      value === undefined
        ? "is missing: every version needs a version number or name"
        : `${JSON.stringify(value)} is not a version: use a non-negative integer or letters, digits, ".", "_" and "-"`,
  });
  return z.NEVER;
});

/** Tag values and ids people write unquoted (`tier: 1`) are kept as their text. */
const scalarText = z.unknown().transform((value, ctx): string => {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  ctx.addIssue({ code: "custom", message: `expected a string, got ${describe(value)}` });
  return z.NEVER;
});

const ref = z
  .string()
  .refine((value) => parseRef(value) !== undefined, { message: 'expected "name@version", e.g. "triage-prompt@v9"' });

const timestamp = z
  .string()
  .refine((value) => !Number.isNaN(Date.parse(value)), { message: "expected an ISO 8601 timestamp" });

const tagsSchema = z.record(z.string(), scalarText);

const evalSchema = z.strictObject({
  suite: z.string().min(1),
  score: z.number(),
  run: scalarText.optional(),
  artifact_uri: z.string().optional(),
});

/** Model card sections as the gateway mirrors them (docs/provenance.md#model-cards). */
const cardSchema = z.record(z.string().regex(/^[a-z][a-z_]*$/, "card sections are snake_case names"), z.string());

const lineageSchema = z.strictObject({
  run_id: scalarText.optional(),
  run_link: z.string().optional(),
  code_commit: scalarText.optional(),
  dataset_hash: scalarText.optional(),
  parent_model: z.string().optional(),
  teacher_model: z.string().optional(),
});

export const versionEntrySchema = z.strictObject({
  version: versionId,
  /** Pinned provider model id: present when the version is an LLM generation config. */
  model: z
    .string()
    .min(1)
    .refine((value) => value.trim() === value, { message: "must not start or end with whitespace" })
    .optional(),
  prompt_ref: ref.optional(),
  tools_ref: ref.optional(),
  params: z.record(z.string(), z.unknown()).default({}),
  eval: evalSchema.optional(),
  approved_by: z.string().min(1).optional(),
  status: z.enum(STATUSES).default("draft"),
  description: z.string().optional(),
  artifact_uri: z.string().min(1).optional(),
  tags: tagsSchema.default({}),
  metrics: z.record(z.string(), z.number()).default({}),
  lineage: lineageSchema.default({}),
  created_at: timestamp.optional(),
  created_by: z.string().min(1).optional(),
  /** The gateway copy request that registered this version (a copy finds it by this after a crash; docs/lifecycle.md#cross-registry-copies). */
  copy_request: z.string().min(1).optional(),
  /** Human-written model card sections of this version (snake_case section -> markdown), mirrored by the gateway. */
  card: cardSchema.optional(),
});

export const modelFileSchema = z
  .strictObject({
    name: z.string().regex(MODEL_NAME_RE, "must start with a letter or digit and hold only letters, digits, '.', '_' or '-' (at most 128)"),
    description: z.string().optional(),
    tags: tagsSchema.default({}),
    /** Human-written model card sections of the model (shown on every version without its own). */
    card: cardSchema.optional(),
    aliases: z
      .record(
        z
          .string()
          .regex(ALIAS_RE, "alias names are 1-64 letters, digits, '_' or '-'")
          .refine((alias) => !isReservedAlias(alias), { message: '"latest" is reserved: it always means the highest version' }),
        versionId,
      )
      .default({}),
    versions: z.array(versionEntrySchema).default([]),
  })
  .superRefine((file, ctx) => {
    const seen = new Map<string, number>();
    file.versions.forEach((entry, index) => {
      const first = seen.get(entry.version);
      if (first !== undefined) {
        ctx.addIssue({
          code: "custom",
          path: ["versions", index, "version"],
          message: `duplicate version ${entry.version} (already at versions[${first}])`,
        });
      } else {
        seen.set(entry.version, index);
      }
    });
  });

export type ModelFileData = z.output<typeof modelFileSchema>;
export type VersionEntryData = z.output<typeof versionEntrySchema>;

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  return typeof value === "object" ? "a map" : typeof value;
}
