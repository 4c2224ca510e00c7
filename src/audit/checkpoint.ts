/**
 * Checkpoints: signed statements of the audit trail's head, kept outside the database, so that a
 * later verification can prove the trail still reaches that head (no events cut from the end, no
 * rewrite with recomputed hashes up to there).
 *
 * A checkpoint is one JSON document:
 *
 *     { "version": 1, "seq": 42, "hash": "<sha256 hex of event 42>", "at": "<ISO time it was made>",
 *       "gateway": "<optional free-text name>", "keyId": "<sha256 hex of the signer's SPKI public key>",
 *       "signature": "<base64 Ed25519 signature>" }
 *
 * The signature is Ed25519 over the UTF-8 bytes of the RFC 8785 canonical JSON of the document
 * without `signature` (the "statement"). The document admits no other members, so nothing unsigned
 * can ride along.
 */
import { createPublicKey, sign, verify, type KeyObject } from "node:crypto";
import { z } from "zod";
import { canonicalJson } from "../core/canonical-json.js";
import { CheckpointFormatError } from "./errors.js";
import { keyIdOf } from "./keys.js";
import type { ChainHead } from "./verify.js";

export const CHECKPOINT_VERSION = 1;

const hex64 = /^[0-9a-f]{64}$/;
const isoTime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const ED25519_SIGNATURE_BYTES = 64;

const checkpointSchema = z
  .object({
    version: z.literal(CHECKPOINT_VERSION),
    seq: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
    hash: z.string().regex(hex64, "must be a 64-character lower-case hex SHA-256"),
    at: z
      .string()
      .regex(isoTime, "must be an ISO 8601 UTC time with milliseconds, e.g. 2026-01-02T03:04:05.006Z")
      .refine((text) => !Number.isNaN(Date.parse(text)), "is not a valid time"),
    gateway: z.string().min(1).max(200).optional(),
    keyId: z.string().regex(hex64, "must be a 64-character lower-case hex SHA-256"),
    signature: z.string().refine(isSignatureText, `must be the base64 of a ${ED25519_SIGNATURE_BYTES}-byte Ed25519 signature`),
  })
  .strict();

export type Checkpoint = z.infer<typeof checkpointSchema>;
/** What is signed: the checkpoint without its signature. */
export type CheckpointStatement = Omit<Checkpoint, "signature">;

function isSignatureText(text: string): boolean {
  const bytes = Buffer.from(text, "base64");
  return bytes.length === ED25519_SIGNATURE_BYTES && bytes.toString("base64") === text;
}

/** The bytes a checkpoint's signature covers. */
export function checkpointSignedBytes(statement: CheckpointStatement): Buffer {
  const { version, seq, hash, at, gateway, keyId } = statement;
  return Buffer.from(canonicalJson({ version, seq, hash, at, gateway, keyId }), "utf8");
}

export interface CreateCheckpointOptions {
  /** The verified chain head to vouch for. */
  head: ChainHead;
  /** Ed25519 private key. */
  privateKey: KeyObject;
  /** When the checkpoint is made (default: now). */
  at?: Date;
  /** Which gateway's trail this is, for people reading the checkpoint. */
  gateway?: string;
}

/** Signs a statement of `head`. The caller verifies the chain up to `head` first. */
export function createCheckpoint(opts: CreateCheckpointOptions): Checkpoint {
  if (opts.privateKey.type !== "private" || opts.privateKey.asymmetricKeyType !== "ed25519") {
    throw new TypeError("a checkpoint is signed with an Ed25519 private key");
  }
  const statement: CheckpointStatement = {
    version: CHECKPOINT_VERSION,
    seq: opts.head.seq,
    hash: opts.head.hash,
    at: (opts.at ?? new Date()).toISOString(),
    ...(opts.gateway === undefined ? {} : { gateway: opts.gateway }),
    keyId: keyIdOf(createPublicKey(opts.privateKey)),
  };
  const signature = sign(null, checkpointSignedBytes(statement), opts.privateKey).toString("base64");
  // Validate what we produce exactly as a reader will (e.g. a too-long gateway name).
  return parseCheckpointValue({ ...statement, signature }, "the new checkpoint");
}

/** The checkpoint as the JSON document to store (pretty-printed, one trailing newline). */
export function serializeCheckpoint(checkpoint: Checkpoint): string {
  return `${JSON.stringify(checkpoint, null, 2)}\n`;
}

function parseCheckpointValue(value: unknown, source: string): Checkpoint {
  const parsed = checkpointSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const where = issue.path.length === 0 ? "the document" : issue.path.map(String).join(".");
    return `${where}: ${issue.message}`;
  });
  throw new CheckpointFormatError(`${source} is not a valid modelgate checkpoint: ${problems.join("; ")}`);
}

/** Parses a checkpoint document. Throws CheckpointFormatError saying what is wrong with it. */
export function parseCheckpoint(text: string, source = "the checkpoint"): Checkpoint {
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch (err) {
    throw new CheckpointFormatError(`${source} is not JSON: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  return parseCheckpointValue(value, source);
}

export type CheckpointSignatureVerdict = { ok: true } | { ok: false; reason: string };

/** Checks that `checkpoint` was signed, unaltered, by the private half of `publicKey`. */
export function verifyCheckpointSignature(checkpoint: Checkpoint, publicKey: KeyObject): CheckpointSignatureVerdict {
  const given = keyIdOf(publicKey);
  if (checkpoint.keyId !== given) {
    return {
      ok: false,
      reason: `the checkpoint names signing key ${checkpoint.keyId}, but the public key given is ${given}: verify with the public key of the key pair that made it`,
    };
  }
  const { signature, ...statement } = checkpoint;
  if (!verify(null, checkpointSignedBytes(statement), publicKey, Buffer.from(signature, "base64"))) {
    return { ok: false, reason: "the signature does not match the checkpoint's content: the checkpoint was altered after it was signed" };
  }
  return { ok: true };
}
