/**
 * Production at a glance: rows are deployments and models with a standalone version running,
 * columns are environments. Filters and the asOf time live in the URL; now, it follows live
 * registry events.
 */
import { useEffect, useMemo } from "react";
import { OverviewSetupDocument } from "../graphql/generated";
import { useLiveRefetch } from "../graphql/use-live-refetch";
import { useQuery } from "../graphql/use-query";
import { isoToLocalInput, localInputToIso } from "../lib/format";
import { buildRows, filterRows } from "../lib/overview-rows";
import { setQuery, useLocation } from "../router";
import { ErrorBox, Loading } from "../components/status";
import { Time } from "../components/time";
import { OverviewCellView } from "./overview-cell";
import { useOverviewData } from "./overview-data";

export function Overview() {
  const { query } = useLocation();
  const asOf = query.get("asOf") ?? undefined;
  const backend = query.get("backend") ?? "";
  const model = query.get("model") ?? "";
  const env = query.get("env") ?? "";
  const setup = useQuery(OverviewSetupDocument, {});
  const environments = useMemo(() => (setup.data?.environments ?? []).map((e) => e.name), [setup.data]);
  const shown = useMemo(() => (env === "" ? environments : environments.filter((e) => e === env)), [environments, env]);
  const data = useOverviewData(shown, asOf);
  useLiveRefetch({ types: ["STAGE_CHANGED", "DEPLOYMENT_CHANGED", "APPROVAL", "DRIFT", "PROMOTION_UPDATED"] }, data.refetch, asOf === undefined);

  const rows = useMemo(() => (data.states === undefined ? [] : buildRows(data.states)), [data.states]);
  const visible = useMemo(() => filterRows(rows, { backend, model }), [rows, backend, model]);
  useEffect(() => {
    if (data.states !== undefined) performance.mark("modelgate:overview-rendered", { detail: { rows: visible.length } });
  }, [data.states, visible.length]);

  if (setup.error) return <ErrorBox error={setup.error} />;
  const failed = (data.states ?? []).flatMap((s) => s.failedBackends.map((f) => ({ ...f, environment: s.environment })));
  return (
    <section aria-labelledby="overview-title">
      <div className="page-head">
        <h1 id="overview-title">Production overview</h1>
        <p className="muted">What runs in each environment, who approved it, and whether it still matches.</p>
      </div>
      <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label="Filters">
        <label>
          Backend
          <select value={backend} onChange={(e) => setQuery({ backend: e.target.value })}>
            <option value="">all backends</option>
            {(setup.data?.backends ?? []).map((b) => (
              <option key={b.backendId} value={b.backendId}>
                {b.backendId} ({b.kind})
              </option>
            ))}
          </select>
        </label>
        <label>
          Model
          <input type="search" value={model} placeholder="name contains" onChange={(e) => setQuery({ model: e.target.value })} />
        </label>
        <label>
          Environment
          <select value={env} onChange={(e) => setQuery({ env: e.target.value })}>
            <option value="">all environments</option>
            {environments.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </label>
        <label>
          As of
          <input type="datetime-local" value={isoToLocalInput(asOf)} onChange={(e) => setQuery({ asOf: localInputToIso(e.target.value) })} />
        </label>
        {asOf !== undefined && (
          <button type="button" className="button" onClick={() => setQuery({ asOf: undefined })}>
            Back to now
          </button>
        )}
      </form>
      {asOf !== undefined && (
        <p className="notice" role="status">
          Showing what ran at <Time value={asOf} />, from the audit trail. Health is checked only for now.
        </p>
      )}
      {data.errors.map((e) => (
        <ErrorBox key={e.environment} error={`${e.environment}: ${e.message}`} />
      ))}
      {failed.length > 0 && (
        <div className="warning-box" role="status">
          <strong>Backends that could not be read (their versions are missing):</strong>
          <ul>
            {failed.map((f) => (
              <li key={`${f.environment}:${f.backendId}`}>
                {f.environment}: {f.backendId}: {f.message}
              </li>
            ))}
          </ul>
        </div>
      )}
      {data.states === undefined ? (
        <Loading what="what runs in production" />
      ) : (
        <table className="grid overview" aria-busy={data.loading}>
          <caption>
            {visible.length === rows.length ? `${rows.length} deployments and models` : `${visible.length} of ${rows.length} deployments and models`} in{" "}
            {shown.length === 1 ? shown[0] : `${shown.length} environments`}
          </caption>
          <thead>
            <tr>
              <th scope="col">Deployment or model</th>
              {shown.map((e) => (
                <th scope="col" key={e}>
                  {e}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {visible.map((row) => (
              <tr key={row.key}>
                <th scope="row">
                  <span className="row-name">{row.name}</span>
                  <span className="row-kind">{row.kind === "deployment" ? "deployment" : `model · ${row.backends[0] ?? ""}`}</span>
                </th>
                {shown.map((e) => (
                  <td key={e}>
                    <OverviewCellView cell={row.cells.get(e)} environment={e} />
                  </td>
                ))}
              </tr>
            ))}
            {visible.length === 0 && (
              <tr>
                <td colSpan={shown.length + 1} className="muted">
                  Nothing matches these filters.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      )}
    </section>
  );
}
