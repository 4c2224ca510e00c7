/** The card's data (Hugging Face ModelCardData): license, base model, datasets, tags and eval results. */
import { formatNumber } from "../../lib/values";

interface IndexResult {
  dataset?: { name?: string };
  metrics?: { name?: string; type?: string; value?: unknown }[];
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : typeof v === "string" ? [v] : []);

function results(data: Record<string, unknown>): { dataset: string; metric: string; value: string }[] {
  const index = data["model-index"];
  if (!Array.isArray(index)) return [];
  return index.flatMap((entry: { results?: IndexResult[] }) =>
    (entry.results ?? []).flatMap((r) =>
      (r.metrics ?? []).map((m) => ({
        dataset: r.dataset?.name ?? "—",
        metric: m.name ?? m.type ?? "—",
        value: typeof m.value === "number" ? formatNumber(m.value) : String(m.value ?? "—"),
      })),
    ),
  );
}

export function CardData({ data }: { data: Record<string, unknown> }) {
  const license = typeof data["license"] === "string" ? data["license"] : undefined;
  const base = typeof data["base_model"] === "string" ? data["base_model"] : undefined;
  const rows = results(data);
  return (
    <>
      <dl className="fields card-data">
        <dt>License</dt>
        <dd>{license ?? <span className="muted">not set</span>}</dd>
        <dt>Base model</dt>
        <dd>{base === undefined ? "—" : <code>{base}</code>}</dd>
        <dt>Datasets</dt>
        <dd>{strings(data["datasets"]).map((d) => <code key={d}>{d}</code>)}{strings(data["datasets"]).length === 0 && "—"}</dd>
        <dt>Tags</dt>
        <dd>{strings(data["tags"]).join(", ") || "—"}</dd>
      </dl>
      {rows.length > 0 && (
        <table className="grid">
          <caption>Evaluation results (model-index)</caption>
          <thead>
            <tr>
              <th scope="col">Dataset or suite</th>
              <th scope="col">Metric</th>
              <th scope="col">Value</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r, i) => (
              <tr key={i}>
                <td>{r.dataset}</td>
                <td>{r.metric}</td>
                <td>{r.value}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
