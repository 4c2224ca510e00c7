/** MLflow's `order_by` clauses ("name ASC", "last_updated_timestamp DESC"), parsed and applied. */
import { invalidParameter } from "./errors.js";

export interface OrderKey {
  key: string;
  ascending: boolean;
}

const CLAUSE_RE = /^\s*(?:attr(?:ibutes?)?\.)?`?([A-Za-z_][A-Za-z0-9_]*)`?(?:\s+(ASC|DESC))?\s*$/i;

/**
 * `order_by` in order, then the tie-breakers not already named (MLflow always adds them, so pages
 * are stable). `renames` maps accepted synonyms to their key ("timestamp" -> "last_updated_timestamp").
 */
export function parseOrderBy(
  clauses: readonly string[],
  valid: ReadonlySet<string>,
  tieBreakers: readonly OrderKey[],
  renames: Readonly<Record<string, string>> = {},
): OrderKey[] {
  const out: OrderKey[] = [];
  for (const clause of clauses) {
    const match = CLAUSE_RE.exec(clause);
    const key = match ? (renames[match[1] as string] ?? (match[1] as string)) : undefined;
    if (match === null || key === undefined || !valid.has(key)) {
      throw invalidParameter(`Invalid order by key '${clause}' specified. Valid keys are ${[...valid].sort().join(", ")} (each optionally ASC or DESC)`);
    }
    if (out.some((o) => o.key === key)) throw invalidParameter(`\`order_by\` contains duplicate fields: ${JSON.stringify(clauses)}`);
    out.push({ key, ascending: (match[2] ?? "ASC").toUpperCase() === "ASC" });
  }
  for (const t of tieBreakers) if (!out.some((o) => o.key === t.key)) out.push(t);
  return out;
}

type SortValue = string | number | undefined;

/** Numbers before strings, missing values first (as SQL sorts NULLs ascending). */
function compareValues(a: SortValue, b: SortValue): number {
  if (a === b) return 0;
  if (a === undefined) return -1;
  if (b === undefined) return 1;
  if (typeof a === "number" && typeof b === "number") return a - b;
  if (typeof a === "number") return -1;
  if (typeof b === "number") return 1;
  return a < b ? -1 : 1;
}

export function sortBy<T>(rows: readonly T[], order: readonly OrderKey[], value: (row: T, key: string) => SortValue): T[] {
  return [...rows].sort((x, y) => {
    for (const o of order) {
      const c = compareValues(value(x, o.key), value(y, o.key));
      if (c !== 0) return o.ascending ? c : -c;
    }
    return 0;
  });
}
