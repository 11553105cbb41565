#!/usr/bin/env bash
# The whole test suite, from a fresh clone: install what is missing, typecheck, lint, then the
# unit, privileged (real kernel, throwaway namespaces; needs root) and e2e tiers.
# Extra arguments go to vitest (e.g. `npm test -- --project unit`).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
echo "== typecheck" >&2
npx tsc -p tsconfig.json --noEmit
echo "== lint" >&2
npx eslint src lab test
echo "== vitest" >&2
report=$(mktemp /tmp/sfc-vitest-XXXXXX.json)
trap 'rm -f "$report"' EXIT
status=0
npx vitest run --reporter=default --reporter=json --outputFile.json="$report" "$@" || status=$?
# One plain closing line that any CI can read.
node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped`);
' "$report" || true
# Leftover namespaces (test, lab or instance ones: all start with sfc-) mean a test leaked state: fail loudly.
left=$(ip netns list 2>/dev/null | awk '{print $1}' | grep -E '^sfc-' || true)
if [ -n "$left" ]; then
  echo "test: namespaces left behind: $left" >&2
  status=1
fi
# Leftover BPF pins of the dynamic proxy (one directory per agent scope) are leaked state too.
pins=$(ls /sys/fs/bpf/sfc 2>/dev/null || true)
if [ -n "$pins" ]; then
  echo "test: BPF pins left behind under /sys/fs/bpf/sfc: $pins" >&2
  status=1
fi
exit $status
