#!/usr/bin/env bash
# The full test suite (`npm test`): real tools, typecheck, stale-output check, then every test file.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-tools.sh
[ -d node_modules ] || npm ci
echo "== typecheck"; npm run -s typecheck
echo "== generate --check (out/ must match the sources)"; npm run -s generate -- --check
echo "== tests"
mapfile -t files < <(find test -name '*.test.ts' -not -path '*/fixtures/*' | sort)
exec node --import tsx --test --test-reporter=spec "${files[@]}"
