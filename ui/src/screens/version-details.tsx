/**
 * One version: its generation config with the prompt text (and a word-level diff to the previous
 * version's prompt), lineage, metrics, eval records, and the backend's own fields that have no
 * place in the gateway's model (native: SageMaker's ModelLifeCycle, Vertex AI labels, git-YAML x- keys).
 */
import { useState } from "react";
import { VersionDetailDocument, type VersionDetailQuery } from "../graphql/generated";
import { useQuery } from "../graphql/use-query";
import { DriftFlag, StageBadge } from "../components/badges";
import { ErrorBox, Loading, PartialErrors } from "../components/status";
import { Time } from "../components/time";
import { WordDiffView } from "../components/word-diff-view";
import { EvidenceRef } from "./gate-list";

type Version = NonNullable<VersionDetailQuery["modelVersion"]>;

function Field({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </>
  );
}

function Ref({ value, label }: { value: string | null; label: string }) {
  return value === null ? <span className="muted">—</span> : <EvidenceRef value={value} label={label} />;
}

function GenerationConfigView({ version, previous }: { version: Version; previous: Version | undefined }) {
  const gen = version.generationConfig;
  const [showDiff, setShowDiff] = useState(true);
  if (gen === null) return <p className="muted">No generation config: a plain model artifact.</p>;
  const before = previous?.prompt?.template;
  const prevGen = previous?.generationConfig ?? null;
  const changed = (a: unknown, b: unknown) => prevGen !== null && JSON.stringify(a) !== JSON.stringify(b);
  return (
    <>
      <dl className="fields">
        <Field label="Model">
          <code>{gen.model}</code>
          {changed(gen.model, prevGen?.model) && <span className="changed">changed from {prevGen?.model}</span>}
        </Field>
        <Field label="Prompt">
          {gen.promptRef ?? "—"}
          {changed(gen.promptRef, prevGen?.promptRef) && <span className="changed">changed from {prevGen?.promptRef ?? "none"}</span>}
        </Field>
        <Field label="Tools">
          {gen.toolsRef ?? "—"}
          {changed(gen.toolsRef, prevGen?.toolsRef) && <span className="changed">changed from {prevGen?.toolsRef ?? "none"}</span>}
        </Field>
        <Field label="Parameters">
          <code>{JSON.stringify(gen.params)}</code>
          {changed(gen.params, prevGen?.params) && <span className="changed">changed from {JSON.stringify(prevGen?.params ?? {})}</span>}
        </Field>
        <Field label="Eval (backend)">{gen.eval === null ? "—" : `${gen.eval.suite}: ${gen.eval.score}${gen.eval.run === null ? "" : ` (run ${gen.eval.run})`}`}</Field>
        <Field label="Approved by">{gen.approvedBy ?? "—"}</Field>
      </dl>
      {version.prompt !== null && (
        <div className="prompt-block">
          <div className="prompt-head">
            <h4>
              Prompt text ({version.prompt.name}@{version.prompt.version})
            </h4>
            {before !== undefined && previous !== undefined && (
              <label className="checkbox">
                <input type="checkbox" checked={showDiff} onChange={(e) => setShowDiff(e.target.checked)} />
                Show changes since version {previous.version}
              </label>
            )}
          </div>
          {before !== undefined && previous !== undefined && showDiff ? (
            <WordDiffView before={before} after={version.prompt.template} label={`Prompt of version ${version.version} compared with version ${previous.version}`} />
          ) : (
            <pre className="prompt">{version.prompt.template}</pre>
          )}
        </div>
      )}
    </>
  );
}

/** The backend's native fields: strings as they are, other values as JSON. */
function NativeFields({ native }: { native: unknown }) {
  if (native === null || typeof native !== "object") return null;
  const entries = Object.entries(native as Record<string, unknown>);
  if (entries.length === 0) return null;
  return (
    <>
      <h3>Backend fields</h3>
      <dl className="fields">
        {entries.map(([key, value]) => (
          <Field key={key} label={key}>
            {typeof value === "string" ? value : <code>{JSON.stringify(value)}</code>}
          </Field>
        ))}
      </dl>
    </>
  );
}

export function VersionDetails({ backend, model, version, previousVersion }: { backend: string; model: string; version: string; previousVersion: string | undefined }) {
  const current = useQuery(VersionDetailDocument, { backend, model, version });
  const previous = useQuery(VersionDetailDocument, { backend, model, version: previousVersion ?? "" }, { skip: previousVersion === undefined });
  if (current.error) return <ErrorBox error={current.error} />;
  const v = current.data?.modelVersion;
  if (current.data === undefined) return <Loading what={`version ${version}`} />;
  if (v === null || v === undefined) return <ErrorBox error={`${backend}/${model} has no version ${version}`} />;
  const prev = previousVersion === undefined ? undefined : (previous.data?.modelVersion ?? undefined);
  return (
    <div className="version-details">
      <PartialErrors errors={current.partialErrors} />
      <div className="version-head">
        <h2 id="version-title">
          Version {v.version} <StageBadge stage={v.stage} />
          {v.drift != null && <DriftFlag drift={v.drift} />}
        </h2>
        <p className="muted">
          <code>{v.registryVersion}</code>
          {v.aliases.length > 0 && <> · aliases {v.aliases.join(", ")}</>} · created <Time value={v.createdAt} />
          {v.createdBy !== null && <> by {v.createdBy}</>}
        </p>
        {v.description !== null && <p>{v.description}</p>}
      </div>
      <h3>Generation config</h3>
      <GenerationConfigView version={v} previous={prev} />
      <h3>Lineage</h3>
      <dl className="fields">
        <Field label="Run">{v.lineage.runLink !== null ? <EvidenceRef value={v.lineage.runLink} label={v.lineage.runId ?? "run"} /> : (v.lineage.runId ?? "—")}</Field>
        <Field label="Code commit">{v.lineage.codeCommit ?? "—"}</Field>
        <Field label="Dataset hash">{v.lineage.datasetHash ?? "—"}</Field>
        <Field label="Parent model">{v.lineage.parentModel ?? "—"}</Field>
        <Field label="Artifact">
          <Ref value={v.artifactUri} label="artifact" />
        </Field>
      </dl>
      <NativeFields native={v.native} />
      {v.metrics.length > 0 && (
        <>
          <h3>Metrics</h3>
          <dl className="fields">
            {v.metrics.map((m) => (
              <Field key={m.key} label={m.key}>
                {m.value}
              </Field>
            ))}
          </dl>
        </>
      )}
      <h3>Eval records</h3>
      {v.evalRecords.length === 0 ? (
        <p className="muted">No eval results recorded with evalRecord{v.generationConfig?.eval ? " (the backend's own result is in the generation config)" : ""}.</p>
      ) : (
        <table className="grid">
          <thead>
            <tr>
              <th scope="col">Suite</th>
              <th scope="col">Score</th>
              <th scope="col">Evidence</th>
              <th scope="col">Recorded by</th>
              <th scope="col">When</th>
            </tr>
          </thead>
          <tbody>
            {v.evalRecords.map((e, i) => (
              <tr key={i}>
                <td>{e.suite}</td>
                <td>{e.score}</td>
                <td>
                  {e.artifactUri !== null && <EvidenceRef value={e.artifactUri} label="artifact" />} {e.run !== null && <EvidenceRef value={e.run} label="run" />}
                </td>
                <td>{e.recordedBy}</td>
                <td>
                  <Time value={e.at} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
