#!/usr/bin/env bash
# Builds the Tonnage container image with no Docker daemon: the jlink base (build-base.sh), then Jib
# (Maven profile `image` of operator/pom.xml) on top of it, and prints its compressed size.
#
#   image/build-image.sh                          -> operator/target/jib-image.tar (OCI archive)
#   image/build-image.sh REGISTRY/REPO:TAG        -> pushed to that registry
#
# Env: TONNAGE_INSECURE_REGISTRY=1 to push over plain HTTP (a loopback test registry);
#      TONNAGE_REBUILD_BASE=1 to rebuild the base even when image/target/tonnage-base.tar exists.
set -Eeuo pipefail
trap 'echo "build-image.sh: FAILED at line $LINENO" >&2' ERR
root="$(cd "$(dirname "$0")/.." && pwd)"
cache="${TONNAGE_CACHE:-$HOME/.cache/tonnage}"
target="${1:-}"

# Jib keeps its base-image cache and settings under XDG dirs: keep them in Tonnage's cache.
export XDG_CACHE_HOME="${XDG_CACHE_HOME:-$cache/xdg-cache}" XDG_CONFIG_HOME="${XDG_CONFIG_HOME:-$cache/xdg-config}"
mkdir -p "$XDG_CACHE_HOME" "$XDG_CONFIG_HOME"

# The base follows the runtime dependencies: rebuild it when the jar's libraries changed.
# Without the runnable jar (-Dtonnage.shade.skip): rewriting it here, without its AppCDS archive
# (-Dmaven.test.skip skips the training), would leave ./tonnage's archive stale.
(cd "$root" && ./mvnw -q -B -ntp -pl operator -am package -Dmaven.test.skip=true -Dtonnage.shade.skip=true -Dspotless.check.skip=true -Djacoco.skip=true)
base="$root/image/target/tonnage-base.tar"
if [ "${TONNAGE_REBUILD_BASE:-0}" = 1 ] || [ ! -f "$base" ] || [ -n "$(find "$root/operator/target/lib" -newer "$base" -print -quit)" ]; then
  bash "$root/image/build-base.sh"
fi

# The base's manifest digest (build-base.sh records it): the label org.opencontainers.image.base.digest
# names it, for the local tar base as for the pushed one (Jib refuses an empty label value).
base_digest=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["manifestDigest"])' "$root/image/target/base.json")
args=(-B -ntp -Pimage -pl operator -am package -Dmaven.test.skip=true -Dspotless.check.skip=true -Djacoco.skip=true
      -Djib.disableUpdateChecks=true "-Dtonnage.image.baseDigest=$base_digest")
if [ -n "$target" ]; then
  args+=(-Dtonnage.image.goal=build "-Dtonnage.image=$target")
  [ "${TONNAGE_INSECURE_REGISTRY:-0}" = 1 ] && args+=(-Djib.allowInsecureRegistries=true -DsendCredentialsOverHttp=false)
  # Publish the base next to the image, so that the image's base (label
  # org.opencontainers.image.base.name/.digest) is a reference anyone can resolve and policies can
  # name (baseImages.allowed: ["REGISTRY/tonnage-base:*"]). Needs skopeo; without it the base stays
  # a local tar and the label says tonnage-base:17.
  skopeo="$(command -v skopeo || true)"; [ -x "$cache/bin/skopeo" ] && skopeo="$cache/bin/skopeo"
  if [ -n "$skopeo" ]; then
    base_ref="${TONNAGE_BASE_IMAGE:-${target%%/*}/tonnage-base:17}"
    tls=(); [ "${TONNAGE_INSECURE_REGISTRY:-0}" = 1 ] && tls=(--dest-tls-verify=false)
    "$skopeo" copy --quiet "${tls[@]}" "oci:$root/image/target/tonnage-base-oci:17" "docker://$base_ref" >&2
    echo "[image] base pushed as $base_ref@$base_digest" >&2
    args+=("-Dtonnage.image.baseName=$base_ref" "-Dtonnage.image.baseDigest=$base_digest")
  fi
fi
# Two Jib passes: the first writes the image without the AppCDS archive to a tar; train-cds.sh makes
# the archive with that image's own runtime and jars; the second adds it as /app/tonnage.jsa (its own
# last layer; the other layers, mtimes included, are the same, so the archive stays valid) and writes
# or pushes the image. Without root the archive is left out (TONNAGE_IMAGE_CDS=0 does so too).
cds="$root/operator/target/image-cds"
rm -rf "$cds" && mkdir -p "$cds"
if [ "${TONNAGE_IMAGE_CDS:-1}" = 1 ]; then
  untrained="$root/image/target/jib-image-untrained.tar"
  (cd "$root" && ./mvnw -B -ntp -Pimage -pl operator -am package -Dmaven.test.skip=true -Dspotless.check.skip=true \
      -Djacoco.skip=true -Djib.disableUpdateChecks=true "-Dtonnage.image.baseDigest=$base_digest" \
      "-Djib.outputPaths.tar=$untrained") \
    > "$root/image/target/jib-untrained.log" 2>&1 || { tail -40 "$root/image/target/jib-untrained.log" >&2; exit 1; }
  status=0
  bash "$root/image/train-cds.sh" "$untrained" "$cds/tonnage.jsa" "$root/examples/prod-enforce.yaml" || status=$?
  rm -f "$untrained"
  [ "$status" = 0 ] || [ "$status" = 3 ] || exit "$status"
fi
(cd "$root" && ./mvnw "${args[@]}") > "$root/image/target/jib.log" 2>&1 || { tail -40 "$root/image/target/jib.log" >&2; exit 1; }
grep -E 'Built|Pushed|pushed|digest' "$root/image/target/jib.log" | sed 's/^\[INFO\] /[image] /' >&2 || true

if [ -z "$target" ]; then
  python3 - "$root/operator/target/jib-image.tar" <<'PY'
import json, sys, tarfile
with tarfile.open(sys.argv[1]) as t:
    read = lambda n: json.load(t.extractfile(n))
    index = read("index.json")
    manifest = read("blobs/sha256/" + index["manifests"][0]["digest"].split(":")[1])
size = manifest["config"]["size"] + sum(l["size"] for l in manifest["layers"])
print(f"[image] {sys.argv[1]}: {len(manifest['layers'])} layers, compressed size {size} bytes ({size / 1e6:.1f} MB)")
PY
fi
