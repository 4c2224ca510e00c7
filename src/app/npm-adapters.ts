/**
 * Third-party adapters (`kind: "npm:<package>"`): finding the package where the user installed it,
 * and keeping its typed errors typed when it brings its own copy of modelgate/core.
 *
 * Where: a user runs the gateway from a global install, an `npm link`, a container image or `npx`,
 * and installs adapters in their project, next to modelgate.yaml. A bare `import(pkg)` would look only
 * beside the gateway's own files, so the package is looked for first in `node_modules` of the config
 * file's directory and its parents (Node's own lookup, started there), then beside the gateway.
 *
 * Errors: the gateway recognises adapter errors with `instanceof RegistryError`. An adapter whose
 * `modelgate/core` is another copy (its own nested install, a peer resolved in the project while the
 * gateway runs from elsewhere) throws another class of the same name, which would be masked as an
 * internal error. Its errors are re-created as this copy's classes, same code, message and details.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import {
  AlreadyExistsError,
  ConflictError,
  DeadlineExceededError,
  ERROR_CODES,
  ForbiddenError,
  InvalidInputError,
  isRegistryError,
  NotFoundError,
  UnauthorizedError,
  UnavailableError,
  UnsupportedError,
  type ErrorCode,
  type RegistryAdapter,
  type RegistryError,
  type RegistryErrorDetails,
} from "../core/index.js";

/** Conditions Node's ESM loader applies to `import()`, in its order of preference. */
const IMPORT_CONDITIONS = new Set(["node", "import", "module-sync", "default"]);

/** Resolves a package.json `exports` target for the conditions above (string, array or condition object). */
function exportTarget(target: unknown): string | undefined {
  if (typeof target === "string") return target;
  if (Array.isArray(target)) {
    for (const t of target) {
      const found = exportTarget(t);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (typeof target === "object" && target !== null) {
    for (const [key, value] of Object.entries(target)) {
      if (IMPORT_CONDITIONS.has(key)) {
        const found = exportTarget(value);
        if (found !== undefined) return found;
      }
    }
  }
  return undefined;
}

/** The file `import("<pkg>")` loads from an installed package directory. */
export function packageEntry(packageDir: string): string {
  const manifest = JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8")) as { exports?: unknown; main?: unknown };
  const exports = manifest.exports;
  if (exports !== undefined) {
    const root =
      typeof exports === "object" && exports !== null && !Array.isArray(exports) && Object.keys(exports).some((k) => k.startsWith("."))
        ? (exports as Record<string, unknown>)["."]
        : exports;
    const target = exportTarget(root);
    if (target === undefined) throw new Error(`${join(packageDir, "package.json")} exports no "." entry for import`);
    return resolve(packageDir, target);
  }
  return resolve(packageDir, typeof manifest.main === "string" ? manifest.main : "index.js");
}

/** `node_modules/<pkg>` in `fromDir` or the nearest parent that has it. */
export function findInstalledPackage(pkg: string, fromDir: string): string | undefined {
  for (let dir = resolve(fromDir); ; dir = dirname(dir)) {
    const candidate = join(dir, "node_modules", pkg);
    if (existsSync(join(candidate, "package.json"))) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * Imports an adapter package: a file URL or path as given (a relative path against `configDir`), a
 * package name from `configDir`'s node_modules, else as the gateway itself would import it.
 */
export async function importAdapterPackage(pkg: string, configDir: string): Promise<Record<string, unknown>> {
  if (pkg.startsWith("file:")) return (await import(pkg)) as Record<string, unknown>;
  if (isAbsolute(pkg) || pkg.startsWith("./") || pkg.startsWith("../")) {
    return (await import(pathToFileURL(resolve(configDir, pkg)).href)) as Record<string, unknown>;
  }
  const installed = findInstalledPackage(pkg, configDir);
  if (installed !== undefined) return (await import(pathToFileURL(packageEntry(installed)).href)) as Record<string, unknown>;
  try {
    return (await import(pkg)) as Record<string, unknown>;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ERR_MODULE_NOT_FOUND" && (err as Error).message.includes(`'${pkg}'`)) {
      throw new Error(
        `not installed: no node_modules/${pkg} in ${configDir} (the config file's directory) or its parents, nor beside the gateway; run \`npm install ${pkg}\` there`,
        { cause: err },
      );
    }
    throw err;
  }
}

const ERROR_CLASSES: Record<ErrorCode, new (message: string, details?: RegistryErrorDetails) => RegistryError> = {
  NOT_FOUND: NotFoundError,
  ALREADY_EXISTS: AlreadyExistsError,
  INVALID_INPUT: InvalidInputError,
  CONFLICT: ConflictError,
  UNAVAILABLE: UnavailableError,
  UNAUTHORIZED: UnauthorizedError,
  FORBIDDEN: ForbiddenError,
  DEADLINE_EXCEEDED: DeadlineExceededError,
  UNSUPPORTED: UnsupportedError,
};

/** A RegistryError of another copy of modelgate/core: a class named RegistryError in its chain and a known code. */
function isForeignRegistryError(err: unknown): err is Error & RegistryErrorDetails & { code: ErrorCode } {
  if (!(typeof err === "object" && err !== null) || isRegistryError(err)) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code !== "string" || !(ERROR_CODES as readonly string[]).includes(code)) return false;
  for (let proto = Object.getPrototypeOf(err) as object | null; proto !== null; proto = Object.getPrototypeOf(proto) as object | null) {
    if ((proto as { constructor?: { name?: string } }).constructor?.name === "RegistryError") return true;
  }
  return false;
}

/** The same error as this copy's class, when it came from another copy of modelgate/core. */
export function adoptError(err: unknown): unknown {
  if (!isForeignRegistryError(err)) return err;
  const details: RegistryErrorDetails = { cause: err };
  for (const key of ["backend", "field", "file", "line"] as const) {
    if (err[key] !== undefined) (details as Record<string, unknown>)[key] = err[key];
  }
  return new ERROR_CLASSES[err.code](err.message, details);
}

/** Wraps a third-party adapter so every error it throws or rejects with goes through adoptError. */
export function adoptErrors(adapter: RegistryAdapter): RegistryAdapter {
  const wrapped = new Map<PropertyKey, unknown>();
  return new Proxy(adapter, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop, target);
      if (typeof value !== "function") return value;
      let fn = wrapped.get(prop);
      if (fn === undefined) {
        fn = (...args: unknown[]) => {
          let result: unknown;
          try {
            result = (value as (...a: unknown[]) => unknown).apply(target, args);
          } catch (err) {
            throw adoptError(err);
          }
          return result instanceof Promise ? result.catch((err: unknown) => Promise.reject(adoptError(err))) : result;
        };
        wrapped.set(prop, fn);
      }
      return fn;
    },
  });
}
