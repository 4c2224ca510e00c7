/** axe-core on a console screen: serious and critical violations, described for a failing test. */
import { AxeBuilder } from "@axe-core/playwright";
import type { Page } from "playwright-core";

/** `include`: a CSS selector to check only that part of the page (a panel new on a screen checked elsewhere). */
export async function seriousViolations(page: Page, include?: string): Promise<string[]> {
  const builder = new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]);
  const result = await (include === undefined ? builder : builder.include(include)).analyze();
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.impact}: ${v.id} (${v.help}) at ${v.nodes.map((n) => n.target.join(" ")).slice(0, 5).join(" | ")}`);
}
