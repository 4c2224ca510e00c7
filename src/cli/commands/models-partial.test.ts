/**
 * `modelgate models` when one backend is down: the other backends' models are printed, the failed
 * backend is named on stderr, and the exit code (1) says the list is incomplete, --all included.
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { faultFactories } from "../../../test/support/fault-adapter.js";
import { EXAMPLE_SEED, startTestGateway, type TestGateway } from "../../../test/support/test-gateway.js";
import { captureIo } from "../capture-io.js";
import { runCli } from "../program.js";

let gw: TestGateway;

beforeAll(async () => {
  gw = await startTestGateway({
    factories: faultFactories({ mode: "outage", models: ["from-flaky"] }),
    config: {
      backends: [
        { id: "example", kind: "git-yaml", repo: join("registry"), seedFrom: EXAMPLE_SEED, timeoutMs: 5_000 },
        { id: "flaky", kind: "fault", timeoutMs: 5_000 },
      ],
    },
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

describe("modelgate models with a backend down", () => {
  it("prints the models it got, names the failed backend and exits 1", async () => {
    const { code, stdout, stderr } = await cli("models");
    expect(stdout).toMatch(/^support-triage\s+example/m);
    expect(stderr).toContain('warning: backend "flaky" failed (BACKEND_UNAVAILABLE): flaky is down (injected)');
    expect(code).toBe(1);
  });

  it("keeps the failed backends in the JSON document and stops --all instead of looping", async () => {
    const { code, stdout } = await cli("models", "--all", "--first", "2", "--json");
    expect(code).toBe(1);
    const doc = JSON.parse(stdout) as { models: { name: string }[]; failedBackends: { backendId: string; code: string }[] };
    expect(doc.models.map((m) => m.name)).toEqual(["reply-drafter", "support-triage", "ticket-embedder"]);
    expect(doc.failedBackends).toEqual([expect.objectContaining({ backendId: "flaky", code: "BACKEND_UNAVAILABLE" })]);
  });
});
