#!/usr/bin/env bash
# Runs every Tonnage test: provisions the real components (idempotent, cached outside the repo),
# then unit (*Test), in-JVM/local-server (*IT) and real-component (*E2E) tests, then prints totals.
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
exit "$summary"
