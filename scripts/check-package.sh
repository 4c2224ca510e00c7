#!/usr/bin/env bash
# What `npm publish` would ship, checked as a user meets it. Run after `npm run build` (.ci/run
# does). Lists the package (npm pack --dry-run), refuses a package that misses an entry point or
# carries tests or source maps, then packs the tarball, installs it into an empty temp project
# (its own node_modules: the checkout's is not touched) and runs it from there:
#   - the `modelgate` bin (npx modelgate --version prints package.json's version);
#   - every entry of package.json "exports" imports ("modelgate", "modelgate/client", "modelgate/core").
# Installing resolves the package's dependencies from npm's cache (filled by `npm ci`), falling back
# to the registry. Set KEEP_PACKAGE_CHECK=1 to keep the temp directory.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"

if [ ! -f dist/src/index.js ] || [ ! -f dist/src/cli/main.js ]; then
  echo "check-package: dist/ is missing or incomplete: run \`npm run build\` first" >&2
  exit 1
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/modelgate-package-check.XXXXXX")"
cleanup() { if [ "${KEEP_PACKAGE_CHECK:-}" = "1" ]; then echo "check-package: kept $work"; else rm -rf "$work"; fi; }
trap cleanup EXIT

echo "== package contents (npm pack --dry-run)"
npm pack --dry-run --json --ignore-scripts >"$work/pack.json"
node - "$work/pack.json" "$root/package.json" <<'EOF'
const [packJson, pkgJson] = process.argv.slice(2);
const fs = require("node:fs");
const pack = JSON.parse(fs.readFileSync(packJson, "utf8"))[0];
const pkg = JSON.parse(fs.readFileSync(pkgJson, "utf8"));
const files = new Set(pack.files.map((f) => f.path));
for (const f of [...files].sort()) console.log(`  ${f}`);
console.log(`${pack.entryCount} files, ${(pack.size / 1024).toFixed(0)} kB packed, ${(pack.unpackedSize / 1024).toFixed(0)} kB unpacked`);
const problems = [];
const need = [...Object.values(pkg.bin ?? {}), ...Object.values(pkg.exports ?? {})].map((p) => p.replace(/^\.\//, ""));
for (const f of need) if (!files.has(f)) problems.push(`${f} (named by package.json bin/exports) is not in the package`);
// The web console, served at /ui by `modelgate serve`.
if (!files.has("dist/ui/index.html") || ![...files].some((f) => f.startsWith("dist/ui/assets/"))) problems.push("dist/ui (the web console) is not in the package");
for (const f of files) {
  if (/(\.test\.|\.contract\.|test-helpers\.|\.map$)/.test(f) || /^(test|bench|scripts|src|adapters|node_modules)\//.test(f)) problems.push(`${f} should not ship`);
}
if (problems.length > 0) {
  console.error(`check-package: the package is wrong:\n${problems.map((p) => `  ${p}`).join("\n")}`);
  process.exit(1);
}
EOF

echo "== pack and install into an empty project"
tarball="$(npm pack --silent --ignore-scripts --pack-destination "$work")"
mkdir "$work/app"
cd "$work/app"
printf '{ "name": "modelgate-package-check", "private": true, "type": "module" }\n' >package.json
# --prefer-offline: the dependencies come from npm's cache, which `npm ci` just filled.
# --ignore-scripts: native builds (better-sqlite3) are not what this checks, and the bin, the
# client and core load without them (better-sqlite3 opens its addon on first use).
npm install --no-audit --no-fund --loglevel=error --prefer-offline --ignore-scripts "$work/$tarball"

echo "== the bin"
expected="$(node -p 'require("./node_modules/modelgate/package.json").version')"
got="$(npx --no-install modelgate --version)"
if [ "$got" != "$expected" ]; then
  echo "check-package: \`npx modelgate --version\` printed \"$got\", expected \"$expected\"" >&2
  exit 1
fi
echo "  npx modelgate --version: $got"
npx --no-install modelgate --help | head -1

echo "== the exports"
node --input-type=module - <<'EOF'
const checks = {
  "modelgate/client": ["ModelgateClient", "verifyWebhookSignature"],
  "modelgate/core": ["defineAdapter", "createCallContext"],
  modelgate: ["createGateway", "startServer", "loadConfig", "createLogger"],
};
for (const [specifier, names] of Object.entries(checks)) {
  const mod = await import(specifier);
  const missing = names.filter((n) => typeof mod[n] !== "function");
  if (missing.length > 0) {
    console.error(`check-package: import("${specifier}") lacks ${missing.join(", ")}`);
    process.exit(1);
  }
  console.log(`  import("${specifier}"): ${names.join(", ")}`);
}
EOF
echo "== package ok"
