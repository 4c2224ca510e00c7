/** One environment's cell of the overview: what runs there, who approved it, health and drift. */
import { BackendBadge, DriftFlag, HealthBadge } from "../components/badges";
import { formatTime } from "../lib/format";
import { WeightsBar } from "../components/weights-bar";
import type { OverviewCell } from "../lib/overview-rows";
import { href, Link } from "../router";

/** Who approved it and when, in one line (a few text nodes: a thousand rows render quickly). */
function Approval({ approval, since }: { approval: { approvedBy: readonly string[]; approvedAt: string | null; requestedBy: string } | null; since: string | null }) {
  if (approval === null) {
    return <div className="cell-approval muted">{since === null ? "no approval on record" : `no approval on record · since ${formatTime(since)}`}</div>;
  }
  const at = approval.approvedAt ?? since;
  const who = approval.approvedBy.length === 0 ? `requested by ${approval.requestedBy}, no approval needed` : `approved by ${approval.approvedBy.join(", ")}`;
  return (
    <div className="cell-approval" title={at ?? undefined}>
      {at === null ? who : `${who} · ${formatTime(at)}`}
    </div>
  );
}

export function OverviewCellView({ cell, environment }: { cell: OverviewCell | undefined; environment: string }) {
  if (cell === undefined) {
    return (
      <span className="muted" aria-label="nothing running">
        —
      </span>
    );
  }
  if (cell.kind === "deployment") {
    const { entry } = cell;
    const health = entry.deployment.health;
    const drifted = health?.problems.filter((p) => p.code === "DRIFTED" || p.code === "UNAPPROVED_IN_STAGE") ?? [];
    const backends = [...new Set(entry.revision.components.map((c) => c.backendId))];
    return (
      <div className="cell">
        <div className="cell-head">
          {backends.map((b) => (
            <BackendBadge key={b} backend={b} />
          ))}
          <Link to={href(["deployments", environment, entry.deployment.name])} className="cell-version">
            {`revision ${entry.revision.number}`}
          </Link>
          {health !== undefined && health.status !== "HEALTHY" && <HealthBadge status={health.status} />}
          {drifted.length > 0 && <DriftFlag />}
        </div>
        <WeightsBar components={entry.revision.components} />
        <Approval approval={entry.approval} since={entry.activatedAt} />
        {health !== undefined && health.problems.length > 0 && (
          <ul className="problems">
            {health.problems.map((p, i) => (
              <li key={i}>
                <strong>{p.code.toLowerCase().replace(/_/g, " ")}</strong> {p.message}
              </li>
            ))}
          </ul>
        )}
      </div>
    );
  }
  return (
    <>
      {cell.entries.map((v) => (
        <div key={`${v.backendId}/${v.version}`} className="cell-entry">
          <BackendBadge backend={v.backendId} />{" "}
          <Link to={href(["models", v.backendId, v.modelName], { version: v.version })} className="cell-version">
            {`version ${v.version}`}
          </Link>
          {v.modelVersion?.drift != null && (
            <>
              {" "}
              <DriftFlag drift={v.modelVersion.drift} />
            </>
          )}
          <Approval approval={v.approval} since={v.since} />
        </div>
      ))}
    </>
  );
}
