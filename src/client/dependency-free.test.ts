/**
 * modelgate/client is published on its own and must stay dependency-free: from src/client/index.ts,
 * its sources (so its declarations) and the JavaScript the build emits for them (tsconfig.build.json
 * options; isolatedModules makes each file's output its own) import only Node builtins and the
 * client's own files. No `graphql`, no typed-document-node package, not even as a type.
 */
import { readFileSync } from "node:fs";
import { dirname, relative, resolve } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const root = resolve(import.meta.dirname, "../..");
const clientDir = resolve(root, "src/client");

/** What a file imports (static, dynamic, require, type references) that is neither relative nor a Node builtin. */
function foreignImports(text: string): string[] {
  const info = ts.preProcessFile(text, true, true);
  const specifiers = [...info.importedFiles, ...info.referencedFiles].map((f) => f.fileName);
  const types = info.typeReferenceDirectives.map((f) => f.fileName).filter((name) => name !== "node");
  return [...specifiers.filter((s) => !isOwnOrBuiltin(s)), ...types];
}

const isOwnOrBuiltin = (specifier: string) => specifier.startsWith("./") || specifier.startsWith("../") || specifier.startsWith("node:");

/** Every source file the client's entry reaches through relative imports (value or type). */
function clientSources(entry: string): string[] {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const { fileName } of ts.preProcessFile(readFileSync(file, "utf8"), true, true).importedFiles) {
      if (fileName.startsWith("./") || fileName.startsWith("../")) visit(resolve(dirname(file), fileName.replace(/\.js$/, ".ts")));
    }
  };
  visit(entry);
  return [...seen];
}

function buildOptions(): ts.CompilerOptions {
  const parsed = ts.getParsedCommandLineOfConfigFile(resolve(root, "tsconfig.build.json"), {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(ts.flattenDiagnosticMessageText(d.messageText, "\n"));
    },
  });
  if (!parsed) throw new Error("tsconfig.build.json could not be read");
  return { ...parsed.options, sourceMap: false };
}

/**
 * One file as the build emits it. The package is "type": "module", so under NodeNext each .ts
 * builds as an ES module, as an .mts file does (transpileModule reads no package.json).
 */
function transpile(source: string, file: string, options: ts.CompilerOptions): ts.TranspileOutput {
  return ts.transpileModule(source, { compilerOptions: options, fileName: file.replace(/\.ts$/, ".mts") });
}

describe("the built client (modelgate/client)", () => {
  it("imports only Node builtins and its own files, in its sources and in the JavaScript built from them", () => {
    const sources = clientSources(resolve(clientDir, "index.ts"));
    const names = sources.map((f) => relative(root, f));
    expect(names).toEqual(expect.arrayContaining(["src/client/index.ts", "src/client/client.ts", "src/client/generated/graphql.ts", "src/client/typed-document.ts"]));
    expect(names.filter((f) => !f.startsWith("src/client/") || f.endsWith(".test.ts"))).toEqual([]);

    const options = buildOptions();
    const foreign: string[] = [];
    for (const file of sources) {
      const source = readFileSync(file, "utf8");
      const { outputText } = transpile(source, file, options);
      foreign.push(...foreignImports(source).map((s) => `${relative(root, file)}: ${s}`));
      foreign.push(...foreignImports(outputText).map((s) => `${relative(root, file).replace(/\.ts$/, ".js")}: ${s}`));
    }
    expect(foreign).toEqual([]);
  });

  it("counts a package import of any kind as foreign", () => {
    // A triple-slash reference counts only before the first statement.
    const text = [
      '/// <reference types="react" />',
      'import { print } from "graphql";',
      'import type { DocumentTypeDecoration } from "@graphql-typed-document-node/core";',
      'export * from "./types.js";',
      'import { createHmac } from "node:crypto";',
      'const ws = await import("ws");',
    ].join("\n");
    expect(foreignImports(text).sort()).toEqual(["@graphql-typed-document-node/core", "graphql", "react", "ws"]);
  });

  it("emits the generated documents as plain strings: the runtime keeps only relative imports", () => {
    const file = resolve(clientDir, "generated/graphql.ts");
    const { outputText } = transpile(readFileSync(file, "utf8"), file, buildOptions());
    expect(ts.preProcessFile(outputText, true, true).importedFiles.map((f) => f.fileName)).toEqual(["../typed-document.js"]);
    expect(outputText).toMatch(/export const ModelgateBackendsDocument = gql ?`\s*query ModelgateBackends \{/);
  });
});
