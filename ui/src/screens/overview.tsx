/**
 * Production at a glance: rows are deployments and models with a standalone version running,
 * columns are environments. Filters and the asOf time live in the URL; now, it follows live
 * registry events.
 */
import { Field } from "../components/field";
import { memo, startTransition, useEffect, useMemo, useState, type CSSProperties } from "react";
import { OverviewSetupDocument } from "../graphql/generated";
import { useLiveRefetch } from "../graphql/use-live-refetch";
import { useQuery } from "../graphql/use-query";
import { isoToLocalInput, localInputToIso } from "../lib/format";
import { buildRows, filterRows, type OverviewRow } from "../lib/overview-rows";
import { setQuery, useLocation } from "../router";
import { ErrorBox, Loading } from "../components/status";
import { Time } from "../components/time";
import { OverviewCellView } from "./overview-cell";
import { useOverviewData } from "./overview-data";

/**
 * How many of `total` rows to render: the first screenful at once, then the rest (up to `step` more
 * per frame) as a transition, which React renders in slices so typing and scrolling stay responsive.
 */
function useProgressiveCount(total: number, first = 60, step = 1000): number {
  const [count, setCount] = useState(first);
  useEffect(() => {
    if (count >= total) return;
    const frame = requestAnimationFrame(() => startTransition(() => setCount((c) => c + step)));
    return () => cancelAnimationFrame(frame);
  }, [count, total, step]);
  return Math.min(count, total);
}

/** One row; memoised, so filtering re-renders only the rows that appear. */
const OverviewRowView = memo(function OverviewRowView({ row, environments, index }: { row: OverviewRow; environments: readonly string[]; index: number }) {
  return (
    <div role="row" className="overview-row" aria-rowindex={index}>
      <span role="rowheader">
        <span className="row-name">{row.name}</span>
        <span className="row-kind">{row.kind === "deployment" ? "deployment" : `model · ${row.backends[0] ?? ""}`}</span>
      </span>
      {environments.map((e) => (
        <span role="cell" key={e}>
          <OverviewCellView cell={row.cells.get(e)} environment={e} />
        </span>
      ))}
    </div>
  );
});

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
  const rendered = useProgressiveCount(visible.length);
  // For the bench (bench/console.ts): the first rows, then every row, on screen.
  useEffect(() => {
    if (data.states !== undefined) performance.mark("modelgate:overview-first-rows", { detail: { rows: rendered } });
  }, [data.states]);
  useEffect(() => {
    if (data.states !== undefined && rendered === visible.length) performance.mark("modelgate:overview-rendered", { detail: { rows: visible.length } });
  }, [data.states, rendered, visible.length]);

  if (setup.error) return <ErrorBox error={setup.error} />;
  const failed = (data.states ?? []).flatMap((s) => s.failedBackends.map((f) => ({ ...f, environment: s.environment })));
  return (
    <section aria-labelledby="overview-title">
      <div className="page-head">
        <h1 id="overview-title">Production overview</h1>
        <p className="muted">What runs in each environment, who approved it, and whether it still matches.</p>
      </div>
      <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label="Filters">
        <Field label="Backend">
          {(id) => (
            <select id={id} value={backend} onChange={(e) => setQuery({ backend: e.target.value })}>
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
          {(id) => (
            <input id={id} type="search" value={model} placeholder="name contains" onChange={(e) => setQuery({ model: e.target.value })} />
          )}
        </Field>
        <Field label="Environment">
          {(id) => (
            <select id={id} value={env} onChange={(e) => setQuery({ env: e.target.value })}>
              <option value="">all environments</option>
              {environments.map((name) => (
                <option key={name} value={name}>
                  {name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="As of">
          {(id) => (
            <input id={id} type="datetime-local" value={isoToLocalInput(asOf)} onChange={(e) => setQuery({ asOf: localInputToIso(e.target.value) })} />
          )}
        </Field>
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
        <div
          role="table"
          className="overview"
          aria-labelledby="overview-caption"
          aria-rowcount={visible.length + 1}
          aria-busy={data.loading}
          style={{ "--env-count": shown.length } as CSSProperties}
        >
          <p id="overview-caption" className="caption">
            {visible.length === rows.length ? `${rows.length} deployments and models` : `${visible.length} of ${rows.length} deployments and models`} in{" "}
            {shown.length === 1 ? shown[0] : `${shown.length} environments`}
          </p>
          <div role="rowgroup">
            <div role="row" className="overview-row overview-head" aria-rowindex={1}>
              <span role="columnheader">Deployment or model</span>
              {shown.map((e) => (
                <span role="columnheader" key={e}>
                  {e}
                </span>
              ))}
            </div>
          </div>
          <div role="rowgroup">
            {visible.slice(0, rendered).map((row, i) => (
              <OverviewRowView key={row.key} row={row} environments={shown} index={i + 2} />
            ))}
            {visible.length === 0 && (
              <div role="row" className="overview-row">
                <span role="cell" className="muted">
                  Nothing matches these filters.
                </span>
              </div>
            )}
          </div>
        </div>
      )}
    </section>
  );
}
