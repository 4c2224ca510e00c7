/** Problems found in registry content: each names the file, the line and the field at fault. */
import { InvalidInputError, type RegistryProblem } from "../../src/core/index.js";

export type { RegistryProblem };

/** "models/a.yaml:12: versions[1].status: ..." */
export function formatProblem(problem: RegistryProblem): string {
  return `${problem.file}:${problem.line}: ${problem.field}: ${problem.message}`;
}

/** Formats a path into a YAML/JSON document the way a reader finds it: `versions[2].prompt_ref`. */
export function formatFieldPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else out += out.length === 0 ? String(segment) : `.${String(segment)}`;
  }
  return out.length === 0 ? "(file)" : out;
}

export function compareProblems(a: RegistryProblem, b: RegistryProblem): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  return a.line - b.line;
}

/**
 * The error a read or write fails with when it meets invalid content: its message names file, line
 * and field, and it carries them as details.
 */
export function problemError(
  problems: readonly RegistryProblem[],
  backend: string,
  lead?: string,
): InvalidInputError {
  const [first] = problems;
  if (first === undefined) throw new RangeError("problemError needs at least one problem");
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? "s" : ""})` : "";
  const message = `${lead ? `${lead}: ` : ""}${formatProblem(first)}${more}`;
  return new InvalidInputError(message, { backend, file: first.file, line: first.line, field: first.field });
}
