/**
 * The browser tests run the console as `npm start` serves it: built into dist/ui by Vite. It is
 * rebuilt when ui/ (or the schema) changed since the last build (a content hash in
 * dist/ui/.source-hash), under a lock so parallel test files build it once.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { REPO_ROOT } from "../support/test-gateway.js";

const UI = join(REPO_ROOT, "ui");
const OUT = join(REPO_ROOT, "dist/ui");
const STAMP = join(OUT, ".source-hash");
const LOCK = join(REPO_ROOT, "dist/.ui-build.lock");

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === "node_modules" ? [] : files(path);
    return e.name.endsWith(".test.ts") ? [] : [path];
  });
}

function sourceHash(): string {
  const hash = createHash("sha256");
  for (const file of [...files(UI), join(REPO_ROOT, "package-lock.json")].sort()) {
    hash.update(relative(REPO_ROOT, file)).update("\0").update(readFileSync(file)).update("\0");
  }
  return hash.digest("hex");
}

function read(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}

async function withLock<T>(fn: () => T): Promise<T> {
  mkdirSync(join(REPO_ROOT, "dist"), { recursive: true });
  const until = Date.now() + 10 * 60_000;
  for (;;) {
    try {
      mkdirSync(LOCK);
      break;
    } catch {
      // A lock left by a killed run is stale after five minutes.
      if (Date.now() - (statSync(LOCK, { throwIfNoEntry: false })?.mtimeMs ?? Date.now()) > 5 * 60_000) rmSync(LOCK, { recursive: true, force: true });
      if (Date.now() > until) throw new Error(`${LOCK} is held by another build`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  try {
    return fn();
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}

/** Builds dist/ui unless it is up to date with ui/; returns the build directory. */
export async function ensureConsoleBuilt(): Promise<string> {
  return withLock(() => {
    const hash = sourceHash();
    if (read(STAMP) === hash && read(join(OUT, "index.html")) !== undefined) return OUT;
    const vite = join(REPO_ROOT, "node_modules/vite/bin/vite.js");
    const result = spawnSync(process.execPath, [vite, "build", "--config", "ui/vite.config.ts", "--logLevel", "warn"], { cwd: REPO_ROOT, encoding: "utf8", timeout: 5 * 60_000 });
    if (result.status !== 0) throw new Error(`building the console failed (exit ${result.status ?? result.signal}):\n${result.stdout}\n${result.stderr}`);
    writeFileSync(STAMP, hash);
    return OUT;
  });
}
