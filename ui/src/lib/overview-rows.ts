/**
 * The production overview's table: one row per deployment and per model with a standalone
 * version running (a version only bundled in deployments shows in their rows), one column per
 * environment, filtered by backend, model and environment.
 */
import type { ProductionOverviewQuery } from "../graphql/generated";

type State = ProductionOverviewQuery["whatRunsInProduction"];
export type RunningDeploymentEntry = State["deployments"][number];
export type RunningVersionEntry = State["versions"][number];

export type OverviewCell = { kind: "deployment"; entry: RunningDeploymentEntry } | { kind: "versions"; entries: RunningVersionEntry[] };

export interface OverviewRow {
  key: string;
  kind: "deployment" | "model";
  /** Deployment name, or model name. */
  name: string;
  /** The model's backend; for a deployment, every backend its components come from. */
  backends: string[];
  /** Models a deployment bundles (for the model filter). */
  models: string[];
  cells: Map<string, OverviewCell>;
}

export interface OverviewFilter {
  backend?: string;
  /** Case-insensitive part of a model or deployment name. */
  model?: string;
}

export function buildRows(states: readonly State[]): OverviewRow[] {
  const rows = new Map<string, OverviewRow>();
  const row = (key: string, init: () => Omit<OverviewRow, "cells">): OverviewRow => {
    let r = rows.get(key);
    if (r === undefined) {
      r = { ...init(), cells: new Map() };
      rows.set(key, r);
    }
    return r;
  };
  for (const state of states) {
    for (const d of state.deployments) {
      const r = row(`deployment:${d.deployment.name}`, () => ({ key: `deployment:${d.deployment.name}`, kind: "deployment", name: d.deployment.name, backends: [], models: [] }));
      for (const c of d.revision.components) {
        if (!r.backends.includes(c.backendId)) r.backends.push(c.backendId);
        if (!r.models.includes(c.modelName)) r.models.push(c.modelName);
      }
      r.cells.set(state.environment, { kind: "deployment", entry: d });
    }
    for (const v of state.versions) {
      if (!v.standalone) continue;
      const key = `model:${v.backendId}/${v.modelName}`;
      const r = row(key, () => ({ key, kind: "model", name: v.modelName, backends: [v.backendId], models: [v.modelName] }));
      const cell = r.cells.get(state.environment);
      if (cell?.kind === "versions") cell.entries.push(v);
      else r.cells.set(state.environment, { kind: "versions", entries: [v] });
    }
  }
  return [...rows.values()].sort((a, b) => (a.kind === b.kind ? compareText(a.name, b.name) || compareText(a.backends[0] ?? "", b.backends[0] ?? "") : a.kind === "deployment" ? -1 : 1));
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function filterRows(rows: readonly OverviewRow[], filter: OverviewFilter): OverviewRow[] {
  const needle = filter.model?.trim().toLowerCase() ?? "";
  return rows.filter(
    (r) =>
      (filter.backend === undefined || filter.backend === "" || r.backends.includes(filter.backend)) &&
      (needle === "" || r.name.toLowerCase().includes(needle) || r.models.some((m) => m.toLowerCase().includes(needle))),
  );
}
