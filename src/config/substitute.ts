/**
 * `${VAR}` substitution in the string values of modelgate.yaml, for secrets kept out of the file:
 *
 *     token: ${MLFLOW_TOKEN}            # the variable's value; an error when it is not set
 *     url: ${MLFLOW_URL:-http://localhost:5000}   # the default when unset or empty
 *     literal: $${NOT_A_VAR}            # "$${" writes a literal "${"
 *
 * Names are `[A-Za-z_][A-Za-z0-9_]*`. Only string values are substituted (never keys), and the
 * result is always a string. Defaults cannot contain "}".
 */
import type { KeyPath } from "./key-path.js";

export interface SubstitutionProblem {
  path: KeyPath;
  message: string;
}

export interface SubstitutionResult {
  value: unknown;
  problems: SubstitutionProblem[];
  /** Paths of the values that took text from the environment (their text may be secret). */
  substituted: KeyPath[];
}

const TOKEN = /\$\$\{|\$\{([^}]*)\}|\$\{/g;
const REFERENCE = /^([A-Za-z_][A-Za-z0-9_]*)(?::-([\s\S]*))?$/;

function substituteString(
  text: string,
  env: NodeJS.ProcessEnv,
  path: KeyPath,
  problems: SubstitutionProblem[],
): { text: string; changed: boolean } {
  let changed = false;
  const out = text.replace(TOKEN, (match: string, inner: string | undefined) => {
    if (match === "$${") return "${";
    if (inner === undefined) {
      problems.push({ path, message: 'unterminated "${": write ${NAME}, or $${ for a literal "${"' });
      return match;
    }
    const ref = REFERENCE.exec(inner);
    if (ref === null) {
      problems.push({
        path,
        message: `invalid reference "${match}": a variable name is letters, digits and "_" and does not start with a digit`,
      });
      return match;
    }
    const name = ref[1]!;
    const fallback = ref[2];
    const set = env[name];
    changed = true;
    if (fallback !== undefined) return set === undefined || set === "" ? fallback : set;
    if (set === undefined) {
      problems.push({ path, message: `environment variable ${name} is not set (referenced as ${match})` });
      return match;
    }
    return set;
  });
  return { text: out, changed };
}

export function substituteEnvVars(value: unknown, env: NodeJS.ProcessEnv): SubstitutionResult {
  const problems: SubstitutionProblem[] = [];
  const substituted: KeyPath[] = [];

  const walk = (node: unknown, path: PropertyKey[]): unknown => {
    if (typeof node === "string") {
      const { text, changed } = substituteString(node, env, path, problems);
      if (changed) substituted.push(path);
      return text;
    }
    if (Array.isArray(node)) return node.map((item: unknown, i) => walk(item, [...path, i]));
    if (node !== null && typeof node === "object") {
      return Object.fromEntries(Object.entries(node).map(([key, child]) => [key, walk(child, [...path, key])]));
    }
    return node;
  };

  return { value: walk(value, []), problems, substituted };
}
