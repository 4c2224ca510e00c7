/**
 * The impact screen (`/ui/impact?dataset=sha256:…` or `?version=backend/name@3`): which versions
 * were derived from a dataset or a version and where they run, per environment.
 */
import { useState, type FormEvent } from "react";
import { Field } from "../components/field";
import { navigate, href, useLocation } from "../router";
import { ImpactView } from "./provenance/impact-view";

export function ImpactScreen() {
  const { query } = useLocation();
  const dataset = query.get("dataset") ?? "";
  const version = query.get("version") ?? "";
  const [kind, setKind] = useState<"dataset" | "version">(version !== "" && dataset === "" ? "version" : "dataset");
  const [value, setValue] = useState(dataset !== "" ? dataset : version);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const v = value.trim();
    if (v !== "") navigate(href(["impact"], { [kind]: v }));
  };
  const target = dataset !== "" ? { dataset } : version !== "" ? { version } : undefined;
  return (
    <section aria-labelledby="impact-title">
      <div className="page-head">
        <h1 id="impact-title">Impact</h1>
        <p className="muted">Which versions were derived from a dataset or a version, and which systems run them: the recall question.</p>
      </div>
      <form className="inline-form filters" aria-label="Impact of" onSubmit={submit}>
        <Field label="Start from">
          {(id) => (
            <select id={id} value={kind} onChange={(e) => setKind(e.target.value as "dataset" | "version")}>
              <option value="dataset">a dataset hash</option>
              <option value="version">a version</option>
            </select>
          )}
        </Field>
        <Field label={kind === "dataset" ? "Dataset hash" : "Version"}>
          {(id) => (
            <input id={id} className="wide" value={value} onChange={(e) => setValue(e.target.value)} required placeholder={kind === "dataset" ? "sha256:…" : "backend/name@version"} />
          )}
        </Field>
        <button type="submit" className="button button-primary">
          Show impact
        </button>
      </form>
      {target !== undefined && (
        <>
          <h2>{"dataset" in target ? `Dataset ${target.dataset}` : target.version}</h2>
          <ImpactView key={JSON.stringify(target)} target={target} />
        </>
      )}
    </section>
  );
}
