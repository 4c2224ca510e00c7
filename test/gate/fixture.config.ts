/**
 * The suite's own configuration (vitest.config.ts), including the integration project's real global
 * setup with every peer, pointed at fixtures that fail on purpose. Used only by exit-status.test.ts.
 */
import { defineConfig, type TestProjectInlineConfiguration } from "vitest/config";
import base from "../../vitest.config.js";

const integration = (base.test?.projects ?? []).find(
  (p): p is TestProjectInlineConfiguration => typeof p === "object" && "test" in p && p.test?.name === "integration",
);
if (!integration?.test?.globalSetup) throw new Error("vitest.config.ts has no integration project with a global setup");

export default defineConfig({
  ...base,
  test: {
    ...base.test,
    projects: [
      {
        extends: true,
        test: {
          name: "gate-fixtures",
          include: [`test/gate/fixtures/${process.env.GATE_FIXTURE ?? "*"}.fixture.ts`],
          globalSetup: integration.test.globalSetup,
        },
      },
    ],
  },
});
