#!/usr/bin/env bash
# Every benchmark of docs/benchmarks.md, from one place (none is part of a test suite):
#   scripts/bench.sh registry  [IMAGES=500] [ROUNDS=7]
#   scripts/bench.sh admission [SECONDS=10] [CONNECTIONS=16] [ROUNDS=3]
#   scripts/bench.sh audit     [--pods N --namespaces N --images N --budget N --latency-ms N
#                               --concurrency N --runs N]
#   scripts/bench.sh scale     [-Dbench.images=1000 -Dbench.pods=10000 -Dbench.namespaces=10
#                               -Dbench.heap=256m -Dbench.rateLimits='*=5'
#                               -Dbench.auditTimeoutSeconds=1200]
# registry, admission and audit run in one JVM next to the code they measure (operator test
# classes); scale runs the operator jar against a real kube-apiserver (e2e). Each starts the real
# components it needs from e2e/env/provision.sh. BENCH_JAVA_OPTS adds JVM options (audit: -Xmx256m
# unless given).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
# shellcheck disable=SC1091
source "${TONNAGE_CACHE:-$HOME/.cache/tonnage}/env.sh"

usage() {
  sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

in_jvm() {
  local main="$1"
  shift
  ./mvnw -q -B -ntp -pl operator -am test-compile dependency:build-classpath \
    -Dspotless.check.skip=true -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
  # shellcheck disable=SC2086
  java ${BENCH_JAVA_OPTS:-} \
    -cp "operator/target/test-classes:operator/target/classes:$(cat operator/target/bench.classpath)" \
    "$main" "$@"
}

[ $# -ge 1 ] || usage
bench="$1"
shift
case "$bench" in
  registry) in_jvm dev.tonnage.bench.RegistryBenchmark "$@" ;;
  admission) in_jvm dev.tonnage.admission.bench.AdmissionBenchmark "$@" ;;
  audit) BENCH_JAVA_OPTS="${BENCH_JAVA_OPTS:--Xmx256m}" in_jvm dev.tonnage.audit.AuditBenchmark "$@" ;;
  scale)
    test -f operator/target/tonnage.jar || ./mvnw -q -B -ntp -DskipTests package -pl operator -am
    # -am: the operator and test-support classes of this checkout, as ./tonnage demo does.
    ./mvnw -q -B -ntp -pl e2e -am test-compile exec:java \
      -Dspotless.check.skip=true -Dexec.mainClass=dev.tonnage.e2e.bench.ScaleBenchmark \
      -Dexec.cleanupDaemonThreads=false "$@"
    ;;
  *) usage ;;
esac
