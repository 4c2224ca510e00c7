/** Child processes for the bench: start, wait for a ready line, read peak RSS, stop. */
import { spawn, type ChildProcess } from "node:child_process";
import { readFile } from "node:fs/promises";

export interface Child {
  name: string;
  process: ChildProcess;
  pid: number;
  /** Everything the child wrote so far (stdout and stderr), for error messages. */
  output(): string;
  stop(): Promise<void>;
}

/**
 * Spawns `node args...` and resolves once a line of its stdout or stderr matches `ready`, with the
 * match; rejects with the child's output when it exits first or `timeoutMs` passes.
 */
export async function startChild(
  name: string,
  args: string[],
  opts: { cwd: string; env?: NodeJS.ProcessEnv; ready: RegExp; timeoutMs: number },
): Promise<{ child: Child; match: RegExpMatchArray }> {
  const proc = spawn(process.execPath, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const child: Child = {
    name,
    process: proc,
    pid: proc.pid ?? -1,
    output: () => output,
    stop: () => stopChild(proc),
  };
  const match = await new Promise<RegExpMatchArray>((resolve, reject) => {
    const timer = setTimeout(() => {
      void child.stop();
      reject(new Error(`${name} did not start within ${opts.timeoutMs} ms; its output:\n${output}`));
    }, opts.timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString("utf8");
      const m = output.match(opts.ready);
      if (m) {
        clearTimeout(timer);
        resolve(m);
      }
    };
    proc.stdout?.on("data", onData);
    proc.stderr?.on("data", onData);
    proc.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited (${signal ?? `code ${code}`}) before it was ready; its output:\n${output}`));
    });
    proc.once("error", (err) => {
      clearTimeout(timer);
      reject(new Error(`cannot start ${name}: ${err.message}`));
    });
  });
  return { child, match };
}

async function stopChild(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => proc.once("exit", () => resolve()));
  proc.kill("SIGTERM");
  const timer = setTimeout(() => proc.kill("SIGKILL"), 5_000);
  await exited;
  clearTimeout(timer);
}

/** Peak resident set size (VmHWM) of a live process, in bytes. Linux only. */
export async function peakRssBytes(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  const line = status.split("\n").find((l) => l.startsWith("VmHWM:"));
  const kb = line ? Number(line.replace(/[^0-9]/g, "")) : Number.NaN;
  if (!Number.isFinite(kb)) throw new Error(`no VmHWM line in /proc/${pid}/status`);
  return kb * 1024;
}

/**
 * CPU time (user + system) a live process has used so far, in seconds. Linux only. Divided by the
 * requests answered meanwhile it is the CPU cost per request, which, unlike requests per second,
 * hardly depends on what else the machine runs.
 */
export async function cpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, "utf8");
  // Fields after the command name (which may hold spaces) in parentheses: utime is the 14th, stime the 15th.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ticks = Number(fields[11]) + Number(fields[12]);
  if (!Number.isFinite(ticks)) throw new Error(`cannot read the CPU time of process ${pid}`);
  return ticks / CLOCK_TICKS_PER_SECOND;
}

/** USER_HZ: 100 on every Linux architecture Node runs on. */
const CLOCK_TICKS_PER_SECOND = 100;
