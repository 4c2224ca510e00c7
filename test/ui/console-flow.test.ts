/**
 * The console end to end, in Debian's chromium against a real gateway (example git-YAML registry
 * plus the real MLflow server): a pipeline runs `modelgate promote --wait` (the real CLI); the
 * approvers see the request arrive live in the queue; the requester's own approve is disabled
 * (four eyes); another approver approves; the overview shows the new version with their name and
 * the deployment that still bundles the archived version as degraded; a rollback from the
 * deployment screen, previewed then confirmed, restores the previous revision. axe on every
 * screen; screenshots for docs/ui.md.
 */
import { spawn } from "node:child_process";
import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { deleteModelsWithPrefix, uniquePrefix } from "../mlflow/helpers.js";
import { REPO_ROOT } from "../support/test-gateway.js";
import { TOKENS, type WorkflowGateway } from "../workflow/workflow-gateway.js";
import { seriousViolations } from "./axe.js";
import { launchChromium, openPage, screenshotsOnFailure, type ConsolePage } from "./browser.js";
import { ensureConsoleBuilt } from "./console-build.js";
import { SUPPORT_BOT, deploy, promote, recordEval, register, startConsoleGateway } from "./console-gateway.js";
import { shoot } from "./docs.js";

/** Each step drives a browser on a shared, loaded machine: generous, never a measure of speed. */
const STEP = 5 * 60_000;
const prefix = uniquePrefix("console");
const ranker = `${prefix}-ranker`;
let gw: WorkflowGateway;
let browser: Browser;
const pages: ConsolePage[] = [];

beforeAll(async () => {
  const [, launched, started] = await Promise.all([ensureConsoleBuilt(), launchChromium(), startConsoleGateway({ mlflowUrl: inject("mlflowUrl") })]);
  browser = launched;
  gw = started;
  // MLflow: ranker 1 runs in production (eval recorded, approved by bob); ranker 2 waits in staging.
  expect(await register(gw, "mlflow", ranker)).toBe("1");
  expect(await register(gw, "mlflow", ranker)).toBe("2");
  await recordEval(gw, "mlflow", ranker, "1", 0.91);
  await promote(gw, "mlflow", ranker, "1", "STAGING", "staging");
  await promote(gw, "mlflow", ranker, "1", "PRODUCTION", "production");
  await promote(gw, "mlflow", ranker, "2", "STAGING", "staging");
  await recordEval(gw, "mlflow", ranker, "2", 0.93);
  // The support bot: revision 1 from the example registry, revision 2 adds the MLflow ranker 1.
  await deploy(gw, "support-bot", "production", SUPPORT_BOT, "support bot with the v9 triage prompt; reply-drafter 4 in shadow");
  await deploy(gw, "support-bot", "production", [...SUPPORT_BOT, { role: "ranker", backend: "mlflow", model: ranker, version: "1", weight: 100 }], "rank the drafted replies with the MLflow ranker");
}, 15 * 60_000);

afterAll(async () => {
  for (const p of pages) await p.context.close();
  await browser?.close();
  await gw?.stop();
  await deleteModelsWithPrefix(inject("mlflowUrl"), prefix);
});

afterEach(async (ctx) => {
  if (ctx.task.result?.state === "fail") await screenshotsOnFailure(ctx.task.name, pages);
});

/**
 * How long a page may take to show what a step waits for: generous, never a measure of speed (a
 * loaded 2-core machine runs chromium, the gateway, the MLflow server and other test files at once).
 */
const WAIT_MS = 120_000;

async function signIn(who: keyof typeof TOKENS, path: string): Promise<ConsolePage> {
  const p = await openPage(browser);
  p.page.setDefaultTimeout(WAIT_MS);
  pages.push(p);
  await p.page.goto(`${gw.url}${path}`);
  await p.page.getByLabel("Bearer token").fill(TOKENS[who]);
  await p.page.getByRole("button", { name: "Sign in" }).click();
  // Signed in once the header names them: a condition waited for, not a poll that gives up while the page still loads.
  await p.page.locator(".who-name", { hasText: new RegExp(`^${who}$`) }).waitFor();
  return p;
}

async function expectAccessible(page: Page, screen: string): Promise<void> {
  expect(await seriousViolations(page), `axe on ${screen}`).toEqual([]);
}

function runCli(args: string[], token: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "src/cli/main.ts", ...args], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", MODELGATE_URL: gw.url, MODELGATE_TOKEN: token, NO_COLOR: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("the console, end to end", () => {
  let pat: ConsolePage;
  let bob: ConsolePage;
  let pipeline: Promise<{ code: number | null; stdout: string; stderr: string }>;

  it("shows a pipeline's request live in the queue, with four eyes for its requester", { timeout: STEP }, async () => {
    [pat, bob] = await Promise.all([signIn("pat", "/ui/approvals"), signIn("bob", "/ui/approvals")]);
    for (const p of [pat, bob]) {
      await expect.poll(() => p.page.getByText("Nothing is waiting for approval.").isVisible(), { timeout: WAIT_MS }).toBe(true);
      await p.page.evaluate(() => ((globalThis as unknown as { loadedOnce: boolean }).loadedOnce = true));
    }
    pipeline = runCli(
      ["promote", ranker, "2", "--backend", "mlflow", "--env", "production", "--to", "PRODUCTION", "--reason", "nightly ranker beats production", "--wait", "--interval", "1", "--timeout", "600"],
      TOKENS.pat,
    );

    const cardName = new RegExp(`Promotion of mlflow/${ranker}@2 staging → production in production`);
    for (const p of [pat, bob]) {
      const card = p.page.getByRole("article", { name: cardName });
      await card.waitFor({ timeout: WAIT_MS });
      // It arrived without a reload: the page's own state is still there.
      expect(await p.page.evaluate(() => (globalThis as unknown as { loadedOnce?: boolean }).loadedOnce)).toBe(true);
      await expect.poll(() => card.getByText("new", { exact: true }).isVisible(), { timeout: WAIT_MS }).toBe(true);
      await card.getByText("0 of 1", { exact: true }).waitFor();
      await card.getByText("Requested by pat").waitFor();
      const evalGate = card.getByRole("listitem").filter({ hasText: "score 0.93 against threshold 0.8" });
      expect(await evalGate.getByRole("link", { name: "eval artifact" }).getAttribute("href")).toBe(`https://mlflow.example.internal/#/runs/${ranker}-2`);
    }
    const own = pat.page.getByRole("article", { name: cardName });
    const approve = own.getByRole("button", { name: "Approve" });
    expect(await approve.isDisabled()).toBe(true);
    expect(await approve.getAttribute("aria-describedby")).not.toBeNull();
    await own.getByText("four eyes: someone else must approve").waitFor();
    expect(await bob.page.getByRole("article", { name: cardName }).getByRole("button", { name: "Approve" }).isEnabled()).toBe(true);
    await shoot(pat.page, "approvals");
    await expectAccessible(pat.page, "the approval queue");
  });

  it("lets another approver approve, and the pipeline ends applied", { timeout: STEP }, async () => {
    const card = bob.page.getByRole("article", { name: new RegExp(`mlflow/${ranker}@2`) });
    await card.getByLabel("Comment").fill("ranker 2 beats 1 on ranker-eval");
    await card.getByRole("button", { name: "Approve" }).click();
    await card.waitFor({ state: "detached", timeout: WAIT_MS });
    const result = await pipeline;
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`mlflow/${ranker}@2 STAGING -> PRODUCTION in production: APPLIED`);
    // The requester's page drops the request too, live.
    await pat.page.getByRole("article", { name: new RegExp(`mlflow/${ranker}@2`) }).waitFor({ state: "detached", timeout: WAIT_MS });
  });

  it("shows the new version with its approver, and the deployment that still bundles the old one as degraded", { timeout: STEP }, async () => {
    const page = bob.page;
    await page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Overview" }).click();
    const row = page.getByRole("row", { name: new RegExp(`^${ranker} model`) });
    await expect.poll(() => row.textContent(), { timeout: WAIT_MS }).toMatch(/version 2.*approved by bob/);
    const bot = page.getByRole("row", { name: /^support-bot deployment/ });
    await expect.poll(() => bot.textContent(), { timeout: WAIT_MS }).toContain("DEGRADED");
    expect(await bot.textContent()).toContain(`ranker mlflow/${ranker}@1 is ARCHIVED`);
    expect(await bot.getByRole("img", { name: /generation: reply-drafter@3 100%, reply-drafter@4 shadow/ }).count()).toBe(1);
    await shoot(page, "overview");
    await expectAccessible(page, "the overview");
  });

  it("rolls the deployment back from its screen after showing exactly what changes", { timeout: STEP }, async () => {
    const page = bob.page;
    await page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Deployments" }).click();
    await page.getByRole("link", { name: "support-bot" }).waitFor();
    await shoot(page, "deployments");
    await expectAccessible(page, "the deployments list");
    await page.getByRole("link", { name: "support-bot" }).click();
    await page.getByRole("heading", { name: /support-bot/, level: 1 }).waitFor();
    await page.getByText("Revision 2 runs.").waitFor();

    const preview = page.getByRole("table", { name: "What changes in production if revision 1 replaces revision 2" });
    await preview.waitFor();
    expect((await preview.getByRole("row").allTextContents()).slice(1)).toEqual([`ranker · mlflow/${ranker}removed${ranker}@1 100%—`]);
    await page.getByLabel("Reason").fill("ranker 1 was archived by the promotion of ranker 2");
    await page.getByRole("button", { name: "Roll back to revision 1…" }).click();
    const dialog = page.getByRole("dialog", { name: "Roll back support-bot in production?" });
    await dialog.waitFor();
    expect(await dialog.getByRole("table", { name: "Exactly what changes" }).getByRole("row").count()).toBe(2);
    await shoot(page, "deployment-rollback", { fullPage: false });
    await expectAccessible(page, "the rollback confirmation");
    await dialog.getByRole("button", { name: "Confirm rollback" }).click();

    await page.getByText("Revision 1 runs.").waitFor({ timeout: WAIT_MS });
    await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent(), { timeout: WAIT_MS }).toContain("HEALTHY");
    const timeline = page.getByRole("list", { name: "Revisions, newest first" });
    expect(await timeline.getByRole("listitem").filter({ hasText: "Revision 1" }).textContent()).toContain("rolled back by bob");
    const current = await gw.as("vic", `{ deployment(environment: "production", name: "support-bot") { currentRevision { number } } }`);
    expect(current.data?.deployment).toEqual({ currentRevision: { number: 1 } });
    await shoot(page, "deployment");
    await expectAccessible(page, "the deployment screen");
  });

  it("ran under the console's CSP without errors", () => {
    for (const p of pages) {
      expect(p.cspViolations).toEqual([]);
      expect(p.errors).toEqual([]);
    }
  });
});
