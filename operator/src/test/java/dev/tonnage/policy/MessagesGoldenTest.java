package dev.tonnage.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonnage.registry.ImageReference;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The messages developers read, checked against golden files under {@code
 * src/test/resources/policy/golden/}. After an intended change of wording, refresh them with {@code
 * ./mvnw -pl operator -am test -Dtest=MessagesGoldenTest -Dtonnage.golden.update=true
 * -Dsurefire.failIfNoSpecifiedTests=false} and review the diff.
 */
class MessagesGoldenTest {

  private static final Path GOLDEN = Path.of("src/test/resources/policy/golden");
  private static final boolean UPDATE = Boolean.getBoolean("tonnage.golden.update");
  private static final Map<String, CompiledPolicy> POLICIES = new HashMap<>();

  @BeforeAll
  static void readPolicies() throws IOException {
    List<CompiledPolicy> all =
        new ArrayList<>(Fixtures.policies(Fixtures.resource("golden-policies.yaml")));
    try (Stream<Path> files = Files.list(Path.of("../examples"))) {
      for (Path file : files.sorted().toList()) {
        all.addAll(PolicyDocuments.parse(file.toString(), Files.readString(file), true));
      }
    }
    all.forEach(p -> POLICIES.put(p.ref().name(), p));
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of(
            "python-app-in-prod", "prod-slim", "ghcr.io/acme/ml-api:1.4.2", "ml-api", "prod"),
        Arguments.of(
            "python-app-warned", "warn-over-1gi", "ghcr.io/acme/ml-api:1.4.2", "ml-api", "shop"),
        Arguments.of(
            "multiarch-one-platform-over",
            "prod-slim",
            "acme/web:2024.06",
            "web-multiarch",
            "prod"),
        Arguments.of(
            "copy-layer-too-large", "small-layers", "acme/web:2024.06", "web-multiarch", "shop"),
        Arguments.of(
            "too-many-layers",
            "few-layers",
            "quay.io/acme/legacy-portal:7.2",
            "legacy-many-layers",
            "shop"),
        Arguments.of(
            "uncompressed-uncertain",
            "audit-unpacked-2gi",
            "registry.example.com:5000/research/trainer:nightly",
            "trainer-ambiguous-gzip",
            "shop"),
        Arguments.of(
            "base-denied", "no-ubuntu-no-python", "ghcr.io/acme/ml-api:1.4.2", "ml-api", "shop"),
        Arguments.of(
            "distroless-passes",
            "payments-images",
            "gcr.io/acme-prod/payments:v3.1.0",
            "payments-distroless",
            "team-payments"),
        Arguments.of(
            "registry-unavailable-denied",
            "strict-registry",
            "ghcr.io/acme/ml-api:1.4.2",
            null,
            "shop"),
        Arguments.of(
            "everything-over", "everything-tight", "ghcr.io/acme/ml-api:1.4.2", "ml-api", "shop"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void messagesReadAsInTheGoldenFile(
      String name, String policy, String image, String facts, String namespace) throws IOException {
    Function<ImageReference, FactsOutcome> lookup =
        facts == null
            ? ref ->
                new FactsOutcome.Unavailable(
                    "Unauthorized",
                    "ghcr.io answered 401 UNAUTHORIZED: authentication required",
                    "unauthorized, no or wrong credentials")
            : Fixtures.found(Fixtures.facts(facts));
    WorkloadContext context =
        new WorkloadContext(
            "Deployment",
            namespace,
            namespace.equals("prod") ? Map.of("env", "prod") : Map.of(),
            "api",
            Map.of("app.kubernetes.io/part-of", "payments"),
            List.of(new ContainerImage("app", ContainerImage.Type.CONTAINER, image)),
            PlatformConstraints.NONE);
    Evaluation evaluation =
        PolicyEvaluator.evaluate(List.of(POLICIES.get(policy)), context, lookup);
    String actual = render(evaluation);
    Path golden = GOLDEN.resolve(name + ".txt");
    if (UPDATE) {
      Files.createDirectories(GOLDEN);
      Files.writeString(golden, actual, StandardCharsets.UTF_8);
    }
    assertThat(golden).as("golden file %s (refresh: see class comment)", golden).exists();
    assertThat(actual).isEqualTo(Files.readString(golden, StandardCharsets.UTF_8));
    evaluation.warnings().forEach(w -> assertThat(w).hasSizeLessThanOrEqualTo(120));
    evaluation
        .denialMessage()
        .ifPresent(m -> assertThat(m.getBytes(StandardCharsets.UTF_8).length).isLessThan(1024));
  }

  private static String render(Evaluation evaluation) {
    StringBuilder out = new StringBuilder();
    for (PolicyVerdict verdict : evaluation.verdicts()) {
      out.append("verdict: ")
          .append(verdict.policy())
          .append(" (")
          .append(verdict.action())
          .append(") ")
          .append(verdict.passed() ? "passed" : "not passed")
          .append(verdict.denies() ? ", denies" : "")
          .append('\n');
      for (CheckedImage c : verdict.checked()) {
        out.append("checked: ").append(c.image()).append(' ').append(c.platforms()).append('\n');
      }
      for (Violation v : verdict.violations()) {
        out.append("\nviolation: ")
            .append(v.rule())
            .append(" on ")
            .append(v.platform())
            .append(v.uncertain() ? " (uncertain)" : "")
            .append('\n')
            .append("  actual: ")
            .append(v.actual())
            .append('\n')
            .append("  limit: ")
            .append(v.limit())
            .append('\n')
            .append("  message: ")
            .append(v.message())
            .append('\n')
            .append("  remedy: ")
            .append(v.remedy())
            .append('\n')
            .append("  summary: ")
            .append(v.summary())
            .append('\n');
      }
      for (UnavailableFacts u : verdict.unavailable()) {
        out.append("\nunavailable: ").append(u).append('\n');
      }
    }
    out.append("\nwarnings:\n");
    evaluation.warnings().forEach(w -> out.append("  ").append(w).append('\n'));
    out.append("\ndenial:\n").append(evaluation.denialMessage().orElse("(none)")).append('\n');
    return out.toString();
  }
}
