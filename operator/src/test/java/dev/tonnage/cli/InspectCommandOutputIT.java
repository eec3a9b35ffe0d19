package dev.tonnage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tonnage.registry.FixtureRegistry;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code tonnage inspect}: output formats, exit codes and error lines, against a fixture registry
 * on MockWebServer.
 */
class InspectCommandOutputIT {

  private FixtureRegistry registry;
  private MockWebServer server;
  private String host;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();
  @TempDir Path home;

  @BeforeEach
  void start() throws Exception {
    registry = FixtureRegistry.load();
    server = new MockWebServer();
    server.setDispatcher(registry);
    server.start();
    host = server.getHostName() + ":" + server.getPort();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private int run(Map<String, String> env, String... args) {
    CommandLine cli = TonnageCommand.commandLine(env, home);
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    return cli.execute(args);
  }

  private int inspect(String... args) {
    List<String> all = new ArrayList<>(List.of("inspect", "--insecure-registry", host));
    all.addAll(List.of(args));
    return run(Map.of(), all.toArray(String[]::new));
  }

  @Test
  void textShowsTotalsAndALayerTablePerPlatform() {
    assertThat(inspect(host + "/fixtures/multi:latest")).isZero();
    assertThat(out.toString())
        .contains(host + "/fixtures/multi:latest")
        .contains("OCI image index, 2 platforms")
        .contains("linux/amd64  sha256:f5c0c451")
        .contains("compressed    2.6 KiB  (2733 bytes)")
        .contains("index.docker.io/library/alpine:3.19@sha256:a8560b36")
        .contains("(manifest annotation)")
        .contains("SIZE  CREATED BY")
        .contains("2.2 KiB  umoci repack")
        .doesNotContain("UNCOMPRESSED");
    assertThat(err.toString()).isEmpty();
  }

  @Test
  void uncompressedAddsTotalsAndAColumn() {
    assertThat(inspect("--uncompressed", host + "/fixtures/zstd")).isZero();
    assertThat(out.toString())
        .contains("uncompressed  60 KiB  (61440 bytes)")
        .contains("UNCOMPRESSED  CREATED BY")
        .contains("126 B         60 KiB  ADD zeros /opt/zeros");
  }

  @Test
  void jsonIsTheFactsObjectForOneImageAndAnArrayForSeveral() throws Exception {
    assertThat(inspect("-o", "json", "--platform", "linux/arm64", host + "/fixtures/multi"))
        .isZero();
    JsonNode one = new ObjectMapper().readTree(out.toString());
    assertThat(one.path("reference").asText()).isEqualTo(host + "/fixtures/multi:latest");
    assertThat(one.path("platforms")).hasSize(1);
    assertThat(one.path("platforms").get(0).path("platform").asText()).isEqualTo("linux/arm64");
    assertThat(one.path("platforms").get(0).path("compressedSize").asLong()).isEqualTo(2730);
    assertThat(one.path("platforms").get(0).path("baseImage").path("source").asText())
        .isEqualTo("MANIFEST_ANNOTATION");

    out.getBuffer().setLength(0);
    assertThat(inspect("--output", "JSON", host + "/fixtures/zstd", host + "/fixtures/multi:amd64"))
        .isZero();
    JsonNode many = new ObjectMapper().readTree(out.toString());
    assertThat(many.isArray()).isTrue();
    assertThat(many).hasSize(2);
  }

  @Test
  void aMissingPlatformIsAnErrorNamingThoseThatExist() {
    assertThat(inspect("--platform", "linux/s390x", host + "/fixtures/multi")).isEqualTo(2);
    assertThat(err.toString().strip())
        .isEqualTo(
            "tonnage: "
                + host
                + "/fixtures/multi:latest has no platform linux/s390x; it has linux/amd64,"
                + " linux/arm64");
  }

  @Test
  void registryErrorsAreOneLineEachAndTheOthersStillPrint() {
    assertThat(
            inspect(
                host + "/fixtures/none:1", host + "/fixtures/zstd", host + "/fixtures/chart:0.1.0"))
        .isEqualTo(2);
    assertThat(out.toString()).contains(host + "/fixtures/zstd:latest");
    List<String> lines = err.toString().lines().toList();
    assertThat(lines).hasSize(2);
    assertThat(lines.get(0))
        .startsWith("tonnage: manifest of " + host + "/fixtures/none:1 not found");
    assertThat(lines.get(1)).contains("is not a container image");
  }

  @Test
  void badInputExitsTwoWithOneLineAndNoStackTrace() {
    assertThat(inspect("ghcr.io/Acme/app")).isEqualTo(2);
    assertThat(err.toString().lines().toList())
        .singleElement()
        .asString()
        .startsWith("tonnage: invalid image reference \"ghcr.io/Acme/app\"");
    err.getBuffer().setLength(0);
    assertThat(inspect("--platform", "linux", "nginx")).isEqualTo(2);
    assertThat(err.toString())
        .startsWith("tonnage: invalid platform \"linux\"")
        .doesNotContain("\tat ");
  }

  @Test
  void usageErrorsExitTwo() {
    assertThat(run(Map.of(), "inspect")).isEqualTo(2);
    assertThat(err.toString()).contains("Missing required parameter: 'IMAGE'");
    assertThat(run(Map.of(), "inspect", "--output", "yaml", "x")).isEqualTo(2);
    assertThat(run(Map.of(), "frobnicate")).isEqualTo(2);
  }

  @Test
  void credentialsComeFromTheDockerConfig() throws Exception {
    registry.requireBasic("alice", "pw");
    Path dir = Files.createDirectories(home.resolve("creds"));
    String auth = Base64.getEncoder().encodeToString("alice:pw".getBytes(StandardCharsets.UTF_8));
    Files.writeString(
        dir.resolve("config.json"), "{\"auths\":{\"" + host + "\":{\"auth\":\"" + auth + "\"}}}");

    assertThat(inspect(host + "/fixtures/zstd")).isEqualTo(2);
    assertThat(err.toString()).contains("give credentials for " + host);

    out.getBuffer().setLength(0);
    assertThat(inspect("--docker-config", dir.toString(), host + "/fixtures/zstd")).isZero();
    assertThat(
            run(
                Map.of("DOCKER_CONFIG", dir.toString()),
                "inspect",
                "--insecure-registry",
                host,
                host + "/fixtures/zstd"))
        .isZero();
  }

  @Test
  void createdByIsShortenedForTheTable() {
    assertThat(FactsText.createdBy("/bin/sh -c #(nop)  CMD [\"nginx\"]"))
        .isEqualTo("CMD [\"nginx\"]");
    assertThat(FactsText.createdBy("/bin/sh -c apt-get update &&     apt-get install -y curl"))
        .isEqualTo("RUN apt-get update && apt-get install -y curl");
    assertThat(FactsText.createdBy("RUN /bin/sh -c make # buildkit")).isEqualTo("RUN make");
    assertThat(FactsText.createdBy(null)).isEqualTo("-");
    assertThat(FactsText.createdBy("x".repeat(200))).hasSize(72).endsWith("…");
  }

  @Test
  void sizesUseBinaryUnits() {
    assertThat(FactsText.bytes(0)).isEqualTo("0 B");
    assertThat(FactsText.bytes(1023)).isEqualTo("1023 B");
    assertThat(FactsText.bytes(1536)).isEqualTo("1.5 KiB");
    assertThat(FactsText.bytes(70_565_888)).isEqualTo("67.2 MiB");
    assertThat(FactsText.bytes(5L << 30)).isEqualTo("5 GiB");
  }

  @Test
  void versionAndHelpExitZero() {
    assertThat(run(Map.of(), "--version")).isZero();
    assertThat(out.toString()).startsWith("tonnage ");
    assertThat(run(Map.of(), "inspect", "--help")).isZero();
  }
}
