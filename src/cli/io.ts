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
    stdout: (text) => void process.stdout.write(text),
    stderr: (text) => void process.stderr.write(text),
    env: process.env,
    exit: (code) => process.exit(code),
  };
}
