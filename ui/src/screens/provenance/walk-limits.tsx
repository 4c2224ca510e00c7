/** A lineage or impact answer cut short (depth or node limit) or missing a backend: named, never silent. */
export function WalkLimits({ partial, limits, failedBackends }: { partial: boolean; limits: readonly string[]; failedBackends: readonly { backendId: string; message: string }[] }) {
  if (!partial && limits.length === 0 && failedBackends.length === 0) return null;
  return (
    <div className="warning-box partial" role="status">
      <strong>Partial result:</strong>
      <ul>
        {limits.map((l) => (
          <li key={l}>{l}</li>
        ))}
        {failedBackends.map((f) => (
          <li key={f.backendId}>
            backend {f.backendId} could not be read: {f.message}
          </li>
        ))}
      </ul>
    </div>
  );
}
