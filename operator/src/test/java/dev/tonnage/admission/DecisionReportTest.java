package dev.tonnage.admission;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tonnage.facts.FakeImageInspector;
import dev.tonnage.policy.CompiledPolicy;
import dev.tonnage.policy.Evaluation;
import dev.tonnage.policy.FactsOutcome;
import dev.tonnage.policy.PlatformConstraints;
import dev.tonnage.policy.PolicyDocuments;
import dev.tonnage.policy.PolicyEvaluator;
import dev.tonnage.policy.WorkloadContext;
import dev.tonnage.registry.ImageFacts;
import dev.tonnage.registry.ImageReference;
import dev.tonnage.registry.PlatformFacts;
import dev.tonnage.registry.StaleFacts;
import dev.tonnage.registry.UncompressedSize;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DecisionReportTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long MIB = 1L << 20;
  private static final long GIB = 1L << 30;
  private static final String IMAGE = "registry.example/acme/api:3.4";

  @Test
  void theViolationsAnnotationHoldsOnlyTheAnnotatingPoliciesFindings() throws Exception {
    ReviewDecision decision =
        decide(
            FakeImageInspector.facts(IMAGE, 812 * MIB),
            policy("sizes", "annotate: true", "maxCompressedSize: 100Mi"),
            policy("quiet-layers", "annotate: false", "maxCompressedSize: 200Mi"));
    JsonNode violations = JSON.readTree(decision.annotations().get(DecisionReport.VIOLATIONS));
    assertThat(violations)
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.get("policy").asText()).isEqualTo("ClusterImagePolicy sizes");
              assertThat(v.get("limit").asText()).isEqualTo("100 MiB");
              assertThat(v.get("uncertain").asBoolean()).isFalse();
            });
    assertThat(decision.warnings()).hasSize(2);
    assertThat(decision.policies())
        .containsExactly("ClusterImagePolicy sizes", "ClusterImagePolicy quiet-layers");
    assertThat(decision.unchecked()).isFalse();
  }

  @Test
  void anImageAdmittedWithoutFactsMakesTheDecisionUncheckedWithTheCauseInTheWarning() {
    CompiledPolicy open = policy("open", "onRegistryError: Allow", "maxLayers: 5");
    Map<ImageReference, FactsOutcome> outcomes =
        Map.of(
            ImageReference.parse(IMAGE),
            new FactsOutcome.Unavailable(
                "Unavailable", "cannot connect to registry.example ...", "cannot connect"));
    ReviewDecision decision =
        DecisionReport.of(
            PolicyEvaluator.evaluate(
                List.of(open),
                WorkloadContext.forImage(IMAGE, PlatformConstraints.NONE),
                outcomes::get),
            outcomes);
    assertThat(decision.unchecked()).isTrue();
    assertThat(decision.denied()).isFalse();
    assertThat(decision.policies()).containsExactly("ClusterImagePolicy open");
    assertThat(decision.warnings())
        .containsExactly(
            "open: registry.example/acme/api:3.4: not checked, cannot connect (Unavailable)");
  }

  @Test
  void staleIfErrorFactsAddAWarningSayingHowOldAndWhy() {
    ImageFacts fresh = FakeImageInspector.facts(IMAGE, 10 * MIB);
    ImageFacts stale =
        new ImageFacts(
            fresh.reference(),
            fresh.digest(),
            fresh.mediaType(),
            fresh.platforms(),
            new StaleFacts(Duration.ofMinutes(200), StaleFacts.RATE_LIMITED));

    ReviewDecision decision = decide(stale, policy("sizes", "annotate: false", "maxLayers: 50"));

    assertThat(decision.warnings())
        .containsExactly(
            "facts for registry.example/acme/api:3.4 are 3h old: registry.example rate-limited;"
                + " serving last known facts");
    assertThat(decide(fresh, policy("sizes", "annotate: false", "maxLayers: 50")).warnings())
        .isEmpty();
  }

  @Test
  void noAnnotationsWhenOnlyOtherPoliciesAreViolated() {
    ReviewDecision decision =
        decide(
            FakeImageInspector.facts(IMAGE, 812 * MIB),
            policy("quiet", "annotate: false", "maxCompressedSize: 100Mi"));
    assertThat(decision.annotations()).isEmpty();
  }

  @Test
  void anUncertainViolationIsMarkedUncertain() throws Exception {
    // A gzip trailer leaves the true size anywhere from 1 GiB to 5 GiB: a 2 GiB limit may hold.
    ImageFacts facts = withUncompressed(FakeImageInspector.facts(IMAGE, 100 * MIB));
    ReviewDecision decision =
        decide(facts, policy("unpacked", "annotate: true", "maxUncompressedSize: 2Gi"));
    JsonNode violations = JSON.readTree(decision.annotations().get(DecisionReport.VIOLATIONS));
    assertThat(violations)
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.get("rule").asText()).isEqualTo("MAX_UNCOMPRESSED_SIZE");
              assertThat(v.get("uncertain").asBoolean()).isTrue();
            });
  }

  private static ImageFacts withUncompressed(ImageFacts facts) {
    PlatformFacts p = facts.platforms().get(0);
    UncompressedSize bounded = new UncompressedSize(GIB + 7, GIB + 7, 5 * GIB + 7, false, "sum");
    PlatformFacts changed =
        new PlatformFacts(
            p.platform(),
            p.manifestDigest(),
            p.configDigest(),
            p.compressedSize(),
            bounded,
            p.layerCount(),
            p.largestLayerSize(),
            p.layers(),
            p.baseImage(),
            p.labels());
    return new ImageFacts(facts.reference(), facts.digest(), facts.mediaType(), List.of(changed));
  }

  private static CompiledPolicy policy(String name, String annotate, String limit) {
    return PolicyDocuments.parse(
            name,
            "apiVersion: tonnage.dev/v1alpha1\nkind: ClusterImagePolicy\nmetadata: {name: "
                + name
                + "}\nspec:\n  action: Warn\n  "
                + annotate
                + "\n  match: {images: ['**']}\n  limits: {"
                + limit
                + "}\n")
        .get(0);
  }

  private static ReviewDecision decide(ImageFacts facts, CompiledPolicy... policies) {
    WorkloadContext context = WorkloadContext.forImage(IMAGE, PlatformConstraints.NONE);
    Map<ImageReference, FactsOutcome> outcomes =
        Map.of(ImageReference.parse(IMAGE), new FactsOutcome.Found(facts));
    Evaluation evaluation = PolicyEvaluator.evaluate(List.of(policies), context, outcomes::get);
    return DecisionReport.of(evaluation, outcomes);
  }
}
