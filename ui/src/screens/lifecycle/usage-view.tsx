/**
 * Usage and idle versions (docs/lifecycle.md#usage-and-idle-alerts): the open IDLE_IN_PRODUCTION
 * alerts across environments with each model's owner, and per environment every version in its
 * stage with its resolves and served requests of the last 24 hours, when it was last used, the
 * deployments that bundle it, whether it is idle, and who owns it: what a team can retire.
 */
import { StageBadge } from "../../components/badges";
import { Field } from "../../components/field";
import { ErrorBox, Loading } from "../../components/status";
import { Time } from "../../components/time";
import { EnvironmentUsageDocument, IdleAlertsDocument, OverviewSetupDocument, type EnvironmentUsageQuery } from "../../graphql/generated";
import { useLiveRefetch } from "../../graphql/use-live-refetch";
import { useQuery } from "../../graphql/use-query";
import { formatNumber } from "../../lib/values";
import { href, Link, setQuery, useLocation } from "../../router";
import { Owner } from "./owner";

type Running = EnvironmentUsageQuery["whatRunsInProduction"]["versions"][number];

const LIVE_TYPES = ["IDLE_IN_PRODUCTION", "STAGE_CHANGED", "DEPLOYMENT_CHANGED"] as const;

function VersionLink({ v }: { v: { backendId: string; modelName: string; version: string } }) {
  return (
    <Link to={href(["models", v.backendId, v.modelName], { version: v.version })}>
      {v.backendId}/{v.modelName}@{v.version}
    </Link>
  );
}

function IdleAlerts() {
  const alerts = useQuery(IdleAlertsDocument, {});
  useLiveRefetch({ types: [...LIVE_TYPES] }, alerts.refetch);
  const list = alerts.data?.idleAlerts;
  return (
    <>
      <h2>Idle versions</h2>
      <p className="muted">
        Versions in a production environment nobody resolved or served for <code>lifecycle.idle.afterDays</code>: candidates to retire, addressed to their owner.
      </p>
      {alerts.error && <ErrorBox error={alerts.error} />}
      {list === undefined ? (
        alerts.error ? null : <Loading what="idle alerts" />
      ) : list.nodes.length === 0 ? (
        <p className="empty">No version is idle: every version in a production environment was resolved or served lately.</p>
      ) : (
        <table className="grid">
          <caption>Open IDLE_IN_PRODUCTION alerts, oldest first</caption>
          <thead>
            <tr>
              <th scope="col">Version</th>
              <th scope="col">Environment</th>
              <th scope="col">Idle</th>
              <th scope="col">Last used</th>
              <th scope="col">Raised</th>
              <th scope="col">Owner</th>
            </tr>
          </thead>
          <tbody>
            {list.nodes.map((a) => (
              <tr key={a.id}>
                <th scope="row">
                  <VersionLink v={a} />
                </th>
                <td>{a.environment}</td>
                <td>
                  <span className="badge badge-idle">{a.idleDays} days</span>
                </td>
                <td>{a.lastUsedAt === null || a.lastUsedAt === undefined ? <span className="muted">never</span> : <Time value={a.lastUsedAt} />}</td>
                <td>
                  <Time value={a.raisedAt} />
                </td>
                <td>
                  <Owner owner={a.owner} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {list?.pageInfo.hasNextPage === true && (
        <p className="muted small">
          Showing the first {list.nodes.length}; <code>modelgate idle</code> lists them all.
        </p>
      )}
    </>
  );
}

function lastUse(v: Running): string | null {
  const u = v.modelVersion?.usage;
  if (u === null || u === undefined) return null;
  const times = [u.lastResolvedAt, u.lastServedAt].filter((t): t is string => typeof t === "string");
  return times.sort().at(-1) ?? null;
}

function UsageTable({ environment }: { environment: string }) {
  const usage = useQuery(EnvironmentUsageDocument, { environment });
  useLiveRefetch({ environment, types: [...LIVE_TYPES] }, usage.refetch);
  const state = usage.data?.whatRunsInProduction;
  if (usage.error) return <ErrorBox error={usage.error} />;
  if (state === undefined) return <Loading what={`usage in ${environment}`} />;
  return (
    <>
      {state.failedBackends.length > 0 && (
        <div className="warning-box" role="status">
          <strong>Some backends could not be read:</strong>
          <ul>
            {state.failedBackends.map((f) => (
              <li key={f.backendId}>
                {f.backendId}: {f.message}
              </li>
            ))}
          </ul>
        </div>
      )}
      {state.versions.length === 0 ? (
        <p className="empty">No version is in {environment}'s stage.</p>
      ) : (
        <table className="grid">
          <caption>Versions in {environment}'s stage: use in the last 24 hours</caption>
          <thead>
            <tr>
              <th scope="col">Version</th>
              <th scope="col">Stage</th>
              <th scope="col">Resolves (24h)</th>
              <th scope="col">Served (24h)</th>
              <th scope="col">Last used</th>
              <th scope="col">Deployments</th>
              <th scope="col">Idle</th>
              <th scope="col">Owner</th>
            </tr>
          </thead>
          <tbody>
            {state.versions.map((v) => {
              const u = v.modelVersion?.usage;
              const last = lastUse(v);
              return (
                <tr key={`${v.backendId}/${v.modelName}@${v.version}`} className={v.idleAlert ? "idle" : undefined}>
                  <th scope="row">
                    <VersionLink v={v} />
                  </th>
                  <td>{v.modelVersion ? <StageBadge stage={v.modelVersion.stage} /> : "—"}</td>
                  <td>{u ? formatNumber(u.resolves24h) : "—"}</td>
                  <td>{u ? formatNumber(u.served24h) : "—"}</td>
                  <td>{last === null ? <span className="muted">never</span> : <Time value={last} />}</td>
                  <td>{v.usedBy.length === 0 ? <span className="muted">none</span> : v.usedBy.map((d) => `${d.deployment} (${d.role}${d.shadow ? ", shadow" : `, ${d.weight}%`})`).join(", ")}</td>
                  <td>{v.idleAlert ? <span className="badge badge-idle">idle {v.idleAlert.idleDays} days</span> : <span className="muted">in use</span>}</td>
                  <td>
                    <Owner owner={v.modelVersion?.model.owner} />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </>
  );
}

export function UsageView() {
  const { query } = useLocation();
  const setup = useQuery(OverviewSetupDocument, {});
  const environments = setup.data?.environments ?? [];
  const fallback = environments.find((e) => e.stage === "PRODUCTION")?.name ?? environments[0]?.name;
  const environment = query.get("env") ?? fallback;
  return (
    <>
      <IdleAlerts />
      <h2>Usage per environment</h2>
      <p className="muted">Resolves counted by the gateway and requests serving systems reported (usageReport). Idle alerts are raised in production environments only.</p>
      <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label="Usage in">
        <Field label="Environment">
          {(id) => (
            <select id={id} value={environment ?? ""} onChange={(e) => setQuery({ env: e.target.value })}>
              {environments.map((e) => (
                <option key={e.name} value={e.name}>
                  {e.name === e.stage.toLowerCase() ? e.name : `${e.name} (${e.stage.toLowerCase()})`}
                </option>
              ))}
            </select>
          )}
        </Field>
      </form>
      {setup.error && <ErrorBox error={setup.error} />}
      {environment === undefined ? setup.error ? null : <Loading what="environments" /> : <UsageTable key={environment} environment={environment} />}
    </>
  );
}
