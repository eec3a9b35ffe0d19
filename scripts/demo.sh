#!/usr/bin/env bash
# `./tonnage demo`: provisions the real components (idempotent; cached in ~/.cache/tonnage), then
# runs the demo: a local registry with a slim and a bloated image, measured and judged by Tonnage.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
bash e2e/env/provision.sh | tail -1
# shellcheck disable=SC1091
source "${TONNAGE_CACHE:-$HOME/.cache/tonnage}/env.sh"
./mvnw -q -B -ntp -pl e2e -am test-compile exec:java -Dspotless.check.skip=true \
  -Dexec.mainClass=dev.tonnage.e2e.demo.Demo "$@"
