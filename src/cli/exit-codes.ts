/**
 * The CLI's exit codes and how errors map to them:
 *   0 success
 *   1 server or network fault (gateway unreachable, backend unavailable, internal error, partial result)
 *   2 usage, configuration or input error (including a mutation's userErrors)
 *   3 not found (unknown model, version, alias or backend)
 *   4 still pending: `--wait` ran out of time before the promotion was applied or failed
 */
import { CommanderError } from "commander";
import { isModelgateError, isModelgateUserError, type ModelgateError, type ModelgateUserError } from "../client/index.js";

export const EXIT = { OK: 0, FAULT: 1, USAGE: 2, NOT_FOUND: 3, PENDING: 4 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** Thrown by a command that has already printed its output and wants the process to end with `code`. */
export class CliExit extends Error {
  constructor(readonly code: ExitCode) {
    super(`exit ${code}`);
    this.name = "CliExit";
  }
}

/** Wrong use of the CLI, detected before talking to the gateway (exit 2). */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** Gateway error codes that mean the request itself was wrong. */
const INPUT_CODES = new Set([
  "BAD_USER_INPUT",
  "BAD_REQUEST",
  "GRAPHQL_PARSE_FAILED",
  "GRAPHQL_VALIDATION_FAILED",
  "OPERATION_RESOLUTION_FAILURE",
  "ALREADY_EXISTS",
  "CONFLICT",
  "FORBIDDEN",
  "UNSUPPORTED",
  "UNAUTHENTICATED",
  "QUERY_TOO_COMPLEX",
]);

export function exitCodeOf(err: unknown): ExitCode {
  if (err instanceof CliExit) return err.code;
  if (err instanceof UsageError) return EXIT.USAGE;
  if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
  if (isModelgateUserError(err)) return userErrorExit(err);
  if (isModelgateError(err)) return gatewayErrorExit(err);
  return EXIT.FAULT;
}

function gatewayErrorExit(err: ModelgateError): ExitCode {
  if (err.code === "NOT_FOUND") return EXIT.NOT_FOUND;
  if (INPUT_CODES.has(err.code)) return EXIT.USAGE;
  return EXIT.FAULT;
}

/** userErrors are input errors (2), except when every one of them is NOT_FOUND (3). */
function userErrorExit(err: ModelgateUserError): ExitCode {
  return err.userErrors.length > 0 && err.userErrors.every((e) => e.code === "NOT_FOUND") ? EXIT.NOT_FOUND : EXIT.USAGE;
}
