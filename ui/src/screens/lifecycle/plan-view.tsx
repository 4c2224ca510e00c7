/**
 * The deprecation plan (`lifecyclePlan`, a dry run): which versions policies.deprecation would
 * archive and why, which versions past the newest N it keeps and why, the share per model against
 * maxArchiveShare, and the apply (./plan-apply.tsx). Filtered by backend and model in the URL.
 */
import { useState, type FormEvent } from "react";
import { StageBadge } from "../../components/badges";
import { Field } from "../../components/field";
import { ErrorBox, Loading } from "../../components/status";
import { Time } from "../../components/time";
import { LifecyclePlanDocument, OverviewSetupDocument, type LifecyclePlanQuery } from "../../graphql/generated";
import { useLiveRefetch } from "../../graphql/use-live-refetch";
import { useQuery } from "../../graphql/use-query";
import { href, Link, setQuery, useLocation } from "../../router";
import { PlanApply } from "./plan-apply";

type Plan = LifecyclePlanQuery["lifecyclePlan"];

const percent = (share: number) => `${Math.round(share * 1000) / 10}%`;

const KEPT: Record<string, string> = {
  NEWEST: "newest",
  ENVIRONMENT: "in an environment",
  DEPLOYMENT: "in a deployment",
  RECENT: "recent",
  OPEN_REQUEST: "open request",
  AGE_UNKNOWN: "age unknown",
};

function VersionLink({ v }: { v: { backendId: string; modelName: string; version: string } }) {
  return (
    <Link to={href(["models", v.backendId, v.modelName], { version: v.version })}>
      {v.backendId}/{v.modelName}@{v.version}
    </Link>
  );
}

function Candidates({ plan }: { plan: Plan }) {
  if (plan.candidates.length === 0) {
    return <p className="empty">Nothing to archive: every version the rules cover is among its model's newest, used, recent, or already archived.</p>;
  }
  return (
    <table className="grid">
      <caption>Versions to archive ({plan.candidates.length}), model by model, newest first</caption>
      <thead>
        <tr>
          <th scope="col">Version</th>
          <th scope="col">Stage</th>
          <th scope="col">Age</th>
          <th scope="col">Rank</th>
          <th scope="col">Last deployment use</th>
          <th scope="col">Why</th>
        </tr>
      </thead>
      <tbody>
        {plan.candidates.map((c) => (
          <tr key={`${c.backendId}/${c.modelName}@${c.version}`}>
            <th scope="row">
              <VersionLink v={c} />
            </th>
            <td>
              <StageBadge stage={c.stage} />
            </td>
            <td className="nowrap">{c.ageDays} days</td>
            <td>{c.rank}</td>
            <td>
              {c.lastDeploymentUse === null ? (
                <span className="muted">never</span>
              ) : (
                <>
                  {c.lastDeploymentUse.deployment}@{c.lastDeploymentUse.environment} revision {c.lastDeploymentUse.revision}, <Time value={c.lastDeploymentUse.at} />
                </>
              )}
            </td>
            <td>
              {c.reason} <span className="muted small">({c.rule})</span>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Kept({ plan }: { plan: Plan }) {
  if (plan.kept.length === 0) return <p className="muted">No version past its model's newest N is kept.</p>;
  return (
    <table className="grid">
      <caption>Versions kept past their model's newest N ({plan.kept.length})</caption>
      <thead>
        <tr>
          <th scope="col">Version</th>
          <th scope="col">Stage</th>
          <th scope="col">Kept because</th>
          <th scope="col">Reason</th>
        </tr>
      </thead>
      <tbody>
        {plan.kept.map((k) => (
          <tr key={`${k.backendId}/${k.modelName}@${k.version}`}>
            <th scope="row">
              <VersionLink v={k} />
            </th>
            <td>
              <StageBadge stage={k.stage} />
            </td>
            <td>
              <span className={`badge kept-${k.why.toLowerCase()}`}>{KEPT[k.why] ?? k.why.toLowerCase()}</span>
            </td>
            <td>{k.reason}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Models({ plan }: { plan: Plan }) {
  return (
    <table className="grid">
      <caption>Share archived per model, against maxArchiveShare {percent(plan.maxArchiveShare)}</caption>
      <thead>
        <tr>
          <th scope="col">Model</th>
          <th scope="col">Rule</th>
          <th scope="col">Live versions</th>
          <th scope="col">To archive</th>
          <th scope="col">Share</th>
        </tr>
      </thead>
      <tbody>
        {plan.models.map((m) => (
          <tr key={`${m.backendId}/${m.modelName}`} className={m.exceedsShare ? "failed" : undefined}>
            <th scope="row">
              <Link to={href(["models", m.backendId, m.modelName])}>
                {m.backendId}/{m.modelName}
              </Link>
            </th>
            <td>{m.rule}</td>
            <td>{m.liveVersions}</td>
            <td>{m.toArchive}</td>
            <td>
              {percent(m.share)}
              {m.exceedsShare && <span className="error-text"> — more than {percent(m.maxArchiveShare)}: stops and asks</span>}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Filters() {
  const { query } = useLocation();
  const backend = query.get("backend") ?? "";
  const setup = useQuery(OverviewSetupDocument, {});
  const [model, setModel] = useState(query.get("model") ?? "");
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setQuery({ model: backend === "" ? undefined : model.trim() });
  };
  return (
    <form className="filters" onSubmit={submit} aria-label="Plan for">
      <Field label="Backend">
        {(id) => (
          <select id={id} value={backend} onChange={(e) => setQuery({ backend: e.target.value, model: undefined })}>
            <option value="">all backends</option>
            {(setup.data?.backends ?? []).map((b) => (
              <option key={b.backendId} value={b.backendId}>
                {b.backendId} ({b.kind})
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label="Model">
        {(id) => <input id={id} value={model} disabled={backend === ""} onChange={(e) => setModel(e.target.value)} placeholder={backend === "" ? "pick a backend first" : "every model"} />}
      </Field>
      <button type="submit" className="button" disabled={backend === ""}>
        Plan for this model
      </button>
    </form>
  );
}

export function PlanView() {
  const { query } = useLocation();
  const backend = query.get("backend") ?? "";
  const model = query.get("model") ?? "";
  const filter = backend === "" ? undefined : { backend, ...(model === "" ? {} : { model }) };
  const plan = useQuery(LifecyclePlanDocument, filter === undefined ? {} : { filter });
  useLiveRefetch({ types: ["STAGE_CHANGED", "VERSION_REGISTERED", "DEPLOYMENT_CHANGED", "PROMOTION_UPDATED"] }, plan.refetch);
  const p = plan.data?.lifecyclePlan;
  return (
    <>
      <p className="muted">
        What <code>policies.deprecation</code> would archive now, and why: a dry run that changes nothing until you apply it.
      </p>
      <Filters />
      {plan.error && <ErrorBox error={plan.error} />}
      {p === undefined ? (
        plan.error ? null : <Loading what="the deprecation plan" />
      ) : p.models.length === 0 ? (
        <p className="empty">
          No deprecation policy covers {filter === undefined ? "any model" : "this selection"}: give <code>policies.deprecation.rules</code> in modelgate.yaml (keepNewest,
          archiveAfterDays per model pattern).
        </p>
      ) : (
        <>
          <p className="plan-summary">
            <strong>
              {p.toArchive} of {p.liveVersions} live versions to archive ({percent(p.share)})
            </strong>
            , each through its own archive request in <strong>{p.environment}</strong>. Planned <Time value={p.generatedAt} />.
          </p>
          {p.stops.length > 0 && (
            <div className="warning-box" role="status">
              <strong>The plan stops and asks:</strong>
              <ul>
                {p.stops.map((s) => (
                  <li key={s}>{s}</li>
                ))}
              </ul>
            </div>
          )}
          <h2>To archive</h2>
          <Candidates plan={p} />
          <PlanApply plan={p} filter={filter} onApplied={plan.refetch} />
          <h2>Kept</h2>
          <Kept plan={p} />
          <h2>Per model</h2>
          <Models plan={p} />
        </>
      )}
    </>
  );
}
