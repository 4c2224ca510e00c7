/** Every metric of either version, with the delta where both have it. */
import type { VersionChangesQuery } from "../../graphql/generated";
import { formatDelta, formatNumber } from "../../lib/values";

type Metric = NonNullable<NonNullable<VersionChangesQuery["modelVersion"]>["changes"]>["metrics"][number];

export function MetricChangeTable({ rows, from, to }: { rows: readonly Metric[]; from: string; to: string }) {
  if (rows.length === 0) return <p className="muted">Metrics: neither version has any.</p>;
  return (
    <table className="grid metrics-diff">
      <caption>Metrics, version {from} → version {to}</caption>
      <thead>
        <tr>
          <th scope="col">Metric</th>
          <th scope="col">Version {from}</th>
          <th scope="col">Version {to}</th>
          <th scope="col">Delta</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((m) => (
          <tr key={m.key} className={m.change === "UNCHANGED" ? undefined : `change-${m.change.toLowerCase()}`}>
            <th scope="row">{m.key}</th>
            <td>{m.before === null ? "—" : formatNumber(m.before)}</td>
            <td>{m.after === null ? "—" : formatNumber(m.after)}</td>
            <td>{m.change === "ADDED" || m.change === "REMOVED" ? m.change.toLowerCase() : formatDelta(m.delta)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
