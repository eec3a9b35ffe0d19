#!/usr/bin/env bash
# Records the AdmissionReview fixtures of this folder from a real kube-apiserver 1.20: starts etcd
# and kube-apiserver on loopback, registers a validating webhook that points at a small capture
# server (it saves each request body and allows it), runs kubectl for every kind and case, and
# saves each captured body under the case's name. Needs e2e/env/provision.sh to have run.
#
#   operator/src/test/resources/admission/record-fixtures.sh [OUTPUT_DIR]
set -Eeuo pipefail

TONNAGE_CACHE="${TONNAGE_CACHE:-$HOME/.cache/tonnage}"
BIN="$TONNAGE_CACHE/bin"
out="$(cd "${1:-$(dirname "$0")}" && pwd)"
work=$(mktemp -d "${TMPDIR:-/tmp}/tonnage-fixtures.XXXXXX")
pids=()
cleanup() {
  local rc=$? p
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  [ $rc -ne 0 ] && for f in "$work"/*.log; do echo "--- $f" >&2; tail -20 "$f" >&2; done
  rm -rf "$work"
  exit $rc
}
trap cleanup EXIT

free_port() {
  local p
  while :; do
    p=$(( 20000 + RANDOM % 30000 ))
    [ -n "$(ss -Hltn "sport = :$p")" ] || { echo "$p"; return; }
  done
}
wait_for() {
  local deadline=$(( SECONDS + $1 )); shift
  until "$@" > /dev/null 2>&1; do
    [ $SECONDS -lt $deadline ] || { echo "timed out: $*" >&2; return 1; }
    sleep 0.2
  done
}

etcd_port=$(free_port); peer_port=$(free_port)
"$BIN/etcd" --name fixtures --data-dir "$work/etcd" --unsafe-no-fsync \
  --listen-client-urls "http://127.0.0.1:$etcd_port" --advertise-client-urls "http://127.0.0.1:$etcd_port" \
  --listen-peer-urls "http://127.0.0.1:$peer_port" --initial-advertise-peer-urls "http://127.0.0.1:$peer_port" \
  --initial-cluster "fixtures=http://127.0.0.1:$peer_port" > "$work/etcd.log" 2>&1 &
pids+=($!)
wait_for 20 sh -c "curl -fs http://127.0.0.1:$etcd_port/health | grep -q true"

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
  --service-cluster-ip-range=10.0.0.0/24 --feature-gates=EphemeralContainers=true \
  > "$work/kube-apiserver.log" 2>&1 &
pids+=($!)
wait_for 60 sh -c "curl -fsk -H 'Authorization: Bearer $token' https://127.0.0.1:$api_port/readyz | grep -qx ok"
cat > "$work/kubeconfig" <<KCFG
apiVersion: v1
kind: Config
clusters: [{name: f, cluster: {server: "https://127.0.0.1:$api_port", insecure-skip-tls-verify: true}}]
users: [{name: admin, user: {token: "$token"}}]
contexts: [{name: f, context: {cluster: f, user: admin}}]
current-context: f
KCFG
kc() { KUBECONFIG="$work/kubeconfig" "$BIN/kubectl" --cache-dir "$work/kube-cache" "$@"; }

# The capture webhook: TLS with a throwaway CA, one file per request body.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 \
  -subj "/CN=capture" -addext "subjectAltName=IP:127.0.0.1" \
  -keyout "$work/capture.key" -out "$work/capture.crt" 2> /dev/null
hook_port=$(free_port)
mkdir -p "$work/captured"
cat > "$work/capture.py" <<'PY'
import http.server, json, os, ssl, sys
port, certdir, outdir = int(sys.argv[1]), sys.argv[2], sys.argv[3]
seq = [0]
class Hook(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        seq[0] += 1
        with open(os.path.join(outdir, "%04d.json" % seq[0]), "wb") as f:
            f.write(body)
        uid = json.loads(body)["request"]["uid"]
        answer = json.dumps({"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
                             "response": {"uid": uid, "allowed": True}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)
    def log_message(self, *args):
        pass
server = http.server.HTTPServer(("127.0.0.1", port), Hook)
context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain(os.path.join(certdir, "capture.crt"), os.path.join(certdir, "capture.key"))
server.socket = context.wrap_socket(server.socket, server_side=True)
server.serve_forever()
PY
python3 "$work/capture.py" "$hook_port" "$work" "$work/captured" > "$work/capture.log" 2>&1 &
pids+=($!)
wait_for 10 sh -c "ss -Hltn 'sport = :$hook_port' | grep -q LISTEN"

ca_bundle=$(base64 -w0 < "$work/capture.crt")
kc apply -f - <<YAML
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata: {name: capture}
webhooks:
- name: capture.tonnage.dev
  clientConfig: {url: "https://127.0.0.1:$hook_port/validate", caBundle: "$ca_bundle"}
  rules:
  - {apiGroups: [""], apiVersions: ["*"], operations: [CREATE, UPDATE], scope: Namespaced,
     resources: [pods, pods/ephemeralcontainers, replicationcontrollers, configmaps]}
  - {apiGroups: [apps], apiVersions: ["*"], operations: [CREATE, UPDATE], scope: Namespaced,
     resources: [deployments, replicasets, statefulsets, daemonsets]}
  - {apiGroups: [batch], apiVersions: ["*"], operations: [CREATE, UPDATE], scope: Namespaced,
     resources: [jobs, cronjobs]}
  namespaceSelector: {matchLabels: {capture: "yes"}}
  sideEffects: NoneOnDryRun
  admissionReviewVersions: [v1]
  matchPolicy: Equivalent
  failurePolicy: Fail
  timeoutSeconds: 10
YAML

# Each step must send exactly one review; its body is saved as NAME.json.
step() {
  local name="$1"; shift
  local before after
  before=$(ls "$work/captured" | wc -l)
  "$@" > "$work/step.log" 2>&1 || { cat "$work/step.log" >&2; return 1; }
  sleep 0.3
  after=$(ls "$work/captured" | wc -l)
  [ $((after - before)) -eq 1 ] || { echo "step $name sent $((after - before)) reviews" >&2; return 1; }
  python3 -m json.tool "$work/captured/$(ls "$work/captured" | sort | tail -1)" > "$out/$name.json"
  echo "recorded $name.json"
}

kc create namespace shop
kc label namespace shop capture=yes env=prod
# No controller-manager runs: create the service accounts the Pods use, without tokens to mount.
kc -n shop apply -f - <<'YAML'
apiVersion: v1
kind: ServiceAccount
metadata: {name: default}
automountServiceAccountToken: false
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: builder}
automountServiceAccountToken: false
imagePullSecrets: [{name: regcred}]
YAML
kc -n shop create secret docker-registry regcred --docker-server=registry.example \
  --docker-username=fixture --docker-password=not-a-secret
sleep 1   # the webhook configuration reaches the API server's cache

step pod-create kc -n shop apply -f - <<'YAML'
apiVersion: v1
kind: Pod
metadata: {name: web, labels: {app: web}}
spec:
  serviceAccountName: builder
  imagePullSecrets: [{name: regcred}]
  nodeSelector: {kubernetes.io/arch: arm64}
  affinity:
    nodeAffinity:
      requiredDuringSchedulingIgnoredDuringExecution:
        nodeSelectorTerms:
        - matchExpressions:
          - {key: kubernetes.io/os, operator: In, values: [linux]}
          - {key: topology.kubernetes.io/zone, operator: In, values: [zone-a]}
  initContainers:
  - {name: migrate, image: "registry.example/acme/migrate:1.2"}
  containers:
  - {name: app, image: "registry.example/acme/web:1.0"}
  - {name: proxy, image: "nginx:1.25"}
YAML
step pod-update-labels kc -n shop label pod web tier=frontend
step pod-update-image kc -n shop set image pod/web app=registry.example/acme/web:1.1
step pod-ephemeralcontainers kc replace --raw /api/v1/namespaces/shop/pods/web/ephemeralcontainers -f - <<'JSON'
{"apiVersion": "v1", "kind": "EphemeralContainers", "metadata": {"name": "web", "namespace": "shop"},
 "ephemeralContainers": [{"name": "debugger", "image": "busybox:1.36", "stdin": true, "tty": true,
   "terminationMessagePolicy": "File", "imagePullPolicy": "IfNotPresent"}]}
JSON
step pod-create-generatename kc -n shop create -f - <<'YAML'
apiVersion: v1
kind: Pod
metadata: {generateName: batch-}
spec:
  containers: [{name: work, image: "registry.example/acme/batch:2"}]
YAML
step pod-create-mirror kc -n shop apply -f - <<'YAML'
apiVersion: v1
kind: Pod
metadata:
  name: static-web-node1
  annotations: {kubernetes.io/config.mirror: "3f1c6a9e2f0d4b7e8a1b2c3d4e5f6a7b", kubernetes.io/config.source: file}
spec:
  nodeName: node1
  containers: [{name: web, image: "registry.example/acme/web:1.0"}]
YAML
deployment() {
  cat <<'YAML'
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, labels: {app: api}}
spec:
  replicas: 2
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers: [{name: api, image: "registry.example/acme/api:3.4"}]
YAML
}
step deployment-create-dryrun kc -n shop apply --dry-run=server -f <(deployment)
step deployment-create kc -n shop apply -f <(deployment)
step deployment-update-replicas kc -n shop patch deployment api -p '{"spec":{"replicas":3}}'
step deployment-update-image kc -n shop set image deployment/api api=registry.example/acme/api:3.5
step replicaset-create kc -n shop apply -f - <<'YAML'
apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: cache}
spec:
  replicas: 1
  selector: {matchLabels: {app: cache}}
  template:
    metadata: {labels: {app: cache}, annotations: {team: storage}}
    spec:
      containers: [{name: redis, image: "redis:7.2-alpine"}]
YAML
step statefulset-create kc -n shop apply -f - <<'YAML'
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, annotations: {owner: data-team}}
spec:
  serviceName: db
  replicas: 1
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      initContainers: [{name: init-perms, image: "busybox:1.36"}]
      containers: [{name: postgres, image: "postgres:16"}]
YAML
step daemonset-create kc -n shop apply -f - <<'YAML'
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec:
      nodeSelector: {kubernetes.io/os: linux}
      containers: [{name: agent, image: "ghcr.io/acme/agent@sha256:4d6c2a7b1f0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c"}]
YAML
step job-create kc -n shop apply -f - <<'YAML'
apiVersion: batch/v1
kind: Job
metadata: {name: report}
spec:
  template:
    spec:
      restartPolicy: Never
      containers: [{name: report, image: "registry.example/acme/report:7"}]
YAML
step cronjob-create kc -n shop apply -f - <<'YAML'
apiVersion: batch/v1beta1
kind: CronJob
metadata: {name: nightly}
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers: [{name: backup, image: "registry.example/acme/backup:1"}]
YAML
step replicationcontroller-create kc -n shop apply -f - <<'YAML'
apiVersion: v1
kind: ReplicationController
metadata: {name: legacy}
spec:
  replicas: 1
  selector: {app: legacy}
  template:
    metadata: {labels: {app: legacy}}
    spec:
      containers: [{name: legacy, image: "registry.example/acme/legacy:0.9"}]
YAML
step configmap-create kc -n shop create configmap settings --from-literal=mode=fast
echo "fixtures written to $out"
