/** Every deployment per environment, with its running revision and health. */
import { Field } from "../components/field";
import { DeploymentListDocument, OverviewSetupDocument } from "../graphql/generated";
import { useLiveRefetch } from "../graphql/use-live-refetch";
import { useQuery } from "../graphql/use-query";
import { HealthBadge, StatusBadge } from "../components/badges";
import { ErrorBox, Loading } from "../components/status";
import { Time } from "../components/time";
import { href, Link, setQuery, useLocation } from "../router";

export function Deployments() {
  const { query } = useLocation();
  const environment = query.get("env") ?? "";
  const setup = useQuery(OverviewSetupDocument, {});
  const list = useQuery(DeploymentListDocument, environment === "" ? {} : { environment });
  useLiveRefetch({ types: ["DEPLOYMENT_CHANGED", "STAGE_CHANGED", "DRIFT"] }, list.refetch);
  return (
    <section aria-labelledby="deployments-title">
      <div className="page-head">
        <h1 id="deployments-title">Deployments</h1>
        <p className="muted">Bundles of model versions an application runs, per environment.</p>
      </div>
      <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label="Filters">
        <Field label="Environment">
          {(id) => (
            <select id={id} value={environment} onChange={(e) => setQuery({ env: e.target.value })}>
              <option value="">all environments</option>
              {(setup.data?.environments ?? []).map((e) => (
                <option key={e.name} value={e.name}>
                  {e.name}
                </option>
              ))}
            </select>
          )}
        </Field>
      </form>
      {list.error && <ErrorBox error={list.error} />}
      {list.data === undefined ? (
        list.error ? null : <Loading what="deployments" />
      ) : (
        <table className="grid">
          <thead>
            <tr>
              <th scope="col">Deployment</th>
              <th scope="col">Environment</th>
              <th scope="col">Running</th>
              <th scope="col">Latest revision</th>
              <th scope="col">Health</th>
              <th scope="col">Created</th>
            </tr>
          </thead>
          <tbody>
            {list.data.deployments.nodes.map((d) => (
              <tr key={d.id}>
                <th scope="row">
                  <Link to={href(["deployments", d.environment, d.name])}>{d.name}</Link>
                </th>
                <td>{d.environment}</td>
                <td>{d.currentRevision === null ? <span className="muted">nothing</span> : `revision ${d.currentRevision.number}`}</td>
                <td>
                  {d.latestRevision === null ? (
                    "—"
                  ) : (
                    <>
                      revision {d.latestRevision.number} <StatusBadge status={d.latestRevision.status} />
                    </>
                  )}
                </td>
                <td>
                  <HealthBadge status={d.health.status} />
                </td>
                <td>
                  <Time value={d.createdAt} /> <span className="muted small">by {d.createdBy}</span>
                </td>
              </tr>
            ))}
            {list.data.deployments.nodes.length === 0 && (
              <tr>
                <td colSpan={6} className="muted">
                  No deployments yet: record one with <code>modelgate deploy</code>.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      )}
    </section>
  );
}
