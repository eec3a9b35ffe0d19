package dev.tonnage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tonnage.testing.PrintComponentLogsOnFailure;
import dev.tonnage.testing.image.ImageBuilder;
import dev.tonnage.testing.image.ImageSpec;
import dev.tonnage.testing.image.PushedImage;
import dev.tonnage.testing.process.Command;
import dev.tonnage.testing.process.FreePorts;
import dev.tonnage.testing.process.ProcessResult;
import dev.tonnage.testing.registry.RegistryMode;
import dev.tonnage.testing.registry.RegistryServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI as its own process, from the jar the build made, the way {@code ./tonnage} and the image
 * start it: its start-up (the warm start on a second thread, Tonnage's own slf4j provider) leaves
 * stdout to the result and says nothing on stderr unless something is wrong.
 */
@ExtendWith(PrintComponentLogsOnFailure.class)
class CliProcessIT {
  private static final Path JAR = Path.of("target", "tonnage.jar");

  @TempDir Path home;

  @Test
  void inspectPrintsOnlyTheFactsAndNothingElse() throws Exception {
    try (RegistryServer registry = RegistryServer.start(RegistryMode.PLAIN);
        ImageBuilder images = ImageBuilder.forRegistry(registry)) {
      PushedImage pushed = images.push("team/app:1", ImageSpec.singleLayer("app.txt", "hello"));

      ProcessResult run =
          tonnage(
              "inspect",
              "-o",
              "json",
              "--insecure-registry",
              registry.hostPort(),
              pushed.reference());

      assertThat(run.exitCode()).as(run.stderr()).isZero();
      assertThat(run.stderr()).isEmpty();
      JsonNode facts = new ObjectMapper().readTree(run.stdout());
      assertThat(facts.path("digest").asText()).isEqualTo(pushed.digest());
    }
  }

  @Test
  void aFailureIsOneLineOnStderrWithNoLoggingNotices() throws Exception {
    String closed = "127.0.0.1:" + FreePorts.pick();

    ProcessResult run = tonnage("inspect", "--insecure-registry", closed, closed + "/team/app:1");

    assertThat(run.exitCode()).isEqualTo(TonnageCommand.EXIT_ERROR);
    assertThat(run.stdout()).isEmpty();
    assertThat(run.stderr().lines()).hasSize(1).allMatch(line -> line.startsWith("tonnage: "));
  }

  @Test
  void verboseLogsGoToStderrInUtc() throws Exception {
    String closed = "127.0.0.1:" + FreePorts.pick();

    ProcessResult run =
        tonnage("inspect", "--verbose", "--insecure-registry", closed, closed + "/team/app:1");

    assertThat(run.exitCode()).isEqualTo(TonnageCommand.EXIT_ERROR);
    assertThat(run.stdout()).isEmpty();
    assertThat(run.stderr())
        .matches("(?s)\\d\\d:\\d\\d:\\d\\d\\.\\d{3} DEBUG .*")
        .doesNotContain("SLF4J");
  }

  private ProcessResult tonnage(String... args) {
    assertThat(JAR).as("the build makes target/tonnage.jar before the ITs run").exists();
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    List<String> command = new ArrayList<>(List.of("-jar", JAR.toString()));
    command.addAll(List.of(args));
    return Command.of(java, command).withEnvironment("HOME", home.toString()).run();
  }
}
