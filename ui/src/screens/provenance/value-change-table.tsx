/** Key-by-key changes (params, generation config, tools, lineage, tags): what was before and after. */
import type { ValueChangeFieldsFragment } from "../../graphql/generated";
import { showValue } from "../../lib/values";

export function ValueChangeTable({ caption, rows }: { caption: string; rows: readonly ValueChangeFieldsFragment[] }) {
  const changed = rows.filter((r) => r.change !== "UNCHANGED");
  if (changed.length === 0) return <p className="muted">{caption}: no change.</p>;
  return (
    <table className="grid">
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Key</th>
          <th scope="col">Change</th>
          <th scope="col">Before</th>
          <th scope="col">After</th>
        </tr>
      </thead>
      <tbody>
        {changed.map((r) => (
          <tr key={r.key} className={`change-${r.change.toLowerCase()}`}>
            <th scope="row">{r.key}</th>
            <td>{r.change.toLowerCase()}</td>
            <td>
              <code className="value">{showValue(r.before)}</code>
            </td>
            <td>
              <code className="value">{showValue(r.after)}</code>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
