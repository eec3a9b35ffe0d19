package dev.tonnage.e2e.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.tonnage.testing.Checkout;
import dev.tonnage.testing.helm.Helm;
import dev.tonnage.testing.image.RegistryClient;
import dev.tonnage.testing.process.Command;
import dev.tonnage.testing.process.ProcessResult;
import dev.tonnage.testing.process.ScratchDirectory;
import dev.tonnage.testing.registry.RegistryMode;
import dev.tonnage.testing.registry.RegistryServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Builds the operator image the way CI and users without Docker do (image/build-image.sh: jlink
 * base + Jib, profile {@code image}), pushes it to a real registry on loopback, and checks what the
 * registry holds: within the size budget, non-root, no shell, and runnable on its own files.
 */
class ContainerImageE2E {

  /** docs/installation.md: at most 80 MB compressed (the stretch goal is 60 MB). */
  static final long BUDGET_BYTES = 80_000_000L;

  static final String REPOSITORY = "tonnage";
  static final String TAG = "e2e";
  static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
  private static final ObjectMapper JSON = new ObjectMapper();

  private static RegistryServer registry;
  private static RegistryClient client;
  private static JsonNode manifest;
  private static JsonNode config;
  private static ScratchDirectory rootfs;

  @BeforeAll
  static void buildAndPush() throws IOException {
    registry = RegistryServer.start(RegistryMode.PLAIN);
    client = RegistryClient.anonymous(registry);
    Path root = Checkout.root();
    ProcessResult build =
        Command.of(
                Path.of("/bin/bash"),
                root.resolve("image/build-image.sh").toString(),
                registry.hostPort() + "/" + REPOSITORY + ":" + TAG)
            .withEnvironment("TONNAGE_INSECURE_REGISTRY", "1")
            .withWorkingDirectory(root)
            .withTimeout(Duration.ofMinutes(10))
            .run()
            .requireSuccess();
    System.out.println(build.stderr());
    manifest = JSON.readTree(client.manifest(REPOSITORY, TAG, List.of(OCI_MANIFEST)).content());
    config =
        JSON.readTree(client.blob(REPOSITORY, manifest.path("config").path("digest").asText()));
  }

  @AfterAll
  static void stopRegistry() {
    if (rootfs != null) {
      rootfs.close();
    }
    if (client != null) {
      client.close();
    }
    if (registry != null) {
      registry.close();
    }
  }

  @Test
  void compressedSizeInTheRegistryIsWithinBudget() {
    long size = manifestSize();
    System.out.printf(
        "operator image: %d layers, %d bytes compressed (%.1f MB)%n",
        manifest.path("layers").size(), size, size / 1e6);

    assertThat(size).as("compressed image size in bytes").isLessThanOrEqualTo(BUDGET_BYTES);
  }

  @Test
  void tonnageInspectMeasuresThePushedImageWithinBudgetAndNamesItsBase() throws IOException {
    String image = registry.hostPort() + "/" + REPOSITORY + ":" + TAG;
    ProcessResult inspect =
        Command.of(
                Path.of(System.getProperty("java.home"), "bin", "java"),
                "-jar",
                Checkout.root().resolve("operator/target/tonnage.jar").toString(),
                "inspect",
                "--output",
                "json",
                "--insecure-registry",
                registry.hostPort(),
                image)
            .run()
            .requireSuccess();
    JsonNode facts = JSON.readTree(inspect.stdout()).path("platforms").get(0);
    System.out.printf(
        "tonnage inspect %s: %d bytes compressed, %d layers, base %s%n",
        image,
        facts.path("compressedSize").asLong(),
        facts.path("layerCount").asInt(),
        facts.path("baseImage").path("name").asText());

    assertThat(facts.path("compressedSize").asLong())
        .isEqualTo(manifestSize())
        .isLessThanOrEqualTo(BUDGET_BYTES);
    assertThat(facts.path("baseImage").path("name").asText())
        .as("the jlink base is published next to the image and recorded as its base")
        .isEqualTo(registry.hostPort() + "/tonnage-base:17");
    assertThat(facts.path("baseImage").path("digest").asText()).startsWith("sha256:");
  }

  @Test
  void meetsTheStrictestExamplePolicyWithTonnageCheck() throws IOException {
    String image = registry.hostPort() + "/" + REPOSITORY + ":" + TAG;
    Path examples = Checkout.root().resolve("examples");
    YAMLMapper yaml = new YAMLMapper();

    // prod-enforce as shipped: 500Mi, 30 layers, and a base from distroless, Chainguard or Alpine.
    JsonNode asShipped = check(image, examples.resolve("prod-enforce.yaml"));
    List<String> rules = new ArrayList<>();
    asShipped.findValues("rule").forEach(r -> rules.add(r.asText()));
    assertThat(rules)
        .as("sizes and layers pass; only the list of allowed bases objects to a self-built base")
        .containsOnly("BASE_IMAGE_NOT_ALLOWED");

    // The same policy once it names the published base, plus the team example's tighter limits
    // (200Mi per image, 100Mi per layer) applied to this image: it passes.
    ObjectNode prod = (ObjectNode) yaml.readTree(examples.resolve("prod-enforce.yaml").toFile());
    ((ArrayNode) prod.path("spec").path("baseImages").path("allowed"))
        .add(registry.hostPort() + "/tonnage-base:*");
    ObjectNode team =
        (ObjectNode) yaml.readTree(examples.resolve("team-imagepolicy.yaml").toFile());
    ObjectNode teamSpec = (ObjectNode) team.path("spec");
    teamSpec.remove("exclude");
    ((ObjectNode) teamSpec.path("match")).putArray("images").add(registry.hostPort() + "/**");
    ((ObjectNode) teamSpec.path("match")).remove("objectSelector");
    try (ScratchDirectory policies = ScratchDirectory.create("policies")) {
      Path strictest =
          policies.write(
              "strictest.yaml",
              yaml.writeValueAsString(prod) + "---\n" + yaml.writeValueAsString(team));

      JsonNode verdict = check(image, strictest);

      assertThat(verdict.path("result").asText()).as(verdict.toString()).isEqualTo("pass");
    }
  }

  /** {@code tonnage check -o json} of {@code image}; exit 0 (pass) or 1 (violation). */
  private static JsonNode check(String image, Path policy) throws IOException {
    ProcessResult check =
        Command.of(
                Path.of(System.getProperty("java.home"), "bin", "java"),
                "-jar",
                Checkout.root().resolve("operator/target/tonnage.jar").toString(),
                "check",
                "--policy",
                policy.toString(),
                "--output",
                "json",
                "--insecure-registry",
                registry.hostPort(),
                image)
            .run();
    assertThat(check.exitCode()).as(check.stdout() + check.stderr()).isIn(0, 1);
    return JSON.readTree(check.stdout());
  }

  @Test
  void runsAsNonRootWithOperatorAsTheDefaultCommand() {
    JsonNode container = config.path("config");

    assertThat(container.path("User").asText()).isEqualTo("65532:65532");
    assertThat(container.path("Entrypoint").get(0).asText()).isEqualTo("java");
    assertThat(container.path("Entrypoint").toString()).contains("dev.tonnage.Main");
    assertThat(container.path("Cmd").toString()).isEqualTo("[\"operator\"]");
    assertThat(container.path("ExposedPorts").has("8443/tcp")).isTrue();
    assertThat(container.path("ExposedPorts").has("8080/tcp")).isTrue();
    assertThat(config.path("os").asText()).isEqualTo("linux");
    assertThat(config.path("architecture").asText()).isEqualTo("amd64");
  }

  @Test
  void containsNoShellNoPackageManagerAndANonrootUser() throws IOException {
    TreeSet<String> paths = new TreeSet<>();
    String passwd = null;
    for (JsonNode layer : manifest.path("layers")) {
      byte[] blob = client.blob(REPOSITORY, layer.path("digest").asText());
      for (TarEntry entry : TarEntry.list(new GZIPInputStream(new ByteArrayInputStream(blob)))) {
        paths.add(entry.name());
        if (entry.name().equals("etc/passwd")) {
          passwd = entry.text();
        }
      }
    }

    assertThat(paths).contains("opt/java/openjdk/bin/java", "app/jib-classpath-file", "tmp");
    assertThat(paths)
        .noneMatch(
            p ->
                p.matches("(usr/)?s?bin/(sh|bash|dash|busybox|apt|apt-get|dpkg|apk|yum|microdnf)"));
    assertThat(passwd).contains("nonroot:x:65532:65532:");
  }

  @Test
  void theImageMeasuresItselfWithItsOwnRuntime() throws IOException {
    List<String> entrypoint = entrypoint();
    String image = registry.hostPort() + "/" + REPOSITORY + ":" + TAG;

    // The jlink runtime, the image's glibc and nothing from the host: the CLI measures the very
    // image it runs from (HTTP client, JSON, registry engine), and the operator's classes load.
    ProcessResult inspect =
        ImageRootfs.run(
            unpacked(),
            entrypoint,
            List.of("inspect", "--insecure-registry", registry.hostPort(), image));

    ProcessResult operatorHelp =
        ImageRootfs.run(unpacked(), entrypoint, List.of("operator", "--help"));

    assertThat(inspect.exitCode()).as(inspect.stdout() + inspect.stderr()).isZero();
    assertThat(inspect.stdout()).contains(image, "compressed", "tonnage-base:17");
    assertThat(operatorHelp.exitCode()).as(operatorHelp.stdout() + operatorHelp.stderr()).isZero();
    assertThat(operatorHelp.stdout()).contains("--webhook-port", "--self-signed");
  }

  @Test
  void theEntrypointIsTunedForTheCliAndMapsTheImagesCdsArchive() throws IOException {
    // -Xshare:on: the JVM refuses to start unless it maps /app/tonnage.jsa (a stale or mismatched
    // archive would be skipped silently by the entrypoint's -Xshare:auto).
    ProcessResult run =
        ImageRootfs.run(
            unpacked(),
            withJvmFlags(entrypoint(), "-Xshare:on", "-Xlog:class+load=info:stdout", FLAGS),
            List.of(
                "inspect",
                "--insecure-registry",
                registry.hostPort(),
                registry.hostPort() + "/" + REPOSITORY + ":" + TAG));

    assertThat(run.exitCode()).as(run.stdout() + run.stderr()).isZero();
    List<String> loaded = run.stdout().lines().filter(l -> l.contains("[class,load]")).toList();
    List<String> notShared =
        loaded.stream().filter(l -> !l.endsWith("source: shared objects file")).toList();
    assertThat(loaded)
        .as("the application's classes come from the archive")
        .anyMatch(l -> l.endsWith("dev.tonnage.Main source: shared objects file"));
    // A training run that missed the CLI path, or classes the JVM cannot archive (a signed jar's:
    // BouncyCastle's provider, which a java.security naming providers the runtime lacks loads).
    assertThat(notShared.size())
        .as("classes an inspect loads from outside the archive: %s", notShared)
        .isLessThan(loaded.size() / 10);
    assertThat(flag(run.stdout(), "TieredStopAtLevel")).isEqualTo("1");
    assertThat(flag(run.stdout(), "UseSerialGC")).isEqualTo("true");
    assertThat(flag(run.stdout(), "SharedArchiveFile")).isEqualTo("/app/tonnage.jsa");
  }

  @Test
  void theChartRunsTheOperatorFromTheImageWithTheFullJitAndTheArchive() throws IOException {
    RenderedChart chart;
    try (Helm helm = Helm.fromEnvironment()) {
      chart =
          RenderedChart.parse(
              helm.template(
                      "1.35.0",
                      List.of(
                          "--set", "image.repository=" + registry.hostPort() + "/" + REPOSITORY))
                  .requireSuccess()
                  .stdout());
    }
    List<String> command = new ArrayList<>();
    chart.operatorContainer().path("command").forEach(c -> command.add(c.asText()));
    assertThat(command).as("the Deployment sets its own command").isNotEmpty();
    // A container runtime looks `java` up in the image's PATH (/opt/java/openjdk/bin).
    command.set(0, "/opt/java/openjdk/bin/" + command.get(0));
    List<String> args = new ArrayList<>(chart.operatorArgs());
    args.add("--help");

    ProcessResult run =
        ImageRootfs.run(unpacked(), withJvmFlags(command, "-Xshare:on", FLAGS), args);

    assertThat(run.exitCode()).as(run.stdout() + run.stderr()).isZero();
    assertThat(run.stdout()).contains("--webhook-port", "--self-signed");
    assertThat(flag(run.stdout(), "TieredStopAtLevel")).as("full JIT").isEqualTo("4");
    assertThat(flag(run.stdout(), "UseSerialGC")).isEqualTo("false");
    assertThat(flag(run.stdout(), "SharedArchiveFile")).isEqualTo("/app/tonnage.jsa");
  }

  private static final String FLAGS = "-XX:+PrintFlagsFinal";

  /** The final value of a JVM flag as -XX:+PrintFlagsFinal prints it ("type name = value ..."). */
  private static String flag(String printed, String name) {
    for (String line : printed.split("\n")) {
      String[] fields = line.trim().split("\\s+");
      if (fields.length >= 4 && fields[1].equals(name) && fields[2].equals("=")) {
        return fields[3];
      }
    }
    throw new AssertionError("no flag " + name + " in the output:\n" + printed);
  }

  /** {@code command} with {@code flags} after its own JVM flags (the last of a flag wins). */
  private static List<String> withJvmFlags(List<String> command, String... flags) {
    List<String> out = new ArrayList<>(command);
    int classpath = out.indexOf("-cp");
    assertThat(classpath).as("-cp in %s", command).isPositive();
    out.addAll(classpath, List.of(flags));
    return out;
  }

  /**
   * The image's Entrypoint, its java named by path, as a runtime resolves it by the image's PATH.
   */
  private static List<String> entrypoint() {
    List<String> entrypoint = new ArrayList<>();
    config.path("config").path("Entrypoint").forEach(e -> entrypoint.add(e.asText()));
    entrypoint.set(0, "/opt/java/openjdk/bin/java");
    return entrypoint;
  }

  /** The pushed image's layers unpacked in order, once for the tests that run its files. */
  private static synchronized Path unpacked() throws IOException {
    if (rootfs == null) {
      ScratchDirectory directory = ScratchDirectory.create("image-rootfs");
      for (JsonNode layer : manifest.path("layers")) {
        Path blob = directory.path().resolve("layer.tar.gz");
        Files.write(blob, client.blob(REPOSITORY, layer.path("digest").asText()));
        Command.of(Path.of("/bin/tar"), "-xzf", blob.toString(), "-C", directory.path().toString())
            .run()
            .requireSuccess();
        Files.delete(blob);
      }
      rootfs = directory;
    }
    return rootfs.path();
  }

  /** The bytes a node pulls: config plus every layer, as the manifest declares them. */
  private static long manifestSize() {
    long size = manifest.path("config").path("size").asLong();
    for (JsonNode layer : manifest.path("layers")) {
      size += layer.path("size").asLong();
    }
    return size;
  }

  /** One regular file or directory of a layer tar. */
  record TarEntry(String name, byte[] content) {

    String text() {
      return new String(content, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Reads a (ustar/pax) tar stream; small text files keep their content, others do not. */
    static List<TarEntry> list(InputStream in) throws IOException {
      List<TarEntry> entries = new ArrayList<>();
      String paxPath = null;
      while (true) {
        byte[] header = in.readNBytes(512);
        if (header.length < 512 || header[0] == 0) {
          return entries;
        }
        String name = field(header, 0, 100);
        String prefix = field(header, 345, 155);
        long size =
            Long.parseLong(
                field(header, 124, 12).trim().isEmpty() ? "0" : field(header, 124, 12).trim(), 8);
        char type = (char) header[156];
        byte[] content = in.readNBytes((int) size);
        in.skipNBytes((512 - size % 512) % 512);
        if (type == 'x') {
          paxPath = paxValue(new String(content, java.nio.charset.StandardCharsets.UTF_8), "path");
          continue;
        }
        String path = paxPath != null ? paxPath : (prefix.isEmpty() ? name : prefix + "/" + name);
        paxPath = null;
        if (path.startsWith("./")) {
          path = path.substring(2);
        }
        if (path.endsWith("/")) {
          path = path.substring(0, path.length() - 1);
        }
        entries.add(new TarEntry(path, size < 65536 ? content : new byte[0]));
      }
    }

    private static String field(byte[] header, int offset, int length) {
      int end = offset;
      while (end < offset + length && header[end] != 0) {
        end++;
      }
      return new String(header, offset, end - offset, java.nio.charset.StandardCharsets.US_ASCII);
    }

    private static String paxValue(String records, String key) {
      for (String line : records.split("\n")) {
        int space = line.indexOf(' ');
        if (space > 0 && line.substring(space + 1).startsWith(key + "=")) {
          return line.substring(space + 1 + key.length() + 1);
        }
      }
      return null;
    }
  }
}
