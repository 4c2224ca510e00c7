/**
 * An approved promotion written to git: the commit message carries the promotion request and its
 * approvers as trailers, and the version's `approved_by` names the approvers. Read back with git.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { WriteApproval } from "../../src/core/index.js";
import type { GitYamlAdapter } from "./adapter.js";
import { TempRepo, ctx, isolateGitConfig, openAdapter } from "./test-helpers.js";

isolateGitConfig();

const TRIAGE = `name: support-triage
versions:
  - version: 14
    model: gpt-5-mini-2026-06-10
    status: production    # live since 2026-06-10

  - version: 15
    model: gpt-5-mini-2026-07-01
    params: {max_tokens: 300}
    status: staging
`;

const outbox = { id: "modelgate:outbox", displayName: "jdoe (via modelgate promotion 6f0e)" };
const approval: WriteApproval = {
  requestId: "6f0e2c1a-8d4b-4e55-9a0c-3b7d2f1e9c44",
  approvedBy: ["alice", "bob@example.com"],
  approvedAt: new Date("2026-11-29T21:40:00.000Z"),
};

describe("git-yaml approvals", () => {
  let repo: TempRepo;
  let adapter: GitYamlAdapter;

  beforeEach(async () => {
    repo = await TempRepo.create({ "models/support-triage.yaml": TRIAGE });
    adapter = await openAdapter(repo.dir, {});
  });

  afterEach(async () => {
    await adapter.close();
    await repo.remove();
  });

  const trailers = async (key: string) =>
    (await repo.git(["log", "-1", `--format=%(trailers:key=${key},valueonly)`])).split("\n").filter((l) => l !== "");

  it("names the request and each approver in the commit's trailers and sets approved_by", async () => {
    const v = await adapter.setStage("support-triage", "15", "PRODUCTION", ctx(outbox), { reason: "promotion 6f0e: July eval passed", approval });
    expect(v).toMatchObject({ stage: "PRODUCTION", generationConfig: { approvedBy: "alice, bob@example.com" } });

    expect(await repo.git(["log", "-1", "--format=%B"])).toBe(
      [
        "support-triage@15: status staging -> production",
        "",
        "promotion 6f0e: July eval passed",
        "",
        "Modelgate-Actor: modelgate:outbox",
        "Modelgate-Promotion: 6f0e2c1a-8d4b-4e55-9a0c-3b7d2f1e9c44",
        "Approved-by: alice",
        "Approved-by: bob@example.com",
        "Approved-at: 2026-11-29T21:40:00.000Z",
        "",
        "",
      ].join("\n"),
    );
    expect(await trailers("Approved-by")).toEqual(["alice", "bob@example.com"]);
    expect(await trailers("Modelgate-Promotion")).toEqual([approval.requestId]);

    const file = await repo.show("HEAD", "models/support-triage.yaml");
    expect(file).toContain("    params: {max_tokens: 300}\n    approved_by: alice, bob@example.com\n    status: production\n");
    // The other version and its comment are untouched.
    expect(file).toContain("    status: production    # live since 2026-06-10\n");
  });

  it("replaces an earlier approved_by, and writes one when only the approvers differ", async () => {
    await adapter.setStage("support-triage", "15", "PRODUCTION", ctx(outbox), { approval });
    const again = { ...approval, requestId: "0b9d6a2e-1f3c-4d8e-8a7b-5c6d7e8f9a0b", approvedBy: ["carol"] };
    await adapter.setStage("support-triage", "15", "PRODUCTION", ctx(outbox), { approval: again });
    expect((await repo.git(["log", "-1", "--format=%s"])).trim()).toBe("support-triage@15: approved_by carol");
    expect(await trailers("Approved-by")).toEqual(["carol"]);
    const file = await repo.show("HEAD", "models/support-triage.yaml");
    expect(file).toContain("    approved_by: carol\n    status: production\n");
    expect(file).not.toContain("alice");
  });

  it("makes no commit when the stage and approvers are already as asked", async () => {
    await adapter.setStage("support-triage", "15", "PRODUCTION", ctx(outbox), { approval });
    const before = await repo.git(["rev-parse", "HEAD"]);
    await adapter.setStage("support-triage", "15", "PRODUCTION", ctx(outbox), { approval });
    expect(await repo.git(["rev-parse", "HEAD"])).toBe(before);
  });

  it("writes no approval trailers or approved_by without an approval", async () => {
    await adapter.setStage("support-triage", "14", "ARCHIVED", ctx(outbox), { reason: "promotion 6f0e (replaced by 15)" });
    expect(await trailers("Approved-by")).toEqual([]);
    expect(await repo.show("HEAD", "models/support-triage.yaml")).not.toContain("approved_by");
  });
});
