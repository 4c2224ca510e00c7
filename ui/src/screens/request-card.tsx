/** One pending request in the queue: what, who asked, gates, n of m approvals, and the decision. */
import { useId, useState } from "react";
import { canApprove, canReject } from "../auth/permissions";
import { useViewer } from "../auth/viewer";
import { ActionButton } from "../components/action-button";
import { UserErrors, type UserErrorLike } from "../components/status";
import { Time } from "../components/time";
import { execute } from "../graphql/client";
import { PromotionApproveDocument, PromotionRejectDocument, type RequestFieldsFragment } from "../graphql/generated";
import { GateList } from "./gate-list";
import { RequestSummary } from "./request-summary";

export function approvalsOf(r: Pick<RequestFieldsFragment, "decisions" | "policy">): { received: number; required: number } {
  return { received: r.decisions.filter((d) => d.decision === "APPROVED").length, required: r.policy.approvals };
}

export function RequestCard({ request: r, isNew, onDecided }: { request: RequestFieldsFragment; isNew: boolean; onDecided: () => void }) {
  const viewer = useViewer();
  const commentId = useId();
  const titleId = useId();
  const [comment, setComment] = useState("");
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<readonly UserErrorLike[]>([]);
  const { received, required } = approvalsOf(r);

  const decide = async (decision: "approve" | "reject") => {
    setBusy(true);
    setErrors([]);
    try {
      const input = { id: r.id, ...(comment.trim() === "" ? {} : { comment: comment.trim() }) };
      const payload =
        decision === "approve"
          ? (await execute(PromotionApproveDocument, { input })).data.promotionApprove
          : (await execute(PromotionRejectDocument, { input })).data.promotionReject;
      setErrors(payload.userErrors);
      if (payload.userErrors.length === 0) {
        setComment("");
        onDecided();
      }
    } catch (err) {
      setErrors([{ code: "FAILED", message: err instanceof Error ? err.message : String(err) }]);
    } finally {
      setBusy(false);
    }
  };

  return (
    <article className={isNew ? "card request new" : "card request"} aria-labelledby={titleId}>
      <h2 id={titleId} className="card-title">
        <RequestSummary request={r} />
        {isNew && <span className="badge badge-new">new</span>}
      </h2>
      <p className="meta">
        Requested by <strong>{r.requestedBy}</strong> · <Time value={r.createdAt} /> · <q>{r.reason}</q>
      </p>
      <GateList request={r} />
      <p className="approvals-count">
        <strong>
          {received} of {required}
        </strong>{" "}
        approval{required === 1 ? "" : "s"}
        {r.decisions.length > 0 && (
          <span className="muted">
            {" "}
            ({r.decisions.map((d) => `${d.decision.toLowerCase()} by ${d.actor}${d.comment ? `: “${d.comment}”` : ""}`).join("; ")})
          </span>
        )}
      </p>
      <div className="decide">
        <label htmlFor={commentId}>Comment</label>
        <textarea id={commentId} rows={2} value={comment} onChange={(e) => setComment(e.target.value)} placeholder="why (recorded in the audit trail)" />
        <div className="buttons">
          <ActionButton permission={canApprove(viewer, r)} busy={busy} className="button button-primary" onClick={() => void decide("approve")}>
            Approve
          </ActionButton>
          <ActionButton permission={canReject(viewer, r)} busy={busy} className="button button-danger" onClick={() => void decide("reject")}>
            Reject
          </ActionButton>
        </div>
        <UserErrors errors={errors} />
      </div>
    </article>
  );
}
