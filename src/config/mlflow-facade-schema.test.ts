import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ConfigError } from "./config-error.js";
import { loadConfig } from "./load-config.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "modelgate-config-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const BACKENDS = `backends:
  - { id: git, kind: git-yaml, repo: registry }
  - { id: mlflow-prod, kind: mlflow, trackingUri: "http://mlflow:5000" }
`;

async function problems(yaml: string): Promise<readonly string[]> {
  writeFileSync(join(dir, "modelgate.yaml"), yaml);
  const err = await loadConfig({ cwd: dir, env: {} }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ConfigError);
  return (err as ConfigError).problems;
}

describe("mlflowFacade", () => {
  it("is on by default, with no default backend and no webhooks", async () => {
    expect((await loadConfig({ cwd: dir, env: {} })).config.mlflowFacade).toEqual({ enabled: true, applyWaitMs: 10_000, maxVersionsPerModel: 1_000, webhooks: [] });
  });

  it("takes a default backend and an MLflow webhook, with their defaults", async () => {
    writeFileSync(
      join(dir, "modelgate.yaml"),
      `${BACKENDS}mlflowFacade:\n  defaultBackend: git\n  webhooks:\n    - { backend: mlflow-prod, url: "https://gw.example.com/hooks/mlflow/mlflow-prod", secret: "0123456789abcdef" }\n`,
    );
    const { mlflowFacade } = (await loadConfig({ cwd: dir, env: {} })).config;
    expect(mlflowFacade.defaultBackend).toBe("git");
    expect(mlflowFacade.webhooks).toEqual([
      { backend: "mlflow-prod", url: "https://gw.example.com/hooks/mlflow/mlflow-prod", secret: "0123456789abcdef", register: true, toleranceSeconds: 300 },
    ]);
  });

  it("refuses an unknown default backend, a webhook of a backend that is not MLflow, and a registered webhook without its URL", async () => {
    const found = await problems(
      `${BACKENDS}mlflowFacade:\n  defaultBackend: nope\n  webhooks:\n    - { backend: git, url: "https://gw.example.com/hooks/mlflow/git", secret: "0123456789abcdef" }\n    - { backend: mlflow-prod, secret: "0123456789abcdef" }\n`,
    );
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^mlflowFacade\.defaultBackend .*unknown backend "nope"; configured: git, mlflow-prod/),
        expect.stringMatching(/^mlflowFacade\.webhooks\[0\]\.backend .*backend "git" is git-yaml, not mlflow/),
        expect.stringMatching(/^mlflowFacade\.webhooks\[1\]\.url .*url is required when register is true/),
      ]),
    );
  });
});
