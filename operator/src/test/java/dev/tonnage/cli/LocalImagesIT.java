package dev.tonnage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tonnage.testing.PrintComponentLogsOnFailure;
import dev.tonnage.testing.image.BaseImageSource;
import dev.tonnage.testing.image.ImageBuilder;
import dev.tonnage.testing.image.ImageSpec;
import dev.tonnage.testing.image.IndexSpec;
import dev.tonnage.testing.image.LayerSpec;
import dev.tonnage.testing.image.ManifestFormat;
import dev.tonnage.testing.image.OciLayoutImage;
import dev.tonnage.testing.image.PushedImage;
import dev.tonnage.testing.image.TarArchive;
import dev.tonnage.testing.registry.RegistryMode;
import dev.tonnage.testing.registry.RegistryServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Images before the push: layouts and archives made by the real skopeo (copied out of a real
 * registry) and umoci (built from scratch), measured by {@code tonnage inspect} and {@code tonnage
 * check} and compared with the same image measured in the registry.
 */
@ExtendWith(PrintComponentLogsOnFailure.class)
class LocalImagesIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String BASE_DIGEST = "sha256:" + "1".repeat(64);

  @TempDir Path home;

  private record Run(int exit, String out, String err) {}

  @Test
  void ociLayoutOciArchiveAndDockerSaveGiveTheRegistrysFacts() throws Exception {
    try (RegistryServer registry = RegistryServer.start(RegistryMode.PLAIN);
        ImageBuilder images = ImageBuilder.forRegistry(registry)) {
      PushedImage pushed =
          images.push(
              "team/app:1",
              ManifestFormat.OCI,
              ImageSpec.builder()
                  .layer(
                      LayerSpec.gzip(TarArchive.builder().randomFile("lib.so", 300_000, 7).build()),
                      "RUN make install # buildkit")
                  .step("ENV A=1")
                  .layer(LayerSpec.gzipFile("app/run.sh", "#!/bin/sh\n"), "COPY run.sh /app/")
                  .baseImage("docker.io/library/alpine:3.20", BASE_DIGEST, BaseImageSource.LABELS)
                  .build());
      Path layout = home.resolve("layout");
      Path ociArchive = home.resolve("app-oci.tar");
      Path dockerArchive = home.resolve("app-docker.tar");
      images.copyOut("team/app:1", "oci:" + layout + ":v1", false);
      images.copyOut("team/app:1", "oci-archive:" + ociArchive, false);
      images.copyOut("team/app:1", "docker-archive:" + dockerArchive, false);

      Run run =
          inspect(
              registry,
              pushed.reference(),
              "oci:" + layout + ":v1",
              "oci-archive:" + ociArchive,
              "docker-archive:" + dockerArchive);

      assertThat(run.exit()).as(run.err()).isZero();
      JsonNode all = JSON.readTree(run.out());
      JsonNode fromRegistry = all.get(0);
      assertThat(fromRegistry.path("digest").asText()).isEqualTo(pushed.digest());
      for (int i = 1; i <= 2; i++) {
        JsonNode local = all.get(i);
        assertThat(local.path("digest").asText()).isEqualTo(pushed.digest());
        assertThat(withoutSizeSources(local.path("platforms")))
            .as("facts of the OCI layout (%d) and of the registry", i)
            .isEqualTo(withoutSizeSources(fromRegistry.path("platforms")));
      }
      assertThat(all.get(1).path("reference").asText()).isEqualTo("local.invalid/oci/layout:v1");
      assertThat(all.get(2).path("reference").asText())
          .isEqualTo("local.invalid/oci-archive/app-oci-tar:latest");

      // docker save stores uncompressed layers: the config, history, base and uncompressed sizes
      // are the registry's; the compressed sizes are those of the archive's tars.
      JsonNode saved = all.get(3).path("platforms").get(0);
      JsonNode expected = fromRegistry.path("platforms").get(0);
      for (String field : List.of("platform", "configDigest", "layerCount", "baseImage")) {
        assertThat(saved.path(field)).as(field).isEqualTo(expected.path(field));
      }
      assertThat(all.get(3).path("digest").asText())
          .isEqualTo(expected.path("configDigest").asText());
      assertThat(saved.path("uncompressedSize").path("bytes").asLong())
          .isEqualTo(pushed.single().uncompressedSize());
      assertThat(saved.path("uncompressedSize").path("exact").asBoolean()).isTrue();
      for (int i = 0; i < 2; i++) {
        JsonNode layer = saved.path("layers").get(i);
        JsonNode registryLayer = expected.path("layers").get(i);
        assertThat(layer.path("createdBy")).isEqualTo(registryLayer.path("createdBy"));
        assertThat(layer.path("uncompressedSize").path("bytes"))
            .isEqualTo(registryLayer.path("uncompressedSize").path("bytes"));
        assertThat(layer.path("size").asLong())
            .isEqualTo(layer.path("uncompressedSize").path("bytes").asLong());
      }
    }
  }

  @Test
  void aLayoutCopiedWithAllHasEveryPlatformOfTheIndex() throws Exception {
    try (RegistryServer registry = RegistryServer.start(RegistryMode.PLAIN);
        ImageBuilder images = ImageBuilder.forRegistry(registry)) {
      PushedImage pushed =
          images.push(
              "multi/app:1",
              IndexSpec.builder(ManifestFormat.OCI)
                  .image(platformImage("linux/amd64"))
                  .image(platformImage("linux/arm64/v8"))
                  .withAttestations()
                  .build());
      Path layout = home.resolve("multi");
      images.copyOut("multi/app:1", "oci:" + layout + ":1", true);

      Run run = inspect(registry, pushed.reference(), "oci:" + layout);

      assertThat(run.exit()).as(run.err()).isZero();
      JsonNode all = JSON.readTree(run.out());
      assertThat(all.get(1).path("digest").asText()).isEqualTo(pushed.digest());
      assertThat(all.get(1).path("platforms").findValuesAsText("platform"))
          .containsExactly("linux/amd64", "linux/arm64");
      assertThat(withoutSizeSources(all.get(1).path("platforms")))
          .isEqualTo(withoutSizeSources(all.get(0).path("platforms")));
    }
  }

  @Test
  void aLayoutUmociBuiltFromScratchGivesTheFactsOfItsPushedCopy() throws Exception {
    try (RegistryServer registry = RegistryServer.start(RegistryMode.PLAIN);
        ImageBuilder images = ImageBuilder.forRegistry(registry)) {
      OciLayoutImage image =
          OciLayoutImage.builder()
              .platform("linux/arm64")
              .layer(Map.of("etc/motd", "hello\n"), "COPY motd /etc/motd")
              .layer(Map.of("app/run.sh", "#!/bin/sh\necho run\n"), "COPY run.sh /app/")
              .label("org.opencontainers.image.base.name", "docker.io/library/busybox:1.36")
              .build();
      Path layout =
          images.buildAndPushWithUmoci(
              "umoci/app:1", image, Files.createDirectory(home.resolve("w")));

      Run run =
          inspect(registry, registry.hostPort() + "/umoci/app:1", "oci:" + layout + ":latest");

      assertThat(run.exit()).as(run.err()).isZero();
      JsonNode all = JSON.readTree(run.out());
      JsonNode local = all.get(1).path("platforms").get(0);
      assertThat(local.path("platform").asText()).isEqualTo("linux/arm64");
      assertThat(local.path("layers").findValuesAsText("createdBy"))
          .containsExactly("COPY motd /etc/motd", "COPY run.sh /app/");
      assertThat(local.path("baseImage").path("name").asText())
          .isEqualTo("index.docker.io/library/busybox:1.36");
      assertThat(local.path("uncompressedSize").path("exact").asBoolean()).isTrue();
      assertThat(withoutSizeSources(all.get(1).path("platforms")))
          .isEqualTo(withoutSizeSources(all.get(0).path("platforms")));
    }
  }

  @Test
  void checkJudgesADockerSaveArchiveAndNamesItsAmbiguousLayoutTags() throws Exception {
    try (RegistryServer registry = RegistryServer.start(RegistryMode.PLAIN);
        ImageBuilder images = ImageBuilder.forRegistry(registry)) {
      images.push(
          "team/big:1",
          ImageSpec.builder()
              .layer(
                  LayerSpec.gzip(TarArchive.builder().zeroFile("zeros", 3_000_000).build()),
                  "RUN dd if=/dev/zero of=/zeros")
              .build());
      images.push("team/small:1", ImageSpec.singleLayer("a.txt", "a"));
      Path archive = home.resolve("big.tar");
      Path layout = home.resolve("two");
      images.copyOut("team/big:1", "docker-archive:" + archive, false);
      images.copyOut("team/big:1", "oci:" + layout + ":big", false);
      images.copyOut("team/small:1", "oci:" + layout + ":small", false);
      Path policy =
          Files.writeString(
              home.resolve("policy.yaml"),
              """
              apiVersion: tonnage.dev/v1alpha1
              kind: ClusterImagePolicy
              metadata: {name: disk}
              spec:
                action: Enforce
                limits: {maxUncompressedSize: 1Mi}
              """);

      Run failed = run("check", "--policy", policy.toString(), "docker-archive:" + archive);
      Run passed = run("check", "--policy", policy.toString(), "oci:" + layout + ":small");
      Run ambiguous = run("check", "--policy", policy.toString(), "oci:" + layout);

      assertThat(failed.exit()).as(failed.err()).isEqualTo(1);
      assertThat(failed.out())
          .contains("docker-archive:" + archive)
          .contains("FAIL")
          .contains("RUN dd if=/dev/zero of=/zeros");
      assertThat(passed.exit()).as(passed.out() + passed.err()).isZero();
      assertThat(ambiguous.exit()).isEqualTo(2);
      assertThat(ambiguous.out())
          .contains("holds 2 images")
          .contains("\"big\"")
          .contains("\"small\"");
    }
  }

  private static ImageSpec platformImage(String platform) {
    return ImageSpec.builder()
        .platform(platform)
        .layer(LayerSpec.gzipFile("arch.txt", platform), "COPY arch.txt /")
        .build();
  }

  /**
   * The platforms without the source of each uncompressed size: the registry reads gzip trailers, a
   * local image is streamed; bytes and exactness must agree.
   */
  private static JsonNode withoutSizeSources(JsonNode platforms) {
    JsonNode copy = platforms.deepCopy();
    for (JsonNode platform : copy) {
      ((ObjectNode) platform.path("uncompressedSize")).remove("source");
      for (JsonNode layer : platform.path("layers")) {
        ((ObjectNode) layer.path("uncompressedSize")).remove("source");
      }
    }
    return copy;
  }

  private Run inspect(RegistryServer registry, String... images) {
    List<String> line =
        new ArrayList<>(
            List.of(
                "inspect",
                "--insecure-registry",
                registry.hostPort(),
                "--uncompressed",
                "-o",
                "json"));
    line.addAll(List.of(images));
    return run(line.toArray(String[]::new));
  }

  private Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = TonnageCommand.commandLine(Map.of(), home);
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int exit = cli.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }
}
