import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ConfigError } from "./config-error.js";
import { loadConfig } from "./load-config.js";
import { configSchema } from "./schema.js";

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "modelgate-config-"));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function write(name: string, text: string): string {
  const file = join(dir, name);
  mkdirSync(join(file, ".."), { recursive: true });
  writeFileSync(file, text);
  return file;
}

/** The ConfigError `promise` rejects with. */
async function configError(promise: Promise<unknown>): Promise<ConfigError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ConfigError);
  return err as ConfigError;
}

describe("loadConfig: finding the file", () => {
  it("uses the defaults when there is no file, with configDir = cwd", async () => {
    const loaded = await loadConfig({ cwd: dir, env: {} });
    expect(loaded).toEqual({
      config: configSchema.parse({}),
      configDir: dir,
      dataDir: join(dir, ".modelgate"),
    });
    expect(loaded.config.server).toMatchObject({ host: "127.0.0.1", port: 4000, mode: "development" });
    expect(loaded.config.environments).toEqual({ production: { stage: "PRODUCTION" }, staging: { stage: "STAGING" } });
  });

  it("reads modelgate.yaml from cwd", async () => {
    const file = write("modelgate.yaml", "server:\n  port: 5000\n");
    const loaded = await loadConfig({ cwd: dir, env: {} });
    expect(loaded.configPath).toBe(file);
    expect(loaded.configDir).toBe(dir);
    expect(loaded.config.server.port).toBe(5000);
  });

  it("prefers opts.path over MODELGATE_CONFIG over ./modelgate.yaml, each relative to cwd", async () => {
    write("modelgate.yaml", "logLevel: warn\n");
    write("env/from-env.yaml", "logLevel: error\n");
    write("opt/from-opt.yaml", "logLevel: debug\n");
    const env = { MODELGATE_CONFIG: "env/from-env.yaml" };
    expect((await loadConfig({ cwd: dir, env, path: "opt/from-opt.yaml" })).config.logLevel).toBe("debug");
    const fromEnv = await loadConfig({ cwd: dir, env });
    expect(fromEnv.config.logLevel).toBe("error");
    expect(fromEnv.configDir).toBe(join(dir, "env"));
    expect((await loadConfig({ cwd: dir, env: { MODELGATE_CONFIG: " " } })).config.logLevel).toBe("warn");
  });

  it("fails when an explicitly named file does not exist, naming it and where the name came from", async () => {
    const err = await configError(loadConfig({ cwd: dir, env: { MODELGATE_CONFIG: "missing.yaml" } }));
    expect(err.message).toContain(join(dir, "missing.yaml"));
    expect(err.message).toContain("MODELGATE_CONFIG");
    expect(err.file).toBe(join(dir, "missing.yaml"));
    expect(err.exitCode).toBe(2);
    await expect(loadConfig({ cwd: dir, env: {}, path: "." })).rejects.toThrow(/is not a regular file/);
  });

  it("treats an empty file, and empty sections, as defaults", async () => {
    write("modelgate.yaml", "# nothing yet\nserver:\nbackends:\n");
    const loaded = await loadConfig({ cwd: dir, env: {} });
    expect(loaded.config).toEqual(configSchema.parse({}));
  });
});

describe("loadConfig: values", () => {
  it("keeps adapter keys of backends for the adapter to validate, and applies backend defaults", async () => {
    write(
      "modelgate.yaml",
      ["backends:", "  - id: git", "    kind: git-yaml", "    repo: ./registry", "    branch: main", "    readOnly: true"].join("\n"),
    );
    const { config } = await loadConfig({ cwd: dir, env: {} });
    expect(config.backends).toEqual([
      { id: "git", kind: "git-yaml", timeoutMs: 10_000, resolveCacheMs: 1_000, repo: "./registry", branch: "main", readOnly: true },
    ]);
  });

  it("resolves dataDir against the config file's directory", async () => {
    write("conf/modelgate.yaml", "dataDir: ../state\n");
    const loaded = await loadConfig({ cwd: dir, env: {}, path: "conf/modelgate.yaml" });
    expect(loaded.dataDir).toBe(join(dir, "state"));
    expect(loaded.config.dataDir).toBe("../state");
  });

  it("lets environment variables override the file", async () => {
    write("conf/modelgate.yaml", "server:\n  host: 0.0.0.0\n  port: 5000\n  mode: development\nlogLevel: warn\ndataDir: data\n");
    const loaded = await loadConfig({
      cwd: dir,
      path: "conf/modelgate.yaml",
      env: {
        MODELGATE_HOST: "10.0.0.1",
        MODELGATE_PORT: "6000",
        MODELGATE_MODE: "production",
        MODELGATE_INTROSPECTION: "true",
        MODELGATE_DATA_DIR: "var/modelgate",
        MODELGATE_LOG_LEVEL: "DEBUG",
      },
    });
    expect(loaded.config.server).toMatchObject({ host: "10.0.0.1", port: 6000, mode: "production", introspection: true });
    expect(loaded.config.logLevel).toBe("debug");
    // A data dir from the environment is relative to the working directory, not the file.
    expect(loaded.dataDir).toBe(join(dir, "var/modelgate"));
  });

  it("ignores blank override variables", async () => {
    write("modelgate.yaml", "server:\n  port: 5000\n");
    const loaded = await loadConfig({ cwd: dir, env: { MODELGATE_PORT: "", MODELGATE_MODE: "  " } });
    expect(loaded.config.server).toMatchObject({ port: 5000, mode: "development" });
  });

  it("substitutes ${VAR} in string values, with defaults and $${ escapes", async () => {
    write(
      "modelgate.yaml",
      [
        "server:",
        "  host: ${BIND_HOST}",
        "backends:",
        "  - id: mlflow",
        "    kind: mlflow",
        "    url: ${MLFLOW_URL:-http://localhost:5000}",
        "    token: Bearer ${MLFLOW_TOKEN}",
        "    note: costs $${PRICE}",
        "    timeoutMs: 2000",
      ].join("\n"),
    );
    const { config } = await loadConfig({ cwd: dir, env: { BIND_HOST: "0.0.0.0", MLFLOW_TOKEN: "s3cret" } });
    expect(config.server.host).toBe("0.0.0.0");
    expect(config.backends[0]).toMatchObject({
      url: "http://localhost:5000",
      token: "Bearer s3cret",
      note: "costs ${PRICE}",
      timeoutMs: 2000,
    });
  });
});

describe("loadConfig: errors", () => {
  it("names the file, line and column of a YAML syntax error", async () => {
    const file = write("modelgate.yaml", "server:\n  port: 4000\nbackends: [\n  {id: git\n");
    const err = await configError(loadConfig({ cwd: dir, env: {} }));
    expect(err.message).toMatch(new RegExp(`^invalid YAML in ${file}:\\n  line \\d+, column \\d+: `));
    expect(err.file).toBe(file);
  });

  it("reports duplicate YAML keys with their line", async () => {
    write("modelgate.yaml", "logLevel: info\nlogLevel: warn\n");
    const err = await configError(loadConfig({ cwd: dir, env: {} }));
    expect(err.message).toContain("line 2, column 1:");
  });

  it("names every bad key as a dotted path with its line, in one error", async () => {
    const file = write(
      "modelgate.yaml",
      [
        "server:", //                1
        "  port: abc", //            2
        "  prot: 4000", //           3
        "  mode: prod", //           4
        "environments:", //          5
        "  Prod:", //                6
        "    stage: PRODUCTION", //  7
        "  canary:", //              8
        "    stage: LIVE", //        9
        "backends:", //              10
        "  - id: git", //            11
        "    kind: git-yaml", //     12
        "  - id: Git_Repo", //       13
        "    kind: git-yaml", //     14
        "  - kind: mlflow", //       15
        "    timeoutMs: -5", //      16
        "extra: 1", //               17
      ].join("\n"),
    );
    const err = await configError(loadConfig({ cwd: dir, env: {} }));
    expect(err.file).toBe(file);
    expect(err.message.split("\n")[0]).toBe(`invalid modelgate configuration in ${file}:`);
    expect(err.problems).toHaveLength(9);
    expect(err.problems).toEqual(
      expect.arrayContaining([
        'server.port (line 2): expected number, got "abc"',
        'server.prot (line 3): unknown key (did you mean "port"?)',
        'server.mode (line 4): expected one of "development", "production", got "prod"',
        expect.stringMatching(/^environments\.Prod \(line 6\): invalid name "Prod": environment names are lower-case ids/),
        expect.stringMatching(/^environments\.canary\.stage \(line 9\): expected one of "NONE", .*got "LIVE"$/),
        `backends[1].id (line 13): must be lower-case letters, digits, '-' or '_' (at most 63), got "Git_Repo"`,
        "backends[2].id (line 15): is required (expected string)",
        "backends[2].timeoutMs (line 16): expected number to be >0, got -5",
        "extra (line 17): unknown key",
      ]),
    );
  });

  it("reports duplicate backend ids with the line of the repeated id", async () => {
    write(
      "modelgate.yaml",
      ["backends:", "  - id: git", "    kind: git-yaml", "  - id: git", "    kind: git-yaml", "    timeoutMs: 0"].join("\n"),
    );
    const err = await configError(loadConfig({ cwd: dir, env: {} }));
    expect(err.problems).toEqual(
      expect.arrayContaining([
        'backends[1].id (line 4): duplicate backend id "git"',
        expect.stringMatching(/^backends\[1\]\.timeoutMs \(line 6\)/),
      ]),
    );
  });

  it("names the variable and the key of a missing ${VAR}", async () => {
    write("modelgate.yaml", "backends:\n  - id: mlflow\n    kind: mlflow\n    token: ${MLFLOW_TOKEN}\n");
    const err = await configError(loadConfig({ cwd: dir, env: {} }));
    expect(err.problems).toEqual([
      "backends[0].token (line 4): environment variable MLFLOW_TOKEN is not set (referenced as ${MLFLOW_TOKEN})",
    ]);
  });

  it("does not echo values that came from the environment", async () => {
    write("modelgate.yaml", "server:\n  mode: ${MODE}\n");
    const err = await configError(loadConfig({ cwd: dir, env: { MODE: "hunter2" } }));
    expect(err.message).not.toContain("hunter2");
    expect(err.problems).toEqual([
      'server.mode (line 2): expected one of "development", "production", got a string from the environment',
    ]);
  });

  it("names every invalid override variable", async () => {
    const err = await configError(
      loadConfig({
        cwd: dir,
        env: { MODELGATE_PORT: "70000", MODELGATE_INTROSPECTION: "maybe", MODELGATE_LOG_LEVEL: "loud", MODELGATE_MODE: "prod" },
      }),
    );
    expect(err.message.split("\n")[0]).toMatch(/no config file/);
    expect(err.problems).toEqual([
      'MODELGATE_PORT: expected a whole number from 0 to 65535, got "70000"',
      'MODELGATE_MODE: expected one of "development", "production", got "prod"',
      'MODELGATE_INTROSPECTION: expected true or false, got "maybe"',
      'MODELGATE_LOG_LEVEL: expected one of "trace", "debug", "info", "warn", "error", "fatal", "silent", got "loud"',
    ]);
  });

  it("attributes a problem under an overridden key to its variable", async () => {
    write("modelgate.yaml", "server: 5\n");
    const err = await configError(loadConfig({ cwd: dir, env: { MODELGATE_PORT: "1" } }));
    expect(err.problems).toEqual(["server (line 1): expected object, got 5"]);
  });

  it("suggests the key meant by a misspelt one", async () => {
    write("modelgate.yaml", "backend: []\nserver:\n  Port: 1\n  requestTimeout: 5\n  colour: red\n");
    const err = await configError(loadConfig({ cwd: dir, env: {} }));
    expect(err.problems).toEqual([
      'server.Port (line 3): unknown key (did you mean "port"?)',
      'server.requestTimeout (line 4): unknown key (did you mean "requestTimeoutMs"?)',
      "server.colour (line 5): unknown key",
      'backend (line 1): unknown key (did you mean "backends"?)',
    ]);
  });

  it("rejects a file whose top level is not a mapping", async () => {
    write("modelgate.yaml", "- server\n- backends\n");
    const err = await configError(loadConfig({ cwd: dir, env: {} }));
    expect(err.problems).toEqual(["(top level): expected a mapping of keys (server:, backends: ...), found a list"]);
  });
});
