/**
 * The client's GraphQL comes from the schema: every document the client sends validates against
 * schema/schema.graphql, codegen refuses an operation that selects a field the schema no longer
 * has, and the committed ./generated code is what graphql-codegen gives (as `npm run
 * codegen:check` checks in CI).
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { generate } from "@graphql-codegen/cli";
import { Kind, buildSchema, parse, print, validate, visit, type DocumentNode } from "graphql";
import { describe, expect, it } from "vitest";
import config from "../../codegen.js";
import { codegenOutputs, staleOutputs } from "../../scripts/codegen.js";
import * as generated from "./generated/graphql.js";

const root = resolve(import.meta.dirname, "../..");
const sdl = readFileSync(join(root, "schema/schema.graphql"), "utf8");
const CLIENT_OUTPUT = "src/client/generated/graphql.ts";

/** The schema without one field of one type, as if a schema change had dropped it. */
function schemaWithout(typeName: string, fieldName: string): string {
  const ast = visit(parse(sdl), {
    ObjectTypeDefinition(node) {
      if (node.name.value !== typeName) return undefined;
      return { ...node, fields: node.fields?.filter((f) => f.name.value !== fieldName) };
    },
  }) as DocumentNode;
  return print(ast);
}

/** Every `...Document` the generated code exports: the query texts the client sends. */
const documents = Object.entries(generated).filter(([name, value]) => name.endsWith("Document") && typeof value === "string") as [string, string][];

describe("the client's GraphQL against schema/schema.graphql", () => {
  it("sends only documents that are valid against the schema, each complete with its fragments", () => {
    const schema = buildSchema(sdl);
    const operations = readdirSync(join(root, "src/client/operations"))
      .filter((f) => f.endsWith(".graphql"))
      .flatMap((f) => parse(readFileSync(join(root, "src/client/operations", f), "utf8")).definitions)
      .flatMap((d) => (d.kind === Kind.OPERATION_DEFINITION && d.name ? [`${d.name.value}Document`] : []));
    expect(operations).toContain("ModelgateDeploymentDocument");
    expect(documents.map(([name]) => name).sort()).toEqual(operations.sort());
    for (const [name, text] of documents) {
      const doc = parse(text);
      expect(doc.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION), name).toHaveLength(1);
      // Unknown or duplicated fragments, unused ones, unknown fields and wrong variables all fail here.
      expect(validate(schema, doc).map((e) => e.message), name).toEqual([]);
    }
  });

  it("names the field when an operation selects one the schema no longer has", () => {
    const schema = buildSchema(schemaWithout("ModelVersion", "registryVersion"));
    const versions = documents.find(([name]) => name === "ModelgateVersionsDocument")?.[1] ?? "";
    expect(validate(schema, parse(versions)).map((e) => e.message)).toEqual(['Cannot query field "registryVersion" on type "ModelVersion".']);
  });

  it("codegen (and so codegen:check) fails on an operation that selects a field the schema no longer has", async () => {
    const dir = await mkdtemp(join(tmpdir(), "modelgate-codegen-"));
    try {
      const schemaFile = join(dir, "schema.graphql");
      await writeFile(schemaFile, schemaWithout("Deployment", "health"));
      const run = generate({ ...config, schema: schemaFile, cwd: root, silent: true, generates: { [CLIENT_OUTPUT]: config.generates[CLIENT_OUTPUT]! } }, false);
      await expect(run).rejects.toThrow(/Cannot query field "health" on type "Deployment"/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("the generated client code", () => {
  it("is what codegen gives from the schema and the operations (commit `npm run codegen` output)", async () => {
    const outputs = await codegenOutputs();
    expect(outputs.map((o) => o.filename)).toContain(CLIENT_OUTPUT);
    expect(await staleOutputs(outputs)).toEqual([]);
  });

  it("is reported stale at the first line that differs from what codegen gives", async () => {
    const committed = readFileSync(join(root, CLIENT_OUTPUT), "utf8");
    const lines = committed.split("\n");
    const at = lines.findIndex((l) => l.startsWith("export type Stage ="));
    const changed = [...lines.slice(0, at), "export type Stage = 'GONE';", ...lines.slice(at + 1)].join("\n");
    const [stale, ...more] = await staleOutputs([{ filename: CLIENT_OUTPUT, content: changed }]);
    expect(more).toEqual([]);
    expect(stale).toMatchObject({ filename: CLIENT_OUTPUT, line: at + 1, committed: lines[at], generated: "export type Stage = 'GONE';" });
  });
});
