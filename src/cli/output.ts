/** Formatting for the CLI: JSON documents, aligned tables, label/value blocks and error reports. */
import { formatUserError, isModelgateError, isModelgateUserError } from "../client/index.js";
import { exitCodeOf, UsageError } from "./exit-codes.js";
import type { CliIo } from "./io.js";

export function printJson(io: CliIo, value: unknown): void {
  io.stdout(`${JSON.stringify(value, null, 2)}\n`);
}

/** An aligned text table; cells are single-line (newlines become spaces). */
export function formatTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const clean = rows.map((row) => row.map((cell) => cell.replace(/\s*\n\s*/g, " ")));
  const widths = headers.map((h, i) => Math.max(h.length, ...clean.map((row) => (row[i] ?? "").length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  return [line(headers), ...clean.map(line)].join("\n") + "\n";
}

/** "label   value" lines, labels aligned; entries with an undefined value are left out. */
export function formatFields(fields: readonly (readonly [string, string | undefined])[]): string {
  const present = fields.filter((f): f is readonly [string, string] => f[1] !== undefined);
  const width = Math.max(0, ...present.map(([label]) => label.length));
  return present.map(([label, value]) => `${label.padEnd(width)}  ${value}`).join("\n") + "\n";
}

/** "2026-06-10T12:00:00Z" from an ISO timestamp (milliseconds dropped); "-" when absent. */
export function shortTime(iso: string | null | undefined): string {
  if (!iso) return "-";
  return iso.replace(/\.\d+Z$/, "Z");
}

export function orDash(value: string | null | undefined): string {
  return value === null || value === undefined || value === "" ? "-" : value;
}

/**
 * Reports a failed command: a readable message on stderr and, with --json, one JSON document
 * `{ "error": { code, message, exitCode, ... } }` on stdout.
 */
export function reportError(io: CliIo, err: unknown, json: boolean): void {
  const exitCode = exitCodeOf(err);
  const lines = errorLines(err);
  io.stderr(lines.map((l) => `${l}\n`).join(""));
  if (json) printJson(io, { error: { ...errorDocument(err), exitCode } });
}

function errorLines(err: unknown): string[] {
  if (isModelgateUserError(err)) {
    return [`error: ${err.mutation} was refused:`, ...err.userErrors.map((e) => `  ${formatUserError(e)}`)];
  }
  if (isModelgateError(err)) {
    if (err.isTransport) {
      return [
        `error: ${err.message}`,
        "  is `modelgate serve` running there? Point the CLI elsewhere with --url or MODELGATE_URL.",
      ];
    }
    return [`error: ${err.message} (${err.code}${err.backend ? `, backend ${err.backend}` : ""})`];
  }
  if (err instanceof UsageError) return [`error: ${err.message}`];
  return [`error: ${err instanceof Error ? err.message : String(err)}`];
}

function errorDocument(err: unknown): Record<string, unknown> {
  if (isModelgateUserError(err)) {
    return { code: err.code ?? "USER_ERRORS", message: err.message, userErrors: err.userErrors };
  }
  if (isModelgateError(err)) {
    return {
      code: err.code,
      message: err.message,
      ...(err.backend ? { backend: err.backend } : {}),
      ...(err.url ? { url: err.url } : {}),
      ...(err.errors.length > 0 ? { errors: err.errors } : {}),
    };
  }
  if (err instanceof UsageError) return { code: "USAGE", message: err.message };
  return { code: "INTERNAL", message: err instanceof Error ? err.message : String(err) };
}
