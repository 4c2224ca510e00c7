/**
 * A version's CustomerMetadataProperties: SageMaker's only free key-value store on a model package
 * (tags on versioned packages are not readable on every SageMaker service). What the gateway keeps
 * there, by key:
 *
 * - `modelgate:stage`, `modelgate:created-by`: the gateway stage and who registered the version.
 * - `modelgate:approval-id`: the gateway promotion (or rollback) request whose approval the last
 *   approved stage write applied (its approvers are in the ApprovalDescription, ./writes.ts).
 * - `modelgate:copy-request-id`: the gateway copy request that registered the version (a copy
 *   finds the version by it after a crash; docs/lifecycle.md#cross-registry-copies).
 * - `modelgate:lineage:<runLink|datasetHash|parentModel|teacherModel>`: lineage SageMaker has no field for.
 * - `modelgate:generation-config:<i>` (+ `…:chunks`): the generation config, canonical JSON in
 *   base64, cut in chunks of 256 characters (SageMaker's value limit).
 * - `param:<name>`, `metric:<name>`: the registration's params (as text) and metrics.
 * - any other key: a version tag (also tags set natively in SageMaker).
 *
 * SageMaker allows at most 50 entries, keys of 1-128 and values of 1-256 characters from
 * `[\p{L}\p{Z}\p{N}_.:/=+\-@]`. A value outside that set (a URL with a query string, an empty
 * string, JSON) is stored as `b64:` + its UTF-8 in base64, which the set allows.
 */
import { InvalidInputError, generationConfigSchema, isStage, type GenerationConfig, type Lineage, type Stage } from "../../src/core/index.js";

export const MAX_ENTRIES = 50;
export const MAX_KEY = 128;
export const MAX_VALUE = 256;
/** SageMaker's character set of metadata keys and values (and of tag keys and values). */
export const METADATA_CHARS_RE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

export const OWN_PREFIX = "modelgate:";
export const PARAM_PREFIX = "param:";
export const METRIC_PREFIX = "metric:";
const ENCODED_PREFIX = "b64:";

export const KEYS = {
  stage: "modelgate:stage",
  createdBy: "modelgate:created-by",
  approvalId: "modelgate:approval-id",
  copyRequestId: "modelgate:copy-request-id",
  generationConfigChunks: "modelgate:generation-config:chunks",
  generationConfigChunk: (i: number) => `modelgate:generation-config:${i}`,
  lineage: (field: ExtraLineageField) => `modelgate:lineage:${field}`,
} as const;

const EXTRA_LINEAGE = ["runLink", "datasetHash", "parentModel", "teacherModel"] as const;
export type ExtraLineageField = (typeof EXTRA_LINEAGE)[number];

/** Keys a tag may not have: they hold the gateway's own fields. */
export function isReservedKey(key: string): boolean {
  return key.startsWith(OWN_PREFIX) || key.startsWith(PARAM_PREFIX) || key.startsWith(METRIC_PREFIX);
}

export function isStorableKey(key: string): boolean {
  return key.length >= 1 && key.length <= MAX_KEY && METADATA_CHARS_RE.test(key);
}

/** A value as stored: itself when SageMaker takes it, else `b64:` + base64; undefined when too long either way. */
export function encodeValue(value: string): string | undefined {
  if (value.length >= 1 && value.length <= MAX_VALUE && METADATA_CHARS_RE.test(value) && !value.startsWith(ENCODED_PREFIX)) return value;
  const encoded = ENCODED_PREFIX + Buffer.from(value, "utf8").toString("base64");
  return encoded.length <= MAX_VALUE ? encoded : undefined;
}

export function decodeValue(stored: string): string {
  if (!stored.startsWith(ENCODED_PREFIX)) return stored;
  return Buffer.from(stored.slice(ENCODED_PREFIX.length), "base64").toString("utf8");
}

/** JSON with object keys sorted at every level: equal configs give equal text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = sortKeys(v);
    }
    return out;
  }
  return value;
}

/** A param as text: strings as they are, other values as JSON (params read back as text, as in MLflow). */
function paramText(value: unknown): string {
  return typeof value === "string" ? value : canonicalJson(value);
}

export interface MetadataInput {
  tags?: Record<string, string>;
  params?: Record<string, unknown>;
  metrics?: Record<string, number>;
  lineage?: Lineage;
  generationConfig?: GenerationConfig;
  createdBy?: string;
  copyRequestId?: string;
  stage: Stage;
}

/** The CustomerMetadataProperties of a new version; throws INVALID_INPUT naming the field SageMaker would refuse. */
export function encodeMetadata(input: MetadataInput, backend: string): Record<string, string> {
  const out: Record<string, string> = {};
  const fail = (field: string, message: string): never => {
    throw new InvalidInputError(`${field}: ${message}`, { backend, field });
  };
  const put = (field: string, key: string, value: string) => {
    if (!isStorableKey(key)) {
      fail(field, `"${key}" cannot be a SageMaker metadata key: at most ${MAX_KEY} characters of letters, digits, spaces and _ . : / = + - @`);
    }
    const stored = encodeValue(value);
    if (stored === undefined) fail(field, `is too long for SageMaker (a metadata value holds at most ${MAX_VALUE} characters, fewer when it needs encoding)`);
    out[key] = stored as string;
  };

  put("stage", KEYS.stage, input.stage);
  if (input.createdBy !== undefined && input.createdBy !== "") put("actor", KEYS.createdBy, input.createdBy);
  if (input.copyRequestId !== undefined) put("copyRequestId", KEYS.copyRequestId, input.copyRequestId);
  for (const [key, value] of Object.entries(input.tags ?? {})) {
    if (typeof value !== "string") fail(`tags.${key}`, "tag values are strings");
    if (isReservedKey(key)) fail(`tags.${key}`, `tag keys starting "${OWN_PREFIX}", "${PARAM_PREFIX}" or "${METRIC_PREFIX}" hold the gateway's own fields`);
    put(`tags.${key}`, key, value);
  }
  for (const [name, value] of Object.entries(input.params ?? {})) {
    if (value === undefined) continue;
    put(`params.${name}`, PARAM_PREFIX + name, paramText(value));
  }
  for (const [name, value] of Object.entries(input.metrics ?? {})) {
    if (typeof value !== "number" || !Number.isFinite(value)) fail(`metrics.${name}`, "metrics are finite numbers");
    put(`metrics.${name}`, METRIC_PREFIX + name, String(value));
  }
  for (const field of EXTRA_LINEAGE) {
    const value = input.lineage?.[field];
    if (value === undefined || value === "") continue;
    if (typeof value !== "string") fail(`lineage.${field}`, "must be a string");
    put(`lineage.${field}`, KEYS.lineage(field), value);
  }
  if (input.generationConfig !== undefined) {
    const chunks = generationConfigChunks(input.generationConfig);
    chunks.forEach((chunk, i) => {
      out[KEYS.generationConfigChunk(i)] = chunk;
    });
    out[KEYS.generationConfigChunks] = String(chunks.length);
  }
  const count = Object.keys(out).length;
  if (count > MAX_ENTRIES) {
    const genCount = input.generationConfig === undefined ? 0 : Number(out[KEYS.generationConfigChunks]) + 1;
    throw new InvalidInputError(
      `the version needs ${count} SageMaker metadata entries (tags, params, metrics, lineage${genCount ? `, ${genCount} for the generation config` : ""} and the gateway's own), but SageMaker keeps at most ${MAX_ENTRIES} per version`,
      { backend },
    );
  }
  return out;
}

export function generationConfigChunks(config: GenerationConfig): string[] {
  const text = Buffer.from(canonicalJson(config), "utf8").toString("base64");
  const chunks: string[] = [];
  for (let at = 0; at < text.length; at += MAX_VALUE) chunks.push(text.slice(at, at + MAX_VALUE));
  return chunks;
}

export type Decoded<T> = { ok: true; value: T } | { ok: false; problem: string };

export function decodeGenerationConfig(cmp: Readonly<Record<string, string>>): Decoded<GenerationConfig> | undefined {
  const countText = cmp[KEYS.generationConfigChunks];
  if (countText === undefined) return undefined;
  const count = Number(countText);
  if (!Number.isInteger(count) || count < 1 || count > MAX_ENTRIES) return { ok: false, problem: `"${KEYS.generationConfigChunks}" is not a chunk count: ${JSON.stringify(countText)}` };
  let text = "";
  for (let i = 0; i < count; i++) {
    const chunk = cmp[KEYS.generationConfigChunk(i)];
    if (chunk === undefined) return { ok: false, problem: `chunk "${KEYS.generationConfigChunk(i)}" of ${count} is missing` };
    text += chunk;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(text, "base64").toString("utf8"));
  } catch (err) {
    return { ok: false, problem: `its chunks are not base64 JSON (${(err as Error).message})` };
  }
  const parsed = generationConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const at = issue?.path.length ? issue.path.map(String).join(".") : "(top level)";
    return { ok: false, problem: `${at}: ${issue?.message ?? "invalid"}` };
  }
  const c = parsed.data;
  return {
    ok: true,
    value: {
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
    },
  };
}

export interface DecodedMetadata {
  /** `modelgate:stage` when it names a stage. */
  stage?: Stage;
  createdBy?: string;
  copyRequestId?: string;
  tags: Record<string, string>;
  params: Record<string, string>;
  metrics: Record<string, number>;
  lineage: Pick<Lineage, ExtraLineageField>;
  generationConfig?: Decoded<GenerationConfig>;
}

export function decodeMetadata(cmp: Readonly<Record<string, string>> | undefined): DecodedMetadata {
  const out: DecodedMetadata = { tags: {}, params: {}, metrics: {}, lineage: {} };
  const all = cmp ?? {};
  for (const [key, stored] of Object.entries(all)) {
    const value = decodeValue(stored);
    if (key.startsWith(PARAM_PREFIX)) out.params[key.slice(PARAM_PREFIX.length)] = value;
    else if (key.startsWith(METRIC_PREFIX)) {
      const n = Number(value);
      if (value.trim() !== "" && Number.isFinite(n)) out.metrics[key.slice(METRIC_PREFIX.length)] = n;
      else out.tags[key] = value; // not a number: shown as it is rather than dropped
    } else if (!key.startsWith(OWN_PREFIX)) out.tags[key] = value;
  }
  const stage = all[KEYS.stage];
  if (isStage(stage)) out.stage = stage;
  const createdBy = all[KEYS.createdBy];
  if (createdBy !== undefined) out.createdBy = decodeValue(createdBy);
  const copyRequestId = all[KEYS.copyRequestId];
  if (copyRequestId !== undefined) out.copyRequestId = decodeValue(copyRequestId);
  for (const field of EXTRA_LINEAGE) {
    const stored = all[KEYS.lineage(field)];
    if (stored !== undefined) out.lineage[field] = decodeValue(stored);
  }
  const generationConfig = decodeGenerationConfig(all);
  if (generationConfig !== undefined) out.generationConfig = generationConfig;
  return out;
}
