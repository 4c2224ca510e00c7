/**
 * `modelgate serve` as a real process (node --import tsx src/cli/main.ts): configuration errors
 * exit 2 naming the key; a started gateway says where it listens, warns that development mode has
 * no authentication, and exits 0 after a graceful shutdown on SIGTERM.
 */
import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../../..");
const dirs: string[] = [];

afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function configFile(text: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "modelgate-serve-"));
  dirs.push(dir);
  const file = join(dir, "modelgate.yaml");
  await writeFile(file, text);
  return file;
}

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * How long a run may take before it is killed: generous, never a measure of speed. A cold
 * `node --import tsx` compiles and loads the whole gateway (Apollo, the AWS SDK, gRPC ...), which
 * takes several times longer on a loaded 2-core CI machine than on a quiet one.
 */
const RUN_DEADLINE_MS = 150_000;
/** Each test's timeout: past the run's deadline, so a hung run fails with its output, not a bare timeout. */
const TEST_TIMEOUT_MS = RUN_DEADLINE_MS + 30_000;

/** Runs the CLI; `onStderr` may act on the process (send a signal) as output arrives. */
function runMain(args: string[], onStderr?: (text: string, kill: (signal: NodeJS.Signals) => void) => void): Promise<Run> {
  return new Promise((resolvePromise, reject) => {
    const env = { ...process.env };
    // As in production: no MODELGATE_* from this shell, and no NODE_ENV=test (libraries change behaviour on it).
    for (const key of Object.keys(env)) if (key.startsWith("MODELGATE_") || key.startsWith("VITEST") || key === "NODE_ENV") delete env[key];
    const child = spawn(process.execPath, ["--import", "tsx", "src/cli/main.ts", ...args], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    const timer = setTimeout(() => {
      stderr += `\n[test] killed after ${RUN_DEADLINE_MS} ms\n`;
      child.kill("SIGKILL");
    }, RUN_DEADLINE_MS);
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
      onStderr?.(stderr, (signal) => child.kill(signal));
    });
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code, signal, stdout, stderr });
    });
  });
}

describe("modelgate serve", () => {
  it("exits 2 naming every bad key of the config file", { timeout: TEST_TIMEOUT_MS }, async () => {
    const file = await configFile("server:\n  prot: 4000\nlogLevel: loud\npolicies:\n  lifecycle:\n    rules: [{ keepNewest: 3 }]\n");
    const run = await runMain(["serve", "--config", file]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`invalid modelgate configuration in ${file}`);
    expect(run.stderr).toContain('server.prot (line 2): unknown key (did you mean "port"?)');
    expect(run.stderr).toContain("logLevel (line 3)");
    expect(run.stderr).toContain("policies.lifecycle (line 5): renamed to policies.deprecation (same fields)");
    expect(run.stdout).toBe("");
  });

  it("says where it listens, warns about development mode and shuts down cleanly on SIGTERM", { timeout: TEST_TIMEOUT_MS }, async () => {
    const file = await configFile("logLevel: info\nserver:\n  mode: development\n");
    let signalled = false;
    const run = await runMain(["serve", "--config", file, "--host", "127.0.0.1", "--port", "0"], (stderr, kill) => {
      if (!signalled && /warning: development mode/.test(stderr)) {
        signalled = true;
        kill("SIGTERM");
      }
    });
    expect(run.stderr).toMatch(/modelgate listening on http:\/\/127\.0\.0\.1:\d+ \(GraphQL: http:\/\/127\.0\.0\.1:\d+\/graphql; config: /);
    expect(run.stderr).toContain("warning: development mode: no authentication is configured");
    expect(signalled).toBe(true);
    expect(run.signal).toBeNull();
    expect(run.code).toBe(0);
    // The log shows the whole graceful shutdown ran: server, Apollo, store and adapters closed.
    const messages = run.stdout.trim().split("\n").map((line) => (JSON.parse(line) as { msg: string }).msg);
    expect(messages).toContain("modelgate listening");
    expect(messages.slice(-2)).toEqual(["shutting down", "modelgate stopped"]);
  });

  it("exits 1 with a one-line cause when the port is taken", { timeout: TEST_TIMEOUT_MS }, async () => {
    const { createServer } = await import("node:net");
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, "127.0.0.1", r));
    const port = (blocker.address() as { port: number }).port;
    try {
      const file = await configFile("logLevel: silent\n");
      const run = await runMain(["serve", "--config", file, "--port", String(port)]);
      expect(run.code, run.stderr).toBe(1);
      expect(run.stderr).toContain(`error: cannot start modelgate: listen EADDRINUSE: address already in use 127.0.0.1:${port}`);
    } finally {
      await new Promise<void>((r) => blocker.close(() => r()));
    }
  });
});
