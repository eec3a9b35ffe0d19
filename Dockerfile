# syntax=docker/dockerfile:1
# Multi-stage build of the Tonnage image for users with Docker or BuildKit. It produces the same
# image layout as the daemon-less build (image/build-image.sh: jlink base + Jib): a jlink-trimmed
# Java 17 runtime, no shell or package manager, user 65532, `tonnage operator` by default.
#
#   docker build -t tonnage:0.1.0 .
#
# Our CI has no Docker daemon and cannot pull public images, so this file is not built there;
# image/build-image.sh is what CI builds and measures (docs/installation.md).

ARG JDK_IMAGE=docker.io/library/eclipse-temurin:17-jdk
# distroless cc: glibc, libstdc++, CA certificates, /etc/passwd with nonroot (65532); no shell.
ARG RUNTIME_BASE=gcr.io/distroless/cc-debian12:nonroot

# --- build: the jar, its libraries, and a runtime with only the modules they use -------------
FROM ${JDK_IMAGE} AS build
WORKDIR /src
# Dependencies first, so that a source change reuses the cached dependency layer.
COPY .mvn/ .mvn/
COPY mvnw pom.xml ./
COPY operator/pom.xml operator/
COPY test-support/pom.xml test-support/
COPY e2e/pom.xml e2e/
# Best-effort warm-up of the Maven cache (the package step below resolves whatever is missing).
RUN --mount=type=cache,target=/root/.m2 \
    ./mvnw -B -ntp -q -pl operator -am dependency:go-offline -DexcludeGroupIds=dev.tonnage || true
COPY operator/ operator/
COPY test-support/ test-support/
RUN --mount=type=cache,target=/root/.m2 \
    ./mvnw -B -ntp -q -pl operator -am package -DskipTests -Dspotless.check.skip=true -Djacoco.skip=true \
       -Dtonnage.cds.skip=true
# The modules the application needs (same rule as image/build-base.sh: jdeps, minus java.desktop,
# plus TLS EC, JVM management and Unsafe users).
RUN mkdir /deps && cd /deps \
    && for j in /src/operator/target/classes-jar/tonnage.jar /src/operator/target/lib/*.jar; do jar xf "$j"; done \
    && find . -name module-info.class -delete && jar cf /tmp/all.jar -C /deps . \
    && jdeps --print-module-deps --ignore-missing-deps --multi-release 17 /tmp/all.jar \
       | tr , '\n' | grep -vx java.desktop \
       | cat - <(printf 'jdk.crypto.ec\njdk.management\njdk.unsupported\njava.naming\n') | sort -u | paste -sd, - > /tmp/modules \
    && jlink --add-modules "$(cat /tmp/modules)" --strip-debug --no-man-pages --no-header-files \
       --compress=0 --generate-cds-archive --output /opt/java/openjdk \
    && rm -f /opt/java/openjdk/lib/server/classes_nocoops.jsa
# java.security names only the runtime's own providers (same rule as image/build-base.sh): one whose
# module is missing makes the JVM instantiate every provider on the class path, BouncyCastle's too
# (~650 classes of a signed jar, which no CDS archive holds), ~0.3 s of a CLI run.
RUN . /opt/java/openjdk/release \
    && awk -v mods=" $MODULES " 'BEGIN { n = split("SunEC jdk.crypto.ec SunJGSS java.security.jgss SunSASL java.security.sasl XMLDSig java.xml.crypto SunPCSC java.smartcardio JdkLDAP java.naming JdkSASL jdk.security.jgss SunPKCS11 jdk.crypto.cryptoki", a, " "); for (i = 1; i < n; i += 2) m[a[i]] = a[i + 1] } /^security\.provider\.[0-9]+=/ { p = $0; sub(/^[^=]*=/, "", p); if ((p in m) && index(mods, " " m[p] " ") == 0) next; sub(/\.[0-9]+=/, "." ++k "=") } { print }' \
       /opt/java/openjdk/conf/security/java.security > /tmp/java.security \
    && cp /tmp/java.security /opt/java/openjdk/conf/security/java.security
# The class path in a file at the path the Jib image keeps it, so that the chart's command
# (operator.command: `-cp @/app/jib-classpath-file`) runs this image too.
RUN mkdir -p /app/libs /app/main && cp /src/operator/target/lib/*.jar /app/libs/ \
    && cp /src/operator/target/classes-jar/tonnage.jar /app/main/ \
    && printf '%s\n' '/app/main/tonnage.jar:/app/libs/*' > /app/jib-classpath-file
# AppCDS: the archive must come from the runtime and class path the image runs with, so it is
# made here, by a training run of the CLI (an image on a closed port: no network; exits 2).
RUN printf 'apiVersion: tonnage.dev/v1alpha1\nkind: ClusterImagePolicy\nmetadata: {name: training}\nspec:\n  action: Enforce\n  limits: {maxCompressedSize: 500Mi, maxUncompressedSize: 2Gi, maxLayers: 30}\n  baseImages: {allowed: ["gcr.io/distroless/*"], requireKnownBase: true}\n' > /tmp/training.yaml \
    && /opt/java/openjdk/bin/java -XX:ArchiveClassesAtExit=/app/tonnage.jsa -Xlog:disable \
      -cp "/app/main/tonnage.jar:/app/libs/*" dev.tonnage.Main check --policy /tmp/training.yaml \
      --insecure-registry 127.0.0.1:9 --timeout 1 127.0.0.1:9/training/app:1 >/dev/null; \
    test -s /app/tonnage.jsa

# --- runtime: glibc + the jlink runtime, nothing else ----------------------------------------
FROM ${RUNTIME_BASE}
ENV JAVA_HOME=/opt/java/openjdk PATH=/opt/java/openjdk/bin LANG=C.UTF-8
COPY --from=build /opt/java/openjdk /opt/java/openjdk
# Libraries change less often than the code: two layers, like Jib's.
COPY --from=build /app/libs /app/libs
COPY --from=build /app/main /app/main
COPY --from=build /app/tonnage.jsa /app/jib-classpath-file /app/
USER 65532:65532
WORKDIR /home/nonroot
EXPOSE 8443 8080
# As the Jib image: tuned for short CLI runs (C1 only, one compiler thread, the serial collector,
# the heap in transparent huge pages where the kernel offers them),
# no hsperfdata (read-only root), UTF-8, the AppCDS archive (JVM warnings to stderr, so a stale
# archive cannot spoil a machine format on stdout); heap from JAVA_TOOL_OPTIONS. The chart runs the
# operator with its own command (full JIT, default collector).
ENTRYPOINT ["java", "-XX:-UsePerfData", "-Xshare:auto", "-XX:SharedArchiveFile=/app/tonnage.jsa", "-Xlog:disable", "-Xlog:all=warning:stderr", "-XX:TieredStopAtLevel=1", "-XX:CICompilerCount=1", "-XX:+UseSerialGC", "-XX:+UseTransparentHugePages", "-Xlog:pagesize=off:stderr", "-Dfile.encoding=UTF-8", "-cp", "@/app/jib-classpath-file", "dev.tonnage.Main"]
CMD ["operator"]
