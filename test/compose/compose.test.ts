/**
 * docker-compose.yml, the Dockerfile and .dockerignore checked against the gateway's code: no
 * Docker here, so this is what keeps the compose stack from drifting away from the config schema,
 * the environment variables the gateway reads, its port and its health endpoints.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { posix, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parse as parseYaml } from "yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { CONFIG_PATH_VAR, ENV_OVERRIDES } from "../../src/config/env.js";
import { ConfigError, loadConfig } from "../../src/config/load-config.js";
import type { LoadedConfig } from "../../src/config/schema.js";
import { BUILT_IN_ADAPTERS, resolveFactory } from "../../src/app/adapter-registry.js";
import { isLoopback } from "../../src/http/auth.js";

const ROOT = resolve(fileURLToPath(new URL("../..", import.meta.url)));
const COMPOSE_FILE = resolve(ROOT, "docker-compose.yml");
const DOCKERFILE = resolve(ROOT, "Dockerfile");
const DOCKERIGNORE = resolve(ROOT, ".dockerignore");

/** Selects PostgreSQL as the store (read by the store opener, not an override of ENV_OVERRIDES). */
const DATABASE_URL_VAR = "MODELGATE_DATABASE_URL";
/** Every MODELGATE_* variable the gateway process reads. */
const GATEWAY_VARIABLES = new Set([...ENV_OVERRIDES.map((o) => o.variable), CONFIG_PATH_VAR, DATABASE_URL_VAR]);

/** The host environment `docker compose up` is run with in these tests (what .env would hold). */
const ADMIN_TOKEN = "mg_compose-test-token";
const HOST_ENV: Record<string, string> = {
  ADMIN_TOKEN_SHA256: createHash("sha256").update(ADMIN_TOKEN, "utf8").digest("hex"),
};

type Dict = Record<string, unknown>;

function isDict(value: unknown): value is Dict {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

// ---------------------------------------------------------------------------------------------
// docker compose semantics (the parts this file uses)

/** Compose's interpolation of one string: $$, $VAR, ${VAR}, ${VAR:-d}, ${VAR-d}, ${VAR:?e}, ${VAR?e}. */
function interpolate(text: string, env: Record<string, string>): string {
  return text.replace(
    /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-?])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (match: string, name?: string, colon?: string, op?: string, arg?: string, bare?: string) => {
      if (match === "$$") return "$";
      if (bare !== undefined) return env[bare] ?? "";
      const value = env[name!];
      const missing = value === undefined || (colon === ":" && value === "");
      if (op === "-") return missing ? (arg ?? "") : value!;
      if (op === "?") {
        if (missing) throw new Error(`compose: required variable ${name} is missing: ${arg}`);
        return value!;
      }
      return value ?? "";
    },
  );
}

function interpolateAll(value: unknown, env: Record<string, string>): unknown {
  if (typeof value === "string") return interpolate(value, env);
  if (Array.isArray(value)) return value.map((v) => interpolateAll(v, env));
  if (isDict(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolateAll(v, env)]));
  return value;
}

function loadCompose(env: Record<string, string>): { services: Record<string, Dict>; volumes: Dict } {
  const doc = interpolateAll(parseYaml(readFileSync(COMPOSE_FILE, "utf8")), env);
  if (!isDict(doc) || !isDict(doc.services)) throw new Error("docker-compose.yml has no services mapping");
  const services: Record<string, Dict> = {};
  for (const [name, service] of Object.entries(doc.services)) services[name] = isDict(service) ? service : {};
  return { services, volumes: isDict(doc.volumes) ? doc.volumes : {} };
}

/** A service's `environment`, as a mapping (the list form `KEY=value` too). */
function environmentOf(service: Dict): Record<string, string> {
  const env = service.environment;
  const out: Record<string, string> = {};
  if (Array.isArray(env)) {
    for (const item of env) {
      const [key, ...rest] = String(item).split("=");
      out[key!] = rest.join("=");
    }
  } else if (isDict(env)) {
    for (const [key, value] of Object.entries(env)) out[key] = value === null || value === undefined ? "" : String(value);
  }
  return out;
}

interface PortMapping {
  hostIp?: string;
  published?: number;
  target: number;
}

function portsOf(service: Dict): PortMapping[] {
  const ports = Array.isArray(service.ports) ? service.ports : [];
  return ports.map((p): PortMapping => {
    if (isDict(p)) {
      return {
        ...(p.host_ip === undefined ? {} : { hostIp: String(p.host_ip) }),
        ...(p.published === undefined ? {} : { published: Number(p.published) }),
        target: Number(p.target),
      };
    }
    const parts = String(p).replace(/\/(tcp|udp)$/, "").split(":");
    const target = Number(parts.at(-1));
    if (parts.length === 1) return { target };
    if (parts.length === 2) return { published: Number(parts[0]), target };
    return { hostIp: parts.slice(0, -2).join(":"), published: Number(parts.at(-2)), target };
  });
}

interface Mount {
  source?: string;
  target: string;
  readOnly: boolean;
}

function volumesOf(service: Dict): Mount[] {
  const volumes = Array.isArray(service.volumes) ? service.volumes : [];
  return volumes.map((v): Mount => {
    if (isDict(v)) {
      return { ...(v.source === undefined ? {} : { source: String(v.source) }), target: String(v.target), readOnly: v.read_only === true };
    }
    const parts = String(v).split(":");
    if (parts.length === 1) return { target: parts[0]!, readOnly: false };
    return { source: parts[0]!, target: parts[1]!, readOnly: (parts[2] ?? "").split(",").includes("ro") };
  });
}

/** The healthcheck test as one command line (CMD and CMD-SHELL forms alike). */
function healthcheckCommand(service: Dict): string | undefined {
  const hc = service.healthcheck;
  if (!isDict(hc) || hc.disable === true || hc.test === undefined) return undefined;
  if (typeof hc.test === "string") return hc.test;
  if (!Array.isArray(hc.test)) return undefined;
  const [kind, ...args] = hc.test.map(String);
  return kind === "NONE" ? undefined : args.join(" ");
}

/** A command given as a list or a string, as a list of words. */
function words(command: unknown): string[] {
  if (Array.isArray(command)) return command.map(String);
  if (typeof command === "string") return command.trim().split(/\s+/);
  return [];
}

function optionValue(args: readonly string[], name: string): string | undefined {
  for (const [i, arg] of args.entries()) {
    if (arg === name) return args[i + 1];
    if (arg.startsWith(`${name}=`)) return arg.slice(name.length + 1);
  }
  return undefined;
}

/** http(s) URLs in a command line. */
function urlsIn(command: string): URL[] {
  return [...command.matchAll(/https?:\/\/[^\s'"`)]+/g)].map((m) => new URL(m[0]));
}

function portOf(url: URL): number {
  return url.port === "" ? (url.protocol === "https:" ? 443 : 80) : Number(url.port);
}

// ---------------------------------------------------------------------------------------------
// Dockerfile and .dockerignore

interface Instruction {
  keyword: string;
  args: string;
}

interface Stage {
  from: string;
  name?: string;
  instructions: Instruction[];
}

function parseDockerfile(text: string): Stage[] {
  const lines: string[] = [];
  let pending = "";
  for (const raw of text.split("\n")) {
    if (/^\s*#/.test(raw)) continue;
    if (/\\\s*$/.test(raw)) {
      pending += raw.replace(/\\\s*$/, " ");
      continue;
    }
    lines.push(pending + raw);
    pending = "";
  }
  if (pending !== "") lines.push(pending);
  const stages: Stage[] = [];
  for (const line of lines) {
    const m = /^\s*([A-Za-z]+)\s+(.*)$/.exec(line);
    if (!m) continue;
    const keyword = m[1]!.toUpperCase();
    const args = m[2]!.trim();
    if (keyword === "FROM") {
      const from = /^(?:--\S+\s+)*(\S+)(?:\s+AS\s+(\S+))?/i.exec(args);
      stages.push({ from: from?.[1] ?? args, ...(from?.[2] === undefined ? {} : { name: from[2] }), instructions: [] });
    } else {
      stages.at(-1)?.instructions.push({ keyword, args });
    }
  }
  return stages;
}

function instructions(stage: Stage, keyword: string): string[] {
  return stage.instructions.filter((i) => i.keyword === keyword).map((i) => i.args);
}

/** The words of an exec-form (JSON array) or shell-form argument. */
function execWords(args: string): string[] {
  const trimmed = args.trim();
  if (trimmed.startsWith("[")) return (JSON.parse(trimmed) as unknown[]).map(String);
  return trimmed.split(/\s+/);
}

/** COPY without --from: sources (in the build context) and the destination. */
function contextCopies(stage: Stage): { sources: string[]; dest: string }[] {
  return instructions(stage, "COPY")
    .filter((args) => !/--from=/.test(args))
    .map((args) => {
      const parts = execWords(args.replace(/--\S+\s+/g, ""));
      return { sources: parts.slice(0, -1), dest: parts.at(-1)! };
    });
}

function workdir(stage: Stage): string {
  return instructions(stage, "WORKDIR").reduce((dir, next) => posix.resolve(dir, next), "/");
}

/** A .dockerignore pattern as a RegExp: `**` any number of directories, `*` and `?` within one. */
function ignorePattern(pattern: string): RegExp {
  let re = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === "*" && pattern[i + 1] === "*") {
      const slash = pattern[i + 2] === "/";
      re += slash ? "(?:.*/)?" : ".*";
      i += slash ? 2 : 1;
    } else if (c === "*") re += "[^/]*";
    else if (c === "?") re += "[^/]";
    else re += /[.+^${}()|[\]\\]/.test(c) ? `\\${c}` : c;
  }
  return new RegExp(`^${re}$`);
}

/** .dockerignore semantics: `!` re-includes, the last matching line wins, a match on a parent directory counts. */
function dockerignored(path: string, lines: readonly string[]): boolean {
  const segments = path.split("/");
  let ignored = false;
  for (const line of lines) {
    const negated = line.startsWith("!");
    const re = ignorePattern(posix.normalize(negated ? line.slice(1) : line).replace(/^\/+|\/+$/g, ""));
    if (segments.some((_, i) => re.test(segments.slice(0, i + 1).join("/")))) ignored = !negated;
  }
  return ignored;
}

// ---------------------------------------------------------------------------------------------

/** The compose stack as the gateway container sees it. */
function stack(hostEnv: Record<string, string>) {
  const { services } = loadCompose(hostEnv);
  const gateway = services.gateway ?? {};
  const stages = parseDockerfile(readFileSync(DOCKERFILE, "utf8"));
  const runtime = stages.at(-1)!;
  const imageEnv = Object.fromEntries(
    instructions(runtime, "ENV").flatMap((args) =>
      [...args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|\S+)/g)].map((m) => [m[1]!, m[2]!.replace(/^"|"$/g, "")]),
    ),
  );
  /** What the gateway process sees: the image's ENV, then the service's environment. */
  const processEnv: Record<string, string> = { ...imageEnv, ...environmentOf(gateway) };
  const cwd = workdir(runtime);
  /** The host file mounted where MODELGATE_CONFIG points. */
  const configFile = (): string => {
    const containerPath = processEnv[CONFIG_PATH_VAR];
    if (containerPath === undefined) throw new Error(`the gateway's environment sets no ${CONFIG_PATH_VAR}`);
    const mount = volumesOf(gateway).find((m) => posix.resolve(cwd, containerPath) === m.target);
    if (mount?.source === undefined) throw new Error(`no volume of the gateway service is mounted at ${containerPath}`);
    return resolve(ROOT, mount.source);
  };
  const load = () => loadConfig({ path: configFile(), env: processEnv, cwd });
  return { services, gateway, stages, runtime, processEnv, cwd, configFile, load };
}

describe("docker-compose.yml", () => {
  const { services, gateway, runtime, processEnv, configFile: mountedConfig, load } = stack(HOST_ENV);
  const postgres = services.postgres ?? {};
  const mlflow = services.mlflow ?? {};
  const gatewayEnv = environmentOf(gateway);
  const mlflowArgs = words(mlflow.command);
  let loaded: LoadedConfig;
  let configFile: string;

  beforeAll(async () => {
    configFile = mountedConfig();
    loaded = await load();
  });

  it("has the gateway, postgres and mlflow services, each with an image or a build", () => {
    expect(Object.keys(services)).toEqual(expect.arrayContaining(["gateway", "postgres", "mlflow"]));
    for (const [name, service] of Object.entries(services)) {
      expect(service.image ?? service.build, `service ${name}`).toBeDefined();
    }
    expect(gateway.build, "the gateway is built from the Dockerfile").toBeDefined();
  });

  it("gives the gateway only MODELGATE_* variables the gateway reads", () => {
    const unknown = Object.keys(processEnv).filter((v) => v.startsWith("MODELGATE_") && !GATEWAY_VARIABLES.has(v));
    expect(unknown, `known: ${[...GATEWAY_VARIABLES].join(", ")}`).toEqual([]);
  });

  it("mounts the gateway's config file read-only from the repository, and it loads", () => {
    expect(existsSync(configFile), configFile).toBe(true);
    expect(volumesOf(gateway).find((m) => resolve(ROOT, m.source ?? "") === configFile)?.readOnly).toBe(true);
    expect(loaded.configPath).toBe(configFile);
  });

  it("takes the auth token hashes from the environment, so the gateway may bind a non-loopback address", async () => {
    const { host } = loaded.config.server;
    if (!isLoopback(host)) {
      expect(loaded.config.auth?.tokens.length || loaded.config.auth?.jwt, "auth is required off loopback").toBeTruthy();
    }
    const raw = parseYaml(readFileSync(configFile, "utf8")) as { auth?: { tokens?: { sha256?: unknown }[] } };
    for (const token of raw.auth?.tokens ?? []) expect(String(token.sha256)).toMatch(/^\$\{[A-Za-z_][A-Za-z0-9_]*\}$/);
    // Without the host's variable the stack refuses to start, naming the key.
    const failure = await stack({})
      .load()
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ConfigError);
    expect((failure as ConfigError).problems.join("\n")).toMatch(/auth\.tokens\[0\]\.sha256/);
  });

  it("passes every backend entry through its adapter's own config schema", async () => {
    for (const [index, backend] of loaded.config.backends.entries()) {
      const factory = await resolveFactory(backend.kind, `backends[${index}]`, BUILT_IN_ADAPTERS);
      const { id: _id, kind: _kind, timeoutMs: _timeout, resolveCacheMs: _resolveCache, ...own } = backend;
      expect(() => factory.configSchema.parse(own), `backends[${index}] (${backend.id})`).not.toThrow();
    }
  });

  it("publishes the gateway's configured port", () => {
    const { port, host } = loaded.config.server;
    expect(host).toBe("0.0.0.0");
    const mappings = portsOf(gateway);
    expect(mappings.length).toBeGreaterThan(0);
    for (const mapping of mappings) expect(mapping.target).toBe(port);
  });

  it("probes the gateway's /healthz (no backend call) on its port, and waits for healthy postgres and mlflow", () => {
    const command = healthcheckCommand(gateway);
    expect(command, "gateway healthcheck").toBeDefined();
    const urls = urlsIn(command!);
    expect(urls.map((u) => `${u.hostname}:${portOf(u)}${u.pathname}`)).toEqual([`127.0.0.1:${loaded.config.server.port}/healthz`]);
    const dependsOn = isDict(gateway.depends_on) ? gateway.depends_on : {};
    for (const name of ["postgres", "mlflow"]) {
      const dep = dependsOn[name];
      expect(isDict(dep) ? dep.condition : dep, `depends_on ${name}`).toBe("service_healthy");
      expect(healthcheckCommand(services[name] ?? {}), `${name} healthcheck`).toBeDefined();
    }
  });

  it("checks postgres with pg_isready and stores it in a volume", () => {
    expect(healthcheckCommand(postgres)).toMatch(/\bpg_isready\b/);
    expect(volumesOf(postgres).map((m) => m.target)).toContain("/var/lib/postgresql/data");
  });

  it("points MODELGATE_DATABASE_URL at the postgres service with its user, password and database", () => {
    const raw = gatewayEnv[DATABASE_URL_VAR];
    expect(raw, DATABASE_URL_VAR).toBeDefined();
    const url = new URL(raw!);
    const pg = environmentOf(postgres);
    expect(url.protocol).toMatch(/^postgres(ql)?:$/);
    expect(url.hostname).toBe("postgres");
    expect(url.port === "" ? 5432 : Number(url.port)).toBe(5432);
    expect(decodeURIComponent(url.username)).toBe(pg.POSTGRES_USER ?? "postgres");
    expect(decodeURIComponent(url.password)).toBe(pg.POSTGRES_PASSWORD);
    expect(url.pathname.slice(1)).toBe(pg.POSTGRES_DB ?? pg.POSTGRES_USER ?? "postgres");
  });

  it("points the mlflow backend at the mlflow service, whose --allowed-hosts accepts that host", () => {
    const backends = loaded.config.backends.filter((b) => b.kind === "mlflow");
    expect(backends.length).toBeGreaterThan(0);
    const mlflowPort = Number(optionValue(mlflowArgs, "--port") ?? optionValue(mlflowArgs, "-p") ?? 5000);
    const allowed = (optionValue(mlflowArgs, "--allowed-hosts") ?? "").split(",").map((h) => h.trim());
    expect(optionValue(mlflowArgs, "--host") ?? optionValue(mlflowArgs, "-h")).toBe("0.0.0.0");
    for (const backend of backends) {
      const url = new URL(String(backend.trackingUri));
      expect(url.hostname).toBe("mlflow");
      expect(portOf(url)).toBe(mlflowPort);
      expect(allowed).toContain(`${url.hostname}:${portOf(url)}`);
    }
  });

  it("runs mlflow with a SQLite store in a volume and --serve-artifacts, probed on /health", () => {
    expect(mlflowArgs).toContain("--serve-artifacts");
    const store = optionValue(mlflowArgs, "--backend-store-uri") ?? "";
    expect(store).toMatch(/^sqlite:\/\/\/\//);
    const dbFile = store.slice("sqlite:///".length);
    const mounts = volumesOf(mlflow).map((m) => m.target);
    expect(mounts.some((t) => dbFile.startsWith(`${t}/`)), `${dbFile} on one of ${mounts.join(", ")}`).toBe(true);
    const artifacts = optionValue(mlflowArgs, "--artifacts-destination") ?? "";
    expect(mounts.some((t) => artifacts.startsWith(`${t}/`)), `${artifacts} on a volume`).toBe(true);
    const urls = urlsIn(healthcheckCommand(mlflow) ?? "");
    const mlflowPort = Number(optionValue(mlflowArgs, "--port") ?? 5000);
    expect(urls.map((u) => `${portOf(u)}${u.pathname}`)).toEqual([`${mlflowPort}/health`]);
  });

  it("declares every named volume the services mount", () => {
    const { volumes } = loadCompose(HOST_ENV);
    const named = Object.values(services).flatMap((service) =>
      volumesOf(service)
        .map((m) => m.source)
        .filter((source): source is string => source !== undefined && !/^[./~]/.test(source)),
    );
    expect(named.length).toBeGreaterThan(0);
    for (const name of named) expect(Object.keys(volumes), `volume ${name}`).toContain(name);
  });

  it("keeps the gateway's dataDir in a volume", () => {
    const mounts = volumesOf(gateway).filter((m) => m.source !== undefined && !m.source.startsWith(".") && !m.source.startsWith("/"));
    expect(mounts.some((m) => loaded.dataDir === m.target || loaded.dataDir.startsWith(`${m.target}/`)), loaded.dataDir).toBe(true);
  });

  it("finds the git-yaml seed where the Dockerfile copies it", () => {
    const copies = contextCopies(runtime).map((c) => ({ ...c, dest: posix.resolve(workdir(runtime), c.dest) }));
    for (const backend of loaded.config.backends.filter((b) => b.kind === "git-yaml" && b.seedFrom !== undefined)) {
      const seed = posix.resolve(loaded.configDir, String(backend.seedFrom));
      const copy = copies.find((c) => c.sources.length === 1 && (seed === c.dest || seed.startsWith(`${c.dest.replace(/\/$/, "")}/`)));
      expect(copy, `${seed} is copied into the image`).toBeDefined();
      const source = resolve(ROOT, copy!.sources[0]!, posix.relative(copy!.dest, seed));
      expect(existsSync(source), source).toBe(true);
    }
  });
});

describe("Dockerfile", () => {
  const { stages, runtime, load } = stack(HOST_ENV);
  const ignore = readFileSync(DOCKERIGNORE, "utf8")
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("#"));
  let port: number;

  beforeAll(async () => {
    port = (await load()).config.server.port;
  });

  it("builds in one stage and runs on node:24, the newest LTS, in another; CI tests that major", () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const stage of stages) expect(stage.from).toMatch(/^node:24(-|$)/);
    // .ci/run runs the unit project on the other majors (scripts/node-majors.sh): the image's must be one.
    expect(readFileSync(new URL("../../.ci/run", import.meta.url), "utf8")).toMatch(/node-majors\.sh (\d+ )*24\b/);
    const build = stages.find((s) => s.name !== undefined && instructions(runtime, "COPY").some((c) => c.includes(`--from=${s.name}`)));
    expect(build, "a stage the runtime copies from").toBeDefined();
    const runs = instructions(build!, "RUN").join("\n");
    expect(runs).toMatch(/\bnpm ci\b/);
    expect(runs).toMatch(/\bnpm run build\b/);
  });

  it("ships production dependencies only", () => {
    const runtimeRuns = instructions(runtime, "RUN").join("\n");
    const copiesModules = instructions(runtime, "COPY").find((c) => /--from=\S+/.test(c) && /node_modules/.test(c));
    if (copiesModules) {
      const from = /--from=(\S+)/.exec(copiesModules)![1];
      const stage = stages.find((s) => s.name === from);
      expect(instructions(stage!, "RUN").join("\n")).toMatch(/npm (prune|ci)\b[^\n&;]*--omit=dev/);
    } else {
      expect(runtimeRuns).toMatch(/npm ci\b[^\n&;]*--omit=dev/);
    }
    expect(runtimeRuns).not.toMatch(/npm run build/);
  });

  it("runs as a non-root user", () => {
    const user = instructions(runtime, "USER").at(-1);
    expect(user, "USER").toBeDefined();
    expect(user!.split(":")[0]).not.toMatch(/^(root|0)$/);
  });

  it("exposes the configured port and checks /healthz on it with node (the image has no curl)", () => {
    expect(instructions(runtime, "EXPOSE").flatMap((e) => e.split(/\s+/)).map((p) => Number(p.replace(/\/tcp$/, "")))).toEqual([port]);
    const healthcheck = instructions(runtime, "HEALTHCHECK").at(-1);
    expect(healthcheck, "HEALTHCHECK").toBeDefined();
    const command = healthcheck!.replace(/^(--\S+\s+)*CMD\s+/, "");
    expect(execWords(command)[0]).toBe("node");
    expect(command).not.toMatch(/\b(curl|wget)\b/);
    expect(urlsIn(command).map((u) => `${u.hostname}:${portOf(u)}${u.pathname}`)).toEqual([`127.0.0.1:${port}/healthz`]);
  });

  it("starts `modelgate serve`", () => {
    const entry = [...execWords(instructions(runtime, "ENTRYPOINT").at(-1) ?? "[]"), ...execWords(instructions(runtime, "CMD").at(-1) ?? "[]")];
    expect(entry.join(" ")).toMatch(/^node bin\/modelgate\.js serve\b/);
  });

  it("copies only files that exist and that .dockerignore lets into the build context", () => {
    const sources = stages.flatMap((s) => contextCopies(s).flatMap((c) => c.sources));
    expect(sources.length).toBeGreaterThan(0);
    for (const source of sources) {
      expect(existsSync(resolve(ROOT, source)), source).toBe(true);
      expect(dockerignored(posix.normalize(source).replace(/\/$/, ""), ignore), `${source} is excluded by .dockerignore`).toBe(false);
    }
    for (const secretish of [".env", "node_modules", "dist", ".git", ".modelgate"]) {
      expect(dockerignored(secretish, ignore), `${secretish} stays out of the build context`).toBe(true);
    }
  });
});
