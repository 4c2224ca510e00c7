#!/usr/bin/env node
/**
 * The CI gate's second lock: reads vitest's JSON report and exits 1 unless every test passed,
 * whatever vitest's own exit status said. Fails on any failed test, any failed suite (a file that
 * could not load), a run that reports failure, a run with no tests, or a missing or unreadable
 * report. Prints the closing "tests: N passed, N failed" line, and each failed file and test by name
 * with its first failure line.
 *
 *   node scripts/check-test-report.mjs <vitest-json-report>
 */
import { readFileSync } from "node:fs";

const file = process.argv[2];
const problems = [];
let report;
try {
  report = JSON.parse(readFileSync(file ?? "", "utf8"));
} catch (err) {
  console.error(`tests: no readable vitest JSON report at ${file ?? "(no path given)"}: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
const count = (key) => (typeof report[key] === "number" ? report[key] : NaN);
const passed = count("numPassedTests");
const failed = count("numFailedTests");
const failedSuites = count("numFailedTestSuites");
const total = count("numTotalTests");
console.log(`tests: ${passed} passed, ${failed} failed, ${failedSuites} failed suites, ${total} in all`);
if (!(failed === 0)) problems.push(`${failed} failed tests`);
if (!(failedSuites === 0)) problems.push(`${failedSuites} failed suites (files that failed, or could not load)`);
if (!(total > 0)) problems.push("no tests ran");
if (report.success !== true) problems.push("vitest reports the run as unsuccessful");
const firstLine = (text) => String(text ?? "").split("\n").find((line) => line.trim() !== "")?.trim().slice(0, 300) ?? "";
for (const result of Array.isArray(report.testResults) ? report.testResults : []) {
  if (result.status !== "passed") problems.push(`${result.name}: ${result.status}${result.message ? ` (${firstLine(result.message)})` : ""}`);
  // Each failed test by its full name and its first failure line: CI logs keep only their tail.
  for (const test of Array.isArray(result.assertionResults) ? result.assertionResults : []) {
    if (test.status === "failed") problems.push(`  failed: ${test.fullName ?? test.title}${test.failureMessages?.length ? ` — ${firstLine(test.failureMessages[0])}` : ""}`);
  }
}
if (problems.length > 0) {
  console.error(`tests: the run is red:\n${problems.map((p) => `- ${p}`).join("\n")}`);
  process.exit(1);
}
