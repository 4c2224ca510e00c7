/** The `backends[]` block of a git-yaml backend in modelgate.yaml. */
import { z } from "zod";

/** How often the branch head is read to notice commits made outside the gateway, besides the file-system watch (ms). */
export const DEFAULT_REF_CHECK_MS = 1_000;

export const gitYamlConfigSchema = z.strictObject({
  /** The registry's git repository (its top level), relative to the config file's folder. */
  repo: z.string().min(1, "repo is the path of the registry's git repository"),
  /** Branch to read and write; default: the branch checked out in `repo`. */
  branch: z
    .string()
    .min(1)
    .regex(/^(?!-)(?!.*\.\.)(?!.*\/\/)[A-Za-z0-9._/-]+(?<![./])$/, "not a valid git branch name")
    .optional(),
  /**
   * A directory of seed files, relative to the config file's folder: when `repo` does not exist, is
   * an empty directory or a repository with no commits, it is created with `git init`, filled from
   * here and committed as "seed registry from <seedFrom>".
   */
  seedFrom: z.string().min(1).optional(),
  /** Serve reads only: every write fails with UNSUPPORTED. */
  readOnly: z.boolean().default(false),
  /**
   * How often (ms) the branch head is read to notice commits made outside the gateway (plain git,
   * a push), besides a file-system watch on the ref files that notices them at once where the file
   * system reports changes (not on most network mounts). Cached resolve answers built from this
   * backend are dropped when either notices a move.
   */
  refCheckMs: z.number().int().min(10).max(3_600_000).default(DEFAULT_REF_CHECK_MS),
});

export type GitYamlConfig = z.output<typeof gitYamlConfigSchema>;
