package dev.tonnage.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonnage.registry.ImageFacts;
import dev.tonnage.registry.ImageReference;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** spec.limits.maxGrowth: a changed container's new image against the image it replaces. */
class PolicyGrowthTest {

  private static final String OLD = "ghcr.io/acme/api:1.4";
  private static final String NEW = "ghcr.io/acme/api:1.5";

  private static final ImageFacts OLD_FACTS =
      Fixtures.image(
          OLD,
          Fixtures.withLayers(
              "linux/amd64", List.of(ImageDiffTest.BASE, ImageDiffTest.APT_SMALL), null),
          Fixtures.withLayers("linux/arm64", List.of(ImageDiffTest.BASE), null));
  // amd64: 5 + 2 MiB -> 5 + 9 + 3 MiB; arm64 is new in 1.5 and not judged.
  private static final ImageFacts NEW_FACTS =
      Fixtures.image(
          NEW,
          Fixtures.withLayers(
              "linux/amd64",
              List.of(ImageDiffTest.BASE, ImageDiffTest.APT_BIG, ImageDiffTest.PIP),
              null),
          Fixtures.withLayers("linux/s390x", List.of(ImageDiffTest.PIP), null));

  private static PreviousImages ranBefore(String image) {
    return PreviousImages.of(
        List.of(new ContainerImage("c0", ContainerImage.Type.CONTAINER, image)));
  }

  private static Evaluation evaluate(
      CompiledPolicy policy,
      PreviousImages previous,
      Function<ImageReference, FactsOutcome> facts) {
    return PolicyEvaluator.evaluate(
        List.of(policy), Fixtures.pod("shop", NEW), facts, ExceptionMatcher.NONE, previous);
  }

  @Test
  void anEnforcePolicyDeniesAnImageThatGrewPastMaxGrowthNamingSizesLimitAndGrownSteps() {
    CompiledPolicy policy = Fixtures.cluster("action: Enforce\nlimits: {maxGrowth: 10%}");

    Evaluation evaluation = evaluate(policy, ranBefore(OLD), Fixtures.found(OLD_FACTS, NEW_FACTS));

    assertThat(evaluation.denied()).isTrue();
    Violation v = evaluation.violations().get(0);
    assertThat(evaluation.violations()).hasSize(1);
    assertThat(v.rule()).isEqualTo(Rule.MAX_GROWTH);
    assertThat(v.platform()).hasToString("linux/amd64");
    assertThat(v.actual()).isEqualTo("7 MiB -> 17 MiB (+10 MiB, +142.8%)");
    assertThat(v.limit()).isEqualTo("10%");
    assertThat(v.message())
        .contains(
            "in container \"c0\"",
            "grew from 7 MiB (" + OLD + ") to 17 MiB compressed (+10 MiB, +142.8%)")
        .contains("over the growth limit of 10%")
        .contains(
            "Grown steps: grew RUN apt-get install -y --no-install-recommends curl (+7 MiB);"
                + " added RUN pip install numpy (+3 MiB).");
    assertThat(v.summary()).startsWith("test: " + NEW + " linux/amd64: grew 7 MiB -> 17 MiB");
    assertThat(evaluation.denialMessage().orElseThrow()).contains("grew from 7 MiB");
  }

  @Test
  void growthWithinTheLimitPasses() {
    CompiledPolicy policy = Fixtures.cluster("action: Enforce\nlimits: {maxGrowth: 50Mi}");
    Evaluation evaluation = evaluate(policy, ranBefore(OLD), Fixtures.found(OLD_FACTS, NEW_FACTS));
    assertThat(evaluation.verdicts().get(0).passed()).isTrue();
  }

  @Test
  void aWarnPolicyWarnsWithTheSizesAndTheLimit() {
    CompiledPolicy policy = Fixtures.cluster("action: Warn\nlimits: {maxGrowth: 1Mi}");
    Evaluation evaluation = evaluate(policy, ranBefore(OLD), Fixtures.found(OLD_FACTS, NEW_FACTS));
    assertThat(evaluation.denied()).isFalse();
    assertThat(evaluation.warnings())
        .singleElement()
        .asString()
        .contains("grew 7 MiB -> 17 MiB (+10 MiB, +142.8%) > 1 MiB")
        .hasSizeLessThanOrEqualTo(Violation.MAX_WARNING_LENGTH);
  }

  @Test
  void createsAndUnchangedImagesAreNotJudgedAndNeedNoOldFacts() {
    CompiledPolicy policy = Fixtures.cluster("action: Enforce\nlimits: {maxGrowth: 0%}");
    WorkloadContext pod = Fixtures.pod("shop", NEW);

    assertThat(PolicyEvaluator.imagesToInspect(List.of(policy), pod, PreviousImages.NONE))
        .extracting(n -> n.reference().toString())
        .containsExactly(NEW);
    assertThat(PolicyEvaluator.imagesToInspect(List.of(policy), pod, ranBefore(NEW)))
        .extracting(n -> n.reference().toString())
        .containsExactly(NEW);
    assertThat(evaluate(policy, PreviousImages.NONE, Fixtures.found(NEW_FACTS)).denied()).isFalse();
    assertThat(evaluate(policy, ranBefore(NEW), Fixtures.found(NEW_FACTS)).denied()).isFalse();
  }

  @Test
  void theReplacedImageIsMeasuredAfterTheNewOnesForCompressedSizesOnly() {
    CompiledPolicy growth = Fixtures.cluster("action: Enforce\nlimits: {maxGrowth: 10%}");
    CompiledPolicy other = Fixtures.cluster("limits: {maxUncompressedSize: 1Gi}");

    List<InspectionNeed> needs =
        PolicyEvaluator.imagesToInspect(
            List.of(growth, other), Fixtures.pod("shop", NEW), ranBefore(OLD));

    assertThat(needs)
        .extracting(n -> n.reference().toString(), InspectionNeed::uncompressedSize)
        .containsExactly(
            org.assertj.core.api.Assertions.tuple(NEW, true),
            org.assertj.core.api.Assertions.tuple(OLD, false));
    assertThat(
            PolicyEvaluator.imagesToInspect(
                List.of(other), Fixtures.pod("shop", NEW), ranBefore(OLD)))
        .extracting(n -> n.reference().toString())
        .containsExactly(NEW);
  }

  @Test
  void withoutTheOldImagesFactsGrowthIsNotJudgedAndTheReviewWarnsInsteadOfDenying() {
    CompiledPolicy policy = Fixtures.cluster("action: Enforce\nlimits: {maxGrowth: 10%}");
    Map<ImageReference, FactsOutcome> facts = new HashMap<>();
    facts.put(ImageReference.parse(NEW), new FactsOutcome.Found(NEW_FACTS));
    facts.put(
        ImageReference.parse(OLD),
        new FactsOutcome.Unavailable("Timeout", "no answer within 2s", "timed out"));

    Evaluation evaluation = evaluate(policy, ranBefore(OLD), facts::get);

    assertThat(evaluation.denied()).isFalse();
    assertThat(evaluation.violations()).isEmpty();
    assertThat(evaluation.warnings())
        .singleElement()
        .asString()
        .contains("growth not judged", "(Timeout)");
  }

  @Test
  void anExceptionWaivesMaxGrowthByName() {
    CompiledPolicy policy = Fixtures.cluster("action: Enforce\nlimits: {maxGrowth: 10%}");
    List<CompiledException> exceptions =
        PolicyDocuments.parseExceptions(
            "exceptions.yaml",
            """
            apiVersion: tonnage.dev/v1alpha1
            kind: ImagePolicyException
            metadata: {name: big-release, namespace: tonnage-system}
            spec:
              expiresAt: "2099-01-01T00:00:00Z"
              reason: the 1.5 release adds numpy on purpose
              rules: [maxGrowth]
              match: {images: ["ghcr.io/acme/**"]}
            """);
    Evaluation evaluation =
        PolicyEvaluator.evaluate(
            List.of(policy),
            Fixtures.pod("shop", NEW),
            Fixtures.found(OLD_FACTS, NEW_FACTS),
            new ExceptionMatcher(exceptions, java.time.Clock.systemUTC()),
            ranBefore(OLD));
    assertThat(evaluation.denied()).isFalse();
    assertThat(evaluation.waivers())
        .singleElement()
        .satisfies(w -> assertThat(w.violation().rule()).isEqualTo(Rule.MAX_GROWTH));
  }
}
