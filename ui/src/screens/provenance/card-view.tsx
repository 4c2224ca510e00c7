/**
 * A version's model card: the data (license, base model, datasets, tags, eval results), the
 * human-written sections, what the card lacks, the Hugging Face README.md, and the editor.
 */
import { ErrorBox, Loading, PartialErrors } from "../../components/status";
import { VersionCardDocument } from "../../graphql/generated";
import { useQuery } from "../../graphql/use-query";
import { CARD_SECTIONS, missingLabel } from "../../lib/card-sections";
import { download } from "../../lib/jsonl";
import { CardData } from "./card-data";
import { CardEditor } from "./card-editor";

export function CardView({ backend, model, version }: { backend: string; model: string; version: string }) {
  const result = useQuery(VersionCardDocument, { backend, model, version });
  if (result.error !== undefined) return <ErrorBox error={result.error} />;
  if (result.data === undefined) return <Loading what="the model card" />;
  const v = result.data.modelVersion;
  if (v === null) return <ErrorBox error={`${backend}/${model} has no version ${version}`} />;
  const card = v.card;
  const shown: Record<string, string> = {};
  for (const [k, value] of Object.entries(card.sections)) if (typeof value === "string") shown[k] = value;
  const license = card.data["license"];
  if (typeof license === "string" && shown["license"] === undefined) shown["license"] = license;
  return (
    <>
      <PartialErrors errors={result.partialErrors} />
      {card.missing.length > 0 ? (
        <div className="warning-box card-missing" role="status">
          <strong>The card lacks:</strong> {card.missing.map(missingLabel).join(", ")}
        </div>
      ) : (
        <p className="notice">The card is complete.</p>
      )}
      <h3>Card data</h3>
      <CardData data={card.data} />
      <div className="card-sections">
        {CARD_SECTIONS.map((s) => {
          const text = shown[s.id];
          return (
            <section key={s.id} aria-labelledby={`card-${s.id}`}>
              <h3 id={`card-${s.id}`}>{s.title}</h3>
              {text === undefined ? <p className="muted">No human-written text yet.</p> : <p className="card-text">{text}</p>}
            </section>
          );
        })}
      </div>
      <details className="card-markdown">
        <summary>README.md (Hugging Face format)</summary>
        <button type="button" className="button" onClick={() => download(`${model}-${version}-README.md`, card.markdown, "text/markdown")}>
          Download README.md
        </button>
        <pre className="prompt" tabIndex={0} aria-label="README.md of the card">
          {card.markdown}
        </pre>
      </details>
      <CardEditor backend={backend} model={model} version={version} shown={shown} onSaved={result.refetch} />
    </>
  );
}
