#!/usr/bin/env bash
# Verifies that e2e/env/provision.sh has put every component the tests need in the cache.
# Exit 0 when all is present; exit 1 with a list of what is missing.
set -uo pipefail

TONNAGE_CACHE="${TONNAGE_CACHE:-$HOME/.cache/tonnage}"
BIN="$TONNAGE_CACHE/bin"
KUBE_VERSION=1.20.2
KUBE_API_TEST_BIN="$TONNAGE_CACHE/kube-api-test/k8s/$KUBE_VERSION-linux-amd64"

missing=()
need() {  # need DESCRIPTION COMMAND...
  local what="$1"; shift
  "$@" > /dev/null 2>&1 || missing+=("$what")
}
prints() {  # prints REGEX COMMAND...: COMMAND succeeds and a line of its output matches REGEX
  local re="$1" out; shift
  out=$("$@" 2>/dev/null) || return 1   # captured first: `cmd | grep -q` can die of SIGPIPE
  grep -Eq "$re" <<< "$out"
}
helm_v4() {
  local h; h=$(mktemp -d)
  HELM_CACHE_HOME="$h" HELM_CONFIG_HOME="$h" HELM_DATA_HOME="$h" prints '^v4\.' "$BIN/helm" version --short
  local rc=$?; rm -rf "$h"; return $rc
}

need "$BIN/kube-apiserver (v$KUBE_VERSION)" prints "^Kubernetes v${KUBE_VERSION//./\\.}\$" "$BIN/kube-apiserver" --version
need "$BIN/kubectl (v1.35.x)" prints '^Client Version: v1\.35\.' env KUBECONFIG=/dev/null "$BIN/kubectl" version --client
need "$BIN/helm (v4.x)" helm_v4
for b in etcd docker-registry prometheus promtool skopeo umoci htpasswd; do
  need "$BIN/$b (symlink to /usr/bin/$b)" test -L "$BIN/$b" -a -x "$BIN/$b"
done
for b in kube-apiserver etcd kubectl; do
  need "$KUBE_API_TEST_BIN/$b" test -x "$KUBE_API_TEST_BIN/$b"
done
need "$TONNAGE_CACHE/env.sh (TONNAGE_BIN, KUBE_API_TEST_DIR)" \
  prints '^export KUBE_API_TEST_DIR=' grep -E '^export (TONNAGE_BIN|KUBE_API_TEST_DIR)=' "$TONNAGE_CACHE/env.sh"

if [ ${#missing[@]} -gt 0 ]; then
  echo "Missing test components in $TONNAGE_CACHE:" >&2
  printf '  - %s\n' "${missing[@]}" >&2
  echo "Run e2e/env/provision.sh" >&2
  exit 1
fi
echo "All test components present in $TONNAGE_CACHE (source $TONNAGE_CACHE/env.sh)"
