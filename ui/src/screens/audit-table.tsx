/** Audit events as a table (audit screen, a model's history); each row opens its before/after. */
import type { AuditEventFieldsFragment } from "../graphql/generated";
import { Time } from "../components/time";

function Json({ value }: { value: unknown }) {
  if (value === null || value === undefined) return <span className="muted">—</span>;
  return <pre className="json">{JSON.stringify(value, null, 2)}</pre>;
}

export function AuditTable({ events, caption }: { events: readonly AuditEventFieldsFragment[]; caption: string }) {
  return (
    <table className="grid audit">
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">#</th>
          <th scope="col">When</th>
          <th scope="col">Actor</th>
          <th scope="col">Action</th>
          <th scope="col">Target</th>
          <th scope="col">Details</th>
        </tr>
      </thead>
      <tbody>
        {events.map((e) => (
          <tr key={e.id} className={e.outcome === "FAILURE" ? "failed" : undefined}>
            <td>{e.seq}</td>
            <td>
              <Time value={e.at} />
            </td>
            <td>{e.actor}</td>
            <td>
              <code>{e.action}</code>
              {e.outcome === "FAILURE" && <span className="badge status-failed">failed</span>}
            </td>
            <td>{e.target}</td>
            <td>
              {e.reason !== null && <div>{e.reason}</div>}
              {e.error !== null && <div className="error-text">{e.error}</div>}
              {(e.before != null || e.after != null) && (
                <details>
                  <summary>before / after</summary>
                  <div className="before-after">
                    <div>
                      <span className="small muted">before</span>
                      <Json value={e.before} />
                    </div>
                    <div>
                      <span className="small muted">after</span>
                      <Json value={e.after} />
                    </div>
                  </div>
                </details>
              )}
            </td>
          </tr>
        ))}
        {events.length === 0 && (
          <tr>
            <td colSpan={6} className="muted">
              No events.
            </td>
          </tr>
        )}
      </tbody>
    </table>
  );
}
