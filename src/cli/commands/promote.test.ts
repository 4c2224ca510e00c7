/**
 * promote / approve / reject / rollback against a real gateway, as CI would run them: the exit code
 * tells how the request ended (0 applied, 1 failed, 2 refused or rejected, 4 still pending).
 */
import { afterEach, describe, expect, it } from "vitest";
import { faultyGitYaml } from "../../../test/workflow/faulty-git-yaml.js";
import { TOKENS, startWorkflowGateway, type Who, type WorkflowGateway } from "../../../test/workflow/workflow-gateway.js";
import { captureIo } from "../capture-io.js";
import { runCli } from "../program.js";

let gw: WorkflowGateway | undefined;
afterEach(async () => {
  await gw?.stop();
  gw = undefined;
});

async function cli(who: Who, ...argv: string[]) {
  const io = captureIo({ MODELGATE_URL: gw!.url, MODELGATE_TOKEN: TOKENS[who] });
  const code = await runCli(argv, io);
  return { code, stdout: io.out(), stderr: io.err() };
}

const PROMOTE_15 = ["promote", "support-triage", "15", "--backend", "example", "--env", "production", "--reason", "ship 15"];
const WAIT = ["--wait", "--interval", "0.05"];

describe("modelgate promote / approve / reject / rollback", () => {
  it("follows a request through its approval and a rollback, with exit codes for each outcome", async () => {
    gw = await startWorkflowGateway({ config: { policies: { rules: [{ gates: { approvals: 1 } }] } } });
    const pending = await cli("alice", ...PROMOTE_15, ...WAIT, "--timeout", "0.3", "--json");
    expect(pending.code).toBe(4);
    const req = JSON.parse(pending.stdout) as { id: string; status: string; gates: unknown[] };
    expect(req).toMatchObject({ status: "PENDING", gates: [{ gate: "APPROVAL", passed: false, detail: "0 of 1 approval(s)" }] });

    const twice = await cli("alice", ...PROMOTE_15);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toContain("already has an open request");

    const own = await cli("alice", "approve", req.id);
    expect(own.code).toBe(2);
    expect(own.stderr).toContain("needs the approver role");

    const approved = await cli("bob", "approve", req.id, "--comment", "ok", ...WAIT);
    expect(approved.stderr).toBe("");
    expect(approved.code).toBe(0);
    expect(approved.stdout).toContain(`promotion ${req.id}: example/support-triage@15 STAGING -> PRODUCTION in production: APPLIED`);

    const rolled = await cli("bob", "rollback", "support-triage", "--backend", "example", "--env", "production", "--reason", "errors up", ...WAIT);
    expect(rolled.code).toBe(0);
    expect(rolled.stdout).toMatch(/^rollback .*: example\/support-triage@14 ARCHIVED -> PRODUCTION in production: APPLIED\n/);
  });

  it("exits 2 for a rejected request and for a bad stage, 3 for an unknown version", async () => {
    gw = await startWorkflowGateway({ config: { policies: { rules: [{ gates: { approvals: 1 } }] } } });
    const created = await cli("alice", ...PROMOTE_15, "--json");
    expect(created.code).toBe(0);
    const { id } = JSON.parse(created.stdout) as { id: string };
    const rejected = await cli("carol", "reject", id, "--comment", "not now");
    expect(rejected.code).toBe(2);
    expect(rejected.stdout).toContain("REJECTED\n  waiting  APPROVAL: rejected by carol\n  reason: rejected by carol: not now\n");
    expect((await cli("alice", ...PROMOTE_15, "--to", "LIVE")).code).toBe(2);
    const missing = await cli("alice", "promote", "support-triage", "99", "--backend", "example", "--env", "production", "--reason", "x");
    expect(missing.code).toBe(3);
  });

  it("exits 1 when the apply fails, printing the backend's reason", async () => {
    gw = await startWorkflowGateway({
      config: { policies: { rules: [{ gates: {} }] } },
      backendKind: "faulty-git-yaml",
      factories: faultyGitYaml({ fail: new Map([["15:PRODUCTION", "refused"]]), calls: [] }),
    });
    const failed = await cli("alice", ...PROMOTE_15, ...WAIT);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toContain("FAILED\n  reason: CONFLICT: example refused to set 15:PRODUCTION (injected)\n");
  });
});
