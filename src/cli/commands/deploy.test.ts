/**
 * deploy / deploy rollback / deployments / whats-running / resolve of a deployment, run in-process
 * against a real gateway (git-YAML example registry, SQLite, config tokens) as a CI job and an
 * operator would: the example spec is recorded and promoted, approved by bob over GraphQL, then
 * seen running; a second revision ships and is rolled back; bad spec files name the field.
 */
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { APPROVE, TOKENS, startWorkflowGateway, waitForStatus, type Who, type WorkflowGateway } from "../../../test/workflow/workflow-gateway.js";
import { captureIo } from "../capture-io.js";
import { runCli } from "../program.js";

const EXAMPLE = fileURLToPath(new URL("../../../examples/deployments/support-bot.yaml", import.meta.url));
const WAIT = ["--wait", "--interval", "0.05"];

let gw: WorkflowGateway;
let dir: string;

beforeAll(async () => {
  gw = await startWorkflowGateway();
  dir = await mkdtemp(join(tmpdir(), "modelgate-deploy-cli-"));
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

async function specFile(name: string, text: string): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, text);
  return file;
}

/** Retires a version with a plain git commit to the registry, as someone working behind the gateway's back would. */
function retire(repo: string, model: string, version: string): void {
  const env = { ...process.env, GIT_AUTHOR_NAME: "someone", GIT_AUTHOR_EMAIL: "someone@example.com", GIT_COMMITTER_NAME: "someone", GIT_COMMITTER_EMAIL: "someone@example.com" };
  const git = (...args: string[]) => execFileSync("git", ["-C", repo, ...args], { encoding: "utf8", env });
  const file = `models/${model}.yaml`;
  const text = git("show", `HEAD:${file}`);
  const block = new RegExp(`(- version: ${version}\\n(?:(?!  - version:)[\\s\\S])*?    status: )\\S+`);
  expect(block.test(text)).toBe(true);
  writeFileSync(join(repo, file), text.replace(block, "$1retired"));
  git("commit", "-q", "-am", `retire ${model} ${version} by hand`);
}

async function approve(id: string): Promise<void> {
  const res = await gw.as("bob", APPROVE, { id, comment: "looks good" });
  expect(res.data?.promotionApprove.userErrors).toEqual([]);
  expect((await waitForStatus(gw, id)).status).toBe("APPLIED");
}

/** The request id in "promotion <id>: ..." / "rollback <id>: ...". */
function requestId(stdout: string): string {
  const id = /^(?:promotion|rollback) (\S+):/m.exec(stdout)?.[1];
  if (id === undefined) throw new Error(`no request id in ${JSON.stringify(stdout)}`);
  return id;
}

describe("modelgate deploy, deployments, whats-running", () => {
  let firstHash = "";

  it("records the example spec, promotes it, follows the open request on a re-run, and sees it running once bob approved", async () => {
    const recorded = await cli("alice", "deploy", EXAMPLE);
    expect(recorded.stderr).toBe("");
    expect(recorded.code).toBe(0);
    const hash = /^recorded revision 1 of support-bot in production \(content hash ([0-9a-f]{64})\)\n$/.exec(recorded.stdout)?.[1];
    expect(hash).toBeDefined();
    firstHash = hash!;

    const promoted = await cli("alice", "deploy", EXAMPLE, "--promote");
    expect(promoted.code).toBe(0);
    expect(promoted.stdout).toContain(`unchanged: support-bot in production already has these components as revision 1 (DRAFT, content hash ${firstHash}); nothing recorded\n`);
    expect(promoted.stdout).toMatch(/promotion \S+: deployment support-bot revision 1 in production: PENDING\n {2}waiting {2}APPROVAL: 0 of 1 approval\(s\)\n$/);
    const id = requestId(promoted.stdout);

    // The same CI job again: nothing new to record or ask; it follows the open request.
    const rerun = await cli("alice", "deploy", EXAMPLE, "--promote", ...WAIT, "--timeout", "0.3", "--json");
    expect(rerun.code).toBe(4);
    const doc = JSON.parse(rerun.stdout) as Record<string, { id?: string; status?: string; number?: number } | boolean>;
    expect(doc).toMatchObject({ unchanged: true, revision: { number: 1, status: "PENDING" }, promotionRequest: { id, status: "PENDING", replayed: false } });

    await approve(id);
    const again = await cli("alice", "deploy", EXAMPLE, "--promote", ...WAIT);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("revision 1 already runs in production: nothing to promote\n");

    const running = await cli("vic", "whats-running", "--env", "production");
    expect(running.stderr).toBe("");
    expect(running.code).toBe(0);
    expect(running.stdout).toMatch(/^DEPLOYMENT\s+REVISION\s+APPROVED BY\s+REQUESTED BY\s+SINCE\nsupport-bot\s+#1\s+bob\s+alice\s+\d{4}-\d\d-\d\dT/m);
    expect(running.stdout).toMatch(/^example\/support-triage@14\s+-\s+-\s+-\s+support-bot \(classifier 100%\)$/m);
    expect(running.stdout).toMatch(/^example\/reply-drafter@3\s+.*support-bot \(generation 100%\)$/m);
    // The shadow candidate is not in production: not listed as running.
    expect(running.stdout).not.toContain("reply-drafter@4");

    const json = JSON.parse((await cli("vic", "whats-running", "--json")).stdout) as { deployments: { name: string; revision: number; approval: { approvedBy: string[] } }[] };
    expect(json.deployments).toMatchObject([{ name: "support-bot", revision: 1, approval: { approvedBy: ["bob"] } }]);

    const resolved = await cli("vic", "resolve", "support-bot", "--env", "production");
    expect(resolved.code).toBe(0);
    expect(resolved.stdout).toContain("registry version  support-bot@production#1\n");
    expect(resolved.stdout).toContain(`etag              "${firstHash}"\n`);
    expect(resolved.stdout).toMatch(/^generation\s+shadow\s+example\/reply-drafter@4\s+SHADOW\s+/m);
  });

  it("ships a second revision approved from the CLI, lists and shows the deployment, and rolls back in one call", async () => {
    const smaller = await specFile(
      "smaller.json",
      JSON.stringify({
        name: "support-bot",
        environment: "production",
        components: [
          { role: "classifier", backend: "example", model: "support-triage", version: "14", weight: 100 },
          { role: "retriever", backend: "example", model: "ticket-embedder", version: 2, weight: 100 },
          { role: "generation", backend: "example", model: "reply-drafter", version: "3", weight: 100 },
        ],
      }),
    );
    const pending = await cli("alice", "deploy", smaller, "--promote", "--reason", "drop the shadow", "--json");
    expect(pending.code).toBe(0);
    const doc = JSON.parse(pending.stdout) as { revision: { number: number }; unchanged: boolean; promotionRequest: { id: string; status: string } };
    expect(doc).toMatchObject({ revision: { number: 2 }, unchanged: false, promotionRequest: { status: "PENDING" } });
    // `approve` from the CLI names the deployment revision a request covers.
    const approved = await cli("bob", "approve", doc.promotionRequest.id, ...WAIT);
    expect(approved.code).toBe(0);
    expect(approved.stdout).toBe(`promotion ${doc.promotionRequest.id}: deployment support-bot revision 2 in production: APPLIED\n  passed  APPROVAL: 1 of 1 approval(s)\n`);

    const list = await cli("vic", "deployments", "--env", "production");
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^NAME\s+ENVIRONMENT\s+CURRENT\s+LATEST\s+HEALTH\nsupport-bot\s+production\s+#2\s+#2\s+HEALTHY\n$/);
    expect((await cli("vic", "deployments", "--env", "staging")).stdout).toBe("no deployments in staging\n");

    // An approver rolls back; a publisher may not.
    const refused = await cli("alice", "deploy", "rollback", "support-bot", "--env", "production", "--reason", "worse answers");
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("deploymentRollback was refused");
    const rolled = await cli("carol", "deploy", "rollback", "support-bot", "--env", "production", "--reason", "worse answers", ...WAIT);
    expect(rolled.stderr).toBe("");
    expect(rolled.code).toBe(0);
    expect(rolled.stdout).toMatch(/^rollback \S+: deployment support-bot revision 1 in production: APPLIED\n/);
    const forward = await cli("carol", "deploy", "rollback", "support-bot", "--env", "production", "--revision", "2", "--reason", "it was fine", ...WAIT, "--json");
    expect(forward.code).toBe(0);
    expect(JSON.parse(forward.stdout)).toMatchObject({ kind: "ROLLBACK", status: "APPLIED", deploymentRevision: { number: 2 }, replayed: false });
    const same = await cli("carol", "deploy", "rollback", "support-bot", "--env", "production", "--revision", "2", "--reason", "x");
    expect(same.code).toBe(2);
    expect(same.stderr).toContain("input.revision: support-bot#2 is the revision running now (INVALID_INPUT)");

    const show = await cli("vic", "deployments", "show", "support-bot", "--env", "production");
    expect(show.stderr).toBe("");
    expect(show.code).toBe(0);
    expect(show.stdout).toMatch(/^current\s+revision 2 since \d{4}-/m);
    expect(show.stdout).toMatch(/^health\s+HEALTHY$/m);
    expect(show.stdout).toMatch(/^2\s+ACTIVE\s+[0-9a-f]{12}\s+\S+\s+alice\s+ROLLBACK APPLIED\s+drop the shadow$/m);
    expect(show.stdout).toMatch(new RegExp(`^1\\s+SUPERSEDED\\s+${firstHash.slice(0, 12)}\\s+\\S+\\s+alice\\s+ROLLBACK APPLIED\\s+support bot with the v9 triage prompt`, "m"));
    expect(show.stdout).toContain("components of revision 2 (running):\n");
    expect(show.stdout).toMatch(/^retriever\s+100%\s+example\/ticket-embedder@2\s+PRODUCTION$/m);

    const shown = JSON.parse((await cli("vic", "deployments", "show", "support-bot", "--env", "production", "--json")).stdout) as {
      revisions: { number: number; status: string }[];
      activations: { revision: number; requestKind: string }[];
    };
    expect(shown.revisions.map((r) => [r.number, r.status])).toEqual([
      [2, "ACTIVE"],
      [1, "SUPERSEDED"],
    ]);
    expect(shown.activations.map((a) => [a.revision, a.requestKind])).toEqual([
      [2, "ROLLBACK"],
      [1, "ROLLBACK"],
      [2, "PROMOTION"],
      [1, "PROMOTION"],
    ]);
    // Someone archives a running component behind the gateway's back: the deployment is degraded, naming it.
    retire(gw.repo, "ticket-embedder", "2");
    expect((await cli("vic", "deployments")).stdout).toMatch(/^support-bot\s+production\s+#2\s+#2\s+DEGRADED$/m);
    const degraded = await cli("vic", "deployments", "show", "support-bot", "--env", "production");
    expect(degraded.code).toBe(0);
    expect(degraded.stdout).toMatch(/^health\s+DEGRADED$/m);
    expect(degraded.stdout).toMatch(/^retriever\s+100%\s+example\/ticket-embedder@2\s+ARCHIVED$/m);
    expect(degraded.stdout).toMatch(/\nproblems:\n {2}STAGE_NOT_ACCEPTED {2}retriever example\/ticket-embedder@2 is ARCHIVED; a serving component needs PRODUCTION\n$/);

    const missing = await cli("vic", "deployments", "show", "no-such-bot", "--env", "production", "--json");
    expect(missing.code).toBe(3);
    expect(JSON.parse(missing.stdout)).toMatchObject({ error: { code: "NOT_FOUND", exitCode: 3 } });
  });

  it("says which field of a bad spec file is wrong, before any request (exit 2)", async () => {
    const bad = await specFile(
      "bad.yaml",
      [
        "name: support-bot",
        "environment: production",
        "components:",
        "  - { role: classifier, backend: example, model: support-triage, version: '14', weight: 100 }",
        "  - role: retriever",
        "    backend: example",
        "    model: ticket-embedder",
        "    version: '2'",
        "    weight: all",
        "    wieght: 100",
        "",
      ].join("\n"),
    );
    const res = await cli("alice", "deploy", bad, "--reason", "x");
    expect(res.code).toBe(2);
    expect(res.stdout).toBe("");
    expect(res.stderr).toBe(
      `error: invalid deployment spec ${bad}:\n` +
        '  components[1].wieght (line 10): unknown field (did you mean "weight"?); expected role, backend, model, version, weight, shadow\n' +
        '  components[1].weight (line 9): must be a whole number from 0 to 100, got "all"\n',
    );

    const noComponents = await specFile("empty.yaml", "name: support-bot\nenvironment: production\nreason: x\n");
    expect((await cli("alice", "deploy", noComponents)).stderr).toContain("components: is required");
    const syntax = await specFile("syntax.yaml", "name: [support-bot\n");
    const broken = await cli("alice", "deploy", syntax, "--json");
    expect(broken.code).toBe(2);
    expect(JSON.parse(broken.stdout)).toMatchObject({ error: { code: "USAGE", exitCode: 2 } });
    expect(broken.stderr).toMatch(/invalid deployment spec .*syntax\.yaml \(line \d+\)/);

    const noReason = await specFile("no-reason.yaml", "name: support-bot\nenvironment: production\ncomponents:\n  - { role: a, backend: example, model: m, version: '1', weight: 100 }\n");
    expect((await cli("alice", "deploy", noReason)).stderr).toContain(`a reason is needed: pass --reason or set "reason" in ${noReason}`);
    expect((await cli("alice", "deploy", EXAMPLE, "--wait")).stderr).toContain("--wait follows the promotion: it needs --promote");
    const absent = await cli("alice", "deploy", join(dir, "absent.yaml"));
    expect(absent.code).toBe(2);
    expect(absent.stderr).toContain("cannot read deployment spec");
  });

  it("reports what the gateway refuses in the spec by component field (3 when every error is NOT_FOUND)", async () => {
    const unknown = await specFile(
      "unknown-version.yaml",
      "name: support-bot\nenvironment: production\nreason: x\ncomponents:\n  - { role: classifier, backend: example, model: support-triage, version: 99, weight: 100 }\n",
    );
    const res = await cli("alice", "deploy", unknown);
    expect(res.code).toBe(3);
    expect(res.stderr).toMatch(/^error: deploymentRevisionCreate was refused:\n {2}input\.components\.0\.version: .*\(NOT_FOUND\)\n$/);

    const weights = await specFile(
      "weights.yaml",
      "name: support-bot\nenvironment: production\nreason: x\ncomponents:\n  - { role: classifier, backend: example, model: support-triage, version: 14, weight: 90 }\n",
    );
    const sum = await cli("alice", "deploy", weights);
    expect(sum.code).toBe(2);
    expect(sum.stderr).toContain("input.components.0.weight");
  });
});
