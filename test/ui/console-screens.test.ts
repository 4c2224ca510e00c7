/**
 * The console's screens in Debian's chromium against a real gateway on the example registry:
 * sign-in, what a viewer may not do (disabled with the reason), a model and version (prompt diff,
 * eval records, history, a promotion asked from the page), the overview's filters, drift flag
 * and asOf, the audit trail's chain status, filters and JSONL export. axe on every screen;
 * screenshots for docs/ui.md.
 */
import { execFileSync } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import { untilNextSecond } from "../support/clock.js";
import { TOKENS, type WorkflowGateway } from "../workflow/workflow-gateway.js";
import { seriousViolations } from "./axe.js";
import { launchChromium, openPage, screenshotsOnFailure, signIn, type ConsolePage } from "./browser.js";
import { ensureConsoleBuilt } from "./console-build.js";
import { SUPPORT_BOT, deploy, ok, promote, recordEval, startConsoleGateway } from "./console-gateway.js";
import { shoot } from "./docs.js";

const STEP = 5 * 60_000;
let gw: WorkflowGateway;
let browser: Browser;
const pages: ConsolePage[] = [];
/** After support-triage 15 went to production, before support-bot revision 2 bundled it. */
let afterPromotion: string;

beforeAll(async () => {
  const [, launched, started] = await Promise.all([ensureConsoleBuilt(), launchChromium(), startConsoleGateway()]);
  browser = launched;
  gw = started;
  await deploy(gw, "support-bot", "production", SUPPORT_BOT, "support bot with the v9 triage prompt; reply-drafter 4 in shadow");
  await recordEval(gw, "example", "support-triage", "15", 0.95, "triage-eval-v5");
  await promote(gw, "example", "support-triage", "15", "PRODUCTION", "production");
  // Git keeps commit times to the second: the moment asked about is in a second after the
  // promotion's commit, and the hand edit below in a second after it.
  await untilNextSecond();
  afterPromotion = new Date().toISOString();
  await untilNextSecond(Date.parse(afterPromotion));
  await deploy(gw, "support-bot", "production", SUPPORT_BOT.map((c) => (c.role === "classifier" ? { ...c, version: "15" } : c)), "classifier on support-triage 15 (escalates to humans)");
  // Someone puts version 14 back into production by editing the registry by hand.
  const file = join(gw.repo, "models/support-triage.yaml");
  const doc = parseDocument(await readFile(file, "utf8"));
  const versions = doc.get("versions") as { items: { get(k: string): unknown; set(k: string, v: unknown): void }[] };
  versions.items.find((v) => String(v.get("version")) === "14")?.set("status", "production");
  // ... and gives version 15 a key of their own, which the gateway serves as a native field.
  versions.items.find((v) => String(v.get("version")) === "15")?.set("x-change-ticket", "RISK-42");
  await writeFile(file, doc.toString());
  execFileSync("git", ["-C", gw.repo, "-c", "user.name=Dana", "-c", "user.email=dana@example.com", "commit", "-qam", "support-triage 14 back to production (hotfix)"]);
  const check = await ok<{ drifts: { version: string }[] }>(gw, "pat", `mutation { driftCheck(input: { backend: "example", model: "support-triage" }) { drifts { version expectedStage actualStage } userErrors { message } } }`, {}, "driftCheck");
  expect(check.drifts).toEqual([{ version: "14", expectedStage: "ARCHIVED", actualStage: "PRODUCTION" }]);
}, 15 * 60_000);

afterAll(async () => {
  for (const p of pages) await p.context.close();
  await browser?.close();
  await gw?.stop();
});

afterEach(async (ctx) => {
  if (ctx.task.result?.state === "fail") await screenshotsOnFailure(ctx.task.name, pages);
});

/** The page's sessionStorage (these callbacks run in the browser; this file is checked against Node's globals). */
interface PageStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}
/**
 * How long a page may take to show what a step waits for: generous, never a measure of speed (a
 * loaded 2-core machine runs chromium, the gateway and other test files at once).
 */
const WAIT_MS = 120_000;

/** A new page that waits up to WAIT_MS for every element it is asked for. */
async function newPage(): Promise<ConsolePage> {
  const p = await openPage(browser);
  p.page.setDefaultTimeout(WAIT_MS);
  pages.push(p);
  return p;
}

/** Signed in once the header names `who`: a condition waited for, not a poll that gives up while the page still loads. */
async function untilSignedIn(page: Page, who: string): Promise<void> {
  await page.locator(".who-name", { hasText: new RegExp(`^${who}$`) }).waitFor();
}

async function signedIn(who: keyof typeof TOKENS, path: string): Promise<Page> {
  return signIn(await newPage(), `${gw.url}${path}`, TOKENS[who], who);
}

async function expectAccessible(page: Page, screen: string): Promise<void> {
  expect(await seriousViolations(page), `axe on ${screen}`).toEqual([]);
}

describe("signing in", () => {
  it("asks for a token, says why one is refused, and keeps a good one for the tab", { timeout: STEP }, async () => {
    const { page } = await newPage();
    await page.goto(`${gw.url}/ui/`);
    await page.getByRole("heading", { name: "Sign in to modelgate" }).waitFor();
    await page.getByText("This gateway needs a bearer token.").waitFor();
    await shoot(page, "sign-in", { fullPage: false });
    await expectAccessible(page, "sign-in");
    await page.getByLabel("Bearer token").fill("not-a-real-token-0000000000");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByText("invalid token").waitFor();
    await page.getByLabel("Bearer token").fill(TOKENS.vic);
    await page.getByRole("button", { name: "Sign in" }).click();
    await untilSignedIn(page, "vic");
    await page.getByRole("heading", { name: "Production overview" }).waitFor();
    expect(await page.locator(".who-roles").textContent()).toBe("viewer");
    expect(await page.evaluate(() => (globalThis as unknown as { sessionStorage: PageStorage }).sessionStorage.getItem("modelgate.token"))).toBe(TOKENS.vic);
    await page.reload();
    await page.getByRole("heading", { name: "Production overview" }).waitFor();
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("heading", { name: "Sign in to modelgate" }).waitFor();
    expect(await page.evaluate(() => (globalThis as unknown as { sessionStorage: PageStorage }).sessionStorage.getItem("modelgate.token"))).toBeNull();
  });
});

describe("a model and its versions", () => {
  it("shows a viewer what their role may not do, and why", { timeout: STEP }, async () => {
    const page = await signedIn("vic", "/ui/models/example/support-triage?version=16");
    await page.getByRole("heading", { name: /Version 16/ }).waitFor();
    const promoteButton = page.getByRole("button", { name: "Request promotion" });
    expect(await promoteButton.isDisabled()).toBe(true);
    await page.getByText("requesting a promotion needs the publisher role (you hold viewer)").waitFor();
    expect(await page.getByRole("button", { name: "Roll back" }).isDisabled()).toBe(true);
    await page.getByText("rolling back needs the approver role (you hold viewer)").waitFor();
    await shoot(page, "model-viewer", { fullPage: false });
    await expectAccessible(page, "the model screen as a viewer");
  });

  it("shows the prompt's word diff, eval records, drift and history, and asks for a promotion", { timeout: STEP }, async () => {
    const page = await signedIn("pat", "/ui/models/example/support-triage?version=15");
    const diff = page.getByLabel("Prompt of version 15 compared with version 14");
    await diff.waitFor();
    expect(await diff.locator("ins").allTextContents()).toEqual(expect.arrayContaining([expect.stringContaining("`escalate_to_human`")]));
    const evals = page.getByRole("table").filter({ has: page.getByRole("columnheader", { name: "Suite" }) });
    expect(await evals.getByRole("row").nth(1).textContent()).toContain("triage-eval-v50.95");
    expect(await evals.getByRole("link", { name: "artifact" }).getAttribute("href")).toBe("https://mlflow.example.internal/#/runs/support-triage-15");
    expect(await page.locator("h3:text-is('Backend fields') + dl").textContent()).toBe("x-change-ticketRISK-42");
    const versions = page.getByRole("table", { name: "Versions of support-triage" });
    expect(await versions.getByRole("row", { name: /^14/ }).textContent()).toContain("drift: production, expected archived");
    const history = page.getByRole("table", { name: "Audit events of example/support-triage, newest first" });
    expect(await history.textContent()).toContain("promotion.apply");
    expect(await history.textContent()).toContain("OUT_OF_BAND_CHANGE");
    await shoot(page, "model");
    await expectAccessible(page, "the model screen");

    await versions.getByRole("link", { name: "16", exact: true }).click();
    await page.getByRole("heading", { name: /Version 16/ }).waitFor();
    const form = page.getByRole("form", { name: "Request a promotion of version 16" });
    expect(await form.getByLabel("To stage").inputValue()).toBe("STAGING");
    expect(await form.getByLabel("Environment").inputValue()).toBe("staging");
    await form.getByLabel("Reason").fill("try claude on staging traffic");
    await form.getByRole("button", { name: "Request promotion" }).click();
    await page.getByText("Recorded: promotion to staging in staging").waitFor();
    // Applied by the outbox; the page follows it live.
    await expect.poll(() => versions.getByRole("row", { name: /^16/ }).textContent(), { timeout: WAIT_MS }).toContain("staging");
  });
});

describe("the overview", () => {
  it("flags drift, filters, and answers what ran at a past time", { timeout: STEP }, async () => {
    const page = await signedIn("pat", "/ui/");
    const triage = page.getByRole("row", { name: /^support-triage model/ });
    await expect.poll(() => triage.textContent(), { timeout: WAIT_MS }).toContain("drift: production, expected archived");
    // 15 runs inside support-bot revision 2 (so in that row); 14 was put back by hand.
    expect(await triage.getByRole("cell").first().textContent()).toBe("example version 14 drift: production, expected archivedno approval on record");
    expect(await page.getByRole("row", { name: /^support-bot deployment/ }).textContent()).toContain("revision 2");
    await shoot(page, "overview-drift");
    await expectAccessible(page, "the overview with drift");

    await page.getByRole("searchbox", { name: "Model" }).fill("embedder");
    await expect.poll(() => page.locator("#overview-caption").textContent(), { timeout: WAIT_MS }).toMatch(/^1 of \d+ deployments and models/);
    expect(await page.getByRole("row", { name: /^support-bot deployment/ }).count()).toBe(1);
    await page.getByRole("searchbox", { name: "Model" }).fill("");
    await page.getByLabel("Environment", { exact: true }).selectOption("staging");
    await expect.poll(() => page.getByRole("columnheader").allTextContents(), { timeout: WAIT_MS }).toEqual(["Deployment or model", "staging"]);
    await page.getByLabel("Environment", { exact: true }).selectOption("");
    await page.getByLabel("Backend", { exact: true }).selectOption("example");
    expect(new URL(page.url()).searchParams.get("backend")).toBe("example");

    await page.getByLabel("As of", { exact: true }).fill("2026-01-02T03:04");
    expect(new URL(page.url()).searchParams.get("asOf")).toBe("2026-01-02T03:04:00.000Z");
    await page.goto(`${gw.url}/ui/?asOf=${encodeURIComponent(afterPromotion)}`);
    await page.getByText("Showing what ran at").waitFor();
    const past = page.getByRole("row", { name: /^support-triage model/ });
    await expect.poll(() => past.textContent(), { timeout: WAIT_MS }).toMatch(/version 15.*approved by bob/);
    expect(await past.textContent()).not.toContain("version 14");
    expect(await past.textContent()).not.toContain("drift");
    expect(await page.getByRole("row", { name: /^support-bot deployment/ }).textContent()).toContain("revision 1");
    await expectAccessible(page, "the overview as of a past time");
  });
});

describe("the audit trail", () => {
  it("shows the chain status, filters by actor, and exports the filtered events as JSONL", { timeout: STEP }, async () => {
    const verification = await gw.as("vic", "{ auditVerification { ok headSeq events } }");
    const { headSeq, events } = verification.data?.auditVerification as { headSeq: number; events: number };
    const page = await signedIn("pat", "/ui/audit");
    await page.getByText(`verified through #${headSeq} (${events} events)`).waitFor();
    const filters = page.getByRole("form", { name: "Filters" });
    await filters.getByLabel("Actor").fill("bob");
    await filters.getByRole("button", { name: "Apply filters" }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get("actor"), { timeout: WAIT_MS }).toBe("bob");
    const table = page.getByRole("table");
    await expect
      .poll(async () => new Set((await table.locator("tbody tr td:nth-child(3)").allTextContents()).map((t) => t.trim())), { timeout: WAIT_MS })
      .toEqual(new Set(["bob"]));
    await shoot(page, "audit");
    await expectAccessible(page, "the audit trail");

    const [download] = await Promise.all([page.waitForEvent("download"), filters.getByRole("button", { name: "Export JSONL" }).click()]);
    expect(download.suggestedFilename()).toBe("modelgate-audit-actor-bob.jsonl");
    const lines = (await readFile(await download.path(), "utf8")).trimEnd().split("\n").map((l) => JSON.parse(l) as { actor: string; seq: number; hash: string });
    const api = await gw.as("vic", `{ auditEvents(first: 100, filter: { actor: "bob" }) { nodes { seq hash } } }`);
    const expected = (api.data?.auditEvents as { nodes: { seq: number; hash: string }[] }).nodes;
    expect(lines.map((l) => [l.seq, l.hash])).toEqual(expected.map((e) => [e.seq, e.hash]));
    expect(lines.every((l) => l.actor === "bob")).toBe(true);
    await page.getByText(`exported ${expected.length} events`).waitFor();
  });
});

describe("the first load", () => {
  it("fetches at most 300 KB of gzipped JavaScript, all from the gateway itself", { timeout: STEP }, async () => {
    const p = await newPage();
    const scripts: { url: string; gzip: Promise<number> }[] = [];
    p.page.on("response", (r) => {
      if (r.request().resourceType() === "script") scripts.push({ url: r.url(), gzip: r.body().then((b) => gzipSync(b, { level: 9 }).length) });
    });
    const origins = new Set<string>();
    p.page.on("request", (r) => origins.add(new URL(r.url()).origin));
    await p.page.goto(`${gw.url}/ui/`);
    await p.page.getByRole("heading", { name: "Sign in to modelgate" }).waitFor();
    const total = (await Promise.all(scripts.map((s) => s.gzip))).reduce((a, b) => a + b, 0);
    expect(scripts.length).toBeGreaterThan(0);
    expect(total).toBeLessThanOrEqual(300 * 1024);
    expect([...origins]).toEqual([new URL(gw.url).origin]);
  });
});

describe("every page", () => {
  it("ran under the console's CSP without errors", () => {
    for (const p of pages) {
      expect(p.cspViolations).toEqual([]);
      expect(p.errors).toEqual([]);
    }
  });
});
