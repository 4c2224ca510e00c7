/**
 * Verifies a model signature end to end, as `model_signing verify` does, in TypeScript: the bundle
 * (./signature-bundle.ts), then the manifest it signs (./statement.ts) against the artifact as it
 * is now: every file's digest recomputed here, so a changed byte, a missing file or a file the
 * signature does not cover is named.
 */
import { Semaphore } from "../../../core/concurrency.js";
import type { ArtifactFile, ArtifactSource } from "./artifact-source.js";
import type { BundleSigner } from "./signature-bundle.js";
import { GIT_PATHS, ManifestError, PREDICATE_V01, parseStatement, type SignedManifest } from "./statement.js";
import type { TrustPolicy } from "./trust.js";

export type VerificationFailureCode =
  | "NO_ARTIFACT"
  | "NO_SIGNATURE"
  | "ARTIFACT_UNREADABLE"
  | "MALFORMED"
  | "UNSUPPORTED"
  | "SIGNER_NOT_TRUSTED"
  | "SIGNATURE_INVALID"
  | "MANIFEST_INCONSISTENT"
  | "FILE_MISMATCH"
  | "FILE_MISSING"
  | "UNSIGNED_FILE";

export interface VerificationFailure {
  code: VerificationFailureCode;
  message: string;
  /** The files at fault (changed, missing or unsigned), when files are. */
  files: string[];
}

export interface ArtifactVerification {
  verified: boolean;
  signer?: BundleSigner;
  /** The statement's subject digest: SHA-256 over the per-file digests. */
  subjectDigest?: string;
  /** SHA-256 (hex) of the signature file as read. */
  bundleDigest?: string;
  predicateType?: string;
  /** Files whose digests were recomputed and matched. */
  fileCount?: number;
  failure?: VerificationFailure;
}

export interface VerifyArtifactOptions {
  trust: TrustPolicy;
  /** The signature file's name relative to the artifact, when it lies inside it (it is not part of the model). */
  signatureName?: string;
  /** Accept files the signature does not list (model_signing's --ignore_unsigned_files). */
  ignoreUnsignedFiles: boolean;
  now: Date;
  signal?: AbortSignal;
  /** Files hashed at once. */
  concurrency?: number;
}

const failed = (code: VerificationFailureCode, message: string, extra: Partial<ArtifactVerification> = {}, files: string[] = []): ArtifactVerification => ({
  verified: false,
  ...extra,
  failure: { code, message, files },
});

function isUnder(name: string, path: string): boolean {
  const p = path.replace(/^\.\/+/, "").replace(/\/+$/, "");
  return p === "" || p === "." ? false : name === p || name.startsWith(`${p}/`);
}

function listNames(names: readonly string[], max = 5): string {
  const shown = names.slice(0, max).join(", ");
  return names.length > max ? `${shown} and ${names.length - max} more` : shown;
}

export async function verifyArtifact(signature: Buffer, source: ArtifactSource, opts: VerifyArtifactOptions): Promise<ArtifactVerification> {
  // sigstore's bundle and certificate code is loaded by the first verification (docs/performance.md, memory).
  const { checkBundle } = await import("./signature-bundle.js");
  const bundle = checkBundle(signature, opts.trust, opts.now);
  if (!bundle.ok) return failed(bundle.code, bundle.message, { bundleDigest: bundle.bundleDigest });
  let manifest: SignedManifest;
  try {
    manifest = parseStatement(bundle.payload);
  } catch (err) {
    if (err instanceof ManifestError) return failed(err.code, err.message, { bundleDigest: bundle.bundleDigest, signer: bundle.signer });
    throw err;
  }
  const base = { signer: bundle.signer, bundleDigest: bundle.bundleDigest, subjectDigest: manifest.rootDigest, predicateType: manifest.predicateType };
  if (manifest.hashType !== "sha256" || manifest.resources.some((r) => r.algorithm !== "sha256")) {
    return failed("UNSUPPORTED", `the signature's files were hashed with ${manifest.hashType}; modelgate verifies sha256 manifests (sign with the default hash)`, base);
  }
  let listing: ArtifactFile[];
  try {
    listing = await source.list(opts.signal);
  } catch (err) {
    return failed("ARTIFACT_UNREADABLE", `the artifact ${source.uri} cannot be listed: ${(err as Error).message}`, base);
  }
  const ignored = [...manifest.ignorePaths, ...(manifest.predicateType === PREDICATE_V01 ? GIT_PATHS : [])];
  const present = listing.filter((f) => f.name !== opts.signatureName && !ignored.some((p) => isUnder(f.name, p)));
  const links = present.filter((f) => f.symlink).map((f) => f.name);
  if (links.length > 0 && !manifest.allowSymlinks) {
    return failed("UNSIGNED_FILE", `the artifact holds symbolic links the signature does not allow: ${listNames(links)}`, base, links);
  }
  const sizes = new Map(present.map((f) => [f.name, f.size]));

  // What the manifest says, per file: whole-file digests, or shards [start, end) with digests.
  const expected = new Map<string, { start: number; end: number; digest: string }[]>();
  for (const r of manifest.resources) {
    if (manifest.method === "files") {
      expected.set(r.name, [{ start: 0, end: -1, digest: r.digest }]);
      continue;
    }
    const m = /^(.*):(\d+):(\d+)$/.exec(r.name);
    if (m === null) return failed("MALFORMED", `shard resource "${r.name}" is not "path:start:end"`, base);
    const list = expected.get(m[1]!) ?? [];
    list.push({ start: Number(m[2]), end: Number(m[3]), digest: r.digest });
    expected.set(m[1]!, list);
  }

  const missing = [...expected.keys()].filter((name) => !sizes.has(name)).sort();
  const unsigned = opts.ignoreUnsignedFiles ? [] : [...sizes.keys()].filter((name) => !expected.has(name)).sort();
  const mismatched = new Set<string>();
  const limit = new Semaphore(opts.concurrency ?? 4);
  const signal = opts.signal ?? new AbortController().signal;
  try {
    await Promise.all(
      [...expected.entries()]
        .filter(([name]) => sizes.has(name))
        .map(([name, parts]) =>
          limit.run(
            async () => {
              const size = sizes.get(name)!;
              if (manifest.method === "shards") {
                const sorted = [...parts].sort((a, b) => a.start - b.start);
                let at = 0;
                for (const p of sorted) {
                  if (p.start !== at) break;
                  at = p.end;
                }
                if (at !== size || sorted[0]?.start !== 0) {
                  mismatched.add(name);
                  return;
                }
              }
              for (const p of parts) {
                const digest = await source.sha256(name, p.end < 0 ? undefined : { start: p.start, end: p.end }, opts.signal);
                if (digest !== p.digest) {
                  mismatched.add(name);
                  return;
                }
              }
            },
            signal,
            () => new Error("verification aborted"),
          ),
        ),
    );
  } catch (err) {
    return failed("ARTIFACT_UNREADABLE", `reading the artifact ${source.uri} failed: ${(err as Error).message}`, base);
  }
  const changed = [...mismatched].sort();
  if (changed.length > 0) {
    const message =
      changed.length === 1 ? `${changed[0]} does not match its signed digest` : `${changed.length} files do not match their signed digests: ${listNames(changed)}`;
    return failed("FILE_MISMATCH", message, base, changed);
  }
  if (missing.length > 0) {
    const message = missing.length === 1 ? `${missing[0]} is signed but missing from the artifact` : `${missing.length} signed files are missing from the artifact: ${listNames(missing)}`;
    return failed("FILE_MISSING", message, base, missing);
  }
  if (unsigned.length > 0) {
    const message =
      unsigned.length === 1 ? `${unsigned[0]} is not covered by the signature (an unsigned file)` : `${unsigned.length} files are not covered by the signature: ${listNames(unsigned)}`;
    return failed("UNSIGNED_FILE", message, base, unsigned);
  }
  return { verified: true, ...base, fileCount: expected.size };
}
