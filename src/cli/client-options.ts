/** The options every command that talks to a running gateway shares: --url and --json. */
import type { Command } from "commander";
import { ModelgateClient } from "../client/index.js";
import type { CliIo } from "./io.js";
import { CliExit, exitCodeOf, UsageError } from "./exit-codes.js";
import { reportError } from "./output.js";
import { httpUrl } from "./parse.js";

export const DEFAULT_URL = "http://127.0.0.1:4000";

export interface ClientCommandOptions {
  url: string;
  json?: boolean;
}

export function withClientOptions(cmd: Command, io: CliIo): Command {
  return cmd
    .option("--url <url>", "gateway base URL (env MODELGATE_URL)", httpUrl, io.env.MODELGATE_URL || DEFAULT_URL)
    .option("--json", "print exactly one JSON document on stdout");
}

export function clientFor(opts: ClientCommandOptions, io: CliIo): ModelgateClient {
  const token = io.env.MODELGATE_TOKEN;
  const timeoutText = io.env.MODELGATE_TIMEOUT_MS;
  const timeout = timeoutText ? Number(timeoutText) : undefined;
  if (timeout !== undefined && !(Number.isFinite(timeout) && timeout > 0)) {
    throw new UsageError(`MODELGATE_TIMEOUT_MS must be a positive number of milliseconds, got "${timeoutText}"`);
  }
  return new ModelgateClient({
    url: opts.url,
    ...(token ? { token } : {}),
    ...(timeout === undefined ? {} : { timeoutMs: timeout }),
    // One answer per command: nothing to revalidate.
    resolveCacheSize: 0,
  });
}

/**
 * Runs a command's work; on failure prints the error (and with --json an error document) and
 * ends the command with the matching exit code.
 */
export async function guarded(io: CliIo, json: boolean | undefined, work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (err) {
    if (err instanceof CliExit) throw err;
    reportError(io, err, json === true);
    throw new CliExit(exitCodeOf(err));
  }
}
