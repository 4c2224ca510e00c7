/**
 * `modelgate alias request` and `modelgate shadow report` against a real gateway over a fresh copy of
 * the example registry (git-YAML): a protected alias moves through its request (--wait follows it to
 * APPLIED), a direct move exits 2 naming the way through; a shadow report is recorded, refused
 * figures exit 2 naming the field.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestGateway, type TestGateway } from "../../../test/support/test-gateway.js";
import { captureIo } from "../capture-io.js";
import { runCli } from "../program.js";

let gw: TestGateway;

beforeAll(async () => {
  gw = await startTestGateway({
    config: { policies: { rules: [{ gates: {} }], protectedAliases: [{ models: "support-*", aliases: ["champion"], environment: "production" }] } },
  });
});
afterAll(async () => {
  await gw?.stop();
});

async function cli(...argv: string[]) {
  const io = captureIo({ MODELGATE_URL: gw.url });
  const code = await runCli(argv, io);
  return { code, stdout: io.out(), stderr: io.err() };
}

const hour = 3_600_000;

describe("modelgate alias request", () => {
  it("refuses a direct move of a protected alias, naming the request path", async () => {
    const { code, stderr } = await cli("alias", "set", "support-triage", "champion", "15", "--backend", "example");
    expect(code).toBe(2);
    expect(stderr).toContain("modelgate alias request support-triage champion 15 --backend example");
  });

  it("requests the move and follows it to APPLIED with --wait", async () => {
    const { code, stdout, stderr } = await cli(
      "alias", "request", "support-triage", "champion", "15", "--backend", "example", "--reason", "15 won", "--expect-current", "14",
      "--wait", "--timeout", "60", "--interval", "0.2",
    );
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(stdout).toMatch(/^alias move [A-Za-z0-9_-]+: "champion" of example\/support-triage -> 15 \(gates of production\): APPLIED\n$/);
    const again = await cli("alias", "request", "support-triage", "champion", "15", "--backend", "example", "--reason", "again", "--json");
    expect(again.code).toBe(2);
    expect(again.stdout + again.stderr).toContain("already points at 15");
  });

  it("refuses a request for an unprotected alias", async () => {
    const { code, stderr } = await cli("alias", "request", "support-triage", "challenger", "16", "--backend", "example", "--reason", "r");
    expect(code).toBe(2);
    expect(stderr).toContain("is not protected");
  });
});

describe("modelgate shadow report", () => {
  const window = ["--from", new Date(Date.now() - 25 * hour).toISOString(), "--to", new Date(Date.now() - hour).toISOString()];

  it("records a report and prints it (text and --json)", async () => {
    const base = ["shadow", "report", "support-triage", "15", "--backend", "example", "--env", "production", ...window, "--requests", "1200", "--agreement", "0.97", "--error-rate", "0.01"];
    const text = await cli(...base, "--primary", "14", "--p95", "300");
    expect(text.code).toBe(0);
    expect(text.stdout).toContain("example/support-triage@15 against 14 in production");
    expect(text.stdout).toContain("1200 requests, agreement 0.97, error rate 0.01, p95 300 ms");
    const json = await cli(...base, "--json");
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ version: "15", requests: 1200, agreementRate: 0.97, primaryVersion: null, latencyP95Ms: null });
  });

  it("exits 2 naming the field for refused figures, and for a bad time before sending anything", async () => {
    const bad = await cli("shadow", "report", "support-triage", "15", "--backend", "example", "--env", "production", ...window, "--requests", "10", "--agreement", "2", "--error-rate", "0");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("agreementRate: must be a share from 0 to 1, got 2");
    const time = await cli("shadow", "report", "support-triage", "15", "--backend", "example", "--env", "production", "--from", "yesterday", "--to", "now", "--requests", "10", "--agreement", "1", "--error-rate", "0");
    expect(time.code).toBe(2);
    expect(time.stderr).toContain("--from must be an ISO-8601 time");
  });
});
