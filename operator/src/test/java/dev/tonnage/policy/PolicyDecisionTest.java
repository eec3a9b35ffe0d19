package dev.tonnage.policy;

import static dev.tonnage.policy.Fixtures.MIB;
import static dev.tonnage.policy.Fixtures.image;
import static dev.tonnage.policy.Fixtures.platform;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tonnage.api.v1alpha1.RecordedViolation;
import dev.tonnage.registry.ImageFacts;
import dev.tonnage.registry.ImageReference;
import dev.tonnage.registry.Platform;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Platforms, missing facts, and what verdicts add up to at admission. */
class PolicyDecisionTest {

  private static final String WEB = "acme/web:2024.06";
  private static final ImageFacts WEB_FACTS = Fixtures.facts("web-multiarch");

  @Test
  void multiArchImageWithOnePlatformOverTheLimitViolatesOnThatPlatformOnly() {
    Evaluation evaluation =
        evaluate("action: Enforce\nlimits: {maxCompressedSize: 500Mi}", Fixtures.pod("shop", WEB));
    assertThat(evaluation.violations())
        .extracting(v -> v.platform().toString())
        .containsExactly("linux/amd64");
    PolicyVerdict verdict = evaluation.verdicts().get(0);
    assertThat(verdict.checked())
        .singleElement()
        .satisfies(
            c ->
                assertThat(c.platforms())
                    .extracting(Platform::toString)
                    .containsExactly("linux/amd64", "linux/arm64"));
    assertThat(evaluation.denied()).isTrue();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          spec.platforms lists arm64 only              | platforms: [linux/arm64]   | {}                                | linux/arm64 |
          spec.platforms lists both                    | platforms: [linux/arm64, linux/amd64] | {}                     | linux/amd64,linux/arm64 | linux/amd64
          spec.platforms not offered by the image      | platforms: [linux/s390x]   | {}                                | |
          nodeSelector arm64                           | platforms: []              | kubernetes.io/arch=arm64          | linux/arm64 |
          nodeSelector amd64                           | platforms: []              | kubernetes.io/arch=amd64          | linux/amd64 | linux/amd64
          spec.platforms wins over the nodeSelector    | platforms: [linux/amd64]   | kubernetes.io/arch=arm64          | linux/amd64 | linux/amd64
          no constraint: every platform, no attestation | platforms: []             | {}                                | linux/amd64,linux/arm64 | linux/amd64
          """)
  void checksThePlatformsThePolicyOrThePodAsksFor(
      String name, String platforms, String nodeSelector, String checked, String violating) {
    Map<String, String> selector =
        nodeSelector.equals("{}")
            ? Map.of()
            : Map.of(nodeSelector.split("=")[0], nodeSelector.split("=")[1]);
    WorkloadContext context =
        Fixtures.workload(
            "shop",
            Map.of(),
            Map.of(),
            PlatformConstraints.of(new PodSpecBuilder().withNodeSelector(selector).build()),
            WEB);
    Evaluation evaluation = evaluate("limits: {maxCompressedSize: 500Mi}\n" + platforms, context);
    assertThat(evaluation.verdicts().get(0).checked().get(0).platforms())
        .extracting(Platform::toString)
        .containsExactlyElementsOf(split(checked));
    assertThat(evaluation.violations())
        .extracting(v -> v.platform().toString())
        .containsExactlyElementsOf(split(violating));
  }

  @ParameterizedTest(name = "{0} with onRegistryError {1}")
  @CsvSource({
    "Enforce, Allow, false, 1",
    "Enforce, Deny, true, 0",
    "Warn, Allow, false, 1",
    "Warn, Deny, false, 1",
    "Audit, Allow, false, 0",
    "Audit, Deny, false, 0"
  })
  void missingFactsFollowOnRegistryErrorForEnforcePolicies(
      String action, String onRegistryError, boolean denied, int warnings) {
    CompiledPolicy policy =
        Fixtures.cluster(
            "action: "
                + action
                + "\nonRegistryError: "
                + onRegistryError
                + "\nlimits: {maxCompressedSize: 1Gi}");
    Function<ImageReference, FactsOutcome> failing =
        ref ->
            new FactsOutcome.Unavailable(
                "Timeout", "ghcr.io did not answer within 3s", "timeout after 3 s");
    Evaluation evaluation =
        PolicyEvaluator.evaluate(List.of(policy), Fixtures.pod("shop", "ghcr.io/a/b:1"), failing);
    PolicyVerdict verdict = evaluation.verdicts().get(0);
    assertThat(verdict.unavailable())
        .containsExactly(
            new UnavailableFacts(
                "c0",
                "ghcr.io/a/b:1",
                "Timeout",
                "ghcr.io did not answer within 3s",
                "timeout after 3 s",
                policy.onRegistryError()));
    assertThat(verdict.passed()).isFalse();
    assertThat(evaluation.denied()).isEqualTo(denied);
    assertThat(evaluation.warnings()).hasSize(warnings);
    assertThat(evaluation.denialMessage().isPresent()).isEqualTo(denied);
    if (warnings > 0) {
      assertThat(evaluation.warnings().get(0))
          .isEqualTo("test: ghcr.io/a/b:1: not checked, timeout after 3 s (Timeout)");
    }
    if (denied) {
      assertThat(evaluation.denialMessage().orElseThrow())
          .contains("ghcr.io/a/b:1", "Timeout", "onRegistryError: Deny");
    }
  }

  @Test
  void factsNeverFetchedOrAnInvalidReferenceCountAsUnavailable() {
    Evaluation evaluation =
        PolicyEvaluator.evaluate(
            List.of(Fixtures.cluster("{}")),
            Fixtures.pod("shop", "ghcr.io/a/b:1", "Ghcr.io/UPPER/case"),
            ref -> null);
    assertThat(evaluation.verdicts().get(0).unavailable())
        .extracting(UnavailableFacts::reason)
        .containsExactly("NotInspected", "InvalidReference");
    assertThat(
            PolicyEvaluator.imagesToInspect(
                List.of(Fixtures.cluster("{}")), Fixtures.pod("shop", "Ghcr.io/UPPER/case")))
        .isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "Enforce, true, 0",
    "Warn, false, 1",
    "Audit, false, 0",
  })
  void theActionDecidesBetweenDenialWarningAndReportOnly(
      String action, boolean denied, int warnings) {
    Evaluation evaluation =
        evaluate(
            "action: " + action + "\nlimits: {maxCompressedSize: 500Mi}",
            Fixtures.pod("shop", WEB));
    assertThat(evaluation.violations()).hasSize(1);
    assertThat(evaluation.denied()).isEqualTo(denied);
    assertThat(evaluation.warnings()).hasSize(warnings);
  }

  @Test
  void anUncertainVerdictWarnsEvenUnderEnforceAndNeverDenies() {
    PolicyVerdict verdict =
        PolicyEvaluator.evaluate(
                List.of(Fixtures.cluster("action: Enforce\nlimits: {maxUncompressedSize: 4Gi}")),
                Fixtures.pod("research", "registry.example.com:5000/research/trainer:nightly"),
                Fixtures.found(Fixtures.facts("trainer-ambiguous-gzip")))
            .verdicts()
            .get(0);
    assertThat(verdict.violations())
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.uncertain()).isTrue();
              assertThat(v.message()).contains("uncertain");
            });
    assertThat(verdict.denies()).isFalse();
    assertThat(verdict.passed()).isFalse();
    assertThat(verdict.warnings()).singleElement().asString().contains("uncertain");
  }

  @Test
  void theDenialMessageStaysUnderOneKibibyteWhateverTheNumberOfViolations() {
    List<String> images = new ArrayList<>();
    List<ImageFacts> facts = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      String ref = "registry.example.com/a/very/long/path/to/team-" + i + "/service:1.0." + i;
      images.add(ref);
      facts.add(
          image(
              ref,
              platform("linux/amd64", 900 * MIB, 20 * MIB),
              platform("linux/arm64", 900 * MIB)));
    }
    Evaluation evaluation =
        PolicyEvaluator.evaluate(
            List.of(
                Fixtures.cluster(
                    "action: Enforce\nlimits: {maxCompressedSize: 100Mi, maxLayerSize: 10Mi,"
                        + " maxLayers: 1}")),
            Fixtures.pod("shop", images.toArray(String[]::new)),
            Fixtures.found(facts.toArray(ImageFacts[]::new)));
    String message = evaluation.denialMessage().orElseThrow();
    assertThat(message.getBytes(StandardCharsets.UTF_8).length).isLessThan(1024);
    assertThat(message).startsWith("Tonnage denied this workload:\n- ClusterImagePolicy test: ");
    assertThat(message).contains("Fix: ").containsPattern("\\(\\d+ more; run `tonnage check`");
    assertThat(evaluation.violations()).hasSize(40 * 2 * 2 + 40);
  }

  @Test
  void warningsAreOneLineOfAtMost120CharactersEvenForLongNames() {
    String longRef =
        "registry.example.com:5000/" + "deeply/nested/".repeat(8) + "service:2024.06.01-rc1";
    ImageFacts facts = image(longRef, platform("linux/arm/v7", 900 * MIB));
    Evaluation evaluation =
        PolicyEvaluator.evaluate(
            List.of(
                Fixtures.policies(
                        "apiVersion: tonnage.dev/v1alpha1\nkind: ClusterImagePolicy\n"
                            + "metadata: {name: "
                            + "a-policy-with-a-rather-long-name-for-a-warning"
                            + "}\nspec:\n  limits: {maxCompressedSize: 1Mi}\n")
                    .get(0)),
            Fixtures.pod("shop", longRef),
            Fixtures.found(facts));
    assertThat(evaluation.warnings())
        .singleElement()
        .satisfies(
            w -> {
              assertThat(w).hasSizeLessThanOrEqualTo(120).doesNotContain("\n");
              assertThat(w).contains("linux/arm/v7: 900 MiB compressed > 1 MiB");
              assertThat(w).contains("…");
            });
  }

  @Test
  void imagesToInspectAsksOnceForEachCoveredImageWithTheFactsItsPoliciesNeed() {
    CompiledPolicy sizes = Fixtures.cluster("limits: {maxUncompressedSize: 2Gi}");
    CompiledPolicy bases =
        Fixtures.cluster(
            "match: {images: [\"ghcr.io/**\"]}\n"
                + "baseImages: {allowed: [\"alpine:3.20\", \"gcr.io/distroless/**\"]}");
    CompiledPolicy quayOnly = Fixtures.cluster("match: {images: [\"quay.io/**\"]}");
    WorkloadContext context = Fixtures.pod("shop", "ghcr.io/a/api:1", "nginx", "ghcr.io/a/api:1");
    assertThat(PolicyEvaluator.imagesToInspect(List.of(sizes, bases, quayOnly), context))
        .containsExactly(
            new InspectionNeed(
                ImageReference.parse("ghcr.io/a/api:1"),
                true,
                List.of(ImageReference.parse("alpine:3.20"))),
            new InspectionNeed(ImageReference.parse("nginx"), true, List.of()));
    assertThat(PolicyEvaluator.imagesToInspect(List.of(quayOnly), context)).isEmpty();
    assertThat(PolicyEvaluator.imagesToInspect(List.of(bases), context))
        .extracting(InspectionNeed::uncompressedSize)
        .containsExactly(false);
  }

  @Test
  void anOptedOutNamespaceNeedsNoFactsAndGetsNoVerdict() {
    WorkloadContext context =
        Fixtures.workload(
            "shop", Map.of("tonnage.dev/ignore", "true"), Map.of(), PlatformConstraints.NONE, WEB);
    CompiledPolicy policy = Fixtures.cluster("action: Enforce\nlimits: {maxLayers: 0}");
    assertThat(PolicyEvaluator.imagesToInspect(List.of(policy), context)).isEmpty();
    Evaluation evaluation =
        PolicyEvaluator.evaluate(List.of(policy), context, Fixtures.found(WEB_FACTS));
    assertThat(evaluation.verdicts()).isEmpty();
    assertThat(evaluation.denied()).isFalse();
  }

  @Test
  void aWorkloadLabelledIgnoreIsStillDenied() {
    WorkloadContext context =
        Fixtures.workload(
            "shop", Map.of(), Map.of("tonnage.dev/ignore", "true"), PlatformConstraints.NONE, WEB);
    CompiledPolicy policy = Fixtures.cluster("action: Enforce\nlimits: {maxLayers: 0}");
    assertThat(PolicyEvaluator.imagesToInspect(List.of(policy), context)).hasSize(1);
    assertThat(
            PolicyEvaluator.evaluate(List.of(policy), context, Fixtures.found(WEB_FACTS)).denied())
        .isTrue();
  }

  @Test
  void annotateIsAskedForWhenAnyMatchingPolicyAsks() {
    assertThat(evaluate("annotate: true", Fixtures.pod("shop", WEB)).annotate()).isTrue();
    assertThat(evaluate("{}", Fixtures.pod("shop", WEB)).annotate()).isFalse();
  }

  @Test
  void noMatchingPolicyMeansNoVerdictAndNoDecision() {
    Evaluation evaluation =
        PolicyEvaluator.evaluate(List.of(), Fixtures.pod("shop", WEB), Fixtures.found(WEB_FACTS));
    assertThat(evaluation.verdicts()).isEmpty();
    assertThat(evaluation.denied()).isFalse();
    assertThat(evaluation.warnings()).isEmpty();
    assertThat(evaluation.denialMessage()).isEmpty();
  }

  @Test
  void aViolationBecomesAStatusEntryOfThePolicy() {
    Violation v =
        evaluate("limits: {maxCompressedSize: 500Mi}", Fixtures.pod("shop", WEB))
            .violations()
            .get(0);
    RecordedViolation recorded = v.toStatus("shop", "Deployment", "web");
    assertThat(recorded.getNamespace()).isEqualTo("shop");
    assertThat(recorded.getKind()).isEqualTo("Deployment");
    assertThat(recorded.getName()).isEqualTo("web");
    assertThat(recorded.getContainer()).isEqualTo("c0");
    assertThat(recorded.getImage()).isEqualTo(WEB);
    assertThat(recorded.getDigest()).isEqualTo(WEB_FACTS.digest());
    assertThat(recorded.getPlatform()).isEqualTo("linux/amd64");
    assertThat(recorded.getRule()).isEqualTo("MAX_COMPRESSED_SIZE");
    assertThat(recorded.getActual()).isEqualTo(v.actual());
    assertThat(recorded.getLimit()).isEqualTo("500 MiB");
    assertThat(recorded.getMessage()).isEqualTo(v.message());
  }

  private static Evaluation evaluate(String spec, WorkloadContext context) {
    return PolicyEvaluator.evaluate(
        List.of(Fixtures.cluster(spec)), context, Fixtures.found(WEB_FACTS));
  }

  private static List<String> split(String csv) {
    return csv == null || csv.isBlank() ? List.of() : List.of(csv.split(","));
  }
}
