/**
 * What changed since another version (by default the one before): fields, params, metrics with
 * deltas, generation config, the prompt as a line diff, tools, lineage and tags.
 */
import { Field } from "../../components/field";
import { LineDiffView } from "../../components/line-diff-view";
import { ErrorBox, Loading, PartialErrors } from "../../components/status";
import { VersionChangesDocument } from "../../graphql/generated";
import { useQuery } from "../../graphql/use-query";
import { setQuery, useLocation } from "../../router";
import { MetricChangeTable } from "./metric-change-table";
import { ValueChangeTable } from "./value-change-table";

export function ChangesView({ backend, model, version, versions }: { backend: string; model: string; version: string; versions: readonly string[] }) {
  const { query } = useLocation();
  const from = query.get("from") ?? undefined;
  const result = useQuery(VersionChangesDocument, { backend, model, version, ...(from === undefined ? {} : { from }) });
  const others = versions.filter((v) => v !== version);
  const changes = result.data?.modelVersion?.changes;
  return (
    <>
      <form className="inline-form filters" aria-label="Compare with" onSubmit={(e) => e.preventDefault()}>
        <Field label="Compare with version">
          {(id) => (
            <select id={id} value={from ?? ""} onChange={(e) => setQuery({ from: e.target.value })}>
              <option value="">the version before</option>
              {others.map((v) => (
                <option key={v} value={v}>
                  {v}
                </option>
              ))}
            </select>
          )}
        </Field>
      </form>
      {result.error !== undefined && <ErrorBox error={result.error} />}
      {result.data === undefined && result.error === undefined && <Loading what="the changes" />}
      {result.data !== undefined && <PartialErrors errors={result.partialErrors} />}
      {result.data !== undefined && result.data.modelVersion === null && <ErrorBox error={`${backend}/${model} has no version ${version}`} />}
      {result.data?.modelVersion != null && changes == null && <p className="muted">Version {version} is the first version of {model}: there is nothing before it to compare with.</p>}
      {changes != null && (
        <>
          <p>
            Changes from version <strong>{changes.from.version}</strong> to version <strong>{changes.to.version}</strong>.
          </p>
          {changes.problems.length > 0 && (
            <div className="warning-box" role="status">
              <strong>Part of the comparison is incomplete:</strong>
              <ul>
                {changes.problems.map((p) => (
                  <li key={p}>{p}</li>
                ))}
              </ul>
            </div>
          )}
          <h3>Version fields</h3>
          <ValueChangeTable caption="Fields" rows={changes.fields} />
          <h3>Params</h3>
          <ValueChangeTable caption="Params" rows={changes.params} />
          <h3>Metrics</h3>
          <MetricChangeTable rows={changes.metrics} from={changes.from.version} to={changes.to.version} />
          <h3>Generation config</h3>
          <ValueChangeTable caption="Generation config" rows={changes.generationConfig} />
          <h3>Prompt</h3>
          {changes.prompt === null ? (
            <p className="muted">Neither version has a prompt.</p>
          ) : !changes.prompt.changed ? (
            <p className="muted">
              The prompt text is the same ({changes.prompt.beforeRef ?? "none"} → {changes.prompt.afterRef ?? "none"}).
            </p>
          ) : (
            <>
              <p>
                {changes.prompt.beforeRef ?? "no prompt"} → {changes.prompt.afterRef ?? "no prompt"}
              </p>
              <LineDiffView unified={changes.prompt.unified} label={`Prompt line diff, version ${changes.from.version} to version ${changes.to.version}`} />
            </>
          )}
          <h3>Tools</h3>
          <ValueChangeTable caption="Tools" rows={changes.tools} />
          <h3>Lineage changes</h3>
          <ValueChangeTable caption="Lineage" rows={changes.lineage} />
          <h3>Tags</h3>
          <ValueChangeTable caption="Tags" rows={changes.tags} />
        </>
      )}
    </>
  );
}
