/**
 * The metrics, their documentation, the Grafana dashboard and the alert rules stay in step:
 * docs/operations.md names every metric the gateway registers, deploy/grafana-dashboard.json charts
 * every one of them, and neither the dashboard nor deploy/prometheus-alerts.yaml queries a metric
 * that does not exist.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { GatewayMetrics } from "./metrics.js";

const ROOT = join(import.meta.dirname, "../..");
const registered = () => new GatewayMetrics({ maxOperationNames: 1 }).registry.getMetricsAsArray().map((m) => m.name);
const ours = (names: string[]) => names.filter((n) => n.startsWith("modelgate_"));

/** Every expression of every panel of the dashboard. */
async function dashboardExpressions(): Promise<string[]> {
  const dashboard = JSON.parse(await readFile(join(ROOT, "deploy/grafana-dashboard.json"), "utf8")) as { panels: { targets?: { expr: string }[] }[] };
  return dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr));
}

/** The metric names an expression reads (histogram samples by their histogram's name). */
const metricNames = (exprs: string[]) => new Set(exprs.flatMap((e) => [...e.matchAll(/\b((?:modelgate|nodejs|process)_[a-z0-9_]+)\b/g)].map((m) => m[1]!.replace(/_(bucket|count|sum)$/, ""))));

describe("metrics, docs, dashboard and alerts", () => {
  it("docs/operations.md names every metric the gateway registers", async () => {
    const docs = await readFile(join(ROOT, "docs/operations.md"), "utf8");
    const names = ours(registered());
    expect(names.length).toBeGreaterThanOrEqual(14);
    expect(names.filter((n) => !docs.includes(`| \`${n}\` |`))).toEqual([]);
  });

  it("the Grafana dashboard charts every one and queries only metrics that exist", async () => {
    const all = new Set(registered());
    const used = metricNames(await dashboardExpressions());
    expect([...used].filter((n) => !all.has(n))).toEqual([]);
    expect(ours([...all]).filter((n) => !used.has(n))).toEqual([]);
  });

  it("the alert rules query only metrics that exist", async () => {
    const rules = parse(await readFile(join(ROOT, "deploy/prometheus-alerts.yaml"), "utf8")) as { groups: { rules: { alert: string; expr: string }[] }[] };
    const exprs = rules.groups.flatMap((g) => g.rules.map((r) => r.expr));
    expect(exprs.length).toBeGreaterThanOrEqual(10);
    const all = new Set(registered());
    expect([...metricNames(exprs)].filter((n) => !all.has(n))).toEqual([]);
  });
});
