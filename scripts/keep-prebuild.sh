#!/usr/bin/env bash
# Keeps this checkout's compiled better-sqlite3 addon as a prebuild tarball, where the package's
# install script (prebuild-install) looks first when `npm_config_better_sqlite3_local_prebuilds`
# names the directory (.ci/run sets it for `npm ci`). No prebuilt binary can be downloaded here, so
# without it every `npm ci` compiles SQLite from source: about 90 s of one core on the CI machine.
#
#   bash scripts/keep-prebuild.sh DIR
#
# A no-op when the tarball for this better-sqlite3 version and Node ABI is already there. The
# tarball is what prebuild-install would download: build/Release/better_sqlite3.node, gzipped tar.
set -euo pipefail
cd "$(dirname "$0")/.."
dir="${1:?usage: keep-prebuild.sh DIR}"
addon="node_modules/better-sqlite3/build/Release/better_sqlite3.node"
[ -f "$addon" ] || { echo "keep-prebuild: $addon is missing: run npm ci first" >&2; exit 1; }
version="$(node -p 'require("./node_modules/better-sqlite3/package.json").version')"
name="better-sqlite3-v$version-node-v$(node -p process.versions.modules)-$(node -p process.platform)-$(node -p process.arch).tar.gz"
if [ -f "$dir/$name" ]; then exit 0; fi
# The addon must load in this node before it is kept (prebuild-install checks it again on unpack).
node -e 'require(process.argv[1])' "./node_modules/better-sqlite3/build/Release/better_sqlite3.node"
mkdir -p "$dir"
tmp="$(mktemp "$dir/.$name.XXXXXX")"
tar -czf "$tmp" -C node_modules/better-sqlite3 build/Release/better_sqlite3.node
mv "$tmp" "$dir/$name"
echo "== kept $dir/$name (the next npm ci unpacks it instead of compiling)"
