import { generateKeyPairSync, type KeyObject } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  checkpointSignedBytes,
  createCheckpoint,
  parseCheckpoint,
  serializeCheckpoint,
  verifyCheckpointSignature,
  type Checkpoint,
} from "./checkpoint.js";
import { CheckpointFormatError } from "./errors.js";
import { keyIdOf } from "./keys.js";

const HEAD = { seq: 42, hash: "ab".repeat(32) };
const AT = new Date("2026-11-29T21:00:00.000Z");

function keyPair(): { privateKey: KeyObject; publicKey: KeyObject } {
  return generateKeyPairSync("ed25519");
}

function roundTrip(checkpoint: Checkpoint, edit: (doc: Record<string, unknown>) => void = () => {}): Checkpoint {
  const doc = JSON.parse(serializeCheckpoint(checkpoint)) as Record<string, unknown>;
  edit(doc);
  return parseCheckpoint(JSON.stringify(doc));
}

describe("checkpoints", () => {
  it("sign the head and verify with the matching public key", () => {
    const { privateKey, publicKey } = keyPair();
    const checkpoint = createCheckpoint({ head: HEAD, privateKey, at: AT, gateway: "prod-eu" });
    expect(checkpoint).toEqual({
      version: 1,
      seq: 42,
      hash: HEAD.hash,
      at: "2026-11-29T21:00:00.000Z",
      gateway: "prod-eu",
      keyId: keyIdOf(publicKey),
      signature: expect.stringMatching(/^[A-Za-z0-9+/]{86}==$/) as unknown as string,
    });
    const read = parseCheckpoint(serializeCheckpoint(checkpoint), "cp.json");
    expect(read).toEqual(checkpoint);
    expect(verifyCheckpointSignature(read, publicKey)).toEqual({ ok: true });
  });

  it("sign the RFC 8785 canonical JSON of the statement", () => {
    const { privateKey } = keyPair();
    const { signature: _signature, ...statement } = createCheckpoint({ head: HEAD, privateKey, at: AT });
    expect(checkpointSignedBytes(statement).toString("utf8")).toBe(
      `{"at":"2026-11-29T21:00:00.000Z","hash":"${HEAD.hash}","keyId":"${statement.keyId}","seq":42,"version":1}`,
    );
  });

  it.each([
    ["seq", (doc: Record<string, unknown>) => void (doc.seq = 41)],
    ["hash", (doc: Record<string, unknown>) => void (doc.hash = "cd".repeat(32))],
    ["at", (doc: Record<string, unknown>) => void (doc.at = "2026-11-30T21:00:00.000Z")],
    ["gateway", (doc: Record<string, unknown>) => void (doc.gateway = "staging")],
  ])("fail verification when %s was edited", (_field, edit) => {
    const { privateKey, publicKey } = keyPair();
    const edited = roundTrip(createCheckpoint({ head: HEAD, privateKey, at: AT, gateway: "prod-eu" }), edit);
    expect(verifyCheckpointSignature(edited, publicKey)).toEqual({
      ok: false,
      reason: "the signature does not match the checkpoint's content: the checkpoint was altered after it was signed",
    });
  });

  it("fail verification with another public key, naming both key ids", () => {
    const { privateKey, publicKey } = keyPair();
    const other = keyPair().publicKey;
    const checkpoint = createCheckpoint({ head: HEAD, privateKey, at: AT });
    const verdict = verifyCheckpointSignature(checkpoint, other);
    expect(verdict.ok).toBe(false);
    expect(!verdict.ok && verdict.reason).toBe(
      `the checkpoint names signing key ${keyIdOf(publicKey)}, but the public key given is ${keyIdOf(other)}: verify with the public key of the key pair that made it`,
    );
  });

  it("fail verification when the key id was swapped for the verifier's", () => {
    const { privateKey } = keyPair();
    const attacker = keyPair().publicKey;
    const forged = roundTrip(createCheckpoint({ head: HEAD, privateKey, at: AT }), (doc) => void (doc.keyId = keyIdOf(attacker)));
    expect(verifyCheckpointSignature(forged, attacker).ok).toBe(false);
  });

  it("refuse documents that are not checkpoints, saying what is wrong", () => {
    const { privateKey } = keyPair();
    const checkpoint = createCheckpoint({ head: HEAD, privateKey, at: AT });
    expect(() => parseCheckpoint("{", "cp.json")).toThrow(/^cp\.json is not JSON: /);
    expect(() => roundTrip(checkpoint, (doc) => void (doc.note = "unsigned extra"))).toThrow(CheckpointFormatError);
    expect(() => roundTrip(checkpoint, (doc) => void (doc.note = "unsigned extra"))).toThrow(/the document: Unrecognized key: "note"/);
    expect(() => roundTrip(checkpoint, (doc) => void (doc.version = 2))).toThrow(/version: /);
    expect(() => roundTrip(checkpoint, (doc) => void (doc.seq = 0))).toThrow(/seq: /);
    expect(() => roundTrip(checkpoint, (doc) => void (doc.signature = "AAAA"))).toThrow(/signature: must be the base64 of a 64-byte Ed25519 signature/);
    expect(() => roundTrip(checkpoint, (doc) => void delete doc.keyId)).toThrow(/keyId: /);
  });

  it("refuse to sign with a key that is not an Ed25519 private key", () => {
    const { publicKey } = keyPair();
    expect(() => createCheckpoint({ head: HEAD, privateKey: publicKey })).toThrow("a checkpoint is signed with an Ed25519 private key");
  });
});
