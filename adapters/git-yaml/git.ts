/**
 * Runs the `git` CLI for one repository. Every call honours the caller's abort signal and deadline,
 * never prompts, speaks the C locale (stable messages to match on), and ignores GIT_DIR-style
 * variables inherited from the environment so it always works on the configured repository.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { promisify } from "node:util";
import {
  DeadlineExceededError,
  UnavailableError,
  ensureActive,
  remainingMs,
  type CallContext,
} from "../../src/core/index.js";

const execFileAsync = promisify(execFile);

const MAX_BUFFER = 512 * 1024 * 1024;
/** Timer limit (about 24.8 days): a far deadline must not overflow into an immediate timeout. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Variables that would point git at another repository, index or work tree than the one we run in. */
const INHERITED_GIT_VARS = [
  "GIT_DIR",
  "GIT_WORK_TREE",
  "GIT_INDEX_FILE",
  "GIT_PREFIX",
  "GIT_NAMESPACE",
  "GIT_COMMON_DIR",
  "GIT_OBJECT_DIRECTORY",
  "GIT_ALTERNATE_OBJECT_DIRECTORIES",
  "GIT_CEILING_DIRECTORIES",
];

export interface GitCallOptions {
  /** Extra environment (author identity, GIT_INDEX_FILE for a temporary index). */
  env?: Record<string, string>;
  /** Written to the command's standard input. */
  input?: string | Buffer;
  /** Exit codes that are answers rather than failures (e.g. 1 for `rev-parse --verify -q`). */
  okExitCodes?: readonly number[];
}

export interface GitResult<T> {
  stdout: T;
  stderr: string;
  exitCode: number;
}

interface ExecFailure {
  code?: unknown;
  stdout?: unknown;
  stderr?: unknown;
}

export class GitRunner {
  private readonly env: NodeJS.ProcessEnv;

  constructor(
    /** Directory git runs in: the repository's top level (or the git dir of a bare repository). */
    readonly cwd: string,
    /** Backend id for error details. */
    readonly backend: string,
  ) {
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const name of INHERITED_GIT_VARS) delete env[name];
    this.env = { ...env, GIT_TERMINAL_PROMPT: "0", GIT_OPTIONAL_LOCKS: "0", LC_ALL: "C", LANGUAGE: "C" };
  }

  text(args: readonly string[], ctx: CallContext, opts: GitCallOptions = {}): Promise<GitResult<string>> {
    return this.exec(args, ctx, opts, "utf8") as Promise<GitResult<string>>;
  }

  buffer(args: readonly string[], ctx: CallContext, opts: GitCallOptions = {}): Promise<GitResult<Buffer>> {
    return this.exec(args, ctx, opts, "buffer") as Promise<GitResult<Buffer>>;
  }

  private async exec(
    args: readonly string[],
    ctx: CallContext,
    opts: GitCallOptions,
    encoding: "utf8" | "buffer",
  ): Promise<GitResult<string | Buffer>> {
    ensureActive(ctx, this.backend);
    const signal = AbortSignal.any([ctx.signal, AbortSignal.timeout(Math.min(MAX_TIMER_MS, Math.max(1, remainingMs(ctx))))]);
    const env = opts.env ? { ...this.env, ...opts.env } : this.env;
    try {
      const pending = execFileAsync("git", [...args], { cwd: this.cwd, env, signal, maxBuffer: MAX_BUFFER, encoding });
      const stdin = pending.child.stdin;
      if (stdin) {
        // git may exit before reading all input (e.g. on a bad object name): ignore the EPIPE.
        stdin.on("error", () => undefined);
        stdin.end(opts.input ?? "");
      }
      const { stdout, stderr } = await pending;
      return { stdout, stderr: stderr.toString(), exitCode: 0 };
    } catch (err) {
      if (signal.aborted) {
        ensureActive(ctx, this.backend);
        throw new DeadlineExceededError("the call ran past its deadline", { backend: this.backend });
      }
      const failure = err as ExecFailure;
      if (failure.code === "ENOENT") {
        // spawn reports a missing working directory the same way as a missing executable.
        const message = existsSync(this.cwd)
          ? "the git executable was not found on PATH; install git to use a git-yaml backend"
          : `the repository directory ${this.cwd} does not exist`;
        throw new UnavailableError(message, { backend: this.backend, cause: err });
      }
      const stderr = failure.stderr === undefined ? "" : String(failure.stderr);
      if (typeof failure.code === "number" && opts.okExitCodes?.includes(failure.code)) {
        const stdout = failure.stdout ?? (encoding === "buffer" ? Buffer.alloc(0) : "");
        return { stdout: stdout as string | Buffer, stderr, exitCode: failure.code };
      }
      throw new UnavailableError(`git ${args[0] ?? ""} failed in ${this.cwd}: ${firstLine(stderr) || describe(err)}`, {
        backend: this.backend,
        cause: err,
      });
    }
  }
}

function firstLine(text: string): string {
  return (
    text
      .split("\n")
      .map((l) => l.trim())
      .find((l) => l.length > 0) ?? ""
  );
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
