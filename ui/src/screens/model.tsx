/**
 * A model and one of its versions: the versions table (stage, aliases, backend, drift), the
 * selected version's details, promotion and rollback by role, and the model's audit history.
 */
import { useMemo } from "react";
import { ModelDetailDocument, ModelHistoryDocument } from "../graphql/generated";
import { useLiveRefetch } from "../graphql/use-live-refetch";
import { useQuery } from "../graphql/use-query";
import { BackendBadge, DriftFlag, StageBadge } from "../components/badges";
import { ErrorBox, Loading, PartialErrors } from "../components/status";
import { Time } from "../components/time";
import { compareVersions } from "../lib/format";
import { href, Link, useLocation } from "../router";
import { AuditTable } from "./audit-table";
import { VersionActions } from "./version-actions";
import { parseView, VersionViews } from "./version-views";

export function ModelScreen({ backend, name }: { backend: string; name: string }) {
  const { query } = useLocation();
  const detail = useQuery(ModelDetailDocument, { backend, name });
  const history = useQuery(ModelHistoryDocument, { filter: { backend, model: name } });
  const refetch = () => {
    detail.refetch();
    history.refetch();
  };
  useLiveRefetch({ backend, model: name }, refetch);
  const model = detail.data?.model;
  const versions = useMemo(() => [...(model?.versions.nodes ?? [])].sort((a, b) => compareVersions(b.version, a.version)), [model]);
  if (detail.error) return <ErrorBox error={detail.error} />;
  if (detail.data === undefined) return <Loading what={`${backend}/${name}`} />;
  if (model === null || model === undefined) return <ErrorBox error={`there is no model ${name} in backend ${backend}`} />;

  const selected =
    query.get("version") ?? versions.find((v) => v.stage === "PRODUCTION")?.version ?? model.latestVersion ?? versions[0]?.version ?? undefined;
  const index = versions.findIndex((v) => v.version === selected);
  const previous = index >= 0 ? versions[index + 1]?.version : undefined;
  const selectedStage = versions[index]?.stage;

  return (
    <section aria-labelledby="model-title">
      <div className="page-head">
        <p className="crumbs">
          <Link to={href(["models"])}>Models</Link> / {backend}
        </p>
        <h1 id="model-title">
          {model.name} <BackendBadge backend={model.backendId} kind={model.backend.kind} />
        </h1>
        {model.description !== null && <p>{model.description}</p>}
        <p className="muted">
          {model.tags.map((t) => `${t.key}=${t.value}`).join(" · ")}
          {model.aliases.length > 0 && <> · aliases {model.aliases.map((a) => `${a.name} → ${a.version}`).join(", ")}</>}
        </p>
      </div>
      <PartialErrors errors={detail.partialErrors} />
      <table className="grid versions">
        <caption>Versions of {model.name}</caption>
        <thead>
          <tr>
            <th scope="col">Version</th>
            <th scope="col">Stage</th>
            <th scope="col">Aliases</th>
            <th scope="col">Backend</th>
            <th scope="col">Drift</th>
            <th scope="col">Created</th>
            <th scope="col">Description</th>
          </tr>
        </thead>
        <tbody>
          {versions.map((v) => (
            <tr key={v.version} className={v.version === selected ? "selected" : undefined}>
              <th scope="row">
                <Link to={href(["models", backend, name], { version: v.version, view: query.get("view") ?? undefined })} aria-current={v.version === selected ? "true" : undefined}>
                  {v.version}
                </Link>
              </th>
              <td>
                <StageBadge stage={v.stage} />
                {v.nativeStage !== null && v.nativeStage.toLowerCase() !== v.stage.toLowerCase() && <span className="muted small"> ({v.nativeStage})</span>}
              </td>
              <td>{v.aliases.join(", ") || "—"}</td>
              <td>
                <BackendBadge backend={model.backendId} kind={model.backend.kind} />
              </td>
              <td>{v.drift != null ? <DriftFlag drift={v.drift} /> : <span className="muted">in line</span>}</td>
              <td>
                <Time value={v.createdAt} />
                {v.createdBy !== null && <span className="muted small"> by {v.createdBy}</span>}
              </td>
              <td>{v.description ?? ""}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {model.versions.pageInfo.hasNextPage && <p className="muted">Showing the first {versions.length} versions.</p>}
      {selected !== undefined && selectedStage !== undefined && (
        <>
          <VersionActions
            key={`${selected}:${selectedStage}`}
            backend={backend}
            model={name}
            version={selected}
            stage={selectedStage}
            environments={detail.data.environments}
            transitions={detail.data.policies.transitions}
            onDone={refetch}
          />
          <VersionViews
            backend={backend}
            model={name}
            version={selected}
            previousVersion={previous}
            versions={versions.map((v) => v.version)}
            view={parseView(query.get("view"))}
          />
        </>
      )}
      <h2>History</h2>
      {history.error && <ErrorBox error={history.error} />}
      {history.data && (
        <>
          <AuditTable events={history.data.auditEvents.nodes} caption={`Audit events of ${backend}/${name}, newest first`} />
          <p>
            <Link to={href(["audit"], { model: name })}>All of {name}'s events in the audit trail</Link>
          </p>
        </>
      )}
    </section>
  );
}
