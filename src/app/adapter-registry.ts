/**
 * Turns the `backends` list of modelgate.yaml into adapter instances: built-in kinds by name,
 * third-party adapters as npm packages (`kind: "npm:<package>"`).
 */
import type { AdapterContext, AdapterFactory, RegistryAdapter } from "../core/index.js";
import type { BackendConfig } from "../config/schema.js";
import { gitYamlAdapter } from "../../adapters/git-yaml/index.js";
import { mlflowConfigSchema } from "../../adapters/mlflow/config.js";
import { sagemakerConfigSchema } from "../../adapters/sagemaker/config.js";
import { vertexConfigSchema } from "../../adapters/vertex/config.js";
import { adoptErrors, importAdapterPackage } from "./npm-adapters.js";

export class AdapterLoadError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "AdapterLoadError";
  }
}

export type FactoryMap = ReadonlyMap<string, AdapterFactory<unknown>>;

/**
 * A built-in adapter whose code (and SDK: the AWS SDK, gRPC and Vertex AI's client) is loaded when
 * a backend of its kind is created: a gateway that does not use it does not carry it (tens of MiB
 * of RSS; docs/performance.md). Its config is still checked without loading it.
 */
function lazyAdapter<C>(kind: string, description: string, configSchema: AdapterFactory<C>["configSchema"], load: () => Promise<AdapterFactory<C>>): AdapterFactory<unknown> {
  return {
    kind,
    description,
    configSchema,
    async create(id, config, ctx) {
      return (await load()).create(id, config as C, ctx);
    },
  };
}

export const BUILT_IN_ADAPTERS: FactoryMap = new Map<string, AdapterFactory<unknown>>([
  [gitYamlAdapter.kind, gitYamlAdapter as AdapterFactory<unknown>],
  [
    "mlflow",
    lazyAdapter(
      "mlflow",
      "An MLflow tracking server's Model Registry (REST API 2.0, MLflow 3.x): models, versions, aliases, prompts",
      mlflowConfigSchema,
      async () => (await import("../../adapters/mlflow/index.js")).mlflowAdapter,
    ),
  ],
  [
    "sagemaker",
    lazyAdapter(
      "sagemaker",
      "An AWS SageMaker Model Registry (one account and region): model package groups, versioned model packages, approval status",
      sagemakerConfigSchema,
      async () => (await import("../../adapters/sagemaker/index.js")).sagemakerAdapter,
    ),
  ],
  [
    "vertex",
    lazyAdapter(
      "vertex",
      "A Vertex AI Model Registry (ModelService v1 over gRPC) of one project and region: models, versions, aliases, evaluations",
      vertexConfigSchema,
      async () => (await import("../../adapters/vertex/index.js")).vertexAdapter,
    ),
  ],
]);

function isFactory(value: unknown): value is AdapterFactory<unknown> {
  if (typeof value !== "object" || value === null) return false;
  const f = value as Partial<AdapterFactory<unknown>>;
  return typeof f.kind === "string" && typeof f.create === "function" && typeof f.configSchema?.parse === "function";
}

/**
 * Loads a third-party adapter package: its default export or its `adapterFactory` export. The package
 * is looked for in node_modules of the config file's directory (and its parents) first, then beside
 * the gateway (./npm-adapters.ts).
 */
async function importFactory(pkg: string, where: string, configDir: string): Promise<AdapterFactory<unknown>> {
  let mod: Record<string, unknown>;
  try {
    mod = await importAdapterPackage(pkg, configDir);
  } catch (err) {
    throw new AdapterLoadError(`${where}: cannot load adapter package "${pkg}": ${(err as Error).message}`, { cause: err });
  }
  const candidate = mod.adapterFactory ?? mod.default;
  if (!isFactory(candidate)) {
    throw new AdapterLoadError(
      `${where}: package "${pkg}" exports no adapter factory (expected a default or "adapterFactory" export with kind, configSchema and create)`,
    );
  }
  return candidate;
}

export async function resolveFactory(kind: string, where: string, factories: FactoryMap, configDir = process.cwd()): Promise<AdapterFactory<unknown>> {
  if (kind.startsWith("npm:")) return importFactory(kind.slice(4), where, configDir);
  const factory = factories.get(kind);
  if (!factory) {
    throw new AdapterLoadError(
      `${where}.kind: unknown backend kind "${kind}"; built-in kinds: ${[...factories.keys()].join(", ")}; a third-party adapter is "npm:<package>"`,
    );
  }
  return factory;
}

function describeIssues(err: unknown, where: string): string {
  const issues = (err as { issues?: { path: PropertyKey[]; message: string }[] }).issues;
  if (!Array.isArray(issues)) return `${where}: ${(err as Error).message}`;
  return issues
    .map((i) => `${where}${i.path.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("")}: ${i.message}`)
    .join("\n");
}

/** Creates every configured adapter; on any failure closes those already created and throws. */
export async function createAdapters(
  backends: readonly BackendConfig[],
  ctx: AdapterContext,
  factories: FactoryMap = BUILT_IN_ADAPTERS,
): Promise<RegistryAdapter[]> {
  const created: RegistryAdapter[] = [];
  try {
    for (const [index, backend] of backends.entries()) {
      const where = `backends[${index}]`;
      const factory = await resolveFactory(backend.kind, where, factories, ctx.configDir);
      const { id, kind: _kind, timeoutMs: _timeout, resolveCacheMs: _resolveCache, ...own } = backend;
      let parsed: unknown;
      try {
        parsed = factory.configSchema.parse(own);
      } catch (err) {
        throw new AdapterLoadError(describeIssues(err, where), { cause: err });
      }
      try {
        const adapter = await factory.create(id, parsed, ctx);
        // A third-party adapter may throw the typed errors of its own copy of modelgate/core.
        created.push(backend.kind.startsWith("npm:") ? adoptErrors(adapter) : adapter);
      } catch (err) {
        throw new AdapterLoadError(`${where} (${id}): ${(err as Error).message}`, { cause: err });
      }
    }
  } catch (err) {
    await Promise.allSettled(created.map((a) => a.close()));
    throw err;
  }
  return created;
}
