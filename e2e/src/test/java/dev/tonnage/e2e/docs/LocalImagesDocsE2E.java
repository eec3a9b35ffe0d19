package dev.tonnage.e2e.docs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tonnage.testing.Checkout;
import dev.tonnage.testing.image.ImageBuilder;
import dev.tonnage.testing.image.ImageSpec;
import dev.tonnage.testing.image.LayerSpec;
import dev.tonnage.testing.image.ManifestFormat;
import dev.tonnage.testing.image.TarArchive;
import dev.tonnage.testing.process.Command;
import dev.tonnage.testing.process.ProcessResult;
import dev.tonnage.testing.process.ScratchDirectory;
import dev.tonnage.testing.registry.RegistryMode;
import dev.tonnage.testing.registry.RegistryServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Runs the "before the push" block of docs/ci.md with the operator jar, in a directory holding the
 * files it names, made by the real skopeo from an image in a real registry: an OCI archive, a
 * docker save archive and an OCI layout.
 */
class LocalImagesDocsE2E {

  @Test
  void theBeforeThePushCommandsJudgeAndMeasureTheFilesSkopeoWrote() throws Exception {
    try (RegistryServer registry = RegistryServer.start(RegistryMode.PLAIN);
        ImageBuilder images = ImageBuilder.forRegistry(registry);
        ScratchDirectory work = ScratchDirectory.create("before-the-push")) {
      images.push(
          "team/app:1.0",
          ManifestFormat.OCI,
          ImageSpec.builder()
              .layer(
                  LayerSpec.gzip(TarArchive.builder().randomFile("app", 200_000, 3).build()),
                  "COPY app /app")
              .build());
      Path build = work.directory("build");
      images.copyOut("team/app:1.0", "oci-archive:" + build.resolve("app.tar"), false);
      images.copyOut("team/app:1.0", "docker-archive:" + build.resolve("app-docker.tar"), false);
      images.copyOut("team/app:1.0", "oci:" + build.resolve("layout") + ":1.0", false);
      Files.createDirectories(work.path().resolve("policies"));
      work.write(
          "policies/prod.yaml",
          """
          apiVersion: tonnage.dev/v1alpha1
          kind: ClusterImagePolicy
          metadata: {name: prod}
          spec:
            action: Enforce
            limits: {maxUncompressedSize: 100Mi, maxLayers: 20}
          """);
      Path bin = work.directory("bin");
      Path tonnage = bin.resolve("tonnage");
      Files.writeString(
          tonnage,
          "#!/bin/sh\nexec java -jar "
              + Checkout.root().resolve("operator/target/tonnage.jar")
              + " \"$@\"\n");
      Files.setPosixFilePermissions(tonnage, PosixFilePermissions.fromString("rwx------"));
      String script =
          DocCommands.read(Checkout.root().resolve("docs/ci.md")).block("before-the-push");

      ProcessResult result =
          Command.of(Path.of("/bin/bash"), List.of("-euo", "pipefail", "-c", script))
              .withWorkingDirectory(work.path())
              .withEnvironment("HOME", work.path().toString())
              .withEnvironment(
                  "PATH",
                  bin
                      + ":"
                      + Path.of(System.getProperty("java.home"), "bin")
                      + ":"
                      + System.getenv("PATH"))
              .withTimeout(Duration.ofMinutes(3))
              .run();

      assertThat(result.exitCode())
          .as("documented commands failed:%n%s%n%s%s", script, result.stdout(), result.stderr())
          .isZero();
      assertThat(result.stdout())
          .contains("oci-archive:build/app.tar")
          .contains("PASS")
          .contains("local.invalid/oci/layout:1.0");
      JsonNode report = new ObjectMapper().readTree(work.path().resolve("report.json").toFile());
      assertThat(report.path("result").asText()).isEqualTo("pass");
      assertThat(report.path("images").get(0).path("image").asText())
          .isEqualTo("docker-archive:build/app-docker.tar");
    }
  }
}
