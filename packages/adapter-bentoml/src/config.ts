/** The adapter's block in modelgate.yaml (after `id`, `kind` and `timeoutMs`). */
import { homedir } from "node:os";
import { isAbsolute, resolve } from "node:path";
import { z } from "zod";

export const bentomlConfigSchema = z.strictObject({
  /**
   * BentoML's home (BENTOML_HOME): the store is its `models/` folder. Relative to the config file's
   * directory; `~/` is the user's home. Default: $BENTOML_HOME, else ~/bentoml (BentoML's default).
   */
  home: z.string().min(1, "must not be empty").optional(),
  /** Serve reads only: every write through the gateway fails with UNSUPPORTED. */
  readOnly: z.boolean().default(false),
  /**
   * Directories a registration may import model files from (artifactUri: an absolute path or
   * file: URL inside one of them). None by default: a local artifactUri is refused.
   */
  importFrom: z.array(z.string().min(1, "must not be empty")).default([]),
});

export type BentomlConfig = z.infer<typeof bentomlConfigSchema>;

function expandHome(path: string): string {
  return path === "~" ? homedir() : path.startsWith("~/") ? resolve(homedir(), path.slice(2)) : path;
}

/** A path from config: `~/` expanded, relative paths against `base`. */
export function resolveConfigPath(path: string, base: string): string {
  const expanded = expandHome(path);
  return isAbsolute(expanded) ? expanded : resolve(base, expanded);
}

/** BENTOML_HOME as BentoML finds it: the setting, else $BENTOML_HOME, else ~/bentoml. */
export function resolveHome(config: BentomlConfig, configDir: string, env: NodeJS.ProcessEnv = process.env): string {
  if (config.home !== undefined) return resolveConfigPath(config.home, configDir);
  const fromEnv = env["BENTOML_HOME"];
  if (fromEnv !== undefined && fromEnv !== "") return resolveConfigPath(fromEnv, process.cwd());
  return resolve(homedir(), "bentoml");
}
