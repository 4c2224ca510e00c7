/**
 * Runs graphql-codegen (codegen.ts) and writes its outputs. With --check, writes nothing and fails
 * (exit 1) when a committed output differs from what schema/schema.graphql and the operations
 * give, printing the first differing line of each (like `schema:check`).
 */
import { readFile, mkdir, writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { generate } from "@graphql-codegen/cli";
import config from "../codegen.js";

const root = resolve(import.meta.dirname, "..");

export interface CodegenOutput {
  /** Relative to the repository root, as the `generates` key names it. */
  filename: string;
  content: string;
}

export interface StaleOutput extends CodegenOutput {
  /** 1-based line where the committed file first differs from the generated one. */
  line: number;
  committed: string;
  generated: string;
}

/** What codegen gives from the schema and the operations, without writing anything. */
export async function codegenOutputs(): Promise<CodegenOutput[]> {
  const outputs = (await generate({ ...config, cwd: root, silent: true }, false)) as { filename: string; content: string }[];
  return outputs.map(({ filename, content }) => ({ filename, content }));
}

/** The outputs whose committed file differs from `outputs` (a missing file counts as empty). */
export async function staleOutputs(outputs: CodegenOutput[]): Promise<StaleOutput[]> {
  const stale: StaleOutput[] = [];
  for (const output of outputs) {
    const committed = await readFile(resolve(root, output.filename), "utf8").catch(() => "");
    if (committed === output.content) continue;
    const a = committed.split("\n");
    const b = output.content.split("\n");
    const differs = a.findIndex((l, i) => l !== b[i]);
    const index = differs === -1 ? Math.min(a.length, b.length) : differs;
    stale.push({ ...output, line: index + 1, committed: a[index] ?? "(end of file)", generated: b[index] ?? "(end of file)" });
  }
  return stale;
}

async function main(): Promise<void> {
  const outputs = await codegenOutputs();
  if (process.argv.includes("--check")) {
    const stale = await staleOutputs(outputs);
    for (const s of stale) {
      console.error(
        `${s.filename} is stale: it differs from what codegen gives at line ${s.line}.\n` +
          `  committed: ${JSON.stringify(s.committed)}\n  codegen:   ${JSON.stringify(s.generated)}`,
      );
    }
    if (stale.length > 0) {
      console.error("Run `npm run codegen` and commit the result.");
      process.exit(1);
    }
    console.log(`${outputs.map((o) => o.filename).join(", ")} up to date`);
    return;
  }
  for (const output of outputs) {
    const target = resolve(root, output.filename);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, output.content);
    console.log(`wrote ${output.filename}`);
  }
}

/** Codegen's failures (an operation the schema does not allow, an unmapped scalar) without its stack. */
function describeFailure(err: unknown): string {
  const errors = err instanceof AggregateError && err.errors.length > 0 ? err.errors : [err];
  return errors
    .map((e: unknown) => {
      const source = typeof e === "object" && e !== null && "source" in e ? `${String(e.source)}: ` : "";
      return `${source}${e instanceof Error ? e.message : String(e)}`;
    })
    .join("\n");
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  try {
    await main();
  } catch (err) {
    console.error(`codegen failed:\n${describeFailure(err)}\nFix the operation (or the schema), then run \`npm run codegen\` and commit the result.`);
    process.exit(1);
  }
}
