/**
 * Verifying the trail against a checkpoint: the checkpoint's signature first (an unsigned or
 * altered head proves nothing), then the chain, requiring the checkpoint's event with its hash.
 */
import type { KeyObject } from "node:crypto";
import type { Store } from "../store/store.js";
import { verifyCheckpointSignature, type Checkpoint } from "./checkpoint.js";
import { verifyAuditTrail, type AuditVerification, type VerifyAuditTrailOptions } from "./verify.js";

export interface CheckpointCheck {
  /** True when the signature verifies and the trail reaches the checkpoint's event, same hash, intact. */
  ok: boolean;
  seq: number;
  hash: string;
  at: string;
  keyId: string;
  gateway?: string;
  /** What failed, when not ok. */
  failure?: string;
}

/**
 * `ok` is false when the chain or the checkpoint fails; `firstBroken` is about the chain (and the
 * checkpoint's head in it), so a bad signature over an intact chain gives ok false without it.
 */
export interface AuditVerificationWithCheckpoint extends AuditVerification {
  checkpoint: CheckpointCheck;
}

export async function verifyAuditTrailAgainst(
  store: Store,
  checkpoint: Checkpoint,
  publicKey: KeyObject,
  opts: Omit<VerifyAuditTrailOptions, "expectHead"> = {},
): Promise<AuditVerificationWithCheckpoint> {
  const { seq, hash, at, keyId, gateway } = checkpoint;
  const described = { seq, hash, at, keyId, ...(gateway === undefined ? {} : { gateway }) };
  const signature = verifyCheckpointSignature(checkpoint, publicKey);
  if (!signature.ok) {
    // The chain is still checked on its own, so the report says whether it at least is intact.
    const chain = await verifyAuditTrail(store, opts);
    return { ...chain, ok: false, checkpoint: { ...described, ok: false, failure: signature.reason } };
  }
  const chain = await verifyAuditTrail(store, { ...opts, expectHead: { seq, hash } });
  const reached = chain.head !== null && chain.head.seq >= seq;
  if (reached || chain.firstBroken === undefined) return { ...chain, checkpoint: { ...described, ok: true } };
  return {
    ...chain,
    checkpoint: {
      ...described,
      ok: false,
      failure: `the trail does not reach the checkpoint's event ${seq} intact: event ${chain.firstBroken.seq}: ${chain.firstBroken.reason}`,
    },
  };
}
