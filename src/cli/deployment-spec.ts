/**
 * The deployment spec file `modelgate deploy` reads (YAML, or JSON, which is YAML too):
 *
 *   name: support-bot
 *   environment: production
 *   reason: 10% canary of triage 15        # optional; --reason overrides it
 *   components:
 *     - { role: classifier, backend: example, model: support-triage, version: 14, weight: 100 }
 *     - { role: generation, backend: example, model: reply-drafter, version: 4, weight: 0, shadow: true }
 *   rollout:                               # optional: a guarded rollout (docs/lifecycle.md#guarded-rollouts)
 *     steps: [{ weight: 5, holdSeconds: 600 }, { weight: 50, holdSeconds: 1800 }, { weight: 100, holdSeconds: 3600 }]
 *     maxErrorRate: 0.02
 *     metricFloor: { name: accuracy, min: 0.9 }
 *
 * Checked here for shape only (each problem names the field and its line); the gateway checks the
 * rest (backends, versions, weights per role) and names the component in its user errors.
 */
import { readFile } from "node:fs/promises";
import { LineCounter, isMap, isSeq, parseDocument } from "yaml";
import type { DeploymentComponentInput, RolloutPlanInput } from "../client/index.js";
import { UsageError } from "./exit-codes.js";
import { editDistance } from "../core/edit-distance.js";

export interface DeploymentSpec {
  name: string;
  environment: string;
  reason?: string;
  components: DeploymentComponentInput[];
  /** Passed to the gateway as given; it checks the plan and names the field at fault. */
  rollout?: RolloutPlanInput;
}

const TOP_KEYS = ["name", "environment", "reason", "components", "rollout"] as const;
const COMPONENT_KEYS = ["role", "backend", "model", "version", "weight", "shadow"] as const;

/** Reads and checks a spec file; every problem is a UsageError naming the file, the field and its line. */
export async function readDeploymentSpec(file: string): Promise<DeploymentSpec> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    throw new UsageError(`cannot read deployment spec ${file}: ${(err as Error).message}`);
  }
  return parseDeploymentSpec(text, file);
}

export function parseDeploymentSpec(text: string, file: string): DeploymentSpec {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  if (doc.errors.length > 0) {
    const first = doc.errors[0]!;
    const { line } = lines.linePos(first.pos[0]);
    throw new UsageError(`invalid deployment spec ${file} (line ${line}): ${first.message.split("\n")[0]}`);
  }
  const problems: string[] = [];
  /** The line of the field, or of the nearest enclosing node present (for a missing field). */
  const at = (path: (string | number)[]): string => {
    for (let n = path.length; n > 0; n--) {
      const node = doc.getIn(path.slice(0, n), true) as { range?: [number, number, number] } | undefined;
      const offset = node?.range?.[0];
      if (offset !== undefined) return ` (line ${lines.linePos(offset).line})`;
    }
    return "";
  };
  const problem = (path: (string | number)[], message: string) => problems.push(`${fieldName(path)}${at(path)}: ${message}`);

  const root: unknown = doc.toJS();
  if (!isMap(doc.contents) || !isRecord(root)) {
    throw new UsageError(`invalid deployment spec ${file}: expected a mapping with name, environment and components`);
  }
  unknownKeys(root, TOP_KEYS, [], problem);
  const name = textField(root, ["name"], problem, true);
  const environment = textField(root, ["environment"], problem, true);
  const reason = root.reason === undefined || root.reason === null ? undefined : textField(root, ["reason"], problem, false);

  const components: DeploymentComponentInput[] = [];
  if (root.components === undefined || root.components === null) {
    problem(["components"], "is required: a list of { role, backend, model, version, weight, shadow? }");
  } else if (!isSeq(doc.get("components", true)) || !Array.isArray(root.components)) {
    problem(["components"], "must be a list of { role, backend, model, version, weight, shadow? }");
  } else if (root.components.length === 0) {
    problem(["components"], "must list at least one component");
  } else {
    root.components.forEach((raw: unknown, i) => {
      const path = ["components", i];
      if (!isRecord(raw)) {
        problem(path, "must be a mapping { role, backend, model, version, weight, shadow? }");
        return;
      }
      unknownKeys(raw, COMPONENT_KEYS, path, problem);
      const role = textField(raw, [...path, "role"], problem, true);
      const backend = textField(raw, [...path, "backend"], problem, true);
      const model = textField(raw, [...path, "model"], problem, true);
      const version = versionOf(raw.version, [...path, "version"], problem);
      const weight = weightOf(raw.weight, [...path, "weight"], problem);
      let shadow: boolean | undefined;
      if (raw.shadow !== undefined && raw.shadow !== null) {
        if (typeof raw.shadow === "boolean") shadow = raw.shadow;
        else problem([...path, "shadow"], `must be true or false, got ${JSON.stringify(raw.shadow)}`);
      }
      components.push({ role, backend, model, version, weight, ...(shadow === undefined ? {} : { shadow }) });
    });
  }
  if (problems.length > 0) {
    throw new UsageError(`invalid deployment spec ${file}:\n${problems.map((p) => `  ${p}`).join("\n")}`);
  }
  let rollout: RolloutPlanInput | undefined;
  if (root.rollout !== undefined && root.rollout !== null) {
    if (!isRecord(root.rollout)) problem(["rollout"], "must be a mapping with steps (and optional thresholds)");
    else rollout = root.rollout as unknown as RolloutPlanInput;
  }
  return { name, environment, ...(reason === undefined ? {} : { reason }), components, ...(rollout === undefined ? {} : { rollout }) };
}

type Problem = (path: (string | number)[], message: string) => void;

/** "components[2].weight" */
function fieldName(path: (string | number)[]): string {
  return path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? p : `.${p}`)).join("");
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function unknownKeys(obj: Record<string, unknown>, known: readonly string[], path: (string | number)[], problem: Problem): void {
  for (const key of Object.keys(obj)) {
    if (known.includes(key)) continue;
    const near = known.find((k) => closeTo(k, key));
    problem([...path, key], `unknown field${near ? ` (did you mean "${near}"?)` : ""}; expected ${known.join(", ")}`);
  }
}

/** A likely typo: equal ignoring case, or one or two edits apart (a swap of neighbours is one). */
function closeTo(a: string, b: string): boolean {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  if (x === y) return true;
  return editDistance(x, y) <= (Math.min(x.length, y.length) >= 5 ? 2 : 1);
}

function textField(obj: Record<string, unknown>, path: (string | number)[], problem: Problem, required: boolean): string {
  const value = obj[path[path.length - 1]!];
  if (value === undefined || value === null) {
    if (required) problem(path, "is required");
    return "";
  }
  if (typeof value !== "string" || value.trim() === "") {
    problem(path, `must be a non-empty string, got ${JSON.stringify(value)}`);
    return "";
  }
  return value;
}

/** A version is a string; a YAML number (`version: 14`) is taken as its text. */
function versionOf(value: unknown, path: (string | number)[], problem: Problem): string {
  if (value === undefined || value === null) {
    problem(path, "is required");
    return "";
  }
  if (typeof value === "number" && Number.isSafeInteger(value) && value >= 0) return String(value);
  if (typeof value === "string" && value.trim() !== "") return value;
  problem(path, `must be a version such as "14", got ${JSON.stringify(value)}`);
  return "";
}

function weightOf(value: unknown, path: (string | number)[], problem: Problem): number {
  if (value === undefined || value === null) {
    problem(path, "is required: a whole number from 0 to 100 (percent of the role's live traffic; 0 for a shadow)");
    return 0;
  }
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value > 100) {
    problem(path, `must be a whole number from 0 to 100, got ${JSON.stringify(value)}`);
    return 0;
  }
  return value;
}
