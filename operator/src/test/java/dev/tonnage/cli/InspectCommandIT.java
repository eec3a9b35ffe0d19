package dev.tonnage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tonnage.testing.PrintComponentLogsOnFailure;
import dev.tonnage.testing.image.ImageBuilder;
import dev.tonnage.testing.image.ImageSpec;
import dev.tonnage.testing.image.PushedImage;
import dev.tonnage.testing.registry.RegistryMode;
import dev.tonnage.testing.registry.RegistryServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code tonnage inspect} against a real TLS registry with htpasswd credentials. */
@ExtendWith(PrintComponentLogsOnFailure.class)
class InspectCommandIT {

  @TempDir Path home;

  @Test
  void measuresAPrivateImageWithTheCaFileAndDockerConfig() throws Exception {
    try (RegistryServer registry = RegistryServer.start(RegistryMode.BASIC);
        ImageBuilder images = ImageBuilder.forRegistry(registry)) {
      PushedImage pushed = images.push("team/app:1", ImageSpec.singleLayer("app.txt", "hello"));
      Path dockerDir = Files.createDirectories(home.resolve(".docker"));
      String auth =
          Base64.getEncoder()
              .encodeToString(
                  (registry.username() + ":" + registry.password())
                      .getBytes(StandardCharsets.UTF_8));
      Files.writeString(
          dockerDir.resolve("config.json"),
          "{\"auths\":{\"" + registry.hostPort() + "\":{\"auth\":\"" + auth + "\"}}}");

      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      CommandLine cli = TonnageCommand.commandLine(Map.of(), home);
      cli.setOut(new PrintWriter(out));
      cli.setErr(new PrintWriter(err));
      int exit =
          cli.execute(
              "inspect",
              "--ca-file",
              registry.caCertificateFile().toString(),
              "--uncompressed",
              "-o",
              "json",
              pushed.reference());

      assertThat(exit).as(err.toString()).isZero();
      JsonNode facts = new ObjectMapper().readTree(out.toString());
      assertThat(facts.path("digest").asText()).isEqualTo(pushed.digest());
      JsonNode platform = facts.path("platforms").get(0);
      assertThat(platform.path("compressedSize").asLong())
          .isEqualTo(pushed.single().compressedSize());
      assertThat(platform.path("uncompressedSize").path("bytes").asLong())
          .isEqualTo(pushed.single().uncompressedSize());
    }
  }
}
