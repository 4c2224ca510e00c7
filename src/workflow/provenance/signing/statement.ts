/**
 * The signed content of an OpenSSF model signature (`model_signing` 1.x): an in-toto Statement v1
 * whose predicate lists every file (or file shard) of the model with its digest, and whose one
 * subject carries the root digest: SHA-256 over the raw bytes of the resource digests, in the
 * order they are listed. Also reads the legacy `https://model_signing/Digests/v0.1` predicate,
 * where every file is a subject of its own.
 */
import { createHash } from "node:crypto";

export const IN_TOTO_PAYLOAD_TYPE = "application/vnd.in-toto+json";
export const IN_TOTO_STATEMENT_TYPE = "https://in-toto.io/Statement/v1";
export const PREDICATE_V1 = "https://model_signing/signature/v1.0";
export const PREDICATE_V01 = "https://model_signing/Digests/v0.1";

/** Paths model_signing leaves out by default (its `--ignore-git-paths`). */
export const GIT_PATHS = [".git", ".github", ".gitattributes", ".gitignore"] as const;

export interface SignedResource {
  /** Path relative to the model directory with `/` separators; for shards "path:start:end". */
  name: string;
  algorithm: string;
  /** Lower-case hex. */
  digest: string;
}

export interface SignedManifest {
  predicateType: typeof PREDICATE_V1 | typeof PREDICATE_V01;
  /** The subject's name (the model directory's name); a constant for v0.1. */
  modelName: string;
  /** The subject digest (v1.0), or, for v0.1, the same SHA-256 over the listed digests. */
  rootDigest: string;
  method: "files" | "shards";
  hashType: string;
  allowSymlinks: boolean;
  /** Paths (relative to the model directory) the signer left out. */
  ignorePaths: string[];
  /** Shard size, for the shards method. */
  shardSize?: number;
  resources: SignedResource[];
}

/** A statement that cannot be a model signature: what is wrong with it. */
export class ManifestError extends Error {
  constructor(
    message: string,
    readonly code: "MALFORMED" | "MANIFEST_INCONSISTENT" | "UNSUPPORTED",
  ) {
    super(message);
    this.name = "ManifestError";
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const HEX = /^[0-9a-f]+$/;

function str(v: unknown, what: string): string {
  if (typeof v !== "string" || v === "") throw new ManifestError(`${what} is missing or not a string`, "MALFORMED");
  return v;
}

function hex(v: unknown, what: string): string {
  const s = str(v, what).toLowerCase();
  if (!HEX.test(s) || s.length % 2 !== 0) throw new ManifestError(`${what} is not a hex digest`, "MALFORMED");
  return s;
}

/** SHA-256 (hex) of the raw bytes of the given hex digests, concatenated in order. */
export function rootDigestOf(digests: readonly string[]): string {
  const h = createHash("sha256");
  for (const d of digests) h.update(Buffer.from(d, "hex"));
  return h.digest("hex");
}

/** Reads the DSSE payload (the statement's JSON bytes) into a manifest, checking it is consistent. */
export function parseStatement(payload: Buffer): SignedManifest {
  let statement: unknown;
  try {
    statement = JSON.parse(payload.toString("utf8"));
  } catch (err) {
    throw new ManifestError(`the signed payload is not JSON (${(err as Error).message})`, "MALFORMED");
  }
  if (!isObject(statement)) throw new ManifestError("the signed payload is not a JSON object", "MALFORMED");
  if (statement._type !== IN_TOTO_STATEMENT_TYPE) {
    throw new ManifestError(`the signed payload is not an in-toto statement v1 (_type ${JSON.stringify(statement._type)})`, "MALFORMED");
  }
  const subjects = statement.subject;
  if (!Array.isArray(subjects) || subjects.length === 0) throw new ManifestError("the statement has no subject", "MALFORMED");
  if (statement.predicateType === PREDICATE_V01) return parseLegacy(subjects);
  if (statement.predicateType !== PREDICATE_V1) {
    throw new ManifestError(
      `predicate type ${JSON.stringify(statement.predicateType)} is not a model signature (expected ${PREDICATE_V1} or ${PREDICATE_V01})`,
      "UNSUPPORTED",
    );
  }
  if (subjects.length !== 1) throw new ManifestError(`expected one subject, got ${subjects.length}`, "MALFORMED");
  const subject = subjects[0] as unknown;
  if (!isObject(subject) || !isObject(subject.digest)) throw new ManifestError("the subject has no digest", "MALFORMED");
  const modelName = str(subject.name, "subject.name");
  const rootDigest = hex(subject.digest.sha256, "subject.digest.sha256");
  const predicate = statement.predicate;
  if (!isObject(predicate) || !isObject(predicate.serialization) || !Array.isArray(predicate.resources)) {
    throw new ManifestError("the predicate has no serialization or resources", "MALFORMED");
  }
  const s = predicate.serialization;
  const method = str(s.method, "serialization.method");
  if (method !== "files" && method !== "shards") throw new ManifestError(`serialization method "${method}" is not supported (files, shards)`, "UNSUPPORTED");
  const hashType = str(s.hash_type, "serialization.hash_type");
  const allowSymlinks = s.allow_symlinks === true || s.allow_symlinks === "true";
  const ignorePaths = Array.isArray(s.ignore_paths) ? s.ignore_paths.filter((p): p is string => typeof p === "string") : [];
  let shardSize: number | undefined;
  if (method === "shards") {
    shardSize = Number(s.shard_size);
    if (!Number.isInteger(shardSize) || shardSize <= 0) throw new ManifestError("serialization.shard_size is not a positive integer", "MALFORMED");
  }
  const resources = predicate.resources.map((r: unknown, i): SignedResource => {
    if (!isObject(r)) throw new ManifestError(`resources[${i}] is not an object`, "MALFORMED");
    return { name: str(r.name, `resources[${i}].name`), algorithm: str(r.algorithm, `resources[${i}].algorithm`), digest: hex(r.digest, `resources[${i}].digest`) };
  });
  const computed = rootDigestOf(resources.map((r) => r.digest));
  if (computed !== rootDigest) {
    throw new ManifestError(
      `the manifest is inconsistent: the subject digest is ${rootDigest}, but the listed resources hash to ${computed}`,
      "MANIFEST_INCONSISTENT",
    );
  }
  return {
    predicateType: PREDICATE_V1,
    modelName,
    rootDigest,
    method,
    hashType,
    allowSymlinks,
    ignorePaths,
    ...(shardSize === undefined ? {} : { shardSize }),
    resources,
  };
}

function parseLegacy(subjects: unknown[]): SignedManifest {
  const resources = subjects.map((s, i): SignedResource => {
    if (!isObject(s) || !isObject(s.digest)) throw new ManifestError(`subject[${i}] has no digest`, "MALFORMED");
    return { name: str(s.name, `subject[${i}].name`), algorithm: "sha256", digest: hex(s.digest.sha256, `subject[${i}].digest.sha256`) };
  });
  return {
    predicateType: PREDICATE_V01,
    modelName: "compat-undefined-not-present",
    rootDigest: rootDigestOf(resources.map((r) => r.digest)),
    method: "files",
    hashType: "sha256",
    allowSymlinks: false,
    ignorePaths: [...GIT_PATHS],
    resources,
  };
}
