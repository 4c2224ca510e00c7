/** One environment's cell of the overview: what runs there, who approved it, health and drift. */
import { BackendBadge, DriftFlag, HealthBadge } from "../components/badges";
import { Time } from "../components/time";
import { WeightsBar } from "../components/weights-bar";
import type { OverviewCell } from "../lib/overview-rows";
import { href, Link } from "../router";

function Approval({ approval, since }: { approval: { approvedBy: readonly string[]; approvedAt: string | null; requestedBy: string } | null; since: string | null }) {
  if (approval === null) {
    return <div className="cell-approval muted">not promoted through modelgate{since !== null ? <> · since <Time value={since} /></> : null}</div>;
  }
  return (
    <div className="cell-approval">
      approved by <strong>{approval.approvedBy.length > 0 ? approval.approvedBy.join(", ") : "—"}</strong>
      {approval.approvedAt !== null && (
        <>
          {" "}
          · <Time value={approval.approvedAt} />
        </>
      )}
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
    const drifted = health?.problems.filter((p) => p.code === "DRIFTED") ?? [];
    const backends = [...new Set(entry.revision.components.map((c) => c.backendId))];
    return (
      <div className="cell">
        <div className="cell-head">
          {backends.map((b) => (
            <BackendBadge key={b} backend={b} />
          ))}
          <Link to={href(["deployments", environment, entry.deployment.name])} className="cell-version">
            revision {entry.revision.number}
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
                <strong>{p.component.role}</strong> {p.message}
              </li>
            ))}
          </ul>
        )}
      </div>
    );
  }
  return (
    <div className="cell">
      {cell.entries.map((v) => (
        <div key={`${v.backendId}/${v.version}`} className="cell-entry">
          <div className="cell-head">
            <BackendBadge backend={v.backendId} />
            <Link to={href(["models", v.backendId, v.modelName], { version: v.version })} className="cell-version">
              version {v.version}
            </Link>
            {v.modelVersion?.drift != null && <DriftFlag drift={v.modelVersion.drift} />}
          </div>
          <Approval approval={v.approval} since={v.since} />
        </div>
      ))}
    </div>
  );
}
