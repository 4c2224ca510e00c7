/**
 * Deployments entering an environment through the real gateway over HTTP: stage checks per
 * component, one promotion request per bundle through gates and approvals, activation by the
 * outbox, revision statuses, rollback to any revision, resolve of deployments (GraphQL and
 * GET /v1/resolve with 304), whatRunsInProduction now and asOf, and degraded components.
 */
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { APPROVE, REJECT, auditActions, startWorkflowGateway, waitForStatus, type ParsedJson, type WorkflowGateway, type Who } from "./workflow-gateway.js";

let gw: WorkflowGateway | undefined;
afterEach(async () => {
  await gw?.stop();
  gw = undefined;
});

type Component = { role: string; model: string; version: string; weight: number; shadow?: boolean };

/** Every component is where production accepts it: 14, 2 and 3 in PRODUCTION, 4 in SHADOW flagged shadow. */
const GOOD: Component[] = [
  { role: "classifier", model: "support-triage", version: "14", weight: 100 },
  { role: "retriever", model: "ticket-embedder", version: "2", weight: 100 },
  { role: "generation", model: "reply-drafter", version: "3", weight: 100 },
  { role: "generation", model: "reply-drafter", version: "4", weight: 0, shadow: true },
];
/** Without the shadow candidate. */
const SMALLER = GOOD.slice(0, 3);

const CREATE = `mutation($input: DeploymentRevisionCreateInput!) {
  deploymentRevisionCreate(input: $input) { revision { number contentHash } userErrors { field code message } }
}`;
const PROMOTE = `mutation($input: DeploymentPromoteInput!) {
  deploymentPromote(input: $input) {
    replayed
    deployment { name }
    promotionRequest { id kind status modelName version environment requestedBy policy { source approvals canary minEvalScore } deploymentRevision { number status } }
    userErrors { field code message }
  }
}`;
const ROLLBACK = `mutation($input: DeploymentRollbackInput!) {
  deploymentRollback(input: $input) { promotionRequest { id kind status version } userErrors { field code message } }
}`;
const STATE = `query($asOf: DateTime) {
  deployment(name: "support-bot", environment: "production") {
    currentRevision(asOf: $asOf) { number status }
    revisions { number status requests { kind status } }
    activations { revision { number } deactivatedAt request { kind requestedBy } }
    health { status problems { code message component { role modelName version } } }
  }
}`;

async function create(components: Component[], reason = "bundle"): Promise<{ number: number; contentHash: string }> {
  const res = await gw!.as("alice", CREATE, {
    input: { name: "support-bot", environment: "production", reason, components: components.map((c) => ({ backend: "example", shadow: false, ...c })) },
  });
  expect(res.data?.deploymentRevisionCreate.userErrors).toEqual([]);
  return res.data!.deploymentRevisionCreate.revision as { number: number; contentHash: string };
}

async function promote(revision: number, who: Who = "alice", extra: Record<string, unknown> = {}): Promise<Record<string, ParsedJson>> {
  const res = await gw!.as(who, PROMOTE, { input: { name: "support-bot", environment: "production", revision, reason: `ship #${revision}`, ...extra } });
  expect(res.errors).toBeUndefined();
  return res.data!.deploymentPromote as Record<string, ParsedJson>;
}

async function state(asOf?: string): Promise<Record<string, ParsedJson>> {
  const res = await gw!.as("vic", STATE, asOf === undefined ? {} : { asOf });
  expect(res.errors).toBeUndefined();
  return res.data!.deployment as Record<string, ParsedJson>;
}

/** Promotes, has bob approve, waits for APPLIED. */
async function ship(revision: number): Promise<void> {
  const out = await promote(revision);
  expect(out.userErrors).toEqual([]);
  const approved = await gw!.as("bob", APPROVE, { id: out.promotionRequest.id });
  expect(approved.data?.promotionApprove.userErrors).toEqual([]);
  expect((await waitForStatus(gw!, out.promotionRequest.id as string)).status).toBe("APPLIED");
}

/** Sets a version's `status` in a registry file with a plain git commit (someone working behind the gateway's back). */
function commitStatus(repo: string, model: string, version: string, status: string): void {
  const git = (...args: string[]) =>
    execFileSync("git", ["-C", repo, ...args], {
      encoding: "utf8",
      env: { ...process.env, GIT_AUTHOR_NAME: "someone", GIT_AUTHOR_EMAIL: "someone@example.com", GIT_COMMITTER_NAME: "someone", GIT_COMMITTER_EMAIL: "someone@example.com" },
    });
  const file = `models/${model}.yaml`;
  const text = git("show", `HEAD:${file}`);
  const block = new RegExp(`(- version: ${version}\\n(?:(?!  - version:)[\\s\\S])*?    status: )\\S+`);
  expect(block.test(text)).toBe(true);
  writeFileSync(join(repo, file), text.replace(block, `$1${status}`));
  git("add", file);
  git("commit", "-q", "-m", `set ${model} ${version} to ${status} by hand`);
}

describe("deploymentPromote", () => {
  it("refuses a revision with a component in a stage production does not take, naming it, and records nothing", async () => {
    gw = await startWorkflowGateway();
    // 15 is STAGING: not servable in production.
    await create([...SMALLER.slice(1), { role: "classifier", model: "support-triage", version: "15", weight: 100 }]);
    const out = await promote(1);
    expect(out.promotionRequest).toBeNull();
    expect(out.userErrors).toHaveLength(1);
    expect(out.userErrors[0]).toMatchObject({ field: ["input", "revision"], code: "INVALID_INPUT" });
    expect(out.userErrors[0].message).toContain("classifier example/support-triage@15 is STAGING; a serving component needs PRODUCTION");
    expect(await auditActions(gw, "deployment.promote")).toEqual([]);

    // A SHADOW version may only come in as a shadow component.
    await create([...SMALLER.slice(0, 2), { role: "generation", model: "reply-drafter", version: "4", weight: 100 }]);
    const shadowServing = await promote(2);
    expect(shadowServing.userErrors[0].message).toContain("generation example/reply-drafter@4 is SHADOW; a serving component needs PRODUCTION");

    expect((await promote(9)).userErrors).toEqual([{ field: ["input", "revision"], code: "NOT_FOUND", message: "support-bot in production has no revision 9" }]);
    const missing = await gw.as("alice", PROMOTE, { input: { name: "no-such-bot", environment: "production", revision: 1, reason: "x" } });
    expect(missing.data?.deploymentPromote.userErrors[0]).toMatchObject({ field: ["input", "name"], code: "NOT_FOUND" });
  });

  it("goes through the gates as one request for the bundle, activates on approval and supersedes the previous revision", async () => {
    gw = await startWorkflowGateway();
    const first = await create(GOOD);
    expect((await state()).currentRevision).toBeNull();
    expect((await state()).health).toEqual({ status: "INACTIVE", problems: [] });

    const out = await promote(1);
    expect(out.userErrors).toEqual([]);
    // The default production policy asks 1 approval; eval and canary gates belong to the components.
    expect(out.promotionRequest).toMatchObject({
      kind: "PROMOTION",
      status: "PENDING",
      modelName: "support-bot",
      version: "1",
      environment: "production",
      requestedBy: "alice",
      policy: { approvals: 1, canary: false, minEvalScore: null },
      deploymentRevision: { number: 1, status: "PENDING" },
    });
    expect(out.promotionRequest.policy.source).toMatch(/^deployment: default\[0\]/);
    // One open request per deployment and environment.
    expect((await promote(1)).userErrors[0]).toMatchObject({ code: "CONFLICT" });
    // Four eyes: alice asked, alice may not approve (she is no approver anyway); pat may not approve his own either.
    expect((await gw.as("alice", APPROVE, { id: out.promotionRequest.id })).data?.promotionApprove.userErrors[0].code).toBe("FORBIDDEN");

    await gw.as("bob", APPROVE, { id: out.promotionRequest.id });
    expect((await waitForStatus(gw, out.promotionRequest.id as string)).status).toBe("APPLIED");
    let s = await state();
    expect(s.currentRevision).toEqual({ number: 1, status: "ACTIVE" });
    expect(s.health).toEqual({ status: "HEALTHY", problems: [] });

    await create(SMALLER, "drop the shadow");
    await ship(2);
    s = await state();
    expect(s.currentRevision).toEqual({ number: 2, status: "ACTIVE" });
    expect(s.revisions.map((r: ParsedJson) => [r.number, r.status])).toEqual([
      [2, "ACTIVE"],
      [1, "SUPERSEDED"],
    ]);
    expect(s.activations.map((a: ParsedJson) => [a.revision.number, a.deactivatedAt === null])).toEqual([
      [2, true],
      [1, false],
    ]);

    const activations = await auditActions(gw, "deployment.activate");
    expect(activations.map((e) => [e.actor, e.target, e.before?.revision ?? null, e.after.revision])).toEqual([
      ["modelgate:outbox", "support-bot@production#1", null, 1],
      ["modelgate:outbox", "support-bot@production#2", 1, 2],
    ]);
    expect(activations[0]!.after.contentHash).toBe(first.contentHash);
  });

  it("re-checks the components when applying: a component archived while the request waited fails it, naming the component", async () => {
    gw = await startWorkflowGateway();
    await create(GOOD);
    const out = await promote(1);
    commitStatus(gw.repo, "ticket-embedder", "2", "retired");
    await gw.as("bob", APPROVE, { id: out.promotionRequest.id });
    const done = await waitForStatus(gw, out.promotionRequest.id as string);
    expect(done.status).toBe("FAILED");
    expect(done.failure).toContain("retriever example/ticket-embedder@2 is ARCHIVED");
    expect((await state()).currentRevision).toBeNull();
  });

  it("a rejected request leaves the revision a draft", async () => {
    gw = await startWorkflowGateway();
    await create(GOOD);
    const out = await promote(1);
    await gw.as("bob", REJECT, { id: out.promotionRequest.id, comment: "not today" });
    const s = await state();
    expect(s.revisions[0]).toMatchObject({ number: 1, status: "DRAFT", requests: [{ kind: "PROMOTION", status: "REJECTED" }] });
  });

  it("needs publisher: a viewer gets FORBIDDEN", async () => {
    gw = await startWorkflowGateway();
    await create(GOOD);
    expect((await promote(1, "vic")).userErrors[0]).toMatchObject({ code: "FORBIDDEN" });
  });
});

describe("deploymentRollback", () => {
  it("puts the previous revision back in one call, without gates, approved by the approver who asked", async () => {
    gw = await startWorkflowGateway();
    await create(GOOD);
    await ship(1);
    await create(SMALLER);
    await ship(2);

    expect((await gw.as("alice", ROLLBACK, { input: { name: "support-bot", environment: "production", reason: "x" } })).data?.deploymentRollback.userErrors[0].code).toBe(
      "FORBIDDEN",
    );
    const res = await gw.as("carol", ROLLBACK, { input: { name: "support-bot", environment: "production", reason: "answers got worse" } });
    expect(res.data?.deploymentRollback.userErrors).toEqual([]);
    const request = res.data!.deploymentRollback.promotionRequest as Record<string, ParsedJson>;
    expect(request).toMatchObject({ kind: "ROLLBACK", version: "1" });
    expect((await waitForStatus(gw, request.id as string)).status).toBe("APPLIED");
    const s = await state();
    expect(s.currentRevision).toEqual({ number: 1, status: "ACTIVE" });
    expect(s.activations[0]).toMatchObject({ revision: { number: 1 }, request: { kind: "ROLLBACK", requestedBy: "carol" } });

    // Any revision: forward again to 2 by number.
    const again = await gw.as("carol", ROLLBACK, { input: { name: "support-bot", environment: "production", revision: 2, reason: "it was fine" } });
    expect((await waitForStatus(gw, again.data!.deploymentRollback.promotionRequest.id as string)).status).toBe("APPLIED");
    expect((await state()).currentRevision).toEqual({ number: 2, status: "ACTIVE" });
    const same = await gw.as("carol", ROLLBACK, { input: { name: "support-bot", environment: "production", revision: 2, reason: "x" } });
    expect(same.data?.deploymentRollback.userErrors[0]).toMatchObject({ field: ["input", "revision"], code: "INVALID_INPUT" });
  });

  it("refuses a revision whose component left production since, naming it and how to put it back", async () => {
    gw = await startWorkflowGateway();
    await create(GOOD);
    await ship(1);
    await create(SMALLER);
    await ship(2);
    commitStatus(gw.repo, "reply-drafter", "4", "retired");
    const res = await gw.as("carol", ROLLBACK, { input: { name: "support-bot", environment: "production", reason: "x" } });
    const err = res.data?.deploymentRollback.userErrors[0];
    expect(err).toMatchObject({ field: ["input", "revision"], code: "INVALID_INPUT" });
    expect(err.message).toContain("generation (shadow) example/reply-drafter@4 is ARCHIVED");
    expect(err.message).toContain("modelgate rollback");
  });

  it("has nothing to roll back to before a revision ran", async () => {
    gw = await startWorkflowGateway();
    await create(GOOD);
    const res = await gw.as("carol", ROLLBACK, { input: { name: "support-bot", environment: "production", reason: "x" } });
    expect(res.data?.deploymentRollback.userErrors[0]).toMatchObject({ field: ["input", "name"], code: "NOT_FOUND" });
  });
});

describe("a deployment's health", () => {
  it("reports degraded, naming the component, when a component is archived behind the gateway's back", async () => {
    gw = await startWorkflowGateway();
    await create(GOOD);
    await ship(1);
    commitStatus(gw.repo, "ticket-embedder", "2", "retired");
    const s = await state();
    expect(s.health.status).toBe("DEGRADED");
    expect(s.health.problems).toEqual([
      {
        code: "STAGE_NOT_ACCEPTED",
        message: "retriever example/ticket-embedder@2 is ARCHIVED; a serving component needs PRODUCTION",
        component: { role: "retriever", modelName: "ticket-embedder", version: "2" },
      },
    ]);
    commitStatus(gw.repo, "ticket-embedder", "2", "production");
    expect((await state()).health).toEqual({ status: "HEALTHY", problems: [] });
  });
});

describe("resolve of a deployment", () => {
  const RESOLVE = `query($name: String!) { resolve(name: $name, environment: "production") {
    __typename kind name registryVersion etag
    ... on ResolvedDeployment { revision contentHash components { role weight shadow serving backendId registryVersion version { version stage generationConfig { model } } prompt { name } } }
    ... on ResolvedEntry { selectedBy }
  } }`;

  it("returns the running bundle with the content hash as ETag, over GraphQL and GET /v1/resolve with 304", async () => {
    gw = await startWorkflowGateway();
    const rev = await create(GOOD);
    // Before a revision runs, the name is not a model either.
    expect((await gw.as("vic", RESOLVE, { name: "support-bot" })).errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
    await ship(1);

    const res = await gw.as("vic", RESOLVE, { name: "support-bot" });
    expect(res.errors).toBeUndefined();
    const d = res.data!.resolve as Record<string, ParsedJson>;
    expect(d).toMatchObject({
      __typename: "ResolvedDeployment",
      kind: "DEPLOYMENT",
      name: "support-bot",
      registryVersion: "support-bot@production#1",
      etag: `"${rev.contentHash}"`,
      revision: 1,
      contentHash: rev.contentHash,
    });
    expect(d.components.map((c: ParsedJson) => [c.role, c.registryVersion, c.weight, c.shadow, c.serving, c.version.stage])).toEqual([
      ["classifier", "example/support-triage@14", 100, false, true, "PRODUCTION"],
      ["generation", "example/reply-drafter@3", 100, false, true, "PRODUCTION"],
      ["generation", "example/reply-drafter@4", 0, true, false, "SHADOW"],
      ["retriever", "example/ticket-embedder@2", 100, false, true, "PRODUCTION"],
    ]);
    // The generation component's prompt is inlined.
    expect(d.components[1].prompt).not.toBeNull();
    // Model names still resolve as models.
    expect((await gw.as("vic", RESOLVE, { name: "support-triage" })).data?.resolve).toMatchObject({ __typename: "ResolvedEntry", kind: "MODEL", selectedBy: "STAGE" });

    const url = `${gw.url}/v1/resolve/support-bot?env=production`;
    const auth = { authorization: "Bearer vic-viewer-token-0123456789" };
    const http = await fetch(url, { headers: auth });
    expect(http.status).toBe(200);
    expect(http.headers.get("etag")).toBe(`"${rev.contentHash}"`);
    expect(http.headers.get("x-registry-version")).toBe("support-bot@production#1");
    const body = (await http.json()) as Record<string, ParsedJson>;
    expect(body).toMatchObject({ kind: "deployment", revision: 1, contentHash: rev.contentHash, registryVersion: "support-bot@production#1" });
    expect(body.components.map((c: ParsedJson) => [c.role, c.backend, c.model, c.version, c.serving])).toEqual([
      ["classifier", "example", "support-triage", "14", true],
      ["generation", "example", "reply-drafter", "3", true],
      ["generation", "example", "reply-drafter", "4", false],
      ["retriever", "example", "ticket-embedder", "2", true],
    ]);
    const again = await fetch(url, { headers: { ...auth, "if-none-match": `"${rev.contentHash}"` } });
    expect(again.status).toBe(304);

    // A new revision changes the ETag; asOf before it still answers revision 1.
    const before = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 5));
    const second = await create(SMALLER);
    await ship(2);
    const changed = await fetch(url, { headers: { ...auth, "if-none-match": `"${rev.contentHash}"` } });
    expect(changed.status).toBe(200);
    expect(changed.headers.get("etag")).toBe(`"${second.contentHash}"`);
    const past = await fetch(`${url}&asOf=${encodeURIComponent(before)}`, { headers: auth });
    expect(((await past.json()) as Record<string, ParsedJson>).revision).toBe(1);
  });
});

describe("whatRunsInProduction", () => {
  const WHAT = `query($asOf: DateTime) { whatRunsInProduction(asOf: $asOf) {
    environment
    deployments { deployment { name } revision { number } approval { approvedBy requestedBy request { kind } } }
    versions { backendId modelName version standalone usedBy { deployment role weight shadow } approval { approvedBy } since }
    failedBackends { backendId }
  } }`;

  it("lists running deployments and every production version with who approved them, now and asOf", async () => {
    gw = await startWorkflowGateway();
    await create(GOOD);
    await ship(1);
    const afterFirst = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 5));
    await create(SMALLER);
    await ship(2);

    const now = (await gw.as("vic", WHAT)).data!.whatRunsInProduction as Record<string, ParsedJson>;
    expect(now.failedBackends).toEqual([]);
    expect(now.deployments).toEqual([
      { deployment: { name: "support-bot" }, revision: { number: 2 }, approval: { approvedBy: ["bob"], requestedBy: "alice", request: { kind: "PROMOTION" } } },
    ]);
    const versions = now.versions.map((v: ParsedJson) => [`${v.modelName}@${v.version}`, v.standalone, v.usedBy.map((u: ParsedJson) => `${u.deployment}:${u.role}:${u.weight}`)]);
    expect(versions).toEqual(
      expect.arrayContaining([
        ["support-triage@14", false, ["support-bot:classifier:100"]],
        ["ticket-embedder@2", false, ["support-bot:retriever:100"]],
        ["reply-drafter@3", false, ["support-bot:generation:100"]],
      ]),
    );
    // Only production versions: the shadow candidate is not listed as running.
    expect(versions.some((v: ParsedJson[]) => v[0] === "reply-drafter@4")).toBe(false);

    const past = (await gw.as("vic", WHAT, { asOf: afterFirst })).data!.whatRunsInProduction as Record<string, ParsedJson>;
    expect(past.deployments.map((d: ParsedJson) => d.revision.number)).toEqual([1]);
  });
});
