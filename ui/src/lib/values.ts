/** How provenance values are written on screen: strings as they are, numbers short, the rest as JSON. */
export function showValue(value: unknown): string {
  if (value === null || value === undefined) return "—";
  if (typeof value === "string") return value;
  if (typeof value === "number") return formatNumber(value);
  return JSON.stringify(value);
}

/** At most six significant digits, no trailing zeros. */
export function formatNumber(n: number): string {
  return Number.isInteger(n) ? String(n) : String(Number(n.toPrecision(6)));
}

/** A delta with its sign: "+0.03", "-2", "0". */
export function formatDelta(n: number | null | undefined): string {
  if (n === null || n === undefined) return "—";
  const s = formatNumber(n);
  return n > 0 ? `+${s}` : s;
}

/** "backend/name@version", as provenance names a version everywhere. */
export function versionKey(v: { backendId: string; modelName: string; version: string }): string {
  return `${v.backendId}/${v.modelName}@${v.version}`;
}
