/**
 * Where the CLI writes and what it reads from its environment, injected so tests run commands
 * in-process and capture their output.
 */
export interface CliIo {
  /** Writes text to standard output as given (callers add newlines). */
  stdout(text: string): void;
  /** Writes text to standard error as given. */
  stderr(text: string): void;
  env: Readonly<Record<string, string | undefined>>;
  /** Ends the process: used by `serve` after a signal-triggered shutdown. */
  exit(code: number): void;
}

export function processIo(): CliIo {
  return {
    stdout: quietOnBrokenPipe(process.stdout),
    stderr: quietOnBrokenPipe(process.stderr),
    env: process.env,
    exit: (code) => process.exit(code),
  };
}

/** Errors of a write to a reader that went away (`modelgate --help | head -1`). */
const GONE = new Set(["EPIPE", "ERR_STREAM_DESTROYED", "ECONNRESET"]);

/**
 * A writer to `stream` that stops writing, without a word, once the reader closed its end: the
 * command then finishes and exits with its own status instead of dying with an unhandled
 * `write EPIPE` and a stack trace. Any other write error still surfaces.
 */
export function quietOnBrokenPipe(stream: NodeJS.WritableStream & { destroyed?: boolean }): (text: string) => void {
  let gone = false;
  stream.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code !== undefined && GONE.has(err.code)) {
      gone = true;
      return;
    }
    throw err;
  });
  return (text) => {
    if (gone || stream.destroyed === true) return;
    stream.write(text);
  };
}
