/**
 * The console's lifecycle screens in Debian's chromium against a real gateway (the example git-YAML
 * registry, the outbox and the leader's rollout pass running): a guarded rollout's step, weights and
 * canary evidence against its thresholds on the deployment screen, paused, resumed and aborted
 * through its buttons (a publisher may pause, not abort); the deprecation plan, shown as the API
 * plans it and applied from the page until its request is applied; idle production versions with
 * their owners and each environment's usage. axe on every screen; screenshots for docs/ui.md.
 * One gateway and one browser; state is arranged through the API, and every wait polls.
 */
import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { TOKENS, auditActions, waitForStatus, type ParsedJson, type WorkflowGateway } from "../workflow/workflow-gateway.js";
import { seriousViolations } from "./axe.js";
import { launchChromium, openPage, screenshotsOnFailure, signIn, type ConsolePage } from "./browser.js";
import { ensureConsoleBuilt } from "./console-build.js";
import { deploy, ok, register, startConsoleGateway } from "./console-gateway.js";
import { shoot } from "./docs.js";

const STEP = 2 * 60_000;
const DAY = 86_400_000;
/** The lifecycle clock (usage counting, idle checks) stands 31 days back until the idle check of "today". */
let clockOffset = -31 * DAY;
let gw: WorkflowGateway;
let browser: Browser;
const pages: ConsolePage[] = [];
let pat: Page;
let alice: Page;

const PLAN = {
  steps: [
    { weight: 25, holdSeconds: 3600 },
    { weight: 100, holdSeconds: 3600 },
  ],
  maxErrorRate: 0.02,
  metricFloor: { name: "accuracy", min: 0.9 },
  minRequests: 500,
};

async function resolveAs(environment: string, name: string, times: number): Promise<void> {
  for (let i = 0; i < times; i++) {
    const res = await fetch(`${gw.url}/v1/resolve/${name}?env=${environment}`, { headers: { authorization: `Bearer ${TOKENS.vic}` } });
    await res.arrayBuffer();
    expect(res.status).toBe(200);
  }
}

/** Usage 31 days ago and today, and the idle checks then and now: support-triage 14 and ticket-embedder 2 go idle in production, reply-drafter 3 is used. */
async function arrangeUsage(): Promise<void> {
  const services = gw.gateway.services;
  await resolveAs("production", "support-triage", 4);
  await services.usage.flush();
  expect((await services.idleAlerts.check()).raised).toEqual([]);
  clockOffset = 0;
  await resolveAs("production", "reply-drafter", 3);
  await services.usage.flush();
  const raised = (await services.idleAlerts.check()).raised.map((r) => `${r.modelName}@${r.version}`).sort();
  expect(raised).toEqual(["support-triage@14", "ticket-embedder@2"]);
}

/** support-bot in staging: revision 1 runs support-triage 14; revision 2 (15) rolls out over it by plan, with one canary result in. */
async function arrangeRollout(): Promise<void> {
  await deploy(gw, "support-bot", "staging", [{ role: "classifier", backend: "example", model: "support-triage", version: "14", weight: 100 }], "triage 14");
  const created = await ok<{ revision: { number: number } }>(
    gw,
    "pat",
    `mutation($input: DeploymentRevisionCreateInput!) { deploymentRevisionCreate(input: $input) { revision { number } userErrors { field code message } } }`,
    { input: { name: "support-bot", environment: "staging", reason: "triage 15 by 25 -> 100", components: [{ role: "classifier", backend: "example", model: "support-triage", version: "15", weight: 100, shadow: false }], rollout: PLAN } },
    "deploymentRevisionCreate",
  );
  expect(created.revision.number).toBe(2);
  const promoted = await ok<{ promotionRequest: { id: string } }>(
    gw,
    "pat",
    `mutation($input: DeploymentPromoteInput!) { deploymentPromote(input: $input) { promotionRequest { id status } userErrors { field code message } } }`,
    { input: { name: "support-bot", environment: "staging", revision: 2, reason: "ship triage 15" } },
    "deploymentPromote",
  );
  expect((await waitForStatus(gw, promoted.promotionRequest.id, ["APPLIED", "FAILED"], 60_000)).status).toBe("APPLIED");
  await ok(
    gw,
    "alice",
    `mutation($input: CanaryResultRecordInput!) { canaryResultRecord(input: $input) { canaryResult { at } userErrors { field code message } } }`,
    {
      input: {
        backend: "example",
        model: "support-triage",
        version: "15",
        environment: "staging",
        clean: true,
        errorRate: 0.004,
        requests: 120,
        metrics: [{ key: "accuracy", value: 0.93 }],
        evidence: "https://grafana.example/d/triage-15",
      },
    },
    "canaryResultRecord",
  );
}

beforeAll(async () => {
  const [, launched, started] = await Promise.all([
    ensureConsoleBuilt(),
    launchChromium(),
    startConsoleGateway({
      configure: async () => ({
        lifecycle: {
          idle: { afterDays: 30 },
          owners: [
            { models: "support-*", team: "support-platform", contact: "#support-ml" },
            { models: "*", contact: "ml-platform@example.com" },
          ],
        },
      }),
      policies: { deprecation: { rules: [{ models: "support-triage", keepNewest: 1, archiveAfterDays: 30 }], maxArchiveShare: 0.5 } },
      gatewayOptions: { lifecycleClock: () => new Date(Date.now() + clockOffset), idleChecks: false },
    }),
  ]);
  browser = launched;
  gw = started;
  // support-triage 17: the newest version, kept by keepNewest 1; 16 (NONE, from July) is the one to archive.
  expect(await register(gw, "example", "support-triage")).toBe("17");
  await Promise.all([arrangeUsage(), arrangeRollout()]);
}, 10 * 60_000);

afterAll(async () => {
  for (const p of pages) await p.context.close();
  await browser?.close();
  await gw?.stop();
});

afterEach(async (ctx) => {
  if (ctx.task.result?.state === "fail") await screenshotsOnFailure(ctx.task.name, pages);
});

async function signedIn(who: keyof typeof TOKENS, path: string): Promise<Page> {
  const p = await openPage(browser);
  pages.push(p);
  return signIn(p, `${gw.url}${path}`, TOKENS[who], who);
}

async function expectAccessible(page: Page, screen: string, include?: string): Promise<void> {
  expect(await seriousViolations(page, include), `axe on ${screen}`).toEqual([]);
}

/** A table's body rows as arrays of cell texts. */
async function rows(table: Locator): Promise<string[][]> {
  const out: string[][] = [];
  for (const row of await table.locator("tbody tr").all()) out.push((await row.locator("th, td").allTextContents()).map((t) => t.trim()));
  return out;
}

async function api<T = Record<string, ParsedJson>>(query: string, variables?: Record<string, unknown>): Promise<T> {
  const res = await gw.as<T>("vic", query, variables);
  expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
  return res.data as T;
}

/** The words the plan's Kept table uses for LifecycleKeepReason. */
const KEPT: Record<string, string> = { ENVIRONMENT: "in an environment", DEPLOYMENT: "in a deployment" };

const rolloutStatus = async () => (await api<{ deployment: { rollout: { status: string } } }>(`{ deployment(name: "support-bot", environment: "staging") { rollout { status } } }`)).deployment.rollout.status;

describe("the console's lifecycle screens", () => {
  it("shows a guarded rollout's step, weights and evidence against its thresholds, and pauses, resumes and aborts it", { timeout: STEP }, async () => {
    [pat, alice] = await Promise.all([signedIn("pat", "/ui/deployments/staging/support-bot"), signedIn("alice", "/ui/deployments/staging/support-bot")]);
    const rollout = pat.getByRole("region", { name: /^Guarded rollout/ });
    await rollout.waitFor();
    expect(await rollout.getByRole("heading", { level: 2 }).textContent()).toBe("Guarded rollout running");
    expect(await rollout.textContent()).toContain("Revision 2 over revision 1: step 1 of 2, 25% of traffic to revision 2");
    await pat.getByText("Revision 2 runs at 25% of traffic, revision 1 serves the rest (guarded rollout).").waitFor();
    expect(await rows(rollout.getByRole("table", { name: /^Plan/ }))).toEqual([
      ["1", "25%", "1 h", "current"],
      ["2", "100%", "1 h", "to come"],
    ]);
    expect(await rollout.getByRole("img", { name: "classifier: support-triage@15 25%, support-triage@14 75%" }).count()).toBe(1);
    expect(await rows(rollout.getByRole("table", { name: /^Evidence for step 1 against the plan's thresholds/ }))).toEqual([
      ["Canary results", "at least one, each marked clean", "1, all clean", "passed"],
      ["Error rate", "at most 0.02", "highest 0.004", "passed"],
      ["accuracy", "at least 0.9", "lowest 0.93", "passed"],
      ["Requests", "at least 500", "120 of 500", "waiting"],
    ]);
    await rollout.getByText("Leader's verdict: waiting").waitFor();
    expect(await rollout.textContent()).toContain("step 1 of 2 (25%): waiting for evidence (120 of 500 requests)");
    const results = rollout.getByRole("table", { name: "Canary results counted for step 1, newest first" });
    expect((await rows(results)).map((r) => r.slice(1, 6))).toEqual([["support-triage@15", "yes", "0.004", "120", "accuracy 0.93"]]);
    expect(await results.getByRole("link", { name: "evidence" }).getAttribute("href")).toBe("https://grafana.example/d/triage-15");

    // A publisher may pause, not resume or abort: the reason is written next to the button.
    const theirs = alice.getByRole("region", { name: /^Guarded rollout/ });
    await theirs.getByLabel("Reason").fill("checking");
    expect(await theirs.getByRole("button", { name: "Pause" }).isEnabled()).toBe(true);
    expect(await theirs.getByRole("button", { name: "Abort…" }).isDisabled()).toBe(true);
    await theirs.getByText("aborting a rollout needs the approver role (you hold publisher)").waitFor();
    await shoot(pat, "lifecycle-rollout");
    // The rest of the deployment screen is checked by console-flow.test.ts.
    await expectAccessible(pat, "the rollout panel", ".rollout");

    // Pause, with a reason: the weights hold and the page says who paused it and why.
    const reason = rollout.getByLabel("Reason");
    expect(await rollout.getByRole("button", { name: "Pause" }).isDisabled()).toBe(true);
    await reason.fill("incident review");
    await rollout.getByRole("button", { name: "Pause" }).click();
    await rollout.getByText("Paused: paused by pat: incident review").waitFor();
    expect(await rollout.getByRole("heading", { level: 2 }).textContent()).toBe("Guarded rollout paused");
    expect(await rolloutStatus()).toBe("PAUSED");
    // The publisher's page follows live, and offers no resume.
    await theirs.getByText("Paused: paused by pat: incident review").waitFor();
    expect(await theirs.getByRole("button", { name: "Resume" }).isDisabled()).toBe(true);

    await reason.fill("incident closed");
    await rollout.getByRole("button", { name: "Resume" }).click();
    await expect.poll(() => rollout.getByRole("heading", { level: 2 }).textContent(), { timeout: 60_000 }).toBe("Guarded rollout running");
    expect(await rollout.getByText(/^Paused:/).count()).toBe(0);
    // The step's evidence window started anew: the result recorded before does not count.
    await rollout.getByText("No canary result for step 1 yet.").waitFor();
    expect(await rolloutStatus()).toBe("RUNNING");

    await reason.fill("15 is not worth the risk");
    await rollout.getByRole("button", { name: "Abort…" }).click();
    const dialog = pat.getByRole("dialog", { name: "Abort the rollout of support-bot in staging?" });
    await dialog.getByRole("button", { name: "Confirm abort" }).click();
    await expect.poll(() => rollout.getByRole("heading", { level: 2 }).textContent(), { timeout: 60_000 }).toBe("Guarded rollout rolled back");
    await pat.getByText("Revision 1 runs.").waitFor();
    expect(await rollout.getByRole("button", { name: /^(Pause|Resume|Abort…)$/ }).count()).toBe(0);

    const trail = (await auditActions(gw)).filter((e) => String(e.action).startsWith("deployment.rollout_"));
    expect(trail.map((e) => [e.action, e.actor, e.reason])).toEqual([
      ["deployment.rollout_start", "pat", "ship triage 15"],
      ["deployment.rollout_pause", "pat", "incident review"],
      ["deployment.rollout_resume", "pat", "incident closed"],
      ["deployment.rollout_rolled_back", "pat", "rollout aborted: 15 is not worth the risk"],
    ]);
  });

  it("shows the deprecation plan as the API plans it, and applies it from the page", { timeout: STEP }, async () => {
    await pat.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Lifecycle" }).click();
    const toArchive = pat.getByRole("table", { name: /^Versions to archive \(1\)/ });
    await toArchive.waitFor();
    const { lifecyclePlan: plan } = await api<{ lifecyclePlan: Record<string, ParsedJson> }>(
      `{ lifecyclePlan { candidates { version stage ageDays rank reason rule } kept { version stage why reason } } }`,
    );
    const [candidate] = plan.candidates;
    expect(candidate).toMatchObject({ version: "16", stage: "NONE", rank: 2, rule: "policies.deprecation.rules[0]" });
    expect(await rows(toArchive)).toEqual([["example/support-triage@16", "none", `${candidate.ageDays} days`, "2", "never", `${candidate.reason} (policies.deprecation.rules[0])`]]);
    expect(candidate.reason).toMatch(/^2nd newest \(keepNewest 1\), created \d+ days ago \(archiveAfterDays 30\), in no environment, in no deployment revision$/);
    expect(await rows(pat.getByRole("table", { name: /^Versions kept past their model's newest N/ }))).toEqual(
      plan.kept.map((k: ParsedJson) => [`example/support-triage@${k.version}`, String(k.stage).toLowerCase(), KEPT[k.why as string], k.reason]),
    );
    await pat.getByText("1 of 4 live versions to archive (25%)").waitFor();
    await shoot(pat, "lifecycle-plan");
    await expectAccessible(pat, "the deprecation plan");

    await pat.getByLabel("Reason").fill("16 was never shipped");
    await pat.getByRole("button", { name: "Archive 1 version" }).click();
    const applied = pat.getByRole("table", { name: "Applied: one archive request per version" });
    await applied.waitFor();
    // Queued at once (the ARCHIVED rule here needs no approval), then applied by the outbox: the page follows it live.
    await expect.poll(async () => (await rows(applied))[0]?.slice(0, 3), { timeout: 60_000 }).toEqual(["example/support-triage@16", "queued gates passed: the outbox archives it", "applied"]);
    await pat.getByText("Nothing to archive").waitFor({ timeout: 60_000 });
    const archived = await api<{ modelVersion: { stage: string; tags: { key: string; value: string }[] } }>(`{ modelVersion(backend: "example", model: "support-triage", version: "16") { stage tags { key value } } }`);
    expect(archived.modelVersion.stage).toBe("ARCHIVED");
    expect(archived.modelVersion.tags).toContainEqual({ key: "modelgate.archived-by", value: "policy" });
    const [request] = await auditActions(gw, "promotion.request").then((events) => events.filter((e) => e.after?.stage === "ARCHIVED"));
    expect(request).toMatchObject({ actor: "pat", reason: "16 was never shipped" });
    await shoot(pat, "lifecycle-apply");
    await expectAccessible(pat, "the applied plan's results", ".plan-apply");
  });

  it("shows idle production versions with their owners, and each environment's usage", { timeout: STEP }, async () => {
    await pat.getByRole("navigation", { name: "Lifecycle views" }).getByRole("link", { name: "Usage and idle" }).click();
    const idle = pat.getByRole("table", { name: "Open IDLE_IN_PRODUCTION alerts, oldest first" });
    await idle.waitFor();
    const { idleAlerts } = await api<{ idleAlerts: { nodes: { modelName: string; idleDays: number }[] } }>(`{ idleAlerts(first: 10) { nodes { modelName idleDays } } }`);
    const days = new Map(idleAlerts.nodes.map((a) => [a.modelName, a.idleDays]));
    expect(days.get("support-triage")).toBeGreaterThanOrEqual(31);
    // Each table renders when its own query answers: wait for the rows, not just the table.
    await expect.poll(async () => (await rows(idle)).map((r) => r[0]).sort(), { timeout: 60_000 }).toEqual(["example/support-triage@14", "example/ticket-embedder@2"]);
    const shown = new Map((await rows(idle)).map((r) => [r[0], r]));
    const triage = shown.get("example/support-triage@14")!;
    expect([triage[1], triage[2], triage[5]]).toEqual(["production", `${days.get("support-triage")} days`, "support-platform #support-ml (lifecycle.owners)"]);
    expect(triage[3]).not.toBe("never");
    const embedder = shown.get("example/ticket-embedder@2")!;
    expect([embedder[1], embedder[2], embedder[3], embedder[5]]).toEqual(["production", `${days.get("ticket-embedder")} days`, "never", "ml-platform@example.com (lifecycle.owners)"]);

    const usageTable = pat.getByRole("table", { name: "Versions in production's stage: use in the last 24 hours" });
    const usageRows = async () => new Map((await rows(usageTable)).map((r) => [r[0], r]));
    await expect.poll(async () => (await usageRows()).get("example/reply-drafter@3")?.slice(1, 3), { timeout: 60_000 }).toEqual(["production", "3"]);
    const usage = await usageRows();
    expect(usage.get("example/reply-drafter@3")?.[6]).toBe("in use");
    expect(usage.get("example/support-triage@14")?.slice(1, 3)).toEqual(["production", "0"]);
    expect(usage.get("example/support-triage@14")?.[6]).toBe(`idle ${days.get("support-triage")} days`);
    expect(usage.get("example/support-triage@14")?.[7]).toBe("support-platform #support-ml (lifecycle.owners)");
    await shoot(pat, "lifecycle-usage");
    await expectAccessible(pat, "usage and idle versions");
  });

  it("ran under the console's CSP without errors", () => {
    for (const p of pages) {
      expect(p.cspViolations).toEqual([]);
      expect(p.errors).toEqual([]);
    }
  });
});
