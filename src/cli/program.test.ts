/**
 * Exit codes and messages that need no gateway: usage errors (2) are caught before any request,
 * and an unreachable gateway (1) is named by its URL, in text and --json.
 */
import { readFile } from "node:fs/promises";
import { createServer } from "node:net";
import { beforeAll, describe, expect, it } from "vitest";
import { captureIo } from "./capture-io.js";
import { runCli } from "./program.js";

let closedUrl: string;

beforeAll(async () => {
  // A port nothing listens on: bound, then released.
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  closedUrl = `http://127.0.0.1:${port}`;
});

async function cli(argv: string[], env: Record<string, string> = {}) {
  const io = captureIo({ MODELGATE_URL: closedUrl, ...env });
  const code = await runCli(argv, io);
  return { code, stdout: io.out(), stderr: io.err() };
}

describe("an unreachable gateway", () => {
  it("exits 1 and names the URL", async () => {
    const { code, stdout, stderr } = await cli(["versions", "support-triage", "--backend", "example"]);
    expect(code).toBe(1);
    expect(stdout).toBe("");
    expect(stderr).toContain(`error: gateway unreachable at ${closedUrl}/graphql: connect ECONNREFUSED`);
    expect(stderr).toContain("--url or MODELGATE_URL");
  });

  it("prints one JSON error document with --json, for --url as for MODELGATE_URL", async () => {
    const { code, stdout } = await cli(["resolve", "support-triage", "--env", "production", "--json", "--url", closedUrl], {
      MODELGATE_URL: "http://127.0.0.1:9",
    });
    expect(code).toBe(1);
    const doc = JSON.parse(stdout) as { error: { code: string; url: string; exitCode: number } };
    expect(doc.error).toMatchObject({
      code: "UNREACHABLE",
      url: `${closedUrl}/v1/resolve/support-triage?env=production`,
      exitCode: 1,
    });
  });
});

describe("usage errors exit 2 before any request", () => {
  // MODELGATE_URL points at a closed port: reaching the network would exit 1, not 2.
  it.each([
    [["versions", "support-triage"], "required option '--backend <id>' not specified"],
    [["resolve", "support-triage"], "required option '--env <environment>' not specified"],
    [["models", "--first", "0"], "option '--first <n>' argument '0' is invalid. expected a positive whole number"],
    [["models", "--as-of", "yesterday"], "expected an ISO 8601 date-time such as 2026-06-01T12:00:00Z, got \"yesterday\""],
    [["models", "--url", "localhost:4000"], '"localhost:4000" must be an http or https URL'],
    [["register", "m", "--backend", "example", "--metric", "accuracy=high"], '"accuracy" must be a finite number, got "high"'],
    [["register", "m", "--backend", "example", "--tag", "=x"], 'expected key=value, got "=x"'],
    [["register", "m", "--backend", "example", "--prompt-ref", "p@1", "--param", "t=1"], "--prompt-ref, --param describe a generation config and need --model-id"],
    [["alias", "set", "m", "champion", "--backend", "example"], "missing required argument 'version'"],
    [["modles"], "unknown command 'modles'"],
  ])("%j", async (argv, message) => {
    const { code, stderr } = await cli(argv);
    expect(stderr).toContain(message);
    expect(code).toBe(2);
  });

  it("reports a bad MODELGATE_TIMEOUT_MS by name", async () => {
    const { code, stderr } = await cli(["models"], { MODELGATE_TIMEOUT_MS: "soon" });
    expect(code).toBe(2);
    expect(stderr).toContain('MODELGATE_TIMEOUT_MS must be a positive number of milliseconds, got "soon"');
  });
});

describe("help and version", () => {
  it("prints the exit codes in the help and exits 0", async () => {
    const { code, stdout } = await cli(["--help"]);
    expect(code).toBe(0);
    expect(stdout).toContain("Exit codes:");
    expect(stdout).toContain("3  not found");
  });

  it("prints the package's version", async () => {
    const pkg = JSON.parse(await readFile(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };
    const { code, stdout } = await cli(["--version"]);
    expect(code).toBe(0);
    expect(stdout.trim()).toBe(pkg.version);
  });
});
