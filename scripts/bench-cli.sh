#!/usr/bin/env bash
# CLI speed against a local registry: starts Debian's docker-registry, pushes N distinct small
# images, then times (median of R runs) `tonnage inspect` of one image, of all N in one call, and a
# loop of N `skopeo inspect` calls, and prints the ratio. The machine may be shared: the ratio is
# measured in the same run, so both sides see the same load.
#
#   scripts/bench-cli.sh                       # N=50 R=5, through ./tonnage
#   N=20 R=3 TONNAGE="docker run --rm --network host tonnage:0.1.0" scripts/bench-cli.sh
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
N="${N:-50}"
R="${R:-5}"
TONNAGE="${TONNAGE:-$root/tonnage}"
# shellcheck disable=SC1091
[ -f "${TONNAGE_CACHE:-$HOME/.cache/tonnage}/env.sh" ] && source "${TONNAGE_CACHE:-$HOME/.cache/tonnage}/env.sh"
for tool in docker-registry skopeo python3; do
  command -v "$tool" >/dev/null || { echo "bench-cli: $tool is missing; run e2e/env/provision.sh" >&2; exit 2; }
done

work="$(mktemp -d)"
registry_pid=""
cleanup() {
  [ -n "$registry_pid" ] && kill "$registry_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
host="127.0.0.1:$port"
cat >"$work/config.yml" <<YAML
version: 0.1
log: {level: error}
storage: {filesystem: {rootdirectory: $work/storage}, delete: {enabled: true}}
http: {addr: $host}
YAML
docker-registry serve "$work/config.yml" >"$work/registry.log" 2>&1 &
registry_pid=$!
for _ in $(seq 100); do curl -fs "http://$host/v2/" >/dev/null && break; sleep 0.1; done

# N distinct one-layer OCI images, written as an OCI layout and copied with skopeo.
python3 - "$work/layout" "$N" <<'PY'
import gzip, hashlib, io, json, os, sys, tarfile
root, n = sys.argv[1], int(sys.argv[2])
blobs = os.path.join(root, "blobs", "sha256"); os.makedirs(blobs, exist_ok=True)
def put(data):
    d = hashlib.sha256(data).hexdigest()
    open(os.path.join(blobs, d), "wb").write(data); return "sha256:" + d, len(data)
manifests = []
for i in range(n):
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w") as tar:
        body = (f"image {i}\n" * 1000).encode()
        info = tarfile.TarInfo(f"app/data-{i}.txt"); info.size = len(body); info.mtime = 0
        tar.addfile(info, io.BytesIO(body))
    layer = gzip.compress(raw.getvalue(), mtime=0)
    diff = "sha256:" + hashlib.sha256(raw.getvalue()).hexdigest()
    ldig, lsize = put(layer)
    config = json.dumps({"architecture": "amd64", "os": "linux", "config": {},
        "rootfs": {"type": "layers", "diff_ids": [diff]},
        "history": [{"created_by": f"COPY data-{i}.txt /app/"}]}).encode()
    cdig, csize = put(config)
    manifest = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": cdig, "size": csize},
        "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": ldig, "size": lsize}]}).encode()
    mdig, msize = put(manifest)
    manifests.append({"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": mdig,
        "size": msize, "annotations": {"org.opencontainers.image.ref.name": f"img{i}"}})
json.dump({"schemaVersion": 2, "manifests": manifests}, open(os.path.join(root, "index.json"), "w"))
open(os.path.join(root, "oci-layout"), "w").write('{"imageLayoutVersion": "1.0.0"}')
PY
images=()
for i in $(seq 0 $((N - 1))); do
  skopeo copy -q --dest-tls-verify=false "oci:$work/layout:img$i" "docker://$host/bench/app$i:1" >/dev/null
  images+=("$host/bench/app$i:1")
done

# Median wall time in seconds of R runs of "$@".
median() {
  local times=()
  for _ in $(seq "$R"); do
    local start end
    start=$(date +%s.%N)
    "$@" >/dev/null
    end=$(date +%s.%N)
    times+=("$(echo "$end - $start" | bc)")
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}
skopeo_loop() {
  for image in "${images[@]}"; do skopeo inspect --tls-verify=false "docker://$image" >/dev/null; done
}
# shellcheck disable=SC2086
tonnage_one() { $TONNAGE inspect --insecure-registry "$host" "${images[0]}"; }
# shellcheck disable=SC2086
tonnage_all() { $TONNAGE inspect --insecure-registry "$host" "${images[@]}"; }

tonnage_one >/dev/null # builds the jar if needed, warms the page cache
one="$(median tonnage_one)"
all="$(median tonnage_all)"
loop="$(median skopeo_loop)"
ratio="$(echo "scale=2; $loop / $all" | bc)"
echo "images: $N, runs: $R (median), cores: $(nproc), load: $(cut -d' ' -f1 /proc/loadavg)"
echo "tonnage inspect, 1 image:        ${one} s"
echo "tonnage inspect, $N images:      ${all} s"
echo "skopeo inspect loop, $N images:  ${loop} s"
echo "ratio (skopeo loop / tonnage):   ${ratio}x"
