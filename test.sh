#!/usr/bin/env bash
# Runs every Tonnage test: provisions the real components (idempotent, cached outside the repo),
# then unit (*Test), in-JVM/local-server (*IT) and real-component (*E2E) tests, prints totals,
# then fuzzes every Jazzer target for a few seconds.
set -euo pipefail
cd "$(dirname "$0")"

bash e2e/env/provision.sh
# shellcheck disable=SC1091
source "${TONNAGE_CACHE:-$HOME/.cache/tonnage}/env.sh"

status=0
./mvnw -B -ntp -Pe2e verify "$@" || status=$?
summary=0
bash scripts/test-summary.sh || summary=$?
[ "$status" -ne 0 ] && exit "$status"
[ "$summary" -ne 0 ] && exit "$summary"

# Coverage-guided fuzzing, a few seconds per Jazzer target (longer runs: docs/development.md).
fuzz_log=operator/target/fuzz.log
if FUZZ_SECONDS="${FUZZ_SECONDS:-5}" bash scripts/fuzz.sh >"$fuzz_log" 2>&1; then
  grep -E '^(== fuzzing|Done [0-9]+ runs)' "$fuzz_log"
else
  tail -n 80 "$fuzz_log"
  echo "FUZZING FOUND A FAILURE: full log in $fuzz_log" >&2
  exit 1
fi
