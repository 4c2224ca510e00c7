/**
 * What a signature must chain to: public keys (key-based model signing) and certificate identities
 * (an identity, i.e. the certificate's subject alternative name, and the OIDC issuer Fulcio puts in
 * the certificate) checked against the certificate authorities of a trusted root, offline.
 */
import { createHash, createPublicKey, type KeyObject } from "node:crypto";
import { createRequire } from "node:module";
import type { X509Certificate } from "@sigstore/core";
import type { TrustMaterial } from "@sigstore/verify";

export type CertAuthority = TrustMaterial["certificateAuthorities"][number];

export interface TrustedKey {
  id: string;
  key: KeyObject;
  /** What model_signing writes as the bundle's key hint: SHA-256 (hex) of the key's SPKI PEM. */
  hint: string;
}

export interface TrustedIdentity {
  id: string;
  /** The certificate's subject alternative name (an email or a URI), exactly. */
  identity: string;
  /** The OIDC issuer recorded in the certificate; absent: any issuer, or none (a private CA). */
  issuer?: string;
}

export interface TrustPolicy {
  keys: TrustedKey[];
  identities: TrustedIdentity[];
  certificateAuthorities: CertAuthority[];
}

/** A key or trusted root that cannot be used: what is wrong, naming the config entry. */
export class TrustConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TrustConfigError";
  }
}

export function keyHint(key: KeyObject): string {
  const pem = key.export({ type: "spki", format: "pem" });
  return createHash("sha256").update(pem).digest("hex");
}

export function trustedKey(id: string, pem: string): TrustedKey {
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch (err) {
    throw new TrustConfigError(`signing key "${id}" is not a PEM public key (${(err as Error).message})`);
  }
  if (key.asymmetricKeyType !== "ec") {
    throw new TrustConfigError(`signing key "${id}" is a ${key.asymmetricKeyType ?? "unknown"} key; model signing uses elliptic curve keys (P-256, P-384, P-521)`);
  }
  return { id, key, hint: keyHint(key) };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * The certificate authorities of a trusted root: a Sigstore TrustedRoot JSON document (its
 * `certificateAuthorities`), or PEM certificates (each one a root of its own chain, as
 * model_signing's `--certificate_chain` takes them).
 */
export function certificateAuthorities(text: string, source: string): CertAuthority[] {
  const trimmed = text.trim();
  if (trimmed.startsWith("-----BEGIN")) {
    const pems = trimmed.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
    if (pems.length === 0) throw new TrustConfigError(`${source} holds no PEM certificate`);
    return pems.map((pem) => {
      const cert = parseCert(pem, source);
      return { certChain: [cert], validFor: { start: cert.notBefore, end: cert.notAfter } };
    });
  }
  let doc: unknown;
  try {
    doc = JSON.parse(trimmed);
  } catch (err) {
    throw new TrustConfigError(`${source} is neither PEM certificates nor a Sigstore trusted root JSON (${(err as Error).message})`);
  }
  const cas = isObject(doc) ? doc.certificateAuthorities : undefined;
  if (!Array.isArray(cas) || cas.length === 0) throw new TrustConfigError(`${source} has no certificateAuthorities`);
  return cas.map((ca: unknown, i) => {
    const certs = isObject(ca) && isObject(ca.certChain) ? ca.certChain.certificates : undefined;
    if (!Array.isArray(certs) || certs.length === 0) throw new TrustConfigError(`${source}: certificateAuthorities[${i}] has no certChain.certificates`);
    const chain = certs.map((c: unknown, j) => {
      const raw = isObject(c) ? c.rawBytes : undefined;
      if (typeof raw !== "string") throw new TrustConfigError(`${source}: certificateAuthorities[${i}].certChain.certificates[${j}] has no rawBytes`);
      return parseCert(Buffer.from(raw, "base64"), `${source}: certificateAuthorities[${i}].certChain.certificates[${j}]`);
    });
    const validFor = isObject(ca) && isObject(ca.validFor) ? ca.validFor : {};
    const start = typeof validFor.start === "string" ? new Date(validFor.start) : new Date(0);
    const end = typeof validFor.end === "string" ? new Date(validFor.end) : new Date(8640000000000000);
    return { certChain: chain, validFor: { start, end } };
  });
}

/** @sigstore/core, loaded when a trusted root is read: a gateway that verifies no certificate does not carry it. */
const requireCjs = createRequire(import.meta.url);

function parseCert(data: string | Buffer, source: string): X509Certificate {
  const { X509Certificate: Certificate } = requireCjs("@sigstore/core") as typeof import("@sigstore/core");
  try {
    return Certificate.parse(typeof data === "string" ? data : Buffer.from(data));
  } catch (err) {
    throw new TrustConfigError(`${source}: not an X.509 certificate (${(err as Error).message})`);
  }
}
