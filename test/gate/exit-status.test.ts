/**
 * The CI gate itself: a run with a failing test, or with a file that cannot load, must exit
 * non-zero through the suite's real configuration and global setup (every peer started and
 * stopped), and the JSON-report check that .ci/run applies must call it red. If either gate opens
 * again (as when a peer's exit hook turned a failing run into exit 0), this file goes red.
 */
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stripVTControlCharacters } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..", "..");
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "modelgate-gate-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface Run {
  status: number | null;
  output: string;
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  // The child is a fresh vitest, not a worker of this one: drop this run's VITEST_* variables.
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("VITEST") && k !== "NODE_OPTIONS"));
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: root, env: { ...clean, ...env, NO_COLOR: "1" }, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (b: Buffer) => (output += b.toString()));
    child.stderr.on("data", (b: Buffer) => (output += b.toString()));
    child.once("error", reject);
    child.once("close", (status) => resolve({ status, output: stripVTControlCharacters(output) }));
  });
}

function vitestOnFixture(fixture: string, report: string): Promise<Run> {
  return run(process.execPath, [
    join(root, "node_modules", "vitest", "vitest.mjs"),
    "run",
    "--config",
    "test/gate/fixture.config.ts",
    "--reporter=default",
    "--reporter=json",
    `--outputFile.json=${report}`,
  ], { GATE_FIXTURE: fixture });
}

function checkReport(report: string): Promise<Run> {
  return run(process.execPath, [join(root, "scripts", "check-test-report.mjs"), report]);
}

describe("the test run's exit status", () => {
  // One run over both fixtures (a failing test, a file that cannot load): the peers start once.
  it("is non-zero when a test fails or a file cannot load, with the real global setup, and the report check calls it red naming both", { timeout: 240_000 }, async () => {
    const report = join(dir, "red.json");
    const result = await vitestOnFixture("*", report);
    expect(result.output).toContain("[peers] mlflow server at"); // the real global setup ran
    expect(result.output).toMatch(/Tests\s+1 failed/);
    expect(result.output).toMatch(/Test Files\s+2 failed/);
    expect(result.status, result.output).not.toBe(0);
    const json = JSON.parse(await readFile(report, "utf8")) as { numFailedTests: number; numFailedTestSuites: number };
    expect(json.numFailedTests).toBe(1);
    expect(json.numFailedTestSuites).toBeGreaterThanOrEqual(1);
    const check = await checkReport(report);
    expect(check.status).toBe(1);
    expect(check.output).toContain("1 failed tests");
    expect(check.output).toContain("cannot-load.fixture.ts: failed");
    expect(check.output).toContain("fails-on-purpose.fixture.ts: failed");
    expect(check.output).toMatch(/failed: .+ — /); // the failed test by name, with its first failure line
  });
});

describe("the report check (scripts/check-test-report.mjs)", () => {
  const passing = { success: true, numPassedTests: 3, numFailedTests: 0, numFailedTestSuites: 0, numTotalTests: 3, testResults: [{ name: "a.test.ts", status: "passed", message: "" }] };

  it("passes a run where every test passed", async () => {
    const file = join(dir, "green.json");
    await writeFile(file, JSON.stringify(passing));
    const check = await checkReport(file);
    expect(check.status, check.output).toBe(0);
    expect(check.output).toContain("tests: 3 passed, 0 failed");
  });

  it.each([
    ["a failed test, even if vitest called the run a success", { numPassedTests: 2, numFailedTests: 1 }, "1 failed tests"],
    ["a failed suite", { numFailedTestSuites: 1 }, "1 failed suites"],
    ["an unsuccessful run", { success: false }, "unsuccessful"],
    ["a run with no tests", { numPassedTests: 0, numTotalTests: 0 }, "no tests ran"],
    ["a file that did not pass", { testResults: [{ name: "b.test.ts", status: "failed", message: "boom" }] }, "b.test.ts: failed (boom)"],
    ["a failed test, naming it with its first failure line", { testResults: [{ name: "c.test.ts", status: "failed", message: "", assertionResults: [{ fullName: "c > keeps its word", status: "failed", failureMessages: ["\nAssertionError: expected 1 to be 2\n    at c.test.ts:3"] }] }] }, "failed: c > keeps its word — AssertionError: expected 1 to be 2"],
  ])("fails %s", async (_, change, expected) => {
    const file = join(dir, "red.json");
    await writeFile(file, JSON.stringify({ ...passing, ...change }));
    const check = await checkReport(file);
    expect(check.status).toBe(1);
    expect(check.output).toContain(expected);
  });

  it("fails when the report is missing", async () => {
    const check = await checkReport(join(dir, "never-written.json"));
    expect(check.status).toBe(1);
    expect(check.output).toContain("no readable vitest JSON report");
  });
});
