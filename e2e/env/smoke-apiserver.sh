#!/usr/bin/env bash
# Smoke test of the provisioned control plane: starts etcd and kube-apiserver 1.20.2 on
# 127.0.0.1 (ports picked at run time), checks kubectl works with an admin token, creates a
# CRD and one custom resource (the object path that crashed with the vendored reflect2),
# then stops both processes and removes the temp dir.
set -Eeuo pipefail

TONNAGE_CACHE="${TONNAGE_CACHE:-$HOME/.cache/tonnage}"
BIN="$TONNAGE_CACHE/bin"
STEP="start"
trap '[ "$BASHPID" = "$$" ] && echo "smoke-apiserver.sh: FAILED at step \"$STEP\" (line $LINENO)" >&2' ERR

"$(dirname "$0")/check.sh" > /dev/null || { echo "smoke-apiserver.sh: components missing; run e2e/env/provision.sh" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/tonnage-smoke.XXXXXX")
pids=()
stop_all() {
  local rc=$? p
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  if [ $rc -ne 0 ]; then
    for f in "$work"/*.log; do [ -f "$f" ] && { echo "--- tail of $f" >&2; tail -15 "$f" >&2; }; done
  fi
  rm -rf "$work"
  exit $rc
}
trap stop_all EXIT

# A free loopback port in the ephemeral range (ss lists what is taken).
free_port() {
  local p
  while :; do
    p=$(( 20000 + RANDOM % 30000 ))
    [ -n "$(ss -Hltn "sport = :$p")" ] || { echo "$p"; return; }
  done
}
wait_for() {  # wait_for SECONDS DESCRIPTION COMMAND...
  local deadline=$(( SECONDS + $1 )) what="$2"; shift 2
  until "$@" > /dev/null 2>&1; do
    [ $SECONDS -lt $deadline ] || { echo "smoke-apiserver.sh: $what not ready after timeout" >&2; return 1; }
    sleep 0.2
  done
}

STEP="start etcd"
etcd_port=$(free_port); peer_port=$(free_port)
"$BIN/etcd" --name smoke --data-dir "$work/etcd" --unsafe-no-fsync \
  --listen-client-urls "http://127.0.0.1:$etcd_port" --advertise-client-urls "http://127.0.0.1:$etcd_port" \
  --listen-peer-urls "http://127.0.0.1:$peer_port" --initial-advertise-peer-urls "http://127.0.0.1:$peer_port" \
  --initial-cluster "smoke=http://127.0.0.1:$peer_port" > "$work/etcd.log" 2>&1 &
pids+=($!)
t0=$SECONDS
wait_for 20 "etcd on :$etcd_port" sh -c "curl -fs http://127.0.0.1:$etcd_port/health | grep -q '\"health\":\"true\"'"
echo "etcd ready on 127.0.0.1:$etcd_port ($((SECONDS - t0)) s)"

STEP="start kube-apiserver"
api_port=$(free_port)
token=$(openssl rand -hex 16)
openssl genrsa -out "$work/sa.key" 2048 2> /dev/null
echo "$token,admin,admin-uid,\"system:masters\"" > "$work/tokens.csv"
"$BIN/kube-apiserver" \
  --etcd-servers="http://127.0.0.1:$etcd_port" \
  --bind-address=127.0.0.1 --advertise-address=127.0.0.1 --secure-port="$api_port" --insecure-port=0 \
  --cert-dir="$work/certs" --token-auth-file="$work/tokens.csv" --authorization-mode=RBAC \
  --service-account-issuer=https://kubernetes.default.svc \
  --service-account-key-file="$work/sa.key" --service-account-signing-key-file="$work/sa.key" \
  --service-cluster-ip-range=10.0.0.0/24 > "$work/kube-apiserver.log" 2>&1 &
pids+=($!)
api_pid=$!
t0=$SECONDS
wait_for 60 "kube-apiserver on :$api_port" \
  sh -c "curl -fsk -H 'Authorization: Bearer $token' https://127.0.0.1:$api_port/readyz | grep -qx ok"
echo "kube-apiserver ready on 127.0.0.1:$api_port ($((SECONDS - t0)) s)"

cat > "$work/kubeconfig" <<KCFG
apiVersion: v1
kind: Config
clusters: [{name: smoke, cluster: {server: "https://127.0.0.1:$api_port", insecure-skip-tls-verify: true}}]
users: [{name: admin, user: {token: "$token"}}]
contexts: [{name: smoke, context: {cluster: smoke, user: admin}}]
current-context: smoke
KCFG
kc() { KUBECONFIG="$work/kubeconfig" "$BIN/kubectl" --cache-dir "$work/kube-cache" "$@"; }

STEP="kubectl get ns"
kc get ns
kc version 2>/dev/null | grep '^Server Version: v1.20.2'

STEP="CRD and custom resource"
kc apply -f - <<'YAML'
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.smoke.tonnage.dev}
spec:
  group: smoke.tonnage.dev
  scope: Namespaced
  names: {plural: widgets, singular: widget, kind: Widget}
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
              size: {type: integer}
YAML
kc wait --for condition=established --timeout=30s crd/widgets.smoke.tonnage.dev
# Discovery of a new group can lag establishment by a moment.
wait_for 15 "widgets in discovery" kc get widgets -n default
kc apply -f - <<'YAML'
apiVersion: smoke.tonnage.dev/v1
kind: Widget
metadata: {name: w1, namespace: default}
spec: {size: 3}
YAML
[ "$(kc get widget w1 -n default -o jsonpath='{.spec.size}')" = 3 ]
kc get widgets -n default
kill -0 "$api_pid"   # the server survived the custom resource
echo "smoke test passed: kube-apiserver $(kc version 2>/dev/null | sed -n 's/^Server Version: //p'), CRD + custom resource OK"
