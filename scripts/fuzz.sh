#!/usr/bin/env bash
# Fuzzes the Jazzer targets for real (coverage-guided), FUZZ_SECONDS each (default 30).
# Jazzer fuzzes one @FuzzTest per JVM, so Surefire forks a fresh JVM per target class
# (-DreuseForks=false); the duration reaches libFuzzer as its last -max_total_time flag.
# A crash fails the run and Jazzer writes the input into the target's
# src/test/resources/.../<Class>Inputs/<method>/ directory, where the normal suite replays it.
#   scripts/fuzz.sh                                    # every target, 30 s each
#   FUZZ_SECONDS=600 scripts/fuzz.sh ManifestParserFuzzTest   # one target, 10 minutes
# ./test.sh runs it with FUZZ_SECONDS=5 after the suites.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${FUZZ_SECONDS:-30}"
case "$seconds" in '' | *[!0-9]*) echo "FUZZ_SECONDS must be a whole number of seconds, not '$seconds'" >&2; exit 2 ;; esac
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(ImageReferenceFuzzTest ImageGlobFuzzTest LabelSelectorFuzzTest ManifestParserFuzzTest
    AuthChallengeFuzzTest DockerConfigCredentialsFuzzTest AdmissionReviewCodecFuzzTest
    ManifestReaderFuzzTest LocalArchiveFuzzTest)
fi
list=$(IFS=,; echo "${targets[*]}")
echo "== fuzzing ${#targets[@]} target(s) for ${seconds} s each: $list"
JAZZER_FUZZ=1 ./mvnw -B -ntp -q -pl operator -am -Dspotless.check.skip=true -Djacoco.skip=true \
  test -Dtest="$list" -Dsurefire.failIfNoSpecifiedTests=false -DreuseForks=false -DforkCount=1 \
  -Djazzer.internal.arg.0=fuzz -Djazzer.internal.arg.1=-max_total_time="$seconds"
echo "== fuzzing done: no finding in ${#targets[@]} target(s)"
