/**
 * A CLI whose output is cut off by a pipe (`modelgate --help | head -1`) exits quietly: the real
 * entry point as a process whose stdout reader is gone before it writes.
 */
import { spawn } from "node:child_process";
import { createServer, type AddressInfo } from "node:net";
import { resolve } from "node:path";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { quietOnBrokenPipe } from "./io.js";

const ROOT = resolve(import.meta.dirname, "../..");

function runWithClosedStdout(args: string[]): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ["--import", "tsx", "src/cli/main.ts", ...args], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    // The reader goes away before the CLI has written anything (tsx alone takes longer to load).
    child.stdout.destroy();
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      fail(new Error("the CLI did not exit"));
    }, 60_000);
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      done({ code, signal, stderr });
    });
  });
}

describe("output cut off by a pipe", () => {
  it("--help exits 0 without a stack trace", async () => {
    const { code, signal, stderr } = await runWithClosedStdout(["--help"]);
    expect(stderr).toBe("");
    expect({ code, signal }).toEqual({ code: 0, signal: null });
  });

  it("a command's own exit status survives the closed pipe (gateway unreachable: 1), still without a stack trace", async () => {
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((r) => server.close(() => r()));
    // --json writes its error document to stdout, whose reader is gone.
    const { code, stderr } = await runWithClosedStdout(["models", "--json", "--url", `http://127.0.0.1:${port}`]);
    expect(stderr).toContain("gateway unreachable");
    expect(stderr).not.toMatch(/EPIPE|Unhandled|\n\s+at /);
    expect(code).toBe(1);
  });

  it("drops writes after the reader went away and lets other write errors through", () => {
    const stream = new PassThrough();
    const write = quietOnBrokenPipe(stream);
    const seen: string[] = [];
    stream.on("data", (d: Buffer) => seen.push(d.toString()));
    write("a");
    stream.emit("error", Object.assign(new Error("write EPIPE"), { code: "EPIPE" }));
    write("b");
    expect(seen).toEqual(["a"]);
    expect(() => stream.emit("error", Object.assign(new Error("disk full"), { code: "ENOSPC" }))).toThrow("disk full");
  });
});
