#!/usr/bin/env bash
# The test suites.
#   scripts/test.sh         `npm test`, the full suite (what CI runs): real tools, typecheck, lint (biome +
#                           knip), stale-output check, the fast lane, then the slow lane.
#   scripts/test.sh unit    `npm run test:unit`, the fast lane without the tests that run promtool or amtool:
#                           everything that needs neither Prometheus nor Alertmanager, on a machine without them.
#                           Those tests carry `needsPrometheusTools` (test/support/prometheus-tools.ts) and show
#                           as skipped, by name; `npm test` runs them in the same fast lane.
# The lanes are folders, not lists. test/e2e/ is the slow lane: tests that start a real Prometheus or
# Alertmanager, the whole stack, or run the product's commands as a user does (npm start, npm run generate in a
# subprocess, the installed package). It runs one file at a time, because its timing margins (scrape and poll
# lags against ground truth) assume a machine that is not also running other tests. Everything else is the fast
# lane: those tests use only the ports, folders and processes they started, so they can share the machine
# (promtool and amtool checks included; they take seconds). It runs in a few long-lived worker processes that
# each import one file after another (scripts/test-lane.ts), not one process per file: starting tsx and loading
# the foundation SDK, ts-morph and @grafana/data again for each of 70 files cost more than the tests did.
set -euo pipefail
cd "$(dirname "$0")/.."
lane="${1:-full}"
case "$lane" in
  full | unit) ;;
  *) echo "usage: scripts/test.sh [unit]   (no argument: the full suite)" >&2; exit 2 ;;
esac
if [ "$lane" = unit ]; then
  bash scripts/ensure-tools.sh openssl
  export TEST_WITHOUT_PROMETHEUS_TOOLS=1 # read by test/support/prometheus-tools.ts
else
  bash scripts/ensure-tools.sh
fi
[ -d node_modules ] || npm ci

run_tests() { # <label> <concurrency> <files...>
  local label=$1 concurrency=$2
  shift 2
  echo "== tests ($label: $# files)"
  node --import tsx --test --test-concurrency="$concurrency" --test-reporter=spec "$@"
}

mapfile -t fast < <(find test -name '*.test.ts' -not -path '*/fixtures/*' -not -path 'test/e2e/*' | sort)
if [ "$lane" = full ]; then
  echo "== typecheck"; npm run -s typecheck
  echo "== lint (biome: lint + format; knip: unused files, exports, dependencies)"; npm run -s lint
  echo "== generate --check (out/ must match the sources)"; npm run -s generate -- --check
fi
echo "== tests (fast lane: ${#fast[@]} files)"
node --import tsx scripts/test-lane.ts "${fast[@]}"
if [ "$lane" = full ]; then
  mapfile -t slow < <(find test/e2e -name '*.test.ts' -not -path '*/fixtures/*' | sort)
  run_tests "slow lane: real Prometheus, Alertmanager, processes" 1 "${slow[@]}"
fi
