#!/usr/bin/env bash
# CLI speed against a local registry: starts Debian's docker-registry, pushes N distinct small
# images, then measures (median of R runs, wall and CPU time) `tonnage inspect` of one image, of all
# N in one call, and a loop of N `skopeo inspect` calls, and prints the ratio. The machine may be
# shared: the ratio is measured in the same run, so both sides see the same load, and CPU time
# (user + sys of the process tree) moves far less with the load than wall time.
#
#   scripts/bench-cli.sh                                   # N=50 R=5, through ./tonnage
#   IMAGE=operator/target/jib-image.tar scripts/bench-cli.sh
#       # through the container image's entrypoint: its layers unpacked into a root filesystem and
#       # the image's Entrypoint run there (chroot, own /proc, user 65532, as ContainerImageE2E
#       # does; needs root), with the image's own Java runtime; same network, so the same registry
#   TONNAGE="java -jar $PWD/operator/target/tonnage.jar" scripts/bench-cli.sh   # any command line
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
N="${N:-50}"
R="${R:-5}"
TONNAGE="${TONNAGE:-$root/tonnage}"
# shellcheck disable=SC1091
[ -f "${TONNAGE_CACHE:-$HOME/.cache/tonnage}/env.sh" ] && source "${TONNAGE_CACHE:-$HOME/.cache/tonnage}/env.sh"
for tool in docker-registry skopeo python3 bc /usr/bin/time; do
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

launcher="$TONNAGE"
if [ -n "${IMAGE:-}" ]; then
  # The image's layers in order into a root filesystem, and its Entrypoint (JSON array).
  mkdir -p "$work/rootfs/proc" "$work/rootfs/sys"
  python3 - "$IMAGE" "$work/rootfs" "$work/entrypoint" <<'PY2'
import json, sys, tarfile
archive, rootfs, out = sys.argv[1:]
with tarfile.open(archive) as t:
    read = lambda d: t.extractfile("blobs/sha256/" + d.split(":")[1])
    index = json.load(t.extractfile("index.json"))
    manifest = json.load(read(index["manifests"][0]["digest"]))
    config = json.load(read(manifest["config"]["digest"]))
    for layer in manifest["layers"]:
        with tarfile.open(fileobj=read(layer["digest"]), mode="r|*") as l:
            l.extractall(rootfs)
open(out, "w").write("\n".join(config["config"]["Entrypoint"]) + "\n")
PY2
  chmod 755 "$work/rootfs"
  mapfile -t entrypoint <"$work/entrypoint"
  # Inside the root, as a container runtime would: PATH is the image's, so `java` is its runtime.
  TONNAGE="unshare --mount --pid --fork --propagation private /bin/sh -c 'mount -t proc proc \"\$0/proc\" && mount -t sysfs -o ro sysfs \"\$0/sys\" && cd / && exec chroot --userspec=65532:65532 \"\$0\" /opt/java/openjdk/bin/java \"\$@\"' $work/rootfs ${entrypoint[*]:1}"
  launcher="image $IMAGE, entrypoint: ${entrypoint[*]}"
fi

# Runs the shell command line "$1" R times; prints the median wall time and the median CPU time
# (user + sys of it and its children) in seconds.
median() {
  local walls=() cpus=()
  for _ in $(seq "$R"); do
    local figures
    figures=$(/usr/bin/time -f "%e %U %S" bash -c "$1" 2>&1 >/dev/null | tail -1)
    walls+=("$(echo "$figures" | cut -d' ' -f1)")
    cpus+=("$(echo "$figures" | awk '{print $2 + $3}')")
  done
  printf '%s %s\n' "$(printf '%s\n' "${walls[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')" \
    "$(printf '%s\n' "${cpus[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')"
}
one_cmd="$TONNAGE inspect --insecure-registry $host ${images[0]}"
all_cmd="$TONNAGE inspect --insecure-registry $host ${images[*]}"
loop_cmd="for image in ${images[*]}; do skopeo inspect --tls-verify=false docker://\$image >/dev/null || exit 1; done"

# Fails here rather than timing error exits; builds the jar if needed, warms the page cache.
bash -c "$one_cmd" >/dev/null
read -r one one_cpu < <(median "$one_cmd")
read -r all all_cpu < <(median "$all_cmd")
read -r loop loop_cpu < <(median "$loop_cmd")
ratio="$(echo "scale=2; $loop / $all" | bc)"
cpu_ratio="$(echo "scale=2; $loop_cpu / $all_cpu" | bc)"
echo "tonnage: $launcher"
echo "images: $N, runs: $R (median), cores: $(nproc), load: $(cut -d' ' -f1 /proc/loadavg)"
echo "                                 wall      CPU (user+sys)"
echo "tonnage inspect, 1 image:        ${one} s    ${one_cpu} s"
echo "tonnage inspect, $N images:      ${all} s    ${all_cpu} s"
echo "skopeo inspect loop, $N images:  ${loop} s    ${loop_cpu} s"
echo "ratio (skopeo loop / tonnage):   ${ratio}x    ${cpu_ratio}x"
