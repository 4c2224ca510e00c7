/**
 * The Python venv holding the pinned test peers (test/peers/requirements.txt), created or reused by
 * test/peers/setup. Cached outside the repository under ~/.cache/modelgate, keyed by the pins.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";

let venv: string | undefined;

export function peersVenv(): string {
  if (venv) return venv;
  const script = join(import.meta.dirname, "setup");
  const result = spawnSync("bash", [script], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], timeout: 20 * 60_000 });
  if (result.status !== 0) {
    throw new Error(`test/peers/setup failed (exit ${result.status ?? result.signal}): the Python test peers could not be installed; see its output above`);
  }
  const lines = result.stdout.trim().split("\n");
  venv = lines[lines.length - 1] as string;
  return venv;
}

export function venvBin(name: string): string {
  return join(peersVenv(), "bin", name);
}
