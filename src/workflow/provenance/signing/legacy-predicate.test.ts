/**
 * The legacy `https://model_signing/Digests/v0.1` predicate (one subject per file) is accepted, as
 * model_signing's own verifiers accept it. model_signing 1.x no longer writes it, so the bundle is
 * made here the way 0.x made it: a DSSE envelope signed with an ECDSA P-256 key.
 */
import { createHash, generateKeyPairSync, sign } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { dsse } from "@sigstore/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signingSchema } from "../../../config/schema.js";
import { IN_TOTO_PAYLOAD_TYPE, IN_TOTO_STATEMENT_TYPE, PREDICATE_V01 } from "./statement.js";
import { keyHint } from "./trust.js";
import { VersionSignatures } from "./version-signatures.js";

let dir: string;
const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
const files = { "config.json": '{"a": 1}\n', "w.bin": "weights" };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "modelgate-legacy-"));
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  const statement = {
    _type: IN_TOTO_STATEMENT_TYPE,
    subject: Object.entries(files).map(([name, text]) => ({ name, digest: { sha256: createHash("sha256").update(text).digest("hex") } })),
    predicateType: PREDICATE_V01,
    predicate: {},
  };
  const payload = Buffer.from(JSON.stringify(statement));
  const sig = sign("sha256", dsse.preAuthEncoding(IN_TOTO_PAYLOAD_TYPE, payload), privateKey);
  const bundle = {
    mediaType: "application/vnd.dev.sigstore.bundle.v0.3+json",
    verificationMaterial: { publicKey: { hint: keyHint(publicKey) }, tlogEntries: [] },
    dsseEnvelope: { payload: payload.toString("base64"), payloadType: IN_TOTO_PAYLOAD_TYPE, signatures: [{ sig: sig.toString("base64"), keyid: "" }] },
  };
  await writeFile(join(dir, "model.sig"), JSON.stringify(bundle));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("the legacy v0.1 predicate", () => {
  it("verifies, and names a changed file", async () => {
    const signing = signingSchema.parse({ keys: [{ id: "old", publicKey: publicKey.export({ type: "spki", format: "pem" }) }], fileRoots: [dir], cacheSeconds: 0 });
    const signatures = new VersionSignatures(signing, { configDir: dir });
    const version = { backendId: "b", modelName: "m", version: "1", artifactUri: `file://${dir}`, tags: {} } as never;
    expect(await signatures.verify(version)).toMatchObject({ verified: true, predicateType: PREDICATE_V01, fileCount: 2, signer: { id: "old" } });
    await writeFile(join(dir, "w.bin"), "weightz");
    expect(await signatures.verify(version)).toMatchObject({ verified: false, failure: { code: "FILE_MISMATCH", files: ["w.bin"] } });
  });
});
