/**
 * A deployment's traffic split: per role, a bar of the serving components' weights; shadow
 * components (mirrored traffic, never serving) are listed after it, marked.
 */
import type { ComponentLike } from "../lib/revision-diff";

function byRole<C extends ComponentLike>(components: readonly C[]): [string, C[]][] {
  const roles = new Map<string, C[]>();
  for (const c of components) {
    const list = roles.get(c.role);
    if (list) list.push(c);
    else roles.set(c.role, [c]);
  }
  return [...roles.entries()];
}

export function WeightsBar({ components }: { components: readonly ComponentLike[] }) {
  return (
    <div className="weights">
      {byRole(components).map(([role, list]) => {
        const serving = list.filter((c) => !c.shadow);
        const shadow = list.filter((c) => c.shadow);
        const label = [...serving.map((c) => `${c.modelName}@${c.version} ${c.weight}%`), ...shadow.map((c) => `${c.modelName}@${c.version} shadow`)].join(", ");
        return (
          <div className="weights-role" key={role}>
            <span className="weights-role-name">{role}</span>
            <span className="weights-bar" role="img" aria-label={`${role}: ${label}`}>
              {serving.map((c, i) => (
                <span key={`${c.modelName}@${c.version}`} className={`weights-segment seg-${i % 4}`} style={{ width: `${c.weight}%` }} />
              ))}
              {shadow.length > 0 && <span className="weights-shadow-mark" />}
            </span>
            <span className="weights-legend" aria-hidden="true">
              {serving.map((c) => (
                <span key={`${c.modelName}@${c.version}`}>
                  {c.modelName}@{c.version} {c.weight}%
                </span>
              ))}
              {shadow.map((c) => (
                <span key={`${c.modelName}@${c.version}:shadow`} className="weights-shadow">
                  {c.modelName}@{c.version} shadow
                </span>
              ))}
            </span>
          </div>
        );
      })}
    </div>
  );
}
