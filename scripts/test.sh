#!/usr/bin/env bash
# The test suites.
#   scripts/test.sh         `npm test`, the full suite (what CI runs): real tools, typecheck, stale-output
#                           check, then every test file.
#   scripts/test.sh unit    `npm run test:unit`, the fast lane: every test file outside test/e2e/. The lane
#                           is the folder, not a list: test/e2e/ holds the tests that start a real
#                           Prometheus or Alertmanager (or the whole stack); everything else runs here,
#                           promtool and amtool checks included (they take seconds).
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
else
  mapfile -t files < <(find test -name '*.test.ts' -not -path '*/fixtures/*' -not -path 'test/e2e/*' | sort)
fi
echo "== tests ($lane: ${#files[@]} files)"
exec node --import tsx --test --test-reporter=spec "${files[@]}"
