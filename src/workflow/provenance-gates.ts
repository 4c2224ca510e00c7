/**
 * The provenance gates of a promotion (docs/provenance.md): SIGNATURE, a model signature over the
 * version's artifact that verifies and was made by a signer the rule accepts; LINEAGE, the lineage
 * fields the rule requires. Both are decided on evidence gathered before the gates are evaluated
 * (`ProvenanceGateEvidence.collect`), as the eval gate's is; a request that fails one is refused
 * at once, naming what is missing or which file does not match (PromotionService).
 */
import type { CallContext, Lineage, ModelVersion } from "../core/index.js";
import type { PolicyRuleConfig } from "../config/schema.js";
import type { GateName, RequestPolicy } from "../store/workflow-store.js";
import type { SignatureStatus, VersionSignatures } from "./provenance/signing/version-signatures.js";

/** One gate's result (the shape of gates.ts's GateOutcome, which evaluateGates returns these as). */
export interface GateOutcome {
  gate: GateName;
  passed: boolean;
  detail: string;
  evidence: unknown;
}

export interface ProvenanceEvidence {
  /** The verification, when the policy requires a signature. */
  signature?: SignatureStatus;
  lineage: Lineage;
}

/** The provenance part of a matched rule's RequestPolicy. */
export function provenancePolicy(gates: PolicyRuleConfig["gates"]): Pick<RequestPolicy, "signature" | "lineage"> {
  const sig = gates.requireSignature;
  return {
    ...(sig === undefined ? {} : { signature: sig === true ? { keys: [], identities: [] } : { keys: [...sig.keys], identities: [...sig.identities] } }),
    ...(gates.requireLineage === undefined ? {} : { lineage: [...gates.requireLineage] }),
  };
}

/** True when the policy has a gate this module decides. */
export function hasProvenanceGates(policy: RequestPolicy): boolean {
  return (policy.signature !== undefined && policy.signature !== null) || (policy.lineage?.length ?? 0) > 0;
}

function signatureEvidence(s: SignatureStatus): Record<string, unknown> {
  return {
    verified: s.verified,
    subjectDigest: s.subjectDigest === undefined ? null : `sha256:${s.subjectDigest}`,
    bundleDigest: s.bundleDigest === undefined ? null : `sha256:${s.bundleDigest}`,
    signer: s.signer === undefined ? null : { kind: s.signer.kind, id: s.signer.id, description: s.signer.description },
    predicateType: s.predicateType ?? null,
    fileCount: s.fileCount ?? null,
    artifactUri: s.artifactUri ?? null,
    signatureUri: s.signatureUri ?? null,
    verifiedAt: s.verifiedAt.toISOString(),
    failure: s.failure === undefined ? null : { code: s.failure.code, message: s.failure.message, files: s.failure.files },
  };
}

export function evaluateProvenanceGates(policy: RequestPolicy, evidence: ProvenanceEvidence | undefined): GateOutcome[] {
  const out: GateOutcome[] = [];
  const required = policy.signature;
  if (required !== undefined && required !== null) {
    const s = evidence?.signature;
    if (s === undefined) {
      out.push({ gate: "SIGNATURE", passed: false, detail: "the signature was not verified", evidence: null });
    } else if (!s.verified || s.signer === undefined) {
      out.push({ gate: "SIGNATURE", passed: false, detail: s.failure?.message ?? "the signature does not verify", evidence: signatureEvidence(s) });
    } else {
      const anyone = required.keys.length + required.identities.length === 0;
      const allowed = anyone || (s.signer.kind === "KEY" ? required.keys : required.identities).includes(s.signer.id);
      if (!allowed) {
        const accepted = [...required.keys.map((k) => `key ${k}`), ...required.identities.map((i) => `identity ${i}`)].join(", ");
        out.push({
          gate: "SIGNATURE",
          passed: false,
          detail: `signer not trusted for this promotion: signed by ${s.signer.kind === "KEY" ? "" : "identity "}${s.signer.description}; the policy accepts ${accepted}`,
          evidence: signatureEvidence(s),
        });
      } else {
        out.push({
          gate: "SIGNATURE",
          passed: true,
          detail: `signed by ${s.signer.description}; subject sha256:${s.subjectDigest ?? "?"} over ${s.fileCount ?? 0} file(s), every digest recomputed`,
          evidence: signatureEvidence(s),
        });
      }
    }
  }
  const fields = policy.lineage ?? [];
  if (fields.length > 0) {
    const lineage = (evidence?.lineage ?? {}) as Record<string, string | undefined>;
    const missing = fields.filter((f) => lineage[f] === undefined || lineage[f]?.trim() === "");
    const present = Object.fromEntries(fields.filter((f) => !missing.includes(f)).map((f) => [f, lineage[f]!]));
    out.push(
      missing.length === 0
        ? { gate: "LINEAGE", passed: true, detail: `lineage has ${fields.join(", ")}`, evidence: { required: fields, present } }
        : { gate: "LINEAGE", passed: false, detail: `missing lineage: ${missing.join(", ")}`, evidence: { required: fields, missing, present } },
    );
  }
  return out;
}

/** Gathers the evidence the provenance gates need; verification always reads the artifact afresh. */
export class ProvenanceGateEvidence {
  constructor(private readonly signatures: VersionSignatures | undefined) {}

  async collect(policy: RequestPolicy, version: ModelVersion, ctx: CallContext): Promise<ProvenanceEvidence | undefined> {
    if (!hasProvenanceGates(policy)) return undefined;
    const wantsSignature = policy.signature !== undefined && policy.signature !== null;
    const signature = wantsSignature && this.signatures !== undefined ? await this.signatures.verify(version, { fresh: true, signal: ctx.signal }) : undefined;
    return { lineage: version.lineage, ...(signature === undefined ? {} : { signature }) };
  }
}
