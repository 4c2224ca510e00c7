/**
 * `modelgate rollout status|pause|resume|abort` and a deploy spec carrying a rollout plan, run
 * in-process against a real gateway (git-YAML example registry, SQLite, config tokens).
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { APPROVE, TOKENS, startWorkflowGateway, waitForStatus, type Who, type WorkflowGateway } from "../../../test/workflow/workflow-gateway.js";
import { captureIo } from "../capture-io.js";
import { runCli } from "../program.js";

let gw: WorkflowGateway;
let dir: string;

beforeAll(async () => {
  gw = await startWorkflowGateway({ config: { background: { rolloutPollMs: 50 } } });
  dir = await mkdtemp(join(tmpdir(), "modelgate-rollout-cli-"));
});
afterAll(async () => {
  await gw?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function cli(who: Who, ...argv: string[]) {
  const io = captureIo({ MODELGATE_URL: gw.url, MODELGATE_TOKEN: TOKENS[who] });
  const code = await runCli(argv, io);
  return { code, stdout: io.out(), stderr: io.err() };
}

const spec = (version: string, rollout = "") => `name: support-bot
environment: staging
reason: triage ${version}
components:
  - { role: classifier, backend: example, model: support-triage, version: "${version}", weight: 100 }
${rollout}`;

/** deploy --promote, approving when the environment's policy asks for it. */
async function ship(file: string): Promise<void> {
  const out = await cli("alice", "deploy", file, "--promote", "--json");
  expect(out.code, out.stderr).toBe(0);
  const request = (JSON.parse(out.stdout) as { promotionRequest: { id: string; status: string } }).promotionRequest;
  if (request.status === "PENDING") expect((await gw.as("bob", APPROVE, { id: request.id })).data?.promotionApprove.userErrors).toEqual([]);
  expect((await waitForStatus(gw, request.id)).status).toBe("APPLIED");
}

describe("modelgate rollout", () => {
  it("shows, pauses, resumes and aborts a rollout started from a deploy spec", async () => {
    const one = join(dir, "one.yaml");
    await writeFile(one, spec("14"));
    await ship(one);
    expect((await cli("vic", "rollout", "status", "support-bot", "--env", "staging")).stdout).toContain("has had no guarded rollout");

    const two = join(dir, "two.yaml");
    await writeFile(two, spec("15", "rollout:\n  steps: [{ weight: 10, holdSeconds: 3600 }, { weight: 100, holdSeconds: 3600 }]\n  maxErrorRate: 0.05\n"));
    await ship(two);
    const status = await cli("vic", "rollout", "status", "support-bot", "--env", "staging");
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toMatch(/status\s+RUNNING/);
    expect(status.stdout).toMatch(/step\s+1 of 2 \(10% to the new revision\)/);
    expect(status.stdout).toMatch(/thresholds\s+error rate <= 0.05/);
    expect(status.stdout).toMatch(/^evidence\s+0 canary results since \S.*: 0 requests, highest error rate none reported$/m);
    expect(status.stdout).toMatch(/^verdict\s+WAIT: step 1 of 2 \(10%\): waiting for evidence \(no canary result\)$/m);
    expect(status.stdout).toMatch(/classifier\s+example\s+support-triage\s+15\s+10/);
    expect(status.stdout).toMatch(/classifier\s+example\s+support-triage\s+14\s+90/);

    const noReason = await cli("alice", "rollout", "pause", "support-bot", "--env", "staging");
    expect(noReason.code).not.toBe(0);
    const paused = await cli("alice", "rollout", "pause", "support-bot", "--env", "staging", "--reason", "incident review", "--json");
    expect(paused.code, paused.stderr).toBe(0);
    expect(JSON.parse(paused.stdout)).toMatchObject({ status: "PAUSED", pausedReason: "paused by alice: incident review", weight: 10, evidence: { step: 1, resultCount: 0, verdict: null } });
    const again = await cli("alice", "rollout", "pause", "support-bot", "--env", "staging", "--reason", "twice");
    expect(again.code).toBe(2);
    expect(again.stderr).toContain("already PAUSED");
    const forbidden = await cli("alice", "rollout", "resume", "support-bot", "--env", "staging", "--reason", "go");
    expect(forbidden.code).not.toBe(0);
    const resumed = await cli("bob", "rollout", "resume", "support-bot", "--env", "staging", "--reason", "resolved");
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toMatch(/status\s+RUNNING/);

    const aborted = await cli("bob", "rollout", "abort", "support-bot", "--env", "staging", "--reason", "not worth it");
    expect(aborted.code, aborted.stderr).toBe(0);
    expect(aborted.stdout).toContain("rolling back support-bot in staging to revision 1");
    const deadline = Date.now() + 30_000;
    for (;;) {
      const json = JSON.parse((await cli("vic", "rollout", "status", "support-bot", "--env", "staging", "--json")).stdout) as { status: string };
      if (json.status === "ROLLED_BACK") break;
      if (Date.now() > deadline) throw new Error(`rollout still ${json.status}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }, 120_000);
});
