/**
 * Debian's chromium driven by playwright-core for the console tests: installed with apt on first
 * use (test/peers/chromium-setup), never downloaded by playwright. Pages record console errors
 * and Content-Security-Policy violations, so a test can prove the console runs under its CSP.
 */
import { spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";

let executable: string | undefined;

/** The browser's path, installing it first when it is missing. */
export function chromiumPath(): string {
  if (executable !== undefined) return executable;
  const script = join(import.meta.dirname, "../peers/chromium-setup");
  const result = spawnSync("bash", [script], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], timeout: 15 * 60_000 });
  if (result.status !== 0) throw new Error(`test/peers/chromium-setup failed (exit ${result.status ?? result.signal}): chromium could not be installed; see its output above`);
  executable = result.stdout.trim().split("\n").at(-1) as string;
  return executable;
}

export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-dev-shm-usage",
];

/** Playwright gives every launch a fresh user-data-dir of its own. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS, timeout: 120_000 });
}

export interface ConsolePage {
  context: BrowserContext;
  page: Page;
  /** Uncaught errors in the page. */
  errors: string[];
  /** Content-Security-Policy violations. */
  cspViolations: string[];
}

export async function openPage(browser: Browser): Promise<ConsolePage> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, timezoneId: "UTC", locale: "en-GB", acceptDownloads: true });
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  const errors: string[] = [];
  const cspViolations: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error" && m.text().includes("Content Security Policy")) cspViolations.push(m.text());
  });
  page.on("pageerror", (e) => errors.push(e.message));
  return { context, page, errors, cspViolations };
}

/** The page's sessionStorage (init scripts run in the browser; this file is checked against Node's globals). */
interface PageStorage {
  setItem(key: string, value: string): void;
}

/**
 * Opens `url` in `p` signed in with `token` (kept in sessionStorage, as the sign-in screen does), and
 * waits until the header names `who`: a condition waited for, not a poll that gives up while the
 * page still loads.
 */
export async function signIn(p: ConsolePage, url: string, token: string, who: string): Promise<Page> {
  await p.context.addInitScript((t) => (globalThis as unknown as { sessionStorage: PageStorage }).sessionStorage.setItem("modelgate.token", t), token);
  await p.page.goto(url);
  await p.page.locator(".who-name", { hasText: new RegExp(`^${who}$`) }).waitFor();
  return p.page;
}

/** After a failed test: every page as it was, in the temp dir, named in the test output. */
export async function screenshotsOnFailure(test: string, pages: readonly ConsolePage[]): Promise<void> {
  for (const [i, p] of pages.entries()) {
    const path = join(tmpdir(), `modelgate-console-${test.replace(/[^a-z0-9]+/gi, "-").slice(0, 60)}-${i}.png`);
    await p.page.screenshot({ path, fullPage: true }).then(
      () => console.log(`screenshot of page ${i}: ${path}`),
      () => undefined,
    );
  }
}
