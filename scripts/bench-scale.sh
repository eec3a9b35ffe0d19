#!/usr/bin/env bash
# The scale benchmark (not part of any test suite): a real kube-apiserver and registry, 1,000 small
# images, 10,000 Pods across 10 namespaces, the operator jar with -Xmx256m and the audit on. Prints
# the audit completion time and the operator's peak heap, RSS and threads. Needs the operator jar
# (./mvnw -B -DskipTests package -pl operator -am) and e2e/env/provision.sh.
# Knobs (JVM system properties, passed through): -Dbench.images=1000 -Dbench.pods=10000
# -Dbench.namespaces=10 -Dbench.heap=256m -Dbench.rateLimits='*=5' -Dbench.auditTimeoutSeconds=1200
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
# shellcheck disable=SC1091
source "${TONNAGE_CACHE:-$HOME/.cache/tonnage}/env.sh"
test -f operator/target/tonnage.jar || ./mvnw -q -B -ntp -DskipTests package -pl operator -am
./mvnw -q -B -ntp -pl test-support,e2e test-compile org.codehaus.mojo:exec-maven-plugin:java -Dspotless.check.skip=true \
  -Dexec.mainClass=dev.tonnage.e2e.bench.ScaleBenchmark -Dexec.cleanupDaemonThreads=false "$@"
