/**
 * The signature of a registered version: where it is (the version's `model_signature` tag, else
 * `model.sig` inside the artifact directory), verified against the configured trust (keys and
 * identities in `signing`), with every file of the artifact hashed again. Reads of
 * ModelVersion.signature reuse a result while the signature and the artifact's file listing are
 * unchanged (`signing.cacheSeconds`); promotion gates always verify afresh.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { resolve, sep } from "node:path";
import type { ModelVersion } from "../../../core/index.js";
import type { SigningConfig } from "../../../config/schema.js";
import { ArtifactLocationError, ArtifactReader, describeLocation, locationBeside, parseLocation, type ArtifactFile, type ArtifactSource, type Location } from "./artifact-source.js";
import type { S3Options } from "./s3-objects.js";
import { certificateAuthorities, trustedKey, TrustConfigError, type TrustPolicy } from "./trust.js";
import { verifyArtifact, type ArtifactVerification } from "./verify-artifact.js";

/** Largest signature file read (a bundle of a model with very many files is still far below). */
const MAX_SIGNATURE_BYTES = 64 * 1024 * 1024;
const MAX_CACHED = 500;

export interface SignatureStatus extends ArtifactVerification {
  artifactUri?: string;
  signatureUri?: string;
  verifiedAt: Date;
}

export interface VersionSignaturesOptions {
  /** Paths in `signing` (key files, trustedRoot) are relative to it. */
  configDir: string;
  clock?: () => Date;
  /** Environment for S3 credentials (default process.env). */
  env?: NodeJS.ProcessEnv;
}

/** Builds the trust policy from config, reading key files and the trusted root. Throws TrustConfigError naming the entry. */
export function loadTrust(signing: SigningConfig, configDir: string): TrustPolicy {
  const keys = signing.keys.map((k) => {
    let pem = k.publicKey;
    if (pem === undefined) {
      const path = resolve(configDir, k.publicKeyFile!);
      try {
        pem = readFileSync(path, "utf8");
      } catch (err) {
        throw new TrustConfigError(`signing key "${k.id}": cannot read ${path} (${(err as Error).message})`);
      }
    }
    return trustedKey(k.id, pem);
  });
  let cas: TrustPolicy["certificateAuthorities"] = [];
  if (signing.trustedRoot !== undefined) {
    const path = resolve(configDir, signing.trustedRoot);
    let text: string;
    try {
      text = readFileSync(path, "utf8");
    } catch (err) {
      throw new TrustConfigError(`signing.trustedRoot: cannot read ${path} (${(err as Error).message})`);
    }
    cas = certificateAuthorities(text, `signing.trustedRoot (${path})`);
  }
  return {
    keys,
    identities: signing.identities.map((i) => ({ id: i.id, identity: i.identity, ...(i.issuer === undefined ? {} : { issuer: i.issuer }) })),
    certificateAuthorities: cas,
  };
}

function s3Options(signing: SigningConfig, env: NodeJS.ProcessEnv): S3Options | undefined {
  if (signing.s3 === undefined) return undefined;
  const c = signing.s3.credentials;
  const accessKeyId = c?.accessKeyId ?? env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = c?.secretAccessKey ?? env.AWS_SECRET_ACCESS_KEY;
  const sessionToken = c?.sessionToken ?? env.AWS_SESSION_TOKEN;
  if (!accessKeyId || !secretAccessKey) return undefined;
  return {
    region: signing.s3.region,
    ...(signing.s3.endpoint === undefined ? {} : { endpoint: signing.s3.endpoint }),
    credentials: { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) },
  };
}

/** A source whose listing is read once (the cache key and the verification see the same files). */
class ListedOnce implements ArtifactSource {
  #files: Promise<ArtifactFile[]> | undefined;
  constructor(private readonly inner: ArtifactSource) {}
  get uri(): string {
    return this.inner.uri;
  }
  list(signal?: AbortSignal): Promise<ArtifactFile[]> {
    this.#files ??= this.inner.list(signal);
    return this.#files;
  }
  sha256(name: string, range?: { start: number; end: number }, signal?: AbortSignal): Promise<string> {
    return this.inner.sha256(name, range, signal);
  }
}

export class VersionSignatures {
  readonly trust: TrustPolicy;
  readonly #reader: ArtifactReader;
  readonly #clock: () => Date;
  readonly #cache = new Map<string, { at: number; status: SignatureStatus }>();
  /** signing.fileRoots, absolute, each ending with the path separator. */
  readonly #fileRoots: string[];

  constructor(
    private readonly signing: SigningConfig,
    opts: VersionSignaturesOptions,
  ) {
    this.trust = loadTrust(signing, opts.configDir);
    const s3 = s3Options(signing, opts.env ?? process.env);
    this.#reader = new ArtifactReader(s3 === undefined ? {} : { s3 });
    this.#clock = opts.clock ?? (() => new Date());
    this.#fileRoots = signing.fileRoots.map((r) => {
      const abs = resolve(opts.configDir, r);
      return abs.endsWith(sep) ? abs : `${abs}${sep}`;
    });
  }

  /** A file:// location outside signing.fileRoots is refused before anything is read. */
  #checkRoot(l: Location): void {
    if (l.scheme !== "file") return;
    const path = resolve(l.path);
    if (this.#fileRoots.some((root) => `${path}${sep}`.startsWith(root))) return;
    throw new ArtifactLocationError(
      this.#fileRoots.length === 0
        ? `file:// artifacts are not verified: list the directories they may be read from in signing.fileRoots (${path} is not under any)`
        : `${path} is outside signing.fileRoots (${this.#fileRoots.map((r) => r.slice(0, -1)).join(", ")}): it is not read`,
    );
  }

  /** True when any key or identity is configured (without, nothing can verify). */
  get configured(): boolean {
    return this.trust.keys.length + this.trust.identities.length > 0;
  }

  /** Where the version's signature is looked for, or a reason it cannot be. */
  locate(version: ModelVersion): { artifact: Location; signature: Location } | { problem: SignatureStatus } {
    const now = this.#clock();
    if (version.artifactUri === undefined || version.artifactUri === "") {
      return { problem: { verified: false, verifiedAt: now, failure: { code: "NO_ARTIFACT", message: "the version has no artifact URI: there is nothing to verify", files: [] } } };
    }
    try {
      const artifact = parseLocation(version.artifactUri);
      const tagged = version.tags[this.signing.signatureTag];
      const signature = locationBeside(artifact, tagged !== undefined && tagged !== "" ? tagged : this.signing.signatureFile);
      this.#checkRoot(artifact);
      this.#checkRoot(signature);
      return { artifact, signature };
    } catch (err) {
      if (!(err instanceof ArtifactLocationError)) throw err;
      return { problem: { verified: false, artifactUri: version.artifactUri, verifiedAt: now, failure: { code: "UNSUPPORTED", message: err.message, files: [] } } };
    }
  }

  async verify(version: ModelVersion, opts: { fresh?: boolean; signal?: AbortSignal } = {}): Promise<SignatureStatus> {
    const located = this.locate(version);
    if ("problem" in located) return located.problem;
    const now = this.#clock();
    const artifactUri = describeLocation(located.artifact);
    const signatureUri = describeLocation(located.signature);
    const where = { artifactUri: version.artifactUri ?? artifactUri, signatureUri };
    const fail = (code: "NO_SIGNATURE" | "ARTIFACT_UNREADABLE" | "UNSUPPORTED", message: string): SignatureStatus => ({
      verified: false,
      ...where,
      verifiedAt: now,
      failure: { code, message, files: [] },
    });
    let bytes: Buffer | undefined;
    let source: ListedOnce;
    try {
      bytes = await this.#reader.read(located.signature, MAX_SIGNATURE_BYTES, opts.signal);
      source = new ListedOnce(this.#reader.source(located.artifact));
    } catch (err) {
      return fail(err instanceof ArtifactLocationError ? "UNSUPPORTED" : "ARTIFACT_UNREADABLE", `cannot read the signature ${signatureUri}: ${(err as Error).message}`);
    }
    if (bytes === undefined) return fail("NO_SIGNATURE", `no signature at ${signatureUri} (sign the artifact with model_signing, or tag the version "${this.signing.signatureTag}" with where its signature is)`);
    const signatureName = relativeName(located.artifact, located.signature);
    let cacheKey: string | undefined;
    if (!opts.fresh && this.signing.cacheSeconds > 0) {
      try {
        const files = await source.list(opts.signal);
        cacheKey = createHash("sha256")
          .update(JSON.stringify([version.backendId, version.modelName, version.version, artifactUri, signatureUri, createHash("sha256").update(bytes).digest("hex"), files.map((f) => [f.name, f.size, f.stamp])]))
          .digest("hex");
        const hit = this.#cache.get(cacheKey);
        if (hit !== undefined && now.getTime() - hit.at < this.signing.cacheSeconds * 1000) return hit.status;
      } catch {
        // The verification below reports the listing failure.
      }
    }
    const result = await verifyArtifact(bytes, source, {
      trust: this.trust,
      ...(signatureName === undefined ? {} : { signatureName }),
      ignoreUnsignedFiles: this.signing.ignoreUnsignedFiles,
      now,
      ...(opts.signal === undefined ? {} : { signal: opts.signal }),
    });
    const status: SignatureStatus = { ...result, ...where, verifiedAt: now };
    if (cacheKey !== undefined && result.failure?.code !== "ARTIFACT_UNREADABLE") {
      if (this.#cache.size >= MAX_CACHED) this.#cache.delete(this.#cache.keys().next().value!);
      this.#cache.set(cacheKey, { at: now.getTime(), status });
    }
    return status;
  }
}

/** The signature's path relative to the artifact directory, when it lies inside it. */
function relativeName(artifact: Location, signature: Location): string | undefined {
  if (artifact.scheme === "file" && signature.scheme === "file") {
    const dir = artifact.path.replace(/\/+$/, "");
    return signature.path.startsWith(`${dir}/`) ? signature.path.slice(dir.length + 1) : undefined;
  }
  if (artifact.scheme === "s3" && signature.scheme === "s3" && artifact.bucket === signature.bucket) {
    const dir = artifact.key === "" || artifact.key.endsWith("/") ? artifact.key : `${artifact.key}/`;
    return signature.key.startsWith(dir) ? signature.key.slice(dir.length) : undefined;
  }
  return undefined;
}
