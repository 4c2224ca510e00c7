/**
 * A configuration that cannot be used. The message is complete and multi-line (a summary, then one
 * indented line per problem naming the key, environment variable, file and line), ready for the
 * CLI to print before exiting with `exitCode`.
 */
export class ConfigError extends Error {
  /** The exit status a CLI should end with on this error (2: usage/configuration error). */
  readonly exitCode = 2;
  /** Absolute path of the config file concerned, when there is one. */
  readonly file?: string;
  /** One line per problem, as printed in the message. */
  readonly problems: readonly string[];

  constructor(summary: string, problems: readonly string[] = [], options: { file?: string; cause?: unknown } = {}) {
    super(
      problems.length === 0 ? summary : `${summary}:\n${problems.map((p) => `  ${p}`).join("\n")}`,
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.name = "ConfigError";
    this.problems = [...problems];
    if (options.file !== undefined) this.file = options.file;
  }
}
