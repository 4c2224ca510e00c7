/** Helpers for the git-yaml adapter tests: throwaway git repositories and adapters over them. */
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { createCallContext, type Actor, type AdapterLogger, type CallContext } from "../../src/core/index.js";
import { gitYamlAdapter } from "./index.js";
import type { GitYamlAdapter } from "./adapter.js";

const execFileAsync = promisify(execFile);

/**
 * Runs git (ours and the adapter's) as on a machine with no global or system git config: no
 * identity, no signing, default branch unset.
 */
export function isolateGitConfig(): void {
  process.env["GIT_CONFIG_GLOBAL"] = "/dev/null";
  process.env["GIT_CONFIG_NOSYSTEM"] = "1";
}

export interface LogRecord {
  level: "debug" | "info" | "warn" | "error";
  obj: object;
  msg?: string;
}

/** A logger that keeps what it is told, for assertions. */
export function memoryLogger(): AdapterLogger & { records: LogRecord[] } {
  const records: LogRecord[] = [];
  const at =
    (level: LogRecord["level"]) =>
    (obj: object, msg?: string): void => {
      records.push({ level, obj, ...(msg === undefined ? {} : { msg }) });
    };
  return { records, debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
}

export function ctx(actor?: Partial<Actor>, timeoutMs = 20_000): CallContext {
  return createCallContext({
    timeoutMs,
    actor: { id: "tester", roles: ["admin"], ...actor },
  });
}

export async function tempDir(prefix = "modelgate-git-yaml-"): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), prefix));
}

/** A git repository in a temp dir, driven with plain git the way a person would. */
export class TempRepo {
  private constructor(readonly dir: string) {}

  /** Plain git in an existing repository (one the adapter created, say). */
  static at(dir: string): TempRepo {
    return new TempRepo(dir);
  }

  static async create(files: Record<string, string> = {}, commit?: { message: string; date?: string }): Promise<TempRepo> {
    const repo = new TempRepo(await tempDir());
    await repo.git(["init", "-q", "-b", "main"]);
    if (Object.keys(files).length > 0) {
      await repo.write(files);
      await repo.commit(commit?.message ?? "initial registry", commit?.date);
    }
    return repo;
  }

  async git(args: string[], env: Record<string, string> = {}): Promise<string> {
    const { stdout } = await execFileAsync("git", args, {
      cwd: this.dir,
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: "Pat Person",
        GIT_AUTHOR_EMAIL: "pat@example.com",
        GIT_COMMITTER_NAME: "Pat Person",
        GIT_COMMITTER_EMAIL: "pat@example.com",
        ...env,
      },
    });
    return stdout;
  }

  async write(files: Record<string, string>): Promise<void> {
    for (const [file, content] of Object.entries(files)) {
      const target = path.join(this.dir, file);
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, content);
    }
  }

  /** Stages everything and commits; `date` (ISO) sets both author and committer date. */
  async commit(message: string, date?: string): Promise<string> {
    await this.git(["add", "-A"]);
    await this.git(["commit", "-q", "--no-verify", "-m", message], date ? { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date } : {});
    return (await this.git(["rev-parse", "HEAD"])).trim();
  }

  async show(rev: string, file: string): Promise<string> {
    return this.git(["show", `${rev}:${file}`]);
  }

  async remove(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }
}

export async function openAdapter(
  repoDir: string,
  config: { branch?: string; seedFrom?: string; readOnly?: boolean } = {},
  logger: AdapterLogger = memoryLogger(),
  id = "git",
): Promise<GitYamlAdapter> {
  const parsed = gitYamlAdapter.configSchema.parse({ repo: repoDir, ...config });
  const adapter = await gitYamlAdapter.create(id, parsed, { logger, dataDir: path.join(repoDir, ".data"), configDir: process.cwd() });
  return adapter as GitYamlAdapter;
}

/** A model file with the given versions (YAML text after `versions:`), for fixtures. */
export function modelYaml(name: string, versions: string, extra = ""): string {
  return `name: ${name}\n${extra}versions:\n${versions}`;
}
