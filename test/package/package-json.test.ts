/**
 * package.json checked against the code, offline, in npm test: every bin and "exports" entry is
 * built from a source file, "files" ships the build and nothing of the tests, and the dependencies
 * are exactly what shipped code imports. (scripts/check-package.sh, run by .ci/run after the build,
 * goes further: it installs the packed tarball from the registry and runs it.)
 */
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { builtinModules } from "node:module";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../support/test-gateway.js";

interface PackageJson {
  bin: Record<string, string>;
  exports: Record<string, string>;
  files: string[];
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
}

const pkg = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as PackageJson;
const build = JSON.parse(readFileSync(join(REPO_ROOT, "tsconfig.build.json"), "utf8")) as { include: string[] };

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? (name === "node_modules" ? [] : walk(path)) : [path];
  });
}

const isTestFile = (path: string) => /(\.test\.ts|\.contract\.ts|test-helpers\.ts)$/.test(path);
/** Every TypeScript file the build compiles (tsconfig.build.json), repository-relative. */
const shipped = build.include.flatMap((dir) => walk(join(REPO_ROOT, dir))).filter((p) => p.endsWith(".ts") && !isTestFile(p)).map((p) => relative(REPO_ROOT, p));
const testCode = ["test", "src", "adapters"].flatMap((dir) => walk(join(REPO_ROOT, dir))).filter((p) => p.endsWith(".ts") && (isTestFile(p) || relative(REPO_ROOT, p).startsWith("test/")));

/** The source file tsc turns into `dist/…/x.js`. */
function sourceOf(distPath: string): string {
  return distPath.replace(/^\.\//, "").replace(/^dist\//, "").replace(/\.js$/, ".ts");
}

/** The packages a file imports (bare specifiers, by package name; `node:` and relative ones left out). */
function importedPackages(file: string): Set<string> {
  // Without comments: examples in doc comments are not imports.
  const text = readFileSync(file, "utf8").replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
  const out = new Set<string>();
  const specifiers = [
    ...text.matchAll(/(?:^|[\s;])(?:import|export)\s[^;]*?\sfrom\s+"([^"]+)"/gm),
    ...text.matchAll(/(?:^|[\s;])import\s+"([^"]+)"/gm),
    ...text.matchAll(/import\(\s*"([^"]+)"\s*\)/g),
    // Packages read as files (GraphiQL's assets): pkg: "name".
    ...text.matchAll(/\bpkg:\s*"([^"]+)"/g),
  ].map((m) => m[1]!);
  for (const s of specifiers) {
    if (s.startsWith(".") || s.startsWith("node:") || builtinModules.includes(s)) continue;
    const parts = s.split("/");
    out.add(s.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0]!);
  }
  return out;
}

describe("package.json", () => {
  it("points every bin and exports entry at a file the build emits from an existing source", () => {
    const bin = readFileSync(join(REPO_ROOT, pkg.bin.modelgate!), "utf8");
    const target = /import\s+"\.\.\/(dist\/[^"]+)"/.exec(bin)?.[1];
    expect(target, "bin/modelgate.js imports the built CLI").toBeDefined();
    for (const entry of [target!, ...Object.values(pkg.exports).filter((e) => e.startsWith("./dist/"))]) {
      const source = sourceOf(entry);
      expect(existsSync(join(REPO_ROOT, source)), `${entry} is built from ${source}`).toBe(true);
      expect(shipped, `${source} is compiled by tsconfig.build.json`).toContain(source);
    }
    expect(Object.keys(pkg.exports)).toEqual(expect.arrayContaining([".", "./client", "./core"]));
  });

  it("ships the bin and the build, and no tests, sources or source maps", () => {
    const files = pkg.files;
    expect(files).toContain(pkg.bin.modelgate);
    expect(files).toEqual(expect.arrayContaining(["dist/src/**/*.js", "dist/adapters/**/*.js", "!dist/**/*.test.*"]));
    for (const pattern of files.filter((f) => !f.startsWith("!"))) {
      expect(pattern, pattern).not.toMatch(/^(src|adapters|test|bench|scripts)(\/|$)|\.map$|^dist\/?$|^dist\/\*\*$/);
    }
  });

  it("lists every package shipped code imports as a dependency, never as a dev dependency", () => {
    const used = new Set(shipped.flatMap((f) => [...importedPackages(join(REPO_ROOT, f))]));
    for (const name of used) {
      expect(pkg.dependencies[name], `${name} is imported by shipped code`).toBeDefined();
    }
    expect(used.size).toBeGreaterThan(10);
  });

  it("keeps packages only tests import out of the dependencies (e.g. @grpc/proto-loader, for the Vertex fake)", () => {
    const used = new Set(shipped.flatMap((f) => [...importedPackages(join(REPO_ROOT, f))]));
    const byTests = new Set(testCode.flatMap((f) => [...importedPackages(f)]));
    const testOnly = Object.keys(pkg.dependencies).filter((name) => byTests.has(name) && !used.has(name));
    expect(testOnly, "move these to devDependencies").toEqual([]);
    expect(pkg.devDependencies["@grpc/proto-loader"]).toBeDefined();
  });
});
