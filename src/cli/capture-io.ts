/** A CliIo that keeps what the CLI writes: for running commands programmatically and in tests. */
import type { CliIo } from "./io.js";

export interface CapturedIo extends CliIo {
  /** Everything written to stdout so far. */
  out(): string;
  /** Everything written to stderr so far. */
  err(): string;
  /** The code passed to exit(), if it was called. */
  exitCode(): number | undefined;
}

export function captureIo(env: Record<string, string | undefined> = {}): CapturedIo {
  let out = "";
  let err = "";
  let exited: number | undefined;
  return {
    env,
    stdout: (text) => void (out += text),
    stderr: (text) => void (err += text),
    exit: (code) => void (exited = code),
    out: () => out,
    err: () => err,
    exitCode: () => exited,
  };
}
