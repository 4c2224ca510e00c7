/**
 * Environment variables that override modelgate.yaml (see docs/configuration.md). An empty
 * variable counts as unset. Each value is checked here so a bad one is reported by its variable
 * name, not by the config key it sets.
 */
import { resolve } from "node:path";
import type { KeyPath } from "./key-path.js";
import { LOG_LEVELS, SERVER_MODES } from "./schema.js";

/** Picks the config file (relative to the working directory); see loadConfig. */
export const CONFIG_PATH_VAR = "MODELGATE_CONFIG";

export interface EnvOverride {
  variable: string;
  /** The config key it sets. */
  path: KeyPath;
  value: unknown;
}

export interface EnvProblem {
  variable: string;
  message: string;
}

type Parse = (raw: string, cwd: string) => { value: unknown } | { problem: string };

function oneOf(values: readonly string[]): Parse {
  return (raw) => {
    const text = raw.trim().toLowerCase();
    return values.includes(text)
      ? { value: text }
      : { problem: `expected one of ${values.map((v) => `"${v}"`).join(", ")}, got ${JSON.stringify(raw)}` };
  };
}

const parsePort: Parse = (raw) => {
  const port = /^\d{1,5}$/.test(raw.trim()) ? Number(raw.trim()) : Number.NaN;
  return port >= 0 && port <= 65535
    ? { value: port }
    : { problem: `expected a whole number from 0 to 65535, got ${JSON.stringify(raw)}` };
};

const parseBoolean: Parse = (raw) => {
  const text = raw.trim().toLowerCase();
  if (text === "true" || text === "1") return { value: true };
  if (text === "false" || text === "0") return { value: false };
  return { problem: `expected true or false, got ${JSON.stringify(raw)}` };
};

const parseText: Parse = (raw) => ({ value: raw.trim() });

/** Relative data dirs from the environment are relative to the working directory. */
const parseDir: Parse = (raw, cwd) => ({ value: resolve(cwd, raw.trim()) });

/** The override variables, in the order they are documented. */
export const ENV_OVERRIDES: ReadonlyArray<{ variable: string; path: KeyPath; parse: Parse }> = [
  { variable: "MODELGATE_HOST", path: ["server", "host"], parse: parseText },
  { variable: "MODELGATE_PORT", path: ["server", "port"], parse: parsePort },
  { variable: "MODELGATE_MODE", path: ["server", "mode"], parse: oneOf(SERVER_MODES) },
  { variable: "MODELGATE_INTROSPECTION", path: ["server", "introspection"], parse: parseBoolean },
  { variable: "MODELGATE_DATA_DIR", path: ["dataDir"], parse: parseDir },
  { variable: "MODELGATE_DATABASE_URL", path: ["database", "url"], parse: parseText },
  { variable: "MODELGATE_LOG_LEVEL", path: ["logLevel"], parse: oneOf(LOG_LEVELS) },
];

/** A variable's value, or undefined when it is unset or blank. */
export function envValue(env: NodeJS.ProcessEnv, variable: string): string | undefined {
  const raw = env[variable];
  return raw === undefined || raw.trim() === "" ? undefined : raw;
}

export function readEnvOverrides(
  env: NodeJS.ProcessEnv,
  cwd: string,
): { overrides: EnvOverride[]; problems: EnvProblem[] } {
  const overrides: EnvOverride[] = [];
  const problems: EnvProblem[] = [];
  for (const { variable, path, parse } of ENV_OVERRIDES) {
    const raw = envValue(env, variable);
    if (raw === undefined) continue;
    const parsed = parse(raw, cwd);
    if ("problem" in parsed) problems.push({ variable, message: parsed.problem });
    else overrides.push({ variable, path, value: parsed.value });
  }
  return { overrides, problems };
}

/**
 * Sets each override's key in `raw` (creating missing sections). A section that is not a mapping
 * is left alone: validation reports it.
 */
export function applyEnvOverrides(raw: Record<string, unknown>, overrides: readonly EnvOverride[]): void {
  for (const { path, value } of overrides) {
    let node: Record<string, unknown> = raw;
    let ok = true;
    for (const segment of path.slice(0, -1)) {
      const key = String(segment);
      const child = node[key];
      if (child === undefined || child === null) node[key] = {};
      else if (typeof child !== "object" || Array.isArray(child)) {
        ok = false;
        break;
      }
      node = node[key] as Record<string, unknown>;
    }
    if (ok) node[String(path.at(-1)!)] = value;
  }
}
