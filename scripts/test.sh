#!/usr/bin/env bash
# The test suites.
#   scripts/test.sh         `npm test`, the full suite (what CI runs): real tools, typecheck, stale-output
#                           check, then every test file.
#   scripts/test.sh unit    `npm run test:unit`, the fast lane: every test file outside test/e2e/, several
#                           files at a time (tests use only ports, folders and processes they started, so
#                           they can share the machine). The lane is the folder, not a list: test/e2e/
#                           holds the tests that start a real Prometheus or Alertmanager, the whole stack,
#                           or run the product's commands as a user does (npm start, npm run generate in a
#                           subprocess, the installed package); everything else runs here, promtool and
#                           amtool checks included (they take seconds).
set -euo pipefail
cd "$(dirname "$0")/.."
lane="${1:-full}"
case "$lane" in
  full | unit) ;;
  *) echo "usage: scripts/test.sh [unit]   (no argument: the full suite)" >&2; exit 2 ;;
esac
bash scripts/ensure-tools.sh
[ -d node_modules ] || npm ci
if [ "$lane" = full ]; then
  echo "== typecheck"; npm run -s typecheck
  echo "== generate --check (out/ must match the sources)"; npm run -s generate -- --check
  mapfile -t files < <(find test -name '*.test.ts' -not -path '*/fixtures/*' | sort)
  concurrency_flag=() # the runner's default: one file at a time on 2 cores (the e2e timing margins assume it)
else
  mapfile -t files < <(find test -name '*.test.ts' -not -path '*/fixtures/*' -not -path 'test/e2e/*' | sort)
  concurrency_flag=(--test-concurrency="$(($(nproc) * 2))")
fi
echo "== tests ($lane: ${#files[@]} files)"
exec node --import tsx --test ${concurrency_flag[@]+"${concurrency_flag[@]}"} --test-reporter=spec "${files[@]}"
