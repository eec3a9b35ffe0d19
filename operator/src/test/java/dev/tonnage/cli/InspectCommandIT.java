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
import java.nio.file.attribute.PosixFilePermissions;
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

  @Test
  void asksTheDockerConfigsCredentialHelperOnPathForThePassword() throws Exception {
    try (RegistryServer registry = RegistryServer.start(RegistryMode.BASIC);
        ImageBuilder images = ImageBuilder.forRegistry(registry)) {
      PushedImage pushed = images.push("team/app:1", ImageSpec.singleLayer("app.txt", "hello"));
      Path bin = Files.createDirectories(home.resolve("bin"));
      Path asked = home.resolve("asked");
      // The helper answers only for the registry it is asked about, as a keychain would.
      Path helper = bin.resolve("docker-credential-vault");
      Files.writeString(
          helper,
          "#!/bin/sh\n"
              + "[ \"$1\" = get ] || exit 3\n"
              + "url=$(cat)\n"
              + "echo \"$url\" >> "
              + asked
              + "\n"
              + "if [ \"$url\" = \""
              + registry.hostPort()
              + "\" ]; then\n"
              + "  printf '{\"ServerURL\":\"%s\",\"Username\":\"%s\",\"Secret\":\"%s\"}' \"$url\" '"
              + registry.username()
              + "' '"
              + registry.password()
              + "'\n"
              + "else\n"
              + "  echo 'credentials not found in native keychain'; exit 1\n"
              + "fi\n");
      Files.setPosixFilePermissions(helper, PosixFilePermissions.fromString("rwx------"));
      Path dockerDir = Files.createDirectories(home.resolve(".docker"));
      Files.writeString(
          dockerDir.resolve("config.json"),
          "{\"credHelpers\":{\"" + registry.hostPort() + "\":\"vault\"}}");

      Run run = inspectWithPath(bin, registry, pushed);

      assertThat(run.exit()).as(run.err()).isZero();
      assertThat(new ObjectMapper().readTree(run.out()).path("digest").asText())
          .isEqualTo(pushed.digest());
      assertThat(Files.readAllLines(asked)).containsExactly(registry.hostPort());
      assertThat(run.err()).doesNotContain(registry.password());
    }
  }

  @Test
  void withoutTheHelperOnPathThePrivateImageIsUnauthorized() throws Exception {
    try (RegistryServer registry = RegistryServer.start(RegistryMode.BASIC);
        ImageBuilder images = ImageBuilder.forRegistry(registry)) {
      PushedImage pushed = images.push("team/app:1", ImageSpec.singleLayer("app.txt", "hello"));
      Path dockerDir = Files.createDirectories(home.resolve(".docker"));
      Files.writeString(
          dockerDir.resolve("config.json"),
          "{\"credHelpers\":{\"" + registry.hostPort() + "\":\"vault\"}}");

      Run run = inspectWithPath(home.resolve("empty"), registry, pushed);

      assertThat(run.exit()).isEqualTo(TonnageCommand.EXIT_ERROR);
      assertThat(run.err()).contains("refused anonymous access");
    }
  }

  private record Run(int exit, String out, String err) {}

  /** {@code tonnage inspect -o json} with only {@code path} as PATH and the registry's CA. */
  private Run inspectWithPath(Path path, RegistryServer registry, PushedImage pushed) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = TonnageCommand.commandLine(Map.of("PATH", path.toString()), home);
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int exit =
        cli.execute(
            "inspect",
            "--ca-file",
            registry.caCertificateFile().toString(),
            "-o",
            "json",
            pushed.reference());
    return new Run(exit, out.toString(), err.toString());
  }
}
