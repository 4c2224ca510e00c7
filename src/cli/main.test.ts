/**
 * The real entry point as a process: a client command's exit code reaches the shell, stdout holds
 * exactly one JSON document, and the process ends on its own.
 */
import { execFile } from "node:child_process";
import { createServer } from "node:net";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../..");

describe("src/cli/main.ts", () => {
  it("exits 1 with one JSON error document when the gateway is unreachable", async () => {
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const { port } = server.address() as { port: number };
    await new Promise<void>((r) => server.close(() => r()));

    const result = await new Promise<{ code: number | null; stdout: string; stderr: string }>((done) => {
      execFile(
        process.execPath,
        ["--import", "tsx", "src/cli/main.ts", "models", "--json", "--url", `http://127.0.0.1:${port}`],
        { cwd: ROOT, timeout: 20_000 },
        (err, stdout, stderr) => done({ code: err ? ((err as { code?: number }).code ?? null) : 0, stdout, stderr }),
      );
    });
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toMatchObject({ error: { code: "UNREACHABLE", exitCode: 1 } });
    expect(result.stderr).toContain(`gateway unreachable at http://127.0.0.1:${port}/graphql`);
  });
});
