/**
 * The approval queue: every pending request with its gates and approvals, decided here; new
 * requests arrive live (registryEvents) without a reload. Below, the latest requests and how they
 * ended.
 */
import { useEffect, useRef, useState } from "react";
import { PromotionQueueDocument } from "../graphql/generated";
import { useLiveRefetch } from "../graphql/use-live-refetch";
import { useQuery } from "../graphql/use-query";
import { StatusBadge } from "../components/badges";
import { ErrorBox, Loading } from "../components/status";
import { Time } from "../components/time";
import { RequestCard } from "./request-card";
import { RequestSummary } from "./request-summary";

export function Approvals() {
  const queue = useQuery(PromotionQueueDocument, {});
  const live = useLiveRefetch({ types: ["PROMOTION_UPDATED", "APPROVAL", "STAGE_CHANGED", "DEPLOYMENT_CHANGED"] }, queue.refetch);
  // Requests that were not there when the page loaded are marked new.
  const firstSeen = useRef<Set<string> | undefined>(undefined);
  const [announcement, setAnnouncement] = useState("");
  const pending = queue.data?.pending.nodes;
  useEffect(() => {
    if (pending === undefined) return;
    if (firstSeen.current === undefined) {
      firstSeen.current = new Set(pending.map((r) => r.id));
      return;
    }
    const fresh = pending.filter((r) => !firstSeen.current?.has(r.id));
    if (fresh.length > 0) setAnnouncement(`${fresh.length} new request${fresh.length === 1 ? "" : "s"} waiting`);
  }, [pending]);

  return (
    <section aria-labelledby="approvals-title">
      <div className="page-head">
        <h1 id="approvals-title">Approval queue</h1>
        <p className="muted">
          Requests waiting for gates or approvals{live === "live" ? "; new ones appear here as they are made" : ""}.
        </p>
      </div>
      <p className="visually-hidden" role="status" aria-live="polite">
        {announcement}
      </p>
      {queue.error && <ErrorBox error={queue.error} />}
      {pending === undefined ? (
        queue.error ? null : <Loading what="the queue" />
      ) : pending.length === 0 ? (
        <p className="empty">Nothing is waiting for approval.</p>
      ) : (
        <div className="cards">
          {[...pending]
            .sort((a, b) => (a.createdAt < b.createdAt ? -1 : 1))
            .map((r) => (
              <RequestCard key={r.id} request={r} isNew={firstSeen.current !== undefined && !firstSeen.current.has(r.id)} onDecided={queue.refetch} />
            ))}
        </div>
      )}
      <h2>Latest requests</h2>
      {queue.data && (
        <table className="grid">
          <thead>
            <tr>
              <th scope="col">Request</th>
              <th scope="col">Status</th>
              <th scope="col">Requested by</th>
              <th scope="col">Decisions</th>
              <th scope="col">Updated</th>
            </tr>
          </thead>
          <tbody>
            {queue.data.recent.nodes.map((r) => (
              <tr key={r.id}>
                <td>
                  <RequestSummary request={r} />
                  {r.failure !== null && <div className="muted small">{r.failure}</div>}
                </td>
                <td>
                  <StatusBadge status={r.status} />
                </td>
                <td>{r.requestedBy}</td>
                <td>{r.decisions.map((d) => `${d.decision.toLowerCase()} by ${d.actor}`).join(", ") || "—"}</td>
                <td>
                  <Time value={r.updatedAt} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
