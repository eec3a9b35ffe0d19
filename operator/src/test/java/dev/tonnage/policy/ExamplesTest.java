package dev.tonnage.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every policy users copy from examples/ reads and compiles. */
class ExamplesTest {

  private static final Path EXAMPLES = Path.of("../examples");

  /** The policy files; examples/ also holds the team example's Namespace, for kubectl apply. */
  static Stream<Path> examples() throws IOException {
    try (Stream<Path> files = Files.list(EXAMPLES)) {
      return files
          .filter(f -> f.toString().endsWith(".yaml"))
          .filter(f -> !f.getFileName().toString().startsWith("namespace-"))
          .filter(f -> !f.getFileName().toString().startsWith("exception-"))
          .sorted()
          .toList()
          .stream();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void parsesAndCompiles(Path file) throws IOException {
    List<CompiledPolicy> policies =
        PolicyDocuments.parse(file.getFileName().toString(), Files.readString(file));
    assertThat(policies).isNotEmpty();
  }

  @Test
  void theExceptionExampleParsesAndCompiles() throws IOException {
    Path file = EXAMPLES.resolve("exception-ml-model.yaml");
    assertThat(PolicyDocuments.parseExceptions(file.toString(), Files.readString(file))).hasSize(1);
  }

  @Test
  void coverTheFourPoliciesTheDocsDescribe() throws IOException {
    assertThat(examples().map(p -> p.getFileName().toString()))
        .contains(
            "cluster-warn-1gi.yaml",
            "prod-enforce.yaml",
            "audit-uncompressed-2gi.yaml",
            "team-imagepolicy.yaml");
  }

  @Test
  void theTeamExamplesNamespaceIsAppliedBeforeItsPolicy() throws IOException {
    // kubectl apply -f examples/ goes through the files in name order.
    assertThat(Files.readString(EXAMPLES.resolve("namespace-team-payments.yaml")))
        .contains("kind: Namespace")
        .contains("name: team-payments");
    assertThat("namespace-team-payments.yaml").isLessThan("team-imagepolicy.yaml");
  }

  @Test
  void everyFileInExamplesIsAPolicyFile() throws IOException {
    try (Stream<Path> files = Files.list(EXAMPLES)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .allSatisfy(name -> assertThat(name).endsWith(".yaml"));
    }
  }
}
