/** The package version, read from the package.json above this file (src/ and dist/src/ alike). */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";

let cached: string | undefined;

export function packageVersion(): string {
  if (cached !== undefined) return cached;
  let dir = import.meta.dirname;
  for (let depth = 0; depth < 6; depth++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { name?: unknown; version?: unknown };
      if (pkg.name === "modelgate" && typeof pkg.version === "string") return (cached = pkg.version);
    } catch {
      // No package.json here: look further up.
    }
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return (cached = "unknown");
}
