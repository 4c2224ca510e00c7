/**
 * Turns zod's validation issues into one plain sentence per bad key, e.g.
 * `server.port: expected a number, got "abc"`, `server.prot: unknown key (did you mean "port"?)` or
 * `policies.lifecycle: renamed to policies.deprecation (same fields)`.
 */
import type { z } from "zod";
import type { KeyPath } from "./key-path.js";
import { MISPLACED_KEYS, RENAMED_KEYS, configSchema, environmentSchema, limitsSchema, policiesSchema, serverSchema } from "./schema.js";
import { editDistance } from "../core/edit-distance.js";

export interface ValidationProblem {
  path: KeyPath;
  message: string;
}

/** Describes a value the way an error message should show it; `secret` hides its text. */
export function describeValue(value: unknown, secret = false): string {
  if (value === undefined) return "nothing";
  if (value === null) return "an empty value";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  if (secret) return `a ${typeof value} from the environment`;
  if (typeof value === "string") return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  return String(value);
}

function valueAt(root: unknown, path: KeyPath): unknown {
  let node = root;
  for (const segment of path) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<PropertyKey, unknown>)[segment as string];
  }
  return node;
}

/** The keys a strict section accepts, for "did you mean" hints. */
function knownKeys(path: KeyPath): readonly string[] {
  if (path.length === 0) return Object.keys(configSchema.shape);
  if (path.length === 1 && path[0] === "server") return Object.keys(serverSchema.shape);
  if (path.length === 1 && path[0] === "limits") return Object.keys(limitsSchema.shape);
  if (path.length === 1 && path[0] === "policies") return Object.keys(policiesSchema.shape);
  if (path.length === 2 && path[0] === "environments") return Object.keys(environmentSchema.shape);
  return [];
}

function suggestion(key: string, candidates: readonly string[]): string {
  const lower = key.toLowerCase();
  const best = candidates
    .map((c) => ({ c, d: editDistance(lower, c.toLowerCase()) }))
    .sort((x, y) => x.d - y.d)[0];
  return best !== undefined && best.d <= (key.length <= 3 ? 1 : 2) ? ` (did you mean "${best.c}"?)` : "";
}

const samePath = (a: KeyPath, b: readonly string[]) => a.length === b.length && b.every((segment, i) => String(a[i]) === segment);

/** Why `key` under `path` is unknown: renamed (naming its new key), misplaced (naming its section), or a likely typo. */
function unknownKeyMessage(path: KeyPath, key: string): string {
  const renamed = RENAMED_KEYS.find((r) => samePath([...path, key], r.from));
  if (renamed !== undefined) return `renamed to ${renamed.to} (${renamed.note})`;
  const misplaced = MISPLACED_KEYS.find((m) => samePath(path, m.section) && m.keys.includes(key));
  if (misplaced !== undefined) return `unknown key (${misplaced.hint})`;
  return `unknown key${suggestion(key, knownKeys(path))}`;
}

/** Strips zod's generic lead-ins ("Invalid input: ", "Too small: ") from a message. */
function plain(message: string): string {
  return message.replace(/^(Invalid input|Invalid option|Too small|Too big|Invalid key in record): /, "");
}

export function explainIssues(
  issues: readonly z.core.$ZodIssue[],
  input: unknown,
  isSecret: (path: KeyPath) => boolean = () => false,
): ValidationProblem[] {
  const problems: ValidationProblem[] = [];
  for (const issue of issues) {
    const path = issue.path as KeyPath;
    const got = () => describeValue(valueAt(input, path), isSecret(path));
    switch (issue.code) {
      case "unrecognized_keys":
        for (const key of issue.keys) problems.push({ path: [...path, key], message: unknownKeyMessage(path, key) });
        break;
      case "invalid_type":
        problems.push({
          path,
          message:
            valueAt(input, path) === undefined
              ? `is required (expected ${issue.expected})`
              : `expected ${issue.expected}, got ${got()}`,
        });
        break;
      case "invalid_value":
        problems.push({
          path,
          message: `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}, got ${got()}`,
        });
        break;
      case "invalid_key": {
        const why = issue.issues.map((i) => i.message).join("; ");
        problems.push({ path, message: `invalid name ${JSON.stringify(String(path.at(-1)))}: ${why}` });
        break;
      }
      case "custom":
        problems.push({ path, message: issue.message });
        break;
      default:
        problems.push({ path, message: `${plain(issue.message)}, got ${got()}` });
    }
  }
  return problems;
}
