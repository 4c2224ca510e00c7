/**
 * Applying the deprecation plan (`lifecyclePlanApply`, publisher): planned afresh by the gateway,
 * one audited archive request per version under the ARCHIVED policy rule of the plan's
 * environment. Shows each version's outcome and follows its request live until it is applied.
 */
import { useState } from "react";
import { can } from "../../auth/permissions";
import { useViewer } from "../../auth/viewer";
import { ActionButton } from "../../components/action-button";
import { StatusBadge } from "../../components/badges";
import { Field } from "../../components/field";
import { UserErrors, type UserErrorLike } from "../../components/status";
import { execute } from "../../graphql/client";
import { LifecyclePlanApplyDocument, LifecycleRequestsDocument, type LifecyclePlanApplyMutation, type LifecyclePlanFilter, type LifecyclePlanQuery, type PromotionStatus } from "../../graphql/generated";
import { useLiveRefetch } from "../../graphql/use-live-refetch";
import { useQuery } from "../../graphql/use-query";
import { href, Link } from "../../router";

type Result = LifecyclePlanApplyMutation["lifecyclePlanApply"]["results"][number];
type RequestState = { id: string; status: PromotionStatus; failure: string | null };

/** A node of `nodes(ids:)` that is one of the requests (the others come back empty or null). */
function isRequest(node: unknown): node is RequestState {
  return typeof node === "object" && node !== null && "id" in node && "status" in node;
}

const OUTCOME: Record<string, string> = {
  QUEUED: "gates passed: the outbox archives it",
  REQUESTED: "waits for approval",
  SKIPPED: "another open request holds it",
  FAILED: "refused",
};

function Results({ results }: { results: readonly Result[] }) {
  const ids = results.flatMap((r) => (r.promotionRequest === null ? [] : [r.promotionRequest.id]));
  const live = useQuery(LifecycleRequestsDocument, { ids }, { skip: ids.length === 0 });
  useLiveRefetch({ types: ["PROMOTION_UPDATED", "STAGE_CHANGED", "APPROVAL"] }, live.refetch, ids.length > 0);
  const now = new Map((live.data?.nodes ?? []).filter(isRequest).map((n) => [n.id, n]));
  if (results.length === 0) return <p className="notice" role="status">Applied: there was nothing to archive.</p>;
  return (
    <table className="grid" aria-live="polite">
      <caption>Applied: one archive request per version</caption>
      <thead>
        <tr>
          <th scope="col">Version</th>
          <th scope="col">Outcome</th>
          <th scope="col">Request</th>
          <th scope="col">Message</th>
        </tr>
      </thead>
      <tbody>
        {results.map((r) => {
          const c = r.candidate;
          const request = r.promotionRequest === null ? undefined : (now.get(r.promotionRequest.id) ?? r.promotionRequest);
          return (
            <tr key={`${c.backendId}/${c.modelName}@${c.version}`} className={r.outcome === "FAILED" ? "failed" : undefined}>
              <th scope="row">
                <Link to={href(["models", c.backendId, c.modelName], { version: c.version })}>
                  {c.backendId}/{c.modelName}@{c.version}
                </Link>
              </th>
              <td>
                <StatusBadge status={r.outcome} /> <span className="muted small">{OUTCOME[r.outcome] ?? ""}</span>
              </td>
              <td>
                {request === undefined ? (
                  "—"
                ) : (
                  <>
                    <StatusBadge status={request.status} />
                    {request.status === "PENDING" && (
                      <>
                        {" "}
                        <Link to={href(["approvals"])}>in the approval queue</Link>
                      </>
                    )}
                    {request.failure !== null && request.failure !== undefined && <div className="muted small">{request.failure}</div>}
                  </>
                )}
              </td>
              <td>{r.message ?? "—"}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

export function PlanApply({ plan, filter, onApplied }: { plan: LifecyclePlanQuery["lifecyclePlan"]; filter: LifecyclePlanFilter | undefined; onApplied: () => void }) {
  const viewer = useViewer();
  const [reason, setReason] = useState("");
  const [confirmShare, setConfirmShare] = useState(false);
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<readonly UserErrorLike[]>([]);
  const [results, setResults] = useState<readonly Result[] | undefined>(undefined);
  const stops = plan.stops.length > 0;

  const apply = async () => {
    setBusy(true);
    setErrors([]);
    try {
      const input = {
        ...(filter === undefined ? {} : { filter }),
        ...(reason.trim() === "" ? {} : { reason: reason.trim() }),
        ...(stops && confirmShare ? { confirmShare: true } : {}),
      };
      const { data } = await execute(LifecyclePlanApplyDocument, { input });
      setErrors(data.lifecyclePlanApply.userErrors);
      if (data.lifecyclePlanApply.userErrors.length === 0) {
        setResults(data.lifecyclePlanApply.results);
        setReason("");
        setConfirmShare(false);
        onApplied();
      }
    } catch (err) {
      setErrors([{ code: "FAILED", message: err instanceof Error ? err.message : String(err) }]);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="plan-apply">
      {plan.toArchive > 0 && (
        <form
          className="inline-form"
          aria-label="Apply the plan"
          onSubmit={(e) => {
            e.preventDefault();
            void apply();
          }}
        >
          <h3>Apply</h3>
          <p className="muted small">
            The gateway plans afresh and asks, per version, for a move to ARCHIVED in {plan.environment} under its ARCHIVED policy rule: versions whose rule needs an approver wait in the{" "}
            <Link to={href(["approvals"])}>approval queue</Link>. Each is tagged <code>modelgate.archived-by=policy</code>; nothing is deleted.
          </p>
          <Field label="Reason">
            {(id) => <input id={id} value={reason} onChange={(e) => setReason(e.target.value)} placeholder="default: the rule and each version's reason" size={50} />}
          </Field>
          {stops && (
            <label className="checkbox">
              <input type="checkbox" checked={confirmShare} onChange={(e) => setConfirmShare(e.target.checked)} /> Archive past maxArchiveShare anyway
            </label>
          )}
          <ActionButton permission={can(viewer, "PUBLISHER", "applying the plan")} busy={busy || (stops && !confirmShare)} className="button button-danger" type="submit">
            Archive {plan.toArchive} version{plan.toArchive === 1 ? "" : "s"}
          </ActionButton>
        </form>
      )}
      <UserErrors errors={errors} />
      {results !== undefined && <Results results={results} />}
    </div>
  );
}
