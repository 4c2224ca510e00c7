/**
 * Writes schema/schema.graphql from the code. With --check, fails (exit 1) when the committed file
 * differs from what the code emits, printing the first differing line.
 */
import { readFile, writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { printGatewaySchema } from "../src/graphql/schema.js";

const target = resolve(import.meta.dirname, "../schema/schema.graphql");
const sdl = await printGatewaySchema();

if (process.argv.includes("--check")) {
  const committed = await readFile(target, "utf8").catch(() => "");
  if (committed !== sdl) {
    const a = committed.split("\n");
    const b = sdl.split("\n");
    const line = a.findIndex((l, i) => l !== b[i]);
    console.error(
      `schema/schema.graphql is stale: it differs from the code at line ${(line === -1 ? Math.min(a.length, b.length) : line) + 1}.\n` +
        `  committed: ${JSON.stringify(a[line] ?? "(end of file)")}\n  code:      ${JSON.stringify(b[line] ?? "(end of file)")}\n` +
        "Run `npm run schema:emit` and commit the result.",
    );
    process.exit(1);
  }
  console.log("schema/schema.graphql is up to date");
} else {
  await writeFile(target, sdl);
  console.log(`wrote ${target}`);
}
