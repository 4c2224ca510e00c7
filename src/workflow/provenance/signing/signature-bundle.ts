/**
 * Checks the Sigstore bundle of a model signature: parsed and validated by @sigstore/bundle, a DSSE
 * envelope over an in-toto statement, signed by a trusted key (key-based signing: the bundle names
 * the key by its hint) or by a certificate chaining to the trusted root (checked by
 * @sigstore/verify's chain verifier at verification time, offline) whose identity is configured.
 */
import { createHash, verify as verifySignature, type KeyObject } from "node:crypto";
import { BUNDLE_V02_MEDIA_TYPE, BUNDLE_V03_MEDIA_TYPE, bundleFromJSON, type Bundle } from "@sigstore/bundle";
import { X509Certificate, crypto as sigstoreCrypto, dsse } from "@sigstore/core";
// A deep import, kept on purpose. @sigstore/verify 3.1 has no "exports" map (so Node resolves the
// path), and its public API (index.d.ts: Verifier, toSignedEntity, toTrustMaterial, the errors) offers
// no chain check on its own: Verifier.verify checks the leaf against the trusted root only at the
// bundle's timestamps (tlog integrated times, TSA tokens). model_signing's offline certificate
// bundles carry none, and with timestampThreshold 0 the Verifier then builds no chain and reads
// SCTs off an undefined leaf (key/index.js verifyCertificate: `path` stays empty). Its DSSE check
// also hashes with SHA-256 whatever the curve and knows no pae_compat. So the chain is checked here
// with the same CertificateChainVerifier the Verifier uses, at the time of verification. A minor
// release that moves the file fails the import at start-up and test/provenance/signing-certificate.test.ts.
import { verifyCertificateChain } from "@sigstore/verify/dist/key/certificate.js";
import { IN_TOTO_PAYLOAD_TYPE } from "./statement.js";
import type { TrustPolicy } from "./trust.js";

export type BundleFailureCode = "MALFORMED" | "SIGNER_NOT_TRUSTED" | "SIGNATURE_INVALID";

export interface BundleSigner {
  kind: "KEY" | "CERTIFICATE";
  /** The configured key or identity id that matched. */
  id: string;
  /** Human form: "key ml-platform" or "https://github.com/acme/... (issuer https://token.actions...)". */
  description: string;
  identity?: string;
  issuer?: string;
}

export type BundleCheck =
  | { ok: true; signer: BundleSigner; payload: Buffer; bundleDigest: string }
  | { ok: false; code: BundleFailureCode; message: string; bundleDigest: string };

const OID_ISSUER_V1 = "1.3.6.1.4.1.57264.1.1";
const OID_ISSUER_V2 = "1.3.6.1.4.1.57264.1.8";

/** The digest each curve signs with, as model_signing chooses it (`get_ec_key_hash`). */
function hashFor(key: KeyObject): string | null {
  if (key.asymmetricKeyType === "ec") {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    if (curve === "secp384r1") return "sha384";
    if (curve === "secp521r1") return "sha512";
    return "sha256";
  }
  if (key.asymmetricKeyType === "ed25519" || key.asymmetricKeyType === "ed448") return null;
  return "sha256";
}

/**
 * The pre-authentication encoding model_signing 0.2 signed by mistake (`pae_compat`): the payload
 * as Python's `str(bytes)`, always with SHA-256. Its verifiers still accept it; so do we.
 */
export function compatPreAuthEncoding(payloadType: string, payload: Buffer): Buffer {
  let repr = "";
  for (const byte of payload) {
    if (byte === 0x5c) repr += "\\\\";
    else if (byte === 0x27) repr += "\\'";
    else if (byte === 0x09) repr += "\\t";
    else if (byte === 0x0a) repr += "\\n";
    else if (byte === 0x0d) repr += "\\r";
    else if (byte >= 0x20 && byte < 0x7f) repr += String.fromCharCode(byte);
    else repr += `\\x${byte.toString(16).padStart(2, "0")}`;
  }
  return Buffer.from(`DSSEV1 ${payloadType.length} ${payloadType} ${payload.length} b'${repr}'`, "utf8");
}

function signedBy(key: KeyObject, payloadType: string, payload: Buffer, sig: Buffer): boolean {
  try {
    if (verifySignature(hashFor(key), dsse.preAuthEncoding(payloadType, payload), key, sig)) return true;
    return key.asymmetricKeyType === "ec" && verifySignature("sha256", compatPreAuthEncoding(payloadType, payload), key, sig);
  } catch {
    return false;
  }
}

function issuerOf(cert: X509Certificate): string | undefined {
  const v2 = cert.extension(OID_ISSUER_V2);
  if (v2 !== undefined) return v2.valueObj.subs[0]?.value.toString("ascii") ?? v2.value.toString("ascii");
  return cert.extension(OID_ISSUER_V1)?.value.toString("ascii");
}

function leafOf(bundle: Bundle): X509Certificate | undefined {
  const m = bundle.verificationMaterial.content;
  if (m.$case === "x509CertificateChain") {
    const first = m.x509CertificateChain.certificates[0];
    return first === undefined ? undefined : X509Certificate.parse(Buffer.from(first.rawBytes));
  }
  if (m.$case === "certificate") return X509Certificate.parse(Buffer.from(m.certificate.rawBytes));
  return undefined;
}

/**
 * The bundle, validated by @sigstore/bundle. model_signing 1.x writes certificate chains into
 * bundles of media type v0.3, which the Sigstore spec reserves for v0.2 and earlier: such a bundle
 * is validated by the v0.2 rules (everything else in it is the same).
 */
function parseBundle(json: unknown): Bundle {
  const isChainInV03 =
    typeof json === "object" &&
    json !== null &&
    (json as { mediaType?: unknown }).mediaType === BUNDLE_V03_MEDIA_TYPE &&
    typeof (json as { verificationMaterial?: { x509CertificateChain?: unknown } }).verificationMaterial?.x509CertificateChain === "object";
  return isChainInV03 ? bundleFromJSON({ ...json, mediaType: BUNDLE_V02_MEDIA_TYPE }) : bundleFromJSON(json);
}

export function checkBundle(bytes: Buffer, trust: TrustPolicy, now: Date): BundleCheck {
  const bundleDigest = createHash("sha256").update(bytes).digest("hex");
  const fail = (code: BundleFailureCode, message: string): BundleCheck => ({ ok: false, code, message, bundleDigest });
  let bundle: Bundle;
  try {
    bundle = parseBundle(JSON.parse(bytes.toString("utf8")));
  } catch (err) {
    const fields = (err as { fields?: unknown }).fields;
    return fail("MALFORMED", `the signature is not a Sigstore bundle (${(err as Error).message}${Array.isArray(fields) ? `: ${fields.join(", ")}` : ""})`);
  }
  if (bundle.content.$case !== "dsseEnvelope") return fail("MALFORMED", "the bundle signs a message, not a DSSE envelope: not a model signature");
  const envelope = bundle.content.dsseEnvelope;
  if (envelope.payloadType !== IN_TOTO_PAYLOAD_TYPE) {
    return fail("MALFORMED", `the DSSE payload type is "${envelope.payloadType}", not ${IN_TOTO_PAYLOAD_TYPE}`);
  }
  const sig = envelope.signatures[0]?.sig;
  if (sig === undefined || sig.length === 0) return fail("MALFORMED", "the DSSE envelope carries no signature");
  const payload = Buffer.from(envelope.payload);
  const material = bundle.verificationMaterial.content;

  if (material.$case === "publicKey") {
    const hint = material.publicKey.hint ?? "";
    const configured = trust.keys.map((k) => k.id).join(", ") || "(none configured)";
    const candidates = hint === "" ? trust.keys : trust.keys.filter((k) => k.hint === hint);
    if (candidates.length === 0) {
      return fail("SIGNER_NOT_TRUSTED", `signer not trusted: signed with key ${hint.slice(0, 16)}…, which is not a configured signing key (${configured})`);
    }
    const match = candidates.find((k) => signedBy(k.key, envelope.payloadType, payload, Buffer.from(sig)));
    if (match === undefined) {
      return hint === ""
        ? fail("SIGNER_NOT_TRUSTED", `signer not trusted: the signature verifies with none of the configured signing keys (${configured})`)
        : fail("SIGNATURE_INVALID", `the signature does not verify with key "${candidates[0]!.id}" that the bundle names: the signed statement was altered`);
    }
    return { ok: true, signer: { kind: "KEY", id: match.id, description: `key ${match.id}` }, payload, bundleDigest };
  }

  let leaf: X509Certificate | undefined;
  try {
    leaf = leafOf(bundle);
  } catch (err) {
    return fail("MALFORMED", `the bundle's certificate cannot be read (${(err as Error).message})`);
  }
  if (leaf === undefined) return fail("MALFORMED", "the bundle has neither a public key hint nor a certificate");
  const identity = leaf.subjectAltName;
  const issuer = issuerOf(leaf);
  const who = `${identity ?? "(no identity)"}${issuer === undefined ? "" : ` (issuer ${issuer})`}`;
  if (trust.certificateAuthorities.length === 0) {
    return fail("SIGNER_NOT_TRUSTED", `signer not trusted: ${who} signed with a certificate, and no trusted root is configured (signing.trustedRoot)`);
  }
  try {
    verifyCertificateChain(now, leaf, trust.certificateAuthorities);
  } catch (err) {
    const cause = (err as { cause?: { message?: string } }).cause?.message;
    return fail("SIGNER_NOT_TRUSTED", `signer not trusted: the certificate of ${who} does not chain to the trusted root${cause === undefined ? "" : ` (${cause})`}`);
  }
  const match = trust.identities.find((i) => i.identity === identity && (i.issuer === undefined || i.issuer === issuer));
  if (match === undefined) {
    const configured = trust.identities.map((i) => i.id).join(", ") || "(none configured)";
    return fail("SIGNER_NOT_TRUSTED", `signer not trusted: ${who} is not a configured signing identity (${configured})`);
  }
  if (!signedBy(sigstoreCrypto.createPublicKey(leaf.publicKey), envelope.payloadType, payload, Buffer.from(sig))) {
    return fail("SIGNATURE_INVALID", `the signature does not verify with the certificate of ${who}: the signed statement was altered`);
  }
  return {
    ok: true,
    signer: { kind: "CERTIFICATE", id: match.id, description: who, ...(identity === undefined ? {} : { identity }), ...(issuer === undefined ? {} : { issuer }) },
    payload,
    bundleDigest,
  };
}
