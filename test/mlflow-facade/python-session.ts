/**
 * MLflow's Python client in one long-lived interpreter from the test peers' venv, for test files
 * that run many short scripts: importing mlflow costs about 2.5 s of CPU per process here, paid
 * once instead of once per script.
 *
 * Each script still starts clean: its own globals (the harness's PRELUDE runs first, so it gets a
 * fresh `client = MlflowClient()` and `out = {}`), its own working directory and exactly the
 * environment `python()` would give a fresh process (the base environment plus the script's own;
 * MLflow reads the tracking URI and credentials from the environment on every request). What a
 * script cannot reset, it shares with the ones before it, as in any long-running program: the
 * imported modules and MLflow's per-URI store and HTTP session caches.
 *
 * Scripts run one at a time, in the order they are sent. A script that runs past its timeout ends
 * the interpreter (the next script starts a new one).
 */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { venvBin } from "../peers/venv.js";
import { PRELUDE, pythonBaseEnv, type PythonRun } from "./harness.js";

const RUNNER = `
import contextlib, io, json, os, sys, traceback
BASE_ENV = dict(os.environ)
# What every script imports, imported once (the PRELUDE itself runs per script, with its env).
import json, re, time
import mlflow
from mlflow import MlflowClient
from mlflow.exceptions import MlflowException
from mlflow.utils.proto_json_utils import message_to_json
sys.__stdout__.write("@@READY@@\\n")
sys.__stdout__.flush()
for line in sys.stdin:
    job = json.loads(line)
    os.environ.clear()
    os.environ.update(BASE_ENV)
    os.environ.update(job["env"])
    os.chdir(job["cwd"])
    scope = {"__name__": "__main__"}
    printed = io.StringIO()
    try:
        with contextlib.redirect_stdout(printed):
            exec(compile(job["code"], "<script>", "exec"), scope)
        reply = {"id": job["id"], "ok": True, "out": scope.get("out")}
    except BaseException:
        reply = {"id": job["id"], "ok": False, "error": traceback.format_exc()}
    reply["stdout"] = printed.getvalue()
    sys.__stdout__.write("@@JOB@@" + json.dumps(reply) + "\\n")
    sys.__stdout__.flush()
`;

interface Reply {
  id: number;
  ok: boolean;
  out?: unknown;
  error?: string;
  stdout: string;
}

interface Interpreter {
  child: ChildProcessWithoutNullStreams;
  ready: Promise<void>;
  replies: Map<number, (reply: Reply) => void>;
  /** Everything it wrote to stderr since the current script began. */
  stderr: string;
  /** Why it ended, once it has. */
  ended?: string;
}

export interface PythonSession {
  /** Runs `code` as `python()` does (same PRELUDE, `out` back as JSON), in the session's interpreter. */
  run<T = Record<string, unknown>>(code: string, env: Record<string, string>, timeoutMs?: number): Promise<PythonRun<T>>;
  close(): Promise<void>;
}

export function pythonSession(): PythonSession {
  let interpreter: Interpreter | undefined;
  let queue: Promise<unknown> = Promise.resolve();
  let nextId = 1;
  let runnerDir: Promise<string> | undefined;

  const start = async (): Promise<Interpreter> => {
    runnerDir ??= mkdtemp(join(tmpdir(), "modelgate-pysession-"));
    const dir = await runnerDir;
    const file = join(dir, "runner.py");
    await writeFile(file, RUNNER);
    const child = spawn(venvBin("python"), [file], { cwd: dir, env: pythonBaseEnv(dir), stdio: ["pipe", "pipe", "pipe"] });
    const it: Interpreter = { child, ready: Promise.resolve(), replies: new Map(), stderr: "" };
    let buffered = "";
    let markReady!: () => void;
    let failReady!: (err: Error) => void;
    it.ready = new Promise<void>((resolve, reject) => {
      markReady = resolve;
      failReady = reject;
    });
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => {
      buffered += chunk;
      let newline: number;
      while ((newline = buffered.indexOf("\n")) >= 0) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        if (line === "@@READY@@") markReady();
        else if (line.startsWith("@@JOB@@")) {
          const reply = JSON.parse(line.slice("@@JOB@@".length)) as Reply;
          it.replies.get(reply.id)?.(reply);
        }
      }
    });
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (chunk: string) => (it.stderr += chunk));
    child.on("exit", (code, signal) => {
      it.ended = `the Python session exited with ${code ?? signal}\nstderr:\n${it.stderr}`;
      failReady(new Error(it.ended));
      for (const resolve of it.replies.values()) resolve({ id: 0, ok: false, error: it.ended, stdout: "" });
      it.replies.clear();
      if (interpreter === it) interpreter = undefined;
    });
    return it;
  };

  const stop = async (it: Interpreter): Promise<void> => {
    if (it.ended !== undefined) return;
    const exited = new Promise<void>((resolve) => it.child.once("exit", () => resolve()));
    it.child.kill("SIGKILL");
    await exited;
  };

  const runOne = async <T>(code: string, env: Record<string, string>, timeoutMs: number): Promise<PythonRun<T>> => {
    interpreter ??= await start();
    const it = interpreter;
    await it.ready;
    const dir = await mkdtemp(join(tmpdir(), "modelgate-py-"));
    const id = nextId++;
    it.stderr = "";
    try {
      const reply = await new Promise<Reply>((resolve, reject) => {
        const timer = setTimeout(() => {
          it.replies.delete(id);
          reject(new Error(`the Python script ran past ${timeoutMs} ms\nstderr:\n${it.stderr}`));
          void stop(it);
        }, timeoutMs);
        it.replies.set(id, (r) => {
          clearTimeout(timer);
          it.replies.delete(id);
          resolve(r);
        });
        it.child.stdin.write(`${JSON.stringify({ id, code: `${PRELUDE}\n${code}\n`, env, cwd: dir })}\n`);
      });
      if (!reply.ok) throw new Error(`Python failed:\n${reply.error ?? ""}\nstdout:\n${reply.stdout}\nstderr:\n${it.stderr}`);
      return { result: reply.out as T, stderr: it.stderr };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  };

  return {
    run<T>(code: string, env: Record<string, string>, timeoutMs = 180_000): Promise<PythonRun<T>> {
      const result = queue.then(() => runOne<T>(code, env, timeoutMs));
      queue = result.catch(() => undefined);
      return result;
    },
    async close() {
      await queue;
      const it = interpreter;
      interpreter = undefined;
      if (it !== undefined && it.ended === undefined) {
        const exited = new Promise<void>((resolve) => it.child.once("exit", () => resolve()));
        it.child.stdin.end();
        const timer = setTimeout(() => it.child.kill("SIGKILL"), 10_000);
        await exited;
        clearTimeout(timer);
      }
      if (runnerDir !== undefined) await rm(await runnerDir, { recursive: true, force: true });
    },
  };
}
