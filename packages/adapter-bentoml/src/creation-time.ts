/**
 * model.yaml's `creation_time`: Python's `datetime.isoformat()` of an aware UTC time, microseconds
 * included ('2026-12-06T15:59:37.488742+00:00'). BentoML orders versions by it (the `latest` pointer
 * is the newest), and so does this adapter; a JS Date keeps milliseconds only, so the order key is
 * in microseconds.
 */

export interface CreationTime {
  /** As written. */
  text: string;
  date: Date;
  /** Microseconds since the epoch: the sort key. */
  micros: number;
}

const ISO = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[Tt]|[ \t]+)(\d{1,2}):(\d{2}):(\d{2})(?:\.(\d*))?[ \t]*(Z|z|[-+]\d{1,2}(?::?\d{2})?)?$/;

/** Parses what Python's isoformat (or PyYAML's timestamp) writes; a time without zone is UTC, as BentoML writes UTC. */
export function parseCreationTime(text: string): CreationTime | undefined {
  const m = ISO.exec(text.trim());
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac = "", zone] = m;
  let offsetMinutes = 0;
  if (zone && zone !== "Z" && zone !== "z") {
    const sign = zone[0] === "-" ? -1 : 1;
    const digits = zone.slice(1).replace(":", "");
    const hours = Number(digits.length <= 2 ? digits : digits.slice(0, -2));
    const minutes = digits.length <= 2 ? 0 : Number(digits.slice(-2));
    offsetMinutes = sign * (hours * 60 + minutes);
  }
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)) - offsetMinutes * 60_000;
  if (!Number.isFinite(ms)) return undefined;
  const micros6 = (frac + "000000").slice(0, 6);
  const micros = ms * 1000 + Number(micros6);
  return { text, date: new Date(Math.floor(micros / 1000)), micros };
}

/** Writes microseconds since the epoch as Python's isoformat of a UTC datetime. */
export function formatCreationTime(micros: number): string {
  const ms = Math.floor(micros / 1000);
  const iso = new Date(ms).toISOString(); // 2026-12-06T15:59:37.488Z
  const frac = String(micros - Math.floor(micros / 1_000_000) * 1_000_000).padStart(6, "0");
  return `${iso.slice(0, 19)}.${frac}+00:00`;
}

/** Now, in microseconds (millisecond clock, microseconds from the high-resolution timer). */
export function nowMicros(): number {
  return Date.now() * 1000 + Math.floor((performance.now() % 1) * 1000);
}
