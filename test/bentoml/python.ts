/**
 * The real `bentoml` package (PyPI, pinned in test/peers/requirements.txt) on a BENTOML_HOME: scripts
 * run with the peers' venv Python, and the `bentoml` CLI. BentoML starts slowly (a second or more of
 * CPU per process), so tests batch what they ask of it.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { venvBin } from "../peers/venv.js";

const execFileAsync = promisify(execFile);

function env(home: string): NodeJS.ProcessEnv {
  return { ...process.env, BENTOML_HOME: home, BENTOML_DO_NOT_TRACK: "true", PYTHONDONTWRITEBYTECODE: "1" };
}

/** Runs a Python script; what it prints last (one line of JSON) is the result. */
export async function python<T = unknown>(home: string, script: string): Promise<T> {
  try {
    const { stdout } = await execFileAsync(venvBin("python"), ["-c", script], { env: env(home), timeout: 180_000, maxBuffer: 16 * 1024 * 1024 });
    const lines = stdout.trim().split("\n");
    return JSON.parse(lines[lines.length - 1] as string) as T;
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`python failed: ${e.message}\n${e.stderr ?? ""}`);
  }
}

/** `bentoml <args>`: stdout. */
export async function bentomlCli(home: string, args: string[]): Promise<string> {
  const { stdout } = await execFileAsync(venvBin("bentoml"), args, { env: env(home), timeout: 180_000, maxBuffer: 16 * 1024 * 1024 });
  return stdout;
}

/** Python source for `json.dumps` of a model's record as BentoML loads it. */
export const DUMP_MODEL = `
import json, bentoml
def dump(tag):
    m = bentoml.models.get(tag)
    i = m.info
    return {"tag": str(m.tag), "labels": i.labels, "metadata": i.metadata, "creation_time": i.creation_time.isoformat(), "module": i.module}
`;
