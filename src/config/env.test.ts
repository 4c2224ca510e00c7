import { describe, expect, it } from "vitest";
import { applyEnvOverrides, readEnvOverrides } from "./env.js";

describe("readEnvOverrides", () => {
  it("parses each variable into the key it sets", () => {
    const { overrides, problems } = readEnvOverrides(
      {
        MODELGATE_HOST: " 0.0.0.0 ",
        MODELGATE_PORT: " 8080 ",
        MODELGATE_MODE: "Production",
        MODELGATE_INTROSPECTION: "FALSE",
        MODELGATE_DATA_DIR: "state",
        MODELGATE_LOG_LEVEL: "warn",
      },
      "/srv/app",
    );
    expect(problems).toEqual([]);
    expect(overrides).toEqual([
      { variable: "MODELGATE_HOST", path: ["server", "host"], value: "0.0.0.0" },
      { variable: "MODELGATE_PORT", path: ["server", "port"], value: 8080 },
      { variable: "MODELGATE_MODE", path: ["server", "mode"], value: "production" },
      { variable: "MODELGATE_INTROSPECTION", path: ["server", "introspection"], value: false },
      { variable: "MODELGATE_DATA_DIR", path: ["dataDir"], value: "/srv/app/state" },
      { variable: "MODELGATE_LOG_LEVEL", path: ["logLevel"], value: "warn" },
    ]);
  });

  it.each([
    ["1", true],
    ["true", true],
    ["0", false],
    ["False", false],
  ])("reads MODELGATE_INTROSPECTION=%s as %s", (raw, value) => {
    expect(readEnvOverrides({ MODELGATE_INTROSPECTION: raw }, "/").overrides[0]?.value).toBe(value);
  });

  it.each(["-1", "65536", "80.5", "0x50", "eighty"])("rejects MODELGATE_PORT=%s", (raw) => {
    const { overrides, problems } = readEnvOverrides({ MODELGATE_PORT: raw }, "/");
    expect(overrides).toEqual([]);
    expect(problems).toEqual([{ variable: "MODELGATE_PORT", message: expect.stringContaining(JSON.stringify(raw)) }]);
  });

  it("accepts the port bounds 0 and 65535", () => {
    expect(readEnvOverrides({ MODELGATE_PORT: "0" }, "/").overrides[0]?.value).toBe(0);
    expect(readEnvOverrides({ MODELGATE_PORT: "65535" }, "/").overrides[0]?.value).toBe(65535);
  });

  it("ignores unset and blank variables", () => {
    expect(readEnvOverrides({ MODELGATE_HOST: "", MODELGATE_PORT: "   " }, "/")).toEqual({ overrides: [], problems: [] });
  });
});

describe("applyEnvOverrides", () => {
  it("creates missing sections and overwrites existing keys", () => {
    const raw: Record<string, unknown> = { server: { port: 1, host: "h" }, environments: null };
    applyEnvOverrides(raw, [
      { variable: "MODELGATE_PORT", path: ["server", "port"], value: 2 },
      { variable: "X", path: ["environments", "dev", "stage"], value: "STAGING" },
      { variable: "MODELGATE_LOG_LEVEL", path: ["logLevel"], value: "warn" },
    ]);
    expect(raw).toEqual({ server: { port: 2, host: "h" }, environments: { dev: { stage: "STAGING" } }, logLevel: "warn" });
  });

  it("leaves a section that is not a mapping for validation to report", () => {
    const raw: Record<string, unknown> = { server: [1] };
    applyEnvOverrides(raw, [{ variable: "MODELGATE_PORT", path: ["server", "port"], value: 2 }]);
    expect(raw).toEqual({ server: [1] });
  });
});
