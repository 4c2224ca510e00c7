/**
 * The deprecation policy end to end on a real git-YAML repository: the plan says what it archives
 * and why (and changes nothing), the apply archives each version through its own audited request,
 * tagged and frozen, exactly once on a rerun; a deployment-used version is kept; a plan past its
 * share stops and asks; a version whose apply fails halfway is put back while the others apply.
 */
import { execFileSync } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";
import { createCallContext } from "../../src/core/index.js";
import { faultyGitYaml } from "../workflow/faulty-git-yaml.js";
import { APPROVE, PROMOTE, auditActions, commitCount, startWorkflowGateway, waitForStatus, type ParsedJson, type WorkflowGateway } from "../workflow/workflow-gateway.js";

let gw: WorkflowGateway | undefined;
afterEach(async () => {
  await gw?.stop();
  gw = undefined;
});

const PLAN = `query($filter: LifecyclePlanFilter) { lifecyclePlan(filter: $filter) {
  environment toArchive liveVersions share maxArchiveShare stops
  candidates { backendId modelName version stage rule ageDays rank reason lastDeploymentUse { deployment environment revision } }
  kept { version why reason }
  models { modelName liveVersions toArchive exceedsShare }
} }`;
const APPLY = `mutation($input: LifecyclePlanApplyInput) { lifecyclePlanApply(input: $input) {
  plan { toArchive stops }
  results { candidate { version } outcome message promotionRequest { id status toStage fromStage requestedBy } }
  userErrors { field code message }
} }`;
const VERSION = `query($v: String!) { modelVersion(backend: "example", model: "support-triage", version: $v) { stage tags { key value } } }`;
const REGISTER = `mutation($input: ModelVersionRegisterInput!) { modelVersionRegister(input: $input) { modelVersion { version } userErrors { message } } }`;

async function register(g: WorkflowGateway, n: number): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const res = await g.as("pat", REGISTER, { input: { backend: "example", model: "support-triage", generationConfig: { model: "gpt-5-mini-2026-06-10" }, reason: "a new try" } });
    expect(res.data?.modelVersionRegister.userErrors).toEqual([]);
    out.push(res.data!.modelVersionRegister.modelVersion.version as string);
  }
  return out;
}

async function promote(g: WorkflowGateway, version: string, toStage: string, environment = "staging"): Promise<void> {
  const res = await g.as("pat", PROMOTE, { input: { backend: "example", model: "support-triage", version, toStage, environment, reason: `${version} to ${toStage}` } });
  expect(res.data?.promotionRequest.userErrors).toEqual([]);
  expect((await waitForStatus(g, res.data!.promotionRequest.promotionRequest.id)).status).toBe("APPLIED");
}

const tagsOf = (v: { tags: { key: string; value: string }[] }) => Object.fromEntries(v.tags.map((t) => [t.key, t.value]));

async function versionState(g: WorkflowGateway, v: string): Promise<{ stage: string; tags: Record<string, string> }> {
  const res = await g.as("vic", VERSION, { v });
  const mv = res.data?.modelVersion as { stage: string; tags: { key: string; value: string }[] };
  return { stage: mv.stage, tags: tagsOf(mv) };
}

/** The version's entry in the model file on the branch, as the repository holds it. */
function fileEntry(repo: string, version: string): string {
  const text = execFileSync("git", ["-C", repo, "show", "HEAD:models/support-triage.yaml"], { encoding: "utf8" });
  const start = text.indexOf(`- version: ${version}\n`);
  expect(start).toBeGreaterThan(-1);
  const next = text.indexOf("\n  - version:", start + 1);
  return text.slice(start, next === -1 ? undefined : next);
}

describe("deprecation policy on git-YAML", () => {
  it("plans, archives through the workflow with the tag, freezes, keeps deployment-used versions, and does it once", async () => {
    gw = await startWorkflowGateway({
      config: {
        policies: {
          rules: [{ gates: {} }],
          deprecation: { rules: [{ models: "support-triage", keepNewest: 2, archiveAfterDays: 0 }], maxArchiveShare: 1 },
        },
      },
    });
    // Seeded: 13 ARCHIVED, 14 PRODUCTION, 15 STAGING, 16 NONE. Four new versions, 17-20.
    expect(await register(gw, 4)).toEqual(["17", "18", "19", "20"]);
    // 17 runs in a deployment (staging), then leaves STAGING: only the deployment keeps it.
    await promote(gw, "17", "STAGING");
    const rev = await gw.as("pat", `mutation { deploymentRevisionCreate(input: { name: "triage-app", environment: "staging", reason: "bundle", components: [{ role: "triage", backend: "example", model: "support-triage", version: "17", weight: 100 }] }) { revision { number } userErrors { message } } }`);
    expect(rev.data?.deploymentRevisionCreate.userErrors).toEqual([]);
    const dp = await gw.as("pat", `mutation { deploymentPromote(input: { name: "triage-app", environment: "staging", revision: 1, reason: "ship" }) { promotionRequest { id } userErrors { message } } }`);
    expect(dp.data?.deploymentPromote.userErrors).toEqual([]);
    expect((await waitForStatus(gw, dp.data!.deploymentPromote.promotionRequest.id)).status).toBe("APPLIED");
    await promote(gw, "17", "NONE");

    // The policy as the API shows it, defaults filled in.
    const shown = await gw.as("vic", "{ policies { deprecation { rules { models backend keepNewest archiveAfterDays maxArchiveShare } maxArchiveShare environment everyMinutes } } }");
    expect(shown.data?.policies.deprecation).toEqual({
      rules: [{ models: "support-triage", backend: "*", keepNewest: 2, archiveAfterDays: 0, maxArchiveShare: 1 }],
      maxArchiveShare: 1,
      environment: "production",
      everyMinutes: null,
    });
    const commitsBefore = commitCount(gw.repo);
    const eventsBefore = (await auditActions(gw)).length;
    const planned = await gw.as("vic", PLAN);
    expect(planned.errors).toBeUndefined();
    const plan = planned.data!.lifecyclePlan as Record<string, ParsedJson>;
    expect(plan).toMatchObject({ environment: "production", toArchive: 2, liveVersions: 7, stops: [] });
    expect(plan.candidates.map((c: ParsedJson) => [c.version, c.stage, c.rank, c.rule])).toEqual([
      ["18", "NONE", 3, "policies.deprecation.rules[0]"],
      ["16", "NONE", 5, "policies.deprecation.rules[0]"],
    ]);
    expect(plan.candidates[1].reason).toMatch(/^5th newest \(keepNewest 2\), created \d+ days ago \(archiveAfterDays 0\), in no environment, in no deployment revision$/);
    expect(plan.kept).toEqual([
      { version: "17", why: "DEPLOYMENT", reason: "bundled in triage-app@staging revision 1, running" },
      { version: "15", why: "ENVIRONMENT", reason: "in STAGING, the stage staging runs" },
      { version: "14", why: "ENVIRONMENT", reason: "in PRODUCTION, the stage production runs" },
    ]);
    // A dry run: no commit, no audit event.
    expect(commitCount(gw.repo)).toBe(commitsBefore);
    expect((await auditActions(gw)).length).toBe(eventsBefore);

    // Viewers may plan, not apply.
    expect((await gw.as("vic", APPLY)).data?.lifecyclePlanApply.userErrors[0]).toMatchObject({ code: "FORBIDDEN" });

    const applied = await gw.as("alice", APPLY);
    const payload = applied.data!.lifecyclePlanApply as Record<string, ParsedJson>;
    expect(payload.userErrors).toEqual([]);
    expect(payload.results.map((r: ParsedJson) => [r.candidate.version, r.outcome, r.promotionRequest.toStage, r.promotionRequest.fromStage, r.promotionRequest.requestedBy])).toEqual([
      ["18", "QUEUED", "ARCHIVED", "NONE", "alice"],
      ["16", "QUEUED", "ARCHIVED", "NONE", "alice"],
    ]);
    for (const r of payload.results) expect((await waitForStatus(gw, r.promotionRequest.id)).status).toBe("APPLIED");

    for (const v of ["18", "16"]) {
      expect(await versionState(gw, v)).toMatchObject({ stage: "ARCHIVED", tags: { "modelgate.archived-by": "policy" } });
      // In the repository itself: archived (git-YAML's "retired") with the tag, never deleted.
      expect(fileEntry(gw.repo, v)).toMatch(/status: retired/);
      expect(fileEntry(gw.repo, v)).toMatch(/modelgate\.archived-by: policy/);
    }
    expect((await versionState(gw, "17")).stage).toBe("NONE");
    // The trail: one request per version with the policy's reasons, and the applies with the tags.
    const requests = (await auditActions(gw, "promotion.request")).filter((e) => e.after?.stage === "ARCHIVED");
    expect(requests.map((e) => [e.actor, e.after.lifecycle.rule, e.after.tags])).toEqual([
      ["alice", "policies.deprecation.rules[0]", { "modelgate.archived-by": "policy" }],
      ["alice", "policies.deprecation.rules[0]", { "modelgate.archived-by": "policy" }],
    ]);
    expect(requests[0]!.reason).toMatch(/^deprecation policy policies\.deprecation\.rules\[0\]: 3rd newest/);
    const applies = (await auditActions(gw, "promotion.apply")).filter((e) => e.after?.stage === "ARCHIVED");
    expect(applies.map((e) => [e.outcome, e.after.tagsWritten])).toEqual([
      ["SUCCESS", true],
      ["SUCCESS", true],
    ]);

    // Frozen: no alias onto it, no metadata change.
    const alias = await gw.as("pat", `mutation { aliasSet(input: { backend: "example", model: "support-triage", alias: "old", version: "18" }) { userErrors { code message } } }`);
    expect(alias.data?.aliasSet.userErrors[0]).toMatchObject({ code: "CONFLICT", message: expect.stringMatching(/example\/support-triage@18 was archived by the deprecation policy and is frozen/) });
    const ctx = createCallContext({ timeoutMs: 10_000, actor: { id: "pat", roles: ["publisher"] } });
    await expect(gw.gateway.services.writes.updateVersion("example", "support-triage", "16", { setTags: { x: "y" } }, ctx)).rejects.toThrow(/frozen/);

    // A rerun: nothing left to archive, nothing requested again.
    const commitsAfter = commitCount(gw.repo);
    const again = await gw.as("alice", APPLY);
    expect(again.data?.lifecyclePlanApply).toMatchObject({ plan: { toArchive: 0 }, results: [], userErrors: [] });
    expect((await auditActions(gw, "promotion.request")).filter((e) => e.after?.stage === "ARCHIVED")).toHaveLength(2);
    expect(commitCount(gw.repo)).toBe(commitsAfter);
  }, 120_000);

  it("stops and asks when the plan passes its share, and applies once confirmed", async () => {
    gw = await startWorkflowGateway({
      config: {
        policies: {
          rules: [{ gates: {} }],
          deprecation: { rules: [{ models: "support-triage", keepNewest: 1, archiveAfterDays: 0, maxArchiveShare: 0.25 }], maxArchiveShare: 1 },
        },
      },
    });
    await register(gw, 2); // 17, 18: 18 kept; 17 and 16 archived: 2 of 5 live (40%) > 25%
    const planned = await gw.as("vic", PLAN);
    expect(planned.data?.lifecyclePlan.stops).toEqual(["example/support-triage: 2 of 5 live versions (40%) is more than its maxArchiveShare 25%"]);
    const refused = await gw.as("alice", APPLY);
    expect(refused.data?.lifecyclePlanApply.results).toEqual([]);
    expect(refused.data?.lifecyclePlanApply.userErrors).toEqual([
      {
        field: ["input", "confirmShare"],
        code: "CONFLICT",
        message:
          "the plan stops and asks: example/support-triage: 2 of 5 live versions (40%) is more than its maxArchiveShare 25%; review it (lifecycle plan) and apply with confirmShare to archive anyway",
      },
    ]);
    const stop = await auditActions(gw, "lifecycle.stop");
    expect(stop).toHaveLength(1);
    expect(stop[0]).toMatchObject({ actor: "alice", target: "policies.deprecation", outcome: "FAILURE", after: { toArchive: 2, versions: ["example/support-triage@17", "example/support-triage@16"] } });
    expect((await versionState(gw, "17")).stage).toBe("NONE");
    expect((await auditActions(gw, "promotion.request")).filter((e) => e.after?.stage === "ARCHIVED")).toEqual([]);

    const confirmed = await gw.as("alice", APPLY, { input: { confirmShare: true, reason: "spring cleaning" } });
    expect(confirmed.data?.lifecyclePlanApply.userErrors).toEqual([]);
    const results = confirmed.data!.lifecyclePlanApply.results as ParsedJson[];
    expect(results.map((r) => r.outcome)).toEqual(["QUEUED", "QUEUED"]);
    for (const r of results) expect((await waitForStatus(gw, r.promotionRequest.id)).status).toBe("APPLIED");
    const requests = (await auditActions(gw, "promotion.request")).filter((e) => e.after?.stage === "ARCHIVED");
    expect(requests.map((e) => [e.reason, e.after.lifecycle.confirmedShare])).toEqual([
      ["spring cleaning", true],
      ["spring cleaning", true],
    ]);
  }, 120_000);

  it("a version whose apply fails halfway is put back whole; the others apply; the failure is reported", async () => {
    const faults = { fail: new Map([["17:ARCHIVED", "refused" as const]]), calls: [] as string[] };
    gw = await startWorkflowGateway({
      backendKind: "faulty-git-yaml",
      factories: faultyGitYaml(faults),
      config: {
        policies: {
          rules: [{ gates: {} }],
          deprecation: { rules: [{ models: "support-triage", keepNewest: 1, archiveAfterDays: 0 }], maxArchiveShare: 1 },
        },
      },
    });
    await register(gw, 2); // 18 kept; 17 (its stage write fails after its tag was written) and 16 archived
    const applied = await gw.as("alice", APPLY);
    expect(applied.data?.lifecyclePlanApply.userErrors).toEqual([]);
    const results = applied.data!.lifecyclePlanApply.results as ParsedJson[];
    const ends = new Map<string, Record<string, ParsedJson>>();
    for (const r of results) ends.set(r.candidate.version as string, await waitForStatus(gw, r.promotionRequest.id));
    expect(ends.get("16")?.status).toBe("APPLIED");
    expect(ends.get("17")).toMatchObject({ status: "FAILED", failure: expect.stringMatching(/refused to set 17:ARCHIVED \(injected\) \(put the tags modelgate\.archived-by of 17 back\)$/) });
    // 17: tag written, stage write refused, the tag taken back; 16: archived and tagged.
    expect(faults.calls).toContain("17:ARCHIVED");
    expect(await versionState(gw, "17")).toEqual({ stage: "NONE", tags: {} });
    expect(fileEntry(gw.repo, "17")).not.toMatch(/archived-by/);
    expect(await versionState(gw, "16")).toMatchObject({ stage: "ARCHIVED", tags: { "modelgate.archived-by": "policy" } });
    const failed = (await auditActions(gw, "promotion.apply")).filter((e) => e.outcome === "FAILURE");
    expect(failed).toHaveLength(1);
    expect(failed[0]!.target).toMatch(/support-triage@17 -> ARCHIVED/);
    // The next plan lists 17 again (nothing is open for it), and only 17.
    const plan = await gw.as("vic", PLAN);
    expect(plan.data?.lifecyclePlan.candidates.map((c: ParsedJson) => c.version)).toEqual(["17"]);
  }, 120_000);

  it("runs on the leader's schedule as the system principal, through the ARCHIVED approval gate", async () => {
    gw = await startWorkflowGateway({
      deprecation: { intervalMs: 100 },
      config: {
        // Default promotion rules: ARCHIVED needs one approval.
        policies: { deprecation: { rules: [{ models: "support-triage", keepNewest: 2, archiveAfterDays: 0 }], maxArchiveShare: 1, schedule: { everyMinutes: 60 } } },
      },
    });
    await register(gw, 2); // 17, 18 kept; 16 archived by the schedule
    const deadline = Date.now() + 30_000;
    let request: Record<string, ParsedJson> | undefined;
    while (request === undefined) {
      request = (await auditActions(gw, "promotion.request")).find((e) => e.after?.stage === "ARCHIVED");
      if (request !== undefined) break;
      if (Date.now() > deadline) throw new Error("the scheduled pass never requested an archive");
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(request).toMatchObject({ actor: "modelgate:lifecycle", target: expect.stringMatching(/support-triage@16 -> ARCHIVED \(production\)/) });
    const id = request.after.requestId as string;
    // Later passes do not ask again while it waits for its approval.
    await new Promise((r) => setTimeout(r, 500));
    expect((await auditActions(gw, "promotion.request")).filter((e) => e.after?.stage === "ARCHIVED")).toHaveLength(1);
    const globalId = await globalRequestId(gw, id);
    const approved = await gw.as("bob", APPROVE, { id: globalId });
    expect(approved.data?.promotionApprove.userErrors).toEqual([]);
    expect((await waitForStatus(gw, globalId)).status).toBe("APPLIED");
    expect(await versionState(gw, "16")).toMatchObject({ stage: "ARCHIVED", tags: { "modelgate.archived-by": "policy" } });
  }, 120_000);
});

/** The PromotionRequest's global id, from the store id the audit event records. */
async function globalRequestId(g: WorkflowGateway, storeId: string): Promise<string> {
  const res = await g.as("vic", `query { promotionRequests(first: 50) { nodes { id status version toStage } } }`);
  const nodes = res.data?.promotionRequests.nodes as { id: string; version: string; toStage: string }[];
  const match = nodes.find((n) => n.toStage === "ARCHIVED" && n.version === "16");
  expect(match, storeId).toBeDefined();
  return match!.id;
}
