/**
 * `modelgate lifecycle plan | apply` against a real gateway (git-YAML): the plan as a table and as
 * JSON, the share stop refused without --yes (exit 2) and applied with it.
 */
import { afterEach, describe, expect, it } from "vitest";
import { TOKENS, startWorkflowGateway, waitForStatus, type Who, type WorkflowGateway } from "../../../test/workflow/workflow-gateway.js";
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

describe("modelgate lifecycle", () => {
  it("plans as a table and JSON, stops on the share without --yes, and applies with it", async () => {
    gw = await startWorkflowGateway({
      config: {
        policies: {
          rules: [{ gates: {} }],
          // 16 is the newest version not in an environment's stage; keeping 1 archives it: 1 of 3 live (33%).
          deprecation: { rules: [{ models: "support-triage", keepNewest: 1, archiveAfterDays: 30 }], maxArchiveShare: 0.3 },
        },
      },
    });
    // Seeded: 16 NONE (newest, kept), 15 STAGING, 14 PRODUCTION, 13 ARCHIVED: nothing to archive.
    const empty = await cli("vic", "lifecycle", "plan");
    expect(empty.code).toBe(0);
    expect(empty.stdout).toContain("deprecation plan: 0 of 3 live versions to archive (0%), requests in production\n\nnothing to archive\n");
    expect(empty.stdout).toMatch(/example\/support-triage@15\s+STAGING\s+ENVIRONMENT\s+in STAGING, the stage staging runs/);

    // Take 15 out of STAGING: it becomes the one version to archive.
    const req = await gw.as("pat", `mutation { promotionRequest(input: { backend: "example", model: "support-triage", version: "15", toStage: NONE, environment: "staging", reason: "abandoned" }) { promotionRequest { id } userErrors { message } } }`);
    expect((await waitForStatus(gw, req.data!.promotionRequest.promotionRequest.id)).status).toBe("APPLIED");

    const plan = await cli("vic", "lifecycle", "plan", "--backend", "example", "--model", "support-triage");
    expect(plan.code).toBe(0);
    expect(plan.stdout).toMatch(/example\/support-triage@15\s+NONE\s+\d+d\s+never\s+policies\.deprecation\.rules\[0\]/);
    expect(plan.stdout).toContain("STOPS AND ASKS (apply needs --yes):\n  example/support-triage: 1 of 3 live versions (33.3%) is more than its maxArchiveShare 30%\n");
    const json = JSON.parse((await cli("vic", "lifecycle", "plan", "--json")).stdout) as { toArchive: number; candidates: { version: string; reason: string }[] };
    expect(json.toArchive).toBe(1);
    expect(json.candidates[0]).toMatchObject({ version: "15", reason: expect.stringMatching(/^2nd newest \(keepNewest 1\)/) });

    expect((await cli("vic", "lifecycle", "plan", "--model", "support-triage")).code).toBe(2);

    const refused = await cli("alice", "lifecycle", "apply");
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("the plan stops and asks: example/support-triage: 1 of 3 live versions (33.3%) is more than its maxArchiveShare 30%");

    const applied = await cli("alice", "lifecycle", "apply", "--yes", "--reason", "cleanup", "--json");
    expect(applied.stderr).toBe("");
    expect(applied.code).toBe(0);
    const report = JSON.parse(applied.stdout) as { results: { outcome: string; candidate: { version: string }; promotionRequest: { id: string } }[] };
    expect(report.results.map((r) => [r.candidate.version, r.outcome])).toEqual([["15", "QUEUED"]]);
    expect((await waitForStatus(gw, report.results[0]!.promotionRequest.id)).status).toBe("APPLIED");

    const again = await cli("alice", "lifecycle", "apply");
    expect(again).toMatchObject({ code: 0, stdout: "nothing to archive\n" });
  });
});
