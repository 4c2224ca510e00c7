/**
 * What changes between two revisions of a deployment: components keyed by role, backend and
 * model; a key on one side only is added or removed, on both with another version, weight or
 * shadow flag is changed. Used for the revision diff and the rollback preview.
 */
export interface ComponentLike {
  role: string;
  backendId: string;
  modelName: string;
  version: string;
  weight: number;
  shadow: boolean;
}

export type ComponentChange<C extends ComponentLike = ComponentLike> =
  | { kind: "added"; key: string; to: C }
  | { kind: "removed"; key: string; from: C }
  | { kind: "changed"; key: string; from: C; to: C; fields: ("version" | "weight" | "shadow")[] }
  | { kind: "same"; key: string; from: C; to: C };

export function componentKey(c: ComponentLike): string {
  return `${c.role} · ${c.backendId}/${c.modelName}`;
}

function group<C extends ComponentLike>(components: readonly C[]): Map<string, C[]> {
  const map = new Map<string, C[]>();
  for (const c of components) {
    const key = componentKey(c);
    const list = map.get(key);
    if (list) list.push(c);
    else map.set(key, [c]);
  }
  return map;
}

/** Changes from `from` to `to`, in the order role, backend, model; `same` entries included. */
export function diffComponents<C extends ComponentLike>(from: readonly C[], to: readonly C[]): ComponentChange<C>[] {
  const a = group(from);
  const b = group(to);
  const keys = [...new Set([...a.keys(), ...b.keys()])].sort();
  const out: ComponentChange<C>[] = [];
  for (const key of keys) {
    // A model can appear twice in a role (e.g. a serving version and a shadow one): pair equal
    // versions first, then the rest in order.
    const left = [...(a.get(key) ?? [])];
    const right = [...(b.get(key) ?? [])];
    for (const l of [...left]) {
      const match = right.findIndex((r) => r.version === l.version);
      if (match >= 0) {
        const r = right.splice(match, 1)[0] as C;
        left.splice(left.indexOf(l), 1);
        out.push(compare(key, l, r));
      }
    }
    while (left.length > 0 && right.length > 0) out.push(compare(key, left.shift() as C, right.shift() as C));
    for (const l of left) out.push({ kind: "removed", key, from: l });
    for (const r of right) out.push({ kind: "added", key, to: r });
  }
  return out;
}

function compare<C extends ComponentLike>(key: string, from: C, to: C): ComponentChange<C> {
  const fields = (["version", "weight", "shadow"] as const).filter((f) => from[f] !== to[f]);
  return fields.length === 0 ? { kind: "same", key, from, to } : { kind: "changed", key, from, to, fields: [...fields] };
}

export function hasChanges(changes: readonly ComponentChange[]): boolean {
  return changes.some((c) => c.kind !== "same");
}
