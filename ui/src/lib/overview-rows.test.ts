import { describe, expect, it } from "vitest";
import type { ProductionOverviewQuery } from "../graphql/generated";
import { buildRows, filterRows } from "./overview-rows";

type State = ProductionOverviewQuery["whatRunsInProduction"];

const component = (role: string, backendId: string, modelName: string, version: string) => ({ role, backendId, modelName, version, weight: 100, shadow: false, serving: true });
const version = (backendId: string, modelName: string, v: string, standalone: boolean) => ({
  backendId,
  modelName,
  version: v,
  since: null,
  standalone,
  approval: null,
  usedBy: [],
  modelVersion: null,
});
const state = (environment: string, deployments: State["deployments"], versions: State["versions"]): State => ({ environment, asOf: null, failedBackends: [], deployments, versions });
const running = (name: string, environment: string, components: ReturnType<typeof component>[]): State["deployments"][number] => ({
  activatedAt: "2026-12-01T00:00:00Z",
  approval: null,
  deployment: { id: name, name, environment },
  revision: { number: 1, components },
});

describe("overview rows", () => {
  const states = [
    state("production", [running("support-bot", "production", [component("classifier", "example", "support-triage", "14"), component("ranker", "mlflow", "ranker", "2")])], [
      version("example", "support-triage", "14", false),
      version("example", "ticket-embedder", "2", true),
      version("mlflow", "ticket-embedder", "7", true),
    ]),
    state("staging", [], [version("example", "support-triage", "15", true), version("example", "ticket-embedder", "3", true)]),
  ];

  it("makes a row per deployment and per model with a standalone version, a cell per environment", () => {
    const rows = buildRows(states);
    expect(rows.map((r) => [r.key, [...r.cells.keys()]])).toEqual([
      ["deployment:support-bot", ["production"]],
      ["model:example/support-triage", ["staging"]],
      ["model:example/ticket-embedder", ["production", "staging"]],
      ["model:mlflow/ticket-embedder", ["production"]],
    ]);
    expect(rows[0]?.backends).toEqual(["example", "mlflow"]);
  });

  it("filters by backend and by a part of a model or deployment name", () => {
    const rows = buildRows(states);
    expect(filterRows(rows, { backend: "mlflow" }).map((r) => r.key)).toEqual(["deployment:support-bot", "model:mlflow/ticket-embedder"]);
    expect(filterRows(rows, { model: "TRIAGE" }).map((r) => r.key)).toEqual(["deployment:support-bot", "model:example/support-triage"]);
    expect(filterRows(rows, { model: "bot" }).map((r) => r.key)).toEqual(["deployment:support-bot"]);
    expect(filterRows(rows, {})).toHaveLength(4);
  });
});
