/**
 * Impact (the recall question): every version derived from a dataset or a version, transitively,
 * with the path from it, and per environment what applications resolve there and which running
 * deployments bundle an impacted version.
 */
import { StageBadge } from "../../components/badges";
import { ErrorBox, Loading, PartialErrors } from "../../components/status";
import { ImpactDocument, type ImpactedDeploymentFieldsFragment, type ImpactedVersionFieldsFragment } from "../../graphql/generated";
import { useQuery } from "../../graphql/use-query";
import { versionKey } from "../../lib/values";
import { href, Link } from "../../router";
import { WalkLimits } from "./walk-limits";

export type ImpactTarget = { dataset: string } | { version: string };

function VersionLink({ v }: { v: ImpactedVersionFieldsFragment["modelVersion"] }) {
  return <Link to={href(["models", v.backendId, v.modelName], { version: v.version })}>{versionKey(v)}</Link>;
}

function DeploymentLink({ d }: { d: ImpactedDeploymentFieldsFragment }) {
  return (
    <Link to={href(["deployments", d.environment, d.name])}>
      {d.name} #{d.revision}
    </Link>
  );
}

export function ImpactView({ target }: { target: ImpactTarget }) {
  const result = useQuery(ImpactDocument, target);
  if (result.error !== undefined) return <ErrorBox error={result.error} />;
  if (result.data === undefined) return <Loading what="the impact (every backend and deployment is read)" />;
  const impact = result.data.impact;
  const start = "dataset" in target ? `dataset ${target.dataset}` : target.version;
  return (
    <div className="impact">
      <PartialErrors errors={result.partialErrors} />
      <WalkLimits partial={impact.partial} limits={impact.limits} failedBackends={impact.failedBackends} />
      <p className="impact-summary">
        {impact.versions.length === 0
          ? `Nothing is derived from ${start}.`
          : `${impact.versions.length} version${impact.versions.length === 1 ? "" : "s"} derived from ${start}; ${impact.deployments.length} deployment${impact.deployments.length === 1 ? "" : "s"} bundle one.`}
      </p>
      <h3>Per environment</h3>
      {impact.environments.length === 0 ? (
        <p className="muted">No environment runs an impacted version.</p>
      ) : (
        <table className="grid impact-environments">
          <caption>What runs an impacted version, per environment (environments with nothing impacted are left out)</caption>
          <thead>
            <tr>
              <th scope="col">Environment</th>
              <th scope="col">Stage</th>
              <th scope="col">Impacted versions in that stage</th>
              <th scope="col">Running deployments bundling one</th>
            </tr>
          </thead>
          <tbody>
            {impact.environments.map((e) => (
              <tr key={e.environment} className={e.versions.length + e.deployments.length > 0 ? "impacted" : undefined}>
                <th scope="row">{e.environment}</th>
                <td>
                  <StageBadge stage={e.stage} />
                </td>
                <td>
                  {e.versions.length === 0
                    ? "none"
                    : e.versions.map((v, i) => (
                        <span key={versionKey(v.modelVersion)}>
                          {i > 0 && ", "}
                          <VersionLink v={v.modelVersion} />
                        </span>
                      ))}
                </td>
                <td>
                  {e.deployments.length === 0
                    ? "none"
                    : e.deployments.map((d, i) => (
                        <span key={d.name}>
                          {i > 0 && ", "}
                          <DeploymentLink d={d} />
                        </span>
                      ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h3>Derived versions</h3>
      {impact.versions.length === 0 ? (
        <p className="muted">None.</p>
      ) : (
        <table className="grid impact-versions">
          <caption>Versions derived from {start}, with the edges from it</caption>
          <thead>
            <tr>
              <th scope="col">Version</th>
              <th scope="col">Stage</th>
              <th scope="col">Path</th>
            </tr>
          </thead>
          <tbody>
            {impact.versions.map((v) => (
              <tr key={versionKey(v.modelVersion)}>
                <th scope="row">
                  <VersionLink v={v.modelVersion} />
                </th>
                <td>
                  <StageBadge stage={v.modelVersion.stage} />
                </td>
                <td>{v.path.map((p) => p.toLowerCase().replace(/_/g, " ")).join(" → ")}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h3>Deployments</h3>
      {impact.deployments.length === 0 ? (
        <p className="muted">No deployment bundles an impacted version.</p>
      ) : (
        <table className="grid impact-deployments">
          <caption>Deployments bundling an impacted version</caption>
          <thead>
            <tr>
              <th scope="col">Deployment</th>
              <th scope="col">Environment</th>
              <th scope="col">Running</th>
              <th scope="col">Impacted versions it bundles</th>
            </tr>
          </thead>
          <tbody>
            {impact.deployments.map((d) => (
              <tr key={`${d.environment}/${d.name}/${d.revision}`}>
                <th scope="row">
                  <DeploymentLink d={d} />
                </th>
                <td>{d.environment}</td>
                <td>{d.running ? "running" : "not running"}</td>
                <td>{d.versions.join(", ")}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
