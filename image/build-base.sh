#!/usr/bin/env bash
# Builds Tonnage's base image without a daemon and without pulling anything: a jlink-trimmed Java 17
# runtime from this machine's JDK, the few glibc/libstdc++ libraries it links, /etc/passwd with the
# nonroot user (uid 65532) and nothing else (no shell, no package manager).
#
# Output (image/target/):
#   tonnage-base.tar   `docker save` archive, the Jib base (`tar://`, see operator/pom.xml profile image)
#   tonnage-base-oci/  the same image as an OCI layout (skopeo copy oci:... docker://...)
#   modules.txt        the Java modules in the runtime
#   rootfs/            the unpacked filesystem (for inspection and the image E2E)
#
# The module list comes from jdeps over operator/target/classes-jar/tonnage.jar + lib/*.jar (built when missing),
# minus TONNAGE_JLINK_DROP (default java.desktop: only java.beans is referenced, by code paths Tonnage
# never takes, and it costs ~6 MB compressed), plus TONNAGE_JLINK_ADD.
set -Eeuo pipefail
trap 'echo "build-base.sh: FAILED at line $LINENO" >&2' ERR

root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/image/target"
JAVA_HOME="${TONNAGE_JLINK_JDK:-${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")}}"
jlink="$JAVA_HOME/bin/jlink"; jdeps="$JAVA_HOME/bin/jdeps"
# jdk.crypto.ec: TLS with EC keys/ECDHE (registries, the API server); jdk.management: JVM metrics;
# jdk.unsupported: sun.misc.Unsafe users (caffeine, protobuf shaded in prometheus).
ADD="${TONNAGE_JLINK_ADD:-jdk.crypto.ec,jdk.management,jdk.unsupported,java.naming}"
DROP="${TONNAGE_JLINK_DROP:-java.desktop}"
REF="${TONNAGE_BASE_REF:-tonnage-base:17}"

release=$("$JAVA_HOME/bin/java" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/{print $2}')
[ "$release" = "17" ] || { echo "build-base.sh: needs a JDK 17 (found $release at $JAVA_HOME); set TONNAGE_JLINK_JDK" >&2; exit 1; }
[ -d "$JAVA_HOME/jmods" ] || { echo "build-base.sh: $JAVA_HOME has no jmods/ (Debian: apt-get install openjdk-17-jmods)" >&2; exit 1; }

jar="$root/operator/target/classes-jar/tonnage.jar"
if [ ! -f "$jar" ] || [ ! -d "$root/operator/target/lib" ]; then
  echo "[base] building operator/target/classes-jar/tonnage.jar and lib/" >&2
  (cd "$root" && ./mvnw -q -B -ntp -pl operator -am package -Dmaven.test.skip=true -Dtonnage.shade.skip=true -Dspotless.check.skip=true -Djacoco.skip=true)
fi

rm -rf "$out" && mkdir -p "$out"
work=$(mktemp -d "${TMPDIR:-/tmp}/tonnage-base.XXXXXX")
trap 'rm -rf "$work"' EXIT

# jdeps resolves modular jars as modules and fails on automatic-module names it cannot find
# (okhttp requires "okio"); one flat jar of all classes, module-info stripped, sidesteps that.
echo "[base] jdeps over tonnage.jar + $(ls "$root/operator/target/lib" | wc -l) libraries" >&2
python3 - "$work/all.jar" "$jar" "$root"/operator/target/lib/*.jar <<'PY'
import sys, zipfile
seen = set()
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_STORED) as out:
    for path in sys.argv[2:]:
        with zipfile.ZipFile(path) as z:
            for e in z.infolist():
                n = e.filename
                if n.endswith(".class") and not n.endswith("module-info.class") and n not in seen:
                    seen.add(n)
                    out.writestr(n, z.read(e))
PY
found=$("$jdeps" --print-module-deps --ignore-missing-deps --multi-release 17 "$work/all.jar")
modules=$(printf '%s\n' "${found//,/$'\n'}" "${ADD//,/$'\n'}" | grep -v '^$' | sort -u | grep -vxF -f <(printf '%s\n' "${DROP//,/$'\n'}") | paste -sd, -)
echo "$modules" | tr , '\n' > "$out/modules.txt"
echo "[base] jdeps found: $found; runtime modules: $modules" >&2

rootfs="$out/rootfs"
mkdir -p "$rootfs/opt/java"
# --compress=0: the layer is gzipped anyway, and gzip over uncompressed modules is ~20% smaller than
# over zip-compressed ones. Left out: the JDK's default CDS archive (the Tonnage image brings its own,
# of the JDK's and its own classes, made by image/train-cds.sh from this runtime; the default one
# would be 3.2 MB compressed the image never maps), the process launch helpers (Tonnage starts no
# processes), jrt-fs.jar (only for other JDKs reading this one's modules) and keytool (no tools in
# the image).
"$jlink" --add-modules "$modules" --strip-debug --no-man-pages --no-header-files --compress=0 \
  --exclude-files='regex:.*/(lib/(jexec|jspawnhelper|jrt-fs\.jar)|bin/keytool)' \
  --vendor-version="Tonnage jlink runtime" --output "$rootfs/opt/java/openjdk"
# The classlist only serves jlink's CDS archive.
rm -f "$rootfs/opt/java/openjdk/lib/classlist"
# java.security names all twelve JDK providers; one whose module is not in the runtime makes the JVM
# look it up on the class path (ServiceLoader), which instantiates every provider found there: the
# first TLS or digest look-up then verified the signed BouncyCastle jar and loaded ~650 of its
# classes (a signed jar's classes are not archived), ~0.3 s of a CLI run. Only the runtime's own.
python3 - "$rootfs/opt/java/openjdk" <<'PY'
import re, sys
home = sys.argv[1]
modules = re.search(r'^MODULES="([^"]*)"', open(f"{home}/release").read(), re.M).group(1).split()
module_of = {"SUN": "java.base", "SunRsaSign": "java.base", "SunEC": "jdk.crypto.ec",
             "SunJSSE": "java.base", "SunJCE": "java.base", "SunJGSS": "java.security.jgss",
             "SunSASL": "java.security.sasl", "XMLDSig": "java.xml.crypto",
             "SunPCSC": "java.smartcardio", "JdkLDAP": "java.naming", "JdkSASL": "jdk.security.jgss",
             "SunPKCS11": "jdk.crypto.cryptoki"}
path = f"{home}/conf/security/java.security"
text = open(path).read()
listed = re.findall(r"^security\.provider\.\d+=(\S+)[^\n]*$", text, re.M)
kept = [p for p in listed if module_of.get(p) in modules]
first = re.search(r"^security\.provider\.\d+=", text, re.M).start()
text = re.sub(r"^security\.provider\.\d+=[^\n]*\n", "", text, flags=re.M)
text = text[:first] + "".join(f"security.provider.{i}={p}\n" for i, p in enumerate(kept, 1)) + text[first:]
open(path, "w").write(text)
print(f"[base] security providers: {' '.join(kept)} (of {' '.join(listed)})", file=sys.stderr)
PY

# The shared libraries the runtime links (ldd closure) and the dynamic loader, from this machine.
mkdir -p "$rootfs/lib/x86_64-linux-gnu" "$rootfs/lib64"
mapfile -t elves < <(find "$rootfs/opt/java/openjdk" -type f \( -name '*.so' -o -path '*/bin/*' \))
libs=$(for f in "${elves[@]}"; do LD_LIBRARY_PATH="$rootfs/opt/java/openjdk/lib:$rootfs/opt/java/openjdk/lib/server" ldd "$f" 2>/dev/null || true; done \
  | awk '/=> \// {print $3} /^\s*\/lib64\// {print $1}' | grep -v "^$rootfs" | sort -u)
for l in $libs; do
  real=$(readlink -f "$l")
  cp "$real" "$rootfs/lib/x86_64-linux-gnu/$(basename "$l")"
done
loader=$(readlink -f /lib64/ld-linux-x86-64.so.2)
cp "$loader" "$rootfs/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2"
ln -s ../lib/x86_64-linux-gnu/ld-linux-x86-64.so.2 "$rootfs/lib64/ld-linux-x86-64.so.2"
# Symbols serve debuggers only (Debian ships them in libjvm.so): ~5 MB less.
if command -v strip >/dev/null; then
  find "$rootfs" -type f -name '*.so*' -exec chmod u+w {} + -exec strip --strip-unneeded {} +
fi
echo "[base] system libraries: $(ls "$rootfs/lib/x86_64-linux-gnu" | paste -sd' ')" >&2

# Users, name resolution, writable dirs. The root filesystem may be mounted read-only: the JVM only
# needs /tmp (an emptyDir in the chart), and -XX:-UsePerfData keeps it from writing hsperfdata.
mkdir -p "$rootfs/etc" "$rootfs/tmp" "$rootfs/home/nonroot" "$rootfs/app"
printf 'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' > "$rootfs/etc/passwd"
printf 'root:x:0:\nnonroot:x:65532:\n' > "$rootfs/etc/group"
printf 'hosts: files dns\n' > "$rootfs/etc/nsswitch.conf"
printf '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n' > "$rootfs/etc/hosts"
chmod 1777 "$rootfs/tmp"; chmod 0700 "$rootfs/home/nonroot"
# Licences of what is copied in (the runtime's own are under /opt/java/openjdk/legal).
mkdir -p "$rootfs/usr/share/doc"
for pkg in libc6 libstdc++6 libgcc-s1 zlib1g; do
  [ -f "/usr/share/doc/$pkg/copyright" ] && mkdir -p "$rootfs/usr/share/doc/$pkg" && cp "/usr/share/doc/$pkg/copyright" "$rootfs/usr/share/doc/$pkg/"
done

# The runtime starts in this rootfs alone (no host paths): fails the build here, not in a cluster.
# (ld.so resolves the java launcher's $ORIGIN through /proc/self/exe, hence a private /proc.)
if [ "$(id -u)" = 0 ] && command -v unshare >/dev/null && unshare --mount --pid --fork true 2>/dev/null; then
  mkdir "$rootfs/proc"
  unshare --mount --pid --fork --propagation private sh -c \
    'mount -t proc proc "$1/proc" && exec chroot --userspec=65532:65532 "$1" /opt/java/openjdk/bin/java -XX:-UsePerfData -version' \
    _ "$rootfs" 2>&1 | sed 's/^/[base] chroot: /' >&2
  rmdir "$rootfs/proc"
fi

jdk_version=$("$JAVA_HOME/bin/java" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.runtime.version/{print $2}')
python3 "$root/image/pack-rootfs.py" "$rootfs" "$out/tonnage-base.tar" "$out/tonnage-base-oci" \
  --ref "$REF" --owner home/nonroot=65532:65532 --user 65532:65532 --workdir /home/nonroot \
  --env PATH=/opt/java/openjdk/bin --env JAVA_HOME=/opt/java/openjdk --env LANG=C.UTF-8 \
  --env HOME=/home/nonroot \
  --label "org.opencontainers.image.title=tonnage-base" \
  --label "org.opencontainers.image.description=jlink Java $jdk_version runtime ($modules), nonroot 65532, no shell" \
  | tee "$out/base.json"
