#!/usr/bin/env bash
# Fuzzes the Jazzer targets for real (coverage-guided), each for the maxDuration in its
# @FuzzTest (30 s). Jazzer fuzzes one @FuzzTest per JVM, so each target gets its own Maven run.
# A crash fails the run and Jazzer writes the input into the target's
# src/test/resources/.../<Class>Inputs/<method>/ directory, where the normal suite replays it.
#   scripts/fuzz.sh                       # every target
#   scripts/fuzz.sh ManifestParserFuzzTest  # one
set -euo pipefail
cd "$(dirname "$0")/.."
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(ImageReferenceFuzzTest ImageGlobFuzzTest LabelSelectorFuzzTest ManifestParserFuzzTest
    AuthChallengeFuzzTest DockerConfigCredentialsFuzzTest AdmissionReviewCodecFuzzTest)
fi
for target in "${targets[@]}"; do
  echo "== fuzzing $target"
  JAZZER_FUZZ=1 ./mvnw -B -q -o -pl operator -am -Dspotless.check.skip=true -Djacoco.skip=true \
    test -Dtest="$target" -Dsurefire.failIfNoSpecifiedTests=false
done
