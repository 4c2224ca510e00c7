/**
 * The approval mirrored to the backend, end to end through the real gateway over HTTP: a promotion
 * approved by two approvers lands in git with their `Approved-by` trailers and the version's
 * `approved_by`; the demotion it causes carries none; a rollback names the approver who asked.
 */
import { execFileSync } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";
import { expectGlobalId } from "../../src/graphql/global-id.js";
import { APPROVE, PROMOTE, ROLLBACK, startWorkflowGateway, waitForStatus, type WorkflowGateway } from "./workflow-gateway.js";

let gw: WorkflowGateway | undefined;
afterEach(async () => {
  await gw?.stop();
  gw = undefined;
});

const TWO_APPROVALS = { policies: { rules: [{ gates: { approvals: 2 } }] } };

interface Commit {
  subject: string;
  approvedBy: string[];
  promotion: string;
  body: string;
}

/** The newest `n` commits of the registry, newest first, with their approval trailers as git parses them. */
function commits(repo: string, n: number): Commit[] {
  const out = execFileSync(
    "git",
    ["-C", repo, "log", `-${n}`, "--format=%s%x1f%(trailers:key=Approved-by,valueonly,separator=%x2C)%x1f%(trailers:key=Modelgate-Promotion,valueonly)%x1f%B%x1e"],
    { encoding: "utf8" },
  );
  return out
    .split("\x1e")
    .map((c) => c.replace(/^\n/, ""))
    .filter((c) => c !== "")
    .map((c) => {
      const [subject = "", approvedBy = "", promotion = "", body = ""] = c.split("\x1f");
      return { subject, approvedBy: approvedBy.trim() === "" ? [] : approvedBy.trim().split(","), promotion: promotion.trim(), body };
    });
}

function fileAtHead(repo: string, path: string): string {
  return execFileSync("git", ["-C", repo, "show", `HEAD:${path}`], { encoding: "utf8" });
}

describe("approval mirrored to git", () => {
  it("records both approvers of a promotion in the commit that applies it, and a rollback's approver", async () => {
    gw = await startWorkflowGateway({ config: TWO_APPROVALS });
    const res = await gw.as("alice", PROMOTE, {
      input: { backend: "example", model: "support-triage", version: "15", toStage: "PRODUCTION", environment: "production", reason: "ship 15" },
    });
    expect(res.data?.promotionRequest.userErrors).toEqual([]);
    const req = res.data!.promotionRequest.promotionRequest;
    expect(req.status).toBe("PENDING");

    expect((await gw.as("bob", APPROVE, { id: req.id, comment: "eval fine" })).data?.promotionApprove.userErrors).toEqual([]);
    expect((await gw.as("carol", APPROVE, { id: req.id })).data?.promotionApprove.userErrors).toEqual([]);
    expect((await waitForStatus(gw, req.id)).status).toBe("APPLIED");

    const [requestId] = expectGlobalId(req.id, "PromotionRequest", 1);
    const [demote, apply] = commits(gw.repo, 2);
    expect(apply).toMatchObject({ subject: "support-triage@15: status staging -> production", approvedBy: ["bob", "carol"], promotion: requestId });
    expect(apply!.body).toContain(`promotion ${requestId}: ship 15`);
    expect(apply!.body).toMatch(/\nApproved-at: \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\n/);
    // The version it replaced is demoted without an approval of its own.
    expect(demote).toMatchObject({ subject: "support-triage@14: status production -> retired", approvedBy: [], promotion: "" });
    expect(fileAtHead(gw.repo, "models/support-triage.yaml")).toMatch(/ {4}approved_by: bob, carol\n {4}status: production\n/);

    const rolled = await gw.as("bob", ROLLBACK, { input: { backend: "example", model: "support-triage", environment: "production", reason: "error rate up after 15" } });
    expect(rolled.data?.modelRollback.userErrors).toEqual([]);
    const rb = rolled.data!.modelRollback.promotionRequest;
    expect((await waitForStatus(gw, rb.id)).status).toBe("APPLIED");
    const [rollbackId] = expectGlobalId(rb.id, "PromotionRequest", 1);
    const [, back] = commits(gw.repo, 2);
    expect(back).toMatchObject({ subject: "support-triage@14: status retired -> production", approvedBy: ["bob"], promotion: rollbackId });
    expect(back!.body).toContain(`rollback ${rollbackId}: error rate up after 15`);
  });
});
