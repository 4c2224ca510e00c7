/** Whether the audit trail's hash chain verifies: "verified through #N", or the first broken seq. */
import { AuditVerificationDocument } from "../graphql/generated";
import { useQuery } from "../graphql/use-query";

export function ChainStatus() {
  const check = useQuery(AuditVerificationDocument, {});
  const v = check.data?.auditVerification;
  return (
    <div className={`chain ${v === undefined ? "" : v.ok ? "chain-ok" : "chain-broken"}`} role="status" aria-live="polite">
      <strong>Hash chain: </strong>
      {check.error ? (
        <span>could not be verified: {check.error.message}</span>
      ) : v === undefined ? (
        <span>verifying…</span>
      ) : v.ok ? (
        <span>{v.headSeq === null ? "empty trail, nothing to verify" : `verified through #${v.headSeq} (${v.events} events)`}</span>
      ) : (
        <span>
          broken at #{v.firstBrokenSeq}: {v.reason}
          {v.headSeq !== null && ` (verified through #${v.headSeq})`}
        </span>
      )}{" "}
      <button type="button" className="button button-quiet" onClick={check.refetch} disabled={check.loading}>
        Verify again
      </button>
    </div>
  );
}
