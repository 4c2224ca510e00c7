/** The changes between two revisions' components, as a table. */
import type { ComponentChange, ComponentLike } from "../lib/revision-diff";

function describe(c: ComponentLike): string {
  return `${c.modelName}@${c.version}${c.shadow ? " shadow" : ` ${c.weight}%`}`;
}

export function RevisionDiffView({ changes, caption, showSame = true }: { changes: readonly ComponentChange[]; caption: string; showSame?: boolean }) {
  const rows = showSame ? changes : changes.filter((c) => c.kind !== "same");
  return (
    <table className="grid diff-table">
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Component</th>
          <th scope="col">Change</th>
          <th scope="col">Before</th>
          <th scope="col">After</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((c, i) => (
          <tr key={i} className={`change-${c.kind}`}>
            <th scope="row">{c.key}</th>
            <td>{c.kind === "changed" ? `${c.fields.join(", ")} changed` : c.kind === "same" ? "unchanged" : c.kind}</td>
            <td>{c.kind === "added" ? "—" : describe(c.from)}</td>
            <td>{c.kind === "removed" ? "—" : describe(c.to)}</td>
          </tr>
        ))}
        {rows.length === 0 && (
          <tr>
            <td colSpan={4} className="muted">
              No differences.
            </td>
          </tr>
        )}
      </tbody>
    </table>
  );
}
