/**
 * Loads modelgate.yaml: finds it, parses it, substitutes `${VAR}` references, applies environment
 * overrides and validates the result. Every problem found is reported in one ConfigError.
 *
 * Which file: `opts.path`, else $MODELGATE_CONFIG, else `modelgate.yaml` in the working directory
 * when it exists, else none (defaults and environment only). Relative paths are relative to the
 * working directory; paths inside the file are relative to the file's directory.
 */
import { readFile, stat } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { ConfigError } from "./config-error.js";
import { CONFIG_PATH_VAR, applyEnvOverrides, envValue, readEnvOverrides, type EnvOverride } from "./env.js";
import { explainIssues } from "./issues.js";
import { formatKeyPath, isUnder, type KeyPath } from "./key-path.js";
import { configSchema, type LoadedConfig } from "./schema.js";
import { substituteEnvVars } from "./substitute.js";
import { parseYamlConfig, type YamlSource } from "./yaml-source.js";

export { ConfigError } from "./config-error.js";

/** The file looked for in the working directory when no path is given. */
export const DEFAULT_CONFIG_FILE = "modelgate.yaml";

/** Sections where an empty value (`server:` with nothing under it) means "use the defaults". */
const SECTIONS = ["server", "environments", "backends"];

export interface LoadConfigOptions {
  /** Config file path (e.g. from --config); relative to `cwd`. */
  path?: string;
  /** Defaults to process.env. */
  env?: NodeJS.ProcessEnv;
  /** Defaults to process.cwd(). */
  cwd?: string;
}

interface ConfigFile {
  path: string;
  /** How the file was chosen, for messages. */
  origin: string;
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

async function findConfigFile(opts: LoadConfigOptions, env: NodeJS.ProcessEnv, cwd: string): Promise<ConfigFile | undefined> {
  const explicit =
    opts.path !== undefined && opts.path.trim() !== ""
      ? { path: resolve(cwd, opts.path), origin: "the config path given" }
      : envValue(env, CONFIG_PATH_VAR) !== undefined
        ? { path: resolve(cwd, envValue(env, CONFIG_PATH_VAR)!), origin: CONFIG_PATH_VAR }
        : undefined;
  const candidate = explicit ?? { path: resolve(cwd, DEFAULT_CONFIG_FILE), origin: "the default location" };
  let isFile: boolean;
  try {
    isFile = (await stat(candidate.path)).isFile();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT" || explicit !== undefined) {
      throw new ConfigError(`cannot read the config file ${candidate.path} (from ${candidate.origin}): ${errorMessage(err)}`, [], {
        file: candidate.path,
        cause: err,
      });
    }
    return undefined;
  }
  if (!isFile) {
    throw new ConfigError(`the config file ${candidate.path} (from ${candidate.origin}) is not a regular file`, [], {
      file: candidate.path,
    });
  }
  return candidate;
}

async function readConfigFile(file: ConfigFile): Promise<YamlSource> {
  let text: string;
  try {
    text = await readFile(file.path, "utf8");
  } catch (err) {
    throw new ConfigError(`cannot read the config file ${file.path} (from ${file.origin}): ${errorMessage(err)}`, [], {
      file: file.path,
      cause: err,
    });
  }
  return parseYamlConfig(text, file.path);
}

export async function loadConfig(opts: LoadConfigOptions = {}): Promise<LoadedConfig> {
  const env = opts.env ?? process.env;
  const cwd = resolve(opts.cwd ?? process.cwd());
  const file = await findConfigFile(opts, env, cwd);
  const source = file === undefined ? undefined : await readConfigFile(file);
  const configDir = file === undefined ? cwd : dirname(file.path);

  const raw: Record<string, unknown> = { ...(source?.value ?? {}) };
  for (const section of SECTIONS) if (raw[section] === null) delete raw[section];

  const substitution = substituteEnvVars(raw, env);
  const substituted = substitution.value as Record<string, unknown>;
  const { overrides, problems: envProblems } = readEnvOverrides(env, cwd);
  applyEnvOverrides(substituted, overrides);

  const overrideOf = (path: KeyPath): EnvOverride | undefined => overrides.find((o) => isUnder(path, o.path));
  const locate = (path: KeyPath): string => {
    const override = overrideOf(path);
    if (override !== undefined) return ` (from ${override.variable})`;
    const line = source?.lineOf(path);
    return line === undefined ? "" : ` (line ${line})`;
  };
  const invalid = (problems: string[]): ConfigError =>
    new ConfigError(
      file === undefined
        ? "invalid modelgate configuration (no config file: defaults and environment variables)"
        : `invalid modelgate configuration in ${file.path}`,
      problems,
      file === undefined ? {} : { file: file.path },
    );

  const early = [
    ...substitution.problems.map((p) => `${formatKeyPath(p.path)}${locate(p.path)}: ${p.message}`),
    ...envProblems.map((p) => `${p.variable}: ${p.message}`),
  ];
  if (early.length > 0) throw invalid(early);

  const parsed = configSchema.safeParse(substituted);
  if (!parsed.success) {
    const isSecret = (path: KeyPath) =>
      overrideOf(path) === undefined && substitution.substituted.some((s) => isUnder(path, s));
    throw invalid(
      explainIssues(parsed.error.issues, substituted, isSecret).map(
        (p) => `${formatKeyPath(p.path)}${locate(p.path)}: ${p.message}`,
      ),
    );
  }
  const config = parsed.data;

  return {
    config,
    ...(file === undefined ? {} : { configPath: file.path }),
    configDir,
    dataDir: resolve(configDir, config.dataDir),
  };
}
