#!/usr/bin/env bash
# Makes the image's AppCDS archive from the image itself: unpacks the layers of an OCI archive (the
# first Jib pass of build-image.sh) into a root filesystem and runs the CLI there (chroot, a private
# /proc, user 65532: the image's own Java runtime, lib/modules and jars at their /app paths and
# mtimes, which is what a CDS archive is only valid for). The training runs `tonnage inspect` and
# `tonnage check` of that very image, served on a loopback port from the archive, and `tonnage
# operator --help`, each with -XX:DumpLoadedClassList; then -Xshare:dump with the default collector
# (G1: the operator also maps the archived heap objects) writes the archive.
#
#   image/train-cds.sh IMAGE.tar OUT.jsa POLICY.yaml
#
# Needs root (chroot, mount); prints why and exits 3 when it cannot run, so the caller can build
# the image without an archive (the entrypoint's -Xshare:auto then starts without one).
set -Eeuo pipefail
trap 'echo "train-cds.sh: FAILED at line $LINENO" >&2' ERR
image="$1" out="$2" policy="$3"

if [ "$(id -u)" != 0 ] || ! command -v unshare >/dev/null || ! unshare --mount --pid --fork true 2>/dev/null; then
  echo "[cds] not root or no unshare: the image gets no AppCDS archive" >&2
  exit 3
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/tonnage-cds.XXXXXX")
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

rootfs="$work/rootfs"
mkdir -p "$rootfs"
python3 - "$image" "$rootfs" "$work/entrypoint" <<'PY'
import json, sys, tarfile
archive, rootfs, entrypoint = sys.argv[1:]
with tarfile.open(archive) as t:
    read = lambda d: t.extractfile("blobs/sha256/" + d.split(":")[1])
    manifest = json.load(read(json.load(t.extractfile("index.json"))["manifests"][0]["digest"]))
    config = json.load(read(manifest["config"]["digest"]))
    for layer in manifest["layers"]:
        with tarfile.open(fileobj=read(layer["digest"]), mode="r|*") as l:
            l.extractall(rootfs)  # keeps the mtimes Jib set, which the archive records
open(entrypoint, "w").write("\n".join(config["config"]["Entrypoint"]) + "\n")
PY
chmod 755 "$rootfs"
mkdir -p "$rootfs/proc"
cp "$policy" "$rootfs/tmp/training-policy.yaml"
chmod 644 "$rootfs/tmp/training-policy.yaml"

# A read-only registry on loopback serving the image from its archive (manifest by any tag,
# blobs with Range requests, as registries serve them).
port_file="$work/port"
python3 - "$image" "$port_file" <<'PY' &
import http.server, json, re, sys, tarfile, threading
archive, port_file = sys.argv[1:]
tar = tarfile.open(archive)
lock = threading.Lock()  # one TarFile, one file position: requests come in parallel
cache = {}

def blob(digest):
    with lock:
        if digest not in cache:
            cache[digest] = tar.extractfile("blobs/sha256/" + digest.split(":")[1]).read()
        return cache[digest]

index = json.load(tar.extractfile("index.json"))
descriptor = index["manifests"][0]
manifest = blob(descriptor["digest"])

class Registry(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def send(self, code, body, headers=()):
        self.send_response(code)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_HEAD(self):
        self.do_GET()

    def do_GET(self):
        path = self.path.split("?")[0]
        if path == "/v2/":
            return self.send(200, b"{}", [("Content-Type", "application/json")])
        if "/manifests/" in path:
            return self.send(200, manifest, [("Content-Type", descriptor["mediaType"]),
                                              ("Docker-Content-Digest", descriptor["digest"])])
        match = re.search(r"/blobs/(sha256:[0-9a-f]{64})$", path)
        if not match:
            return self.send(404, b'{"errors":[]}')
        digest = match.group(1)
        try:
            data = blob(digest)
        except KeyError:
            return self.send(404, b'{"errors":[]}')
        ranged = re.fullmatch(r"bytes=(\d{1,18})-(\d{0,18})", self.headers.get("Range", ""))
        if ranged:
            start = int(ranged.group(1))
            end = min(int(ranged.group(2) or len(data) - 1), len(data) - 1)
            return self.send(206, data[start:end + 1], [("Content-Range", f"bytes {start}-{end}/{len(data)}")])
        self.send(200, data, [("Docker-Content-Digest", digest)])

server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Registry)
open(port_file, "w").write(str(server.server_address[1]))
server.serve_forever()
PY
server_pid=$!
for _ in $(seq 100); do [ -s "$port_file" ] && break; sleep 0.1; done
host="127.0.0.1:$(cat "$port_file")"
reference="$host/tonnage:training"

# The entrypoint's java, class path and main class, without its JVM flags (the archive, C1 and the
# serial collector are for runs, not for training and dumping).
mapfile -t entrypoint <"$work/entrypoint"
classpath=() main=""
for ((i = 1; i < ${#entrypoint[@]}; i++)); do
  case "${entrypoint[i]}" in
    -cp | -classpath | --class-path) classpath=(-cp "${entrypoint[i + 1]}"); main="${entrypoint[i + 2]}"; break ;;
  esac
done
[ -n "$main" ] || { echo "train-cds.sh: no -cp in the entrypoint ${entrypoint[*]}" >&2; exit 1; }

# Runs the image's java in the root filesystem with the given arguments.
in_image() {
  unshare --mount --pid --fork --propagation private /bin/sh -c \
    'mount -t proc proc "$0/proc" && cd / && exec chroot --userspec=65532:65532 "$0" /opt/java/openjdk/bin/java "$@"' \
    "$rootfs" -XX:-UsePerfData -Xlog:disable -Xlog:all=warning:stderr "$@"
}
run=0
train() {
  run=$((run + 1))
  in_image -XX:DumpLoadedClassList=/tmp/training-$run.classlist "${classpath[@]}" "$main" "$@" >/dev/null
}
train inspect --insecure-registry "$host" "$reference"
train inspect --uncompressed --output json --insecure-registry "$host" "$reference"
# exit 1: prod-enforce objects to the image's self-built base, which is the path worth training
train check --policy /tmp/training-policy.yaml --insecure-registry "$host" "$reference" || [ $? = 1 ]
train operator --help
# One list: the runs' lists with repeated lines dropped (JDK 17's -Xshare:dump crashed on the
# plain concatenation).
cat "$rootfs"/tmp/training-*.classlist | awk '!seen[$0]++' >"$rootfs/tmp/tonnage.classlist"
in_image -Xshare:dump -XX:SharedClassListFile=/tmp/tonnage.classlist -XX:SharedArchiveFile=/tmp/tonnage.jsa \
  "${classpath[@]}" >"$work/dump.log" 2>&1 || { tail -20 "$work/dump.log" >&2; exit 1; }
mkdir -p "$(dirname "$out")"
cp "$rootfs/tmp/tonnage.jsa" "$out"
echo "[cds] $out: $(sort -u "$rootfs/tmp/tonnage.classlist" | grep -vc '^[#@]') classes, $(stat -c %s "$out") bytes" >&2
