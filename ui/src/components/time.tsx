import { formatTime, relativeTime } from "../lib/format";

/** A point in time: local date and time, the exact instant in the title. */
export function Time({ value, relative = false }: { value: string | null | undefined; relative?: boolean }) {
  if (value === null || value === undefined) return <span>—</span>;
  return (
    <time dateTime={value} title={value}>
      {relative ? relativeTime(value) : formatTime(value)}
    </time>
  );
}
