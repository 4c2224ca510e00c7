/**
 * One deployment in one environment: health, its guarded rollout (state, evidence, pause / resume /
 * abort), the revision timeline with when each ran and who approved it, the components of a
 * revision, a diff between any two revisions, and rollback.
 */
import { Field } from "../components/field";
import { useState } from "react";
import { DeploymentDetailDocument, type DeploymentDetailQuery } from "../graphql/generated";
import { useLiveRefetch } from "../graphql/use-live-refetch";
import { useQuery } from "../graphql/use-query";
import { BackendBadge, HealthBadge, StageBadge, StatusBadge } from "../components/badges";
import { ErrorBox, Loading } from "../components/status";
import { Time } from "../components/time";
import { WeightsBar } from "../components/weights-bar";
import { diffComponents } from "../lib/revision-diff";
import { href, Link, setQuery, useLocation } from "../router";
import { RevisionDiffView } from "./revision-diff-view";
import { previousRevision, RollbackPanel } from "./rollback-panel";
import { RolloutPanel } from "./rollout-panel";

type Deployment = NonNullable<DeploymentDetailQuery["deployment"]>;
type Revision = Deployment["revisions"][number];

function Timeline({ deployment: d }: { deployment: Deployment }) {
  return (
    <ol className="timeline" aria-label="Revisions, newest first">
      {d.revisions.map((r) => {
        const ran = d.activations.filter((a) => a.revision.number === r.number);
        return (
          <li key={r.number} className={`timeline-item status-item-${r.status.toLowerCase()}`}>
            <div className="timeline-head">
              <strong>Revision {r.number}</strong> <StatusBadge status={r.status} /> <span className="muted small">{r.contentHash.slice(0, 12)}</span>
            </div>
            <div>
              {r.reason} <span className="muted small">· recorded by {r.createdBy}, <Time value={r.createdAt} /></span>
            </div>
            {ran.map((a, i) => {
              const approvers = a.request?.decisions.filter((x) => x.decision === "APPROVED").map((x) => x.actor) ?? [];
              return (
                <div key={i} className="small">
                  ran <Time value={a.activatedAt} /> – {a.deactivatedAt === null ? "now" : <Time value={a.deactivatedAt} />}
                  {a.request !== null && (
                    <>
                      {" "}
                      · {a.request.kind === "ROLLBACK" ? `rolled back by ${a.request.requestedBy}` : `requested by ${a.request.requestedBy}`}
                      {approvers.length > 0 && `, approved by ${approvers.join(", ")}`}
                    </>
                  )}
                </div>
              );
            })}
          </li>
        );
      })}
    </ol>
  );
}

function Components({ revision }: { revision: Revision }) {
  return (
    <>
      <WeightsBar components={revision.components} />
      <table className="grid">
        <caption>Components of revision {revision.number}</caption>
        <thead>
          <tr>
            <th scope="col">Role</th>
            <th scope="col">Model version</th>
            <th scope="col">Backend</th>
            <th scope="col">Weight</th>
            <th scope="col">Traffic</th>
            <th scope="col">Stage now</th>
          </tr>
        </thead>
        <tbody>
          {revision.components.map((c) => (
            <tr key={`${c.role}:${c.backendId}/${c.modelName}@${c.version}`}>
              <th scope="row">{c.role}</th>
              <td>
                <Link to={href(["models", c.backendId, c.modelName], { version: c.version })}>
                  {c.modelName}@{c.version}
                </Link>
              </td>
              <td>
                <BackendBadge backend={c.backendId} />
              </td>
              <td>{c.shadow ? "—" : `${c.weight}%`}</td>
              <td>{c.shadow ? <span className="badge badge-shadow">shadow: mirrored only</span> : c.serving ? "serving" : "not serving (weight 0)"}</td>
              <td>{c.modelVersion === null ? <span className="error-text">gone from its backend</span> : <StageBadge stage={c.modelVersion.stage} />}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

function Compare({ deployment: d }: { deployment: Deployment }) {
  const { query } = useLocation();
  const numbers = d.revisions.map((r) => r.number);
  const fallbackTo = d.currentRevision?.number ?? numbers[0];
  const fallbackFrom = previousRevision(d) ?? numbers.find((n) => n !== fallbackTo);
  const from = Number(query.get("from") ?? fallbackFrom);
  const to = Number(query.get("to") ?? fallbackTo);
  const a = d.revisions.find((r) => r.number === from);
  const b = d.revisions.find((r) => r.number === to);
  if (numbers.length < 2) return <p className="muted">Only one revision so far.</p>;
  return (
    <>
      <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label="Revisions to compare">
        <Field label="From">
          {(id) => (
            <select id={id} value={from} onChange={(e) => setQuery({ from: e.target.value })}>
              {numbers.map((n) => (
                <option key={n} value={n}>
                  revision {n}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="To">
          {(id) => (
            <select id={id} value={to} onChange={(e) => setQuery({ to: e.target.value })}>
              {numbers.map((n) => (
                <option key={n} value={n}>
                  revision {n}
                </option>
              ))}
            </select>
          )}
        </Field>
      </form>
      {a !== undefined && b !== undefined && <RevisionDiffView changes={diffComponents(a.components, b.components)} caption={`Revision ${a.number} → revision ${b.number}`} />}
    </>
  );
}

/** What runs, in words: during a guarded rollout, both revisions and their shares. */
function running(d: Deployment): string {
  if (d.currentRevision === null) return "Nothing runs.";
  const r = d.rollout;
  if (r !== null && (r.status === "RUNNING" || r.status === "PAUSED") && r.fromRevision !== null) {
    return `Revision ${r.revision.number} runs at ${r.weight}% of traffic, revision ${r.fromRevision.number} serves the rest (guarded rollout).`;
  }
  return `Revision ${d.currentRevision.number} runs.`;
}

export function DeploymentScreen({ environment, name }: { environment: string; name: string }) {
  const detail = useQuery(DeploymentDetailDocument, { environment, name });
  useLiveRefetch(
    { environment, types: ["DEPLOYMENT_CHANGED", "PROMOTION_UPDATED", "APPROVAL", "STAGE_CHANGED", "DRIFT", "ROLLOUT_STEP", "ROLLOUT_PAUSED", "ROLLOUT_ROLLED_BACK", "EVIDENCE_RECORDED"] },
    detail.refetch,
  );
  const [shown, setShown] = useState<number | undefined>(undefined);
  if (detail.error) return <ErrorBox error={detail.error} />;
  if (detail.data === undefined) return <Loading what={`deployment ${name}`} />;
  const d = detail.data.deployment;
  if (d === null) return <ErrorBox error={`there is no deployment ${name} in ${environment}`} />;
  const revision = d.revisions.find((r) => r.number === (shown ?? d.currentRevision?.number ?? d.revisions[0]?.number));
  return (
    <section aria-labelledby="deployment-title">
      <div className="page-head">
        <p className="crumbs">
          <Link to={href(["deployments"])}>Deployments</Link> / {environment}
        </p>
        <h1 id="deployment-title">
          {d.name} <span className="muted">in {d.environment}</span> <HealthBadge status={d.health.status} />
        </h1>
        <p className="muted">
          {running(d)} Created by {d.createdBy}, <Time value={d.createdAt} />.
        </p>
        {d.health.problems.length > 0 && (
          <ul className="problems">
            {d.health.problems.map((p, i) => (
              <li key={i}>
                <strong>{p.code.toLowerCase().replace(/_/g, " ")}</strong> {p.message}
              </li>
            ))}
          </ul>
        )}
      </div>
      {d.rollout !== null && <RolloutPanel key={d.rollout.id} name={d.name} environment={d.environment} rollout={d.rollout} onDone={detail.refetch} />}
      <div className="two-columns">
        <div>
          <h2>Revision timeline</h2>
          <Timeline deployment={d} />
        </div>
        <div>
          <h2>Components</h2>
          <div className="inline-form">
            <Field label="Revision">
              {(id) => (
                <select id={id} value={revision?.number ?? ""} onChange={(e) => setShown(Number(e.target.value))}>
                  {d.revisions.map((r) => (
                    <option key={r.number} value={r.number}>
                      revision {r.number} ({r.status.toLowerCase()})
                    </option>
                  ))}
                </select>
              )}
            </Field>
          </div>
          {revision !== undefined && <Components revision={revision} />}
          <h2>Compare revisions</h2>
          <Compare deployment={d} />
          <h2>Roll back</h2>
          <RollbackPanel key={d.currentRevision?.number ?? 0} deployment={d} onDone={detail.refetch} />
        </div>
      </div>
    </section>
  );
}
