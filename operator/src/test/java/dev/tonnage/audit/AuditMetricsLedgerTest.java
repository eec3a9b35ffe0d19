package dev.tonnage.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonnage.policy.FactsOutcome;
import dev.tonnage.policy.PolicyRef;
import dev.tonnage.registry.ImageReference;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class AuditMetricsLedgerTest {

  private final RecordingMetrics metrics = new RecordingMetrics();
  private final AuditMetricsLedger ledger = new AuditMetricsLedger(metrics);
  private final PolicyRef slim = PolicyRef.cluster("slim");
  private final PolicyRef team = PolicyRef.namespaced("shop", "team");

  @Test
  void measuredImagesArePublishedAndUnmeasuredOnesAreNot() {
    audit(slim, Map.of("shop", Set.of("a:1", "b:1")), Map.of(), 0);
    ledger.audited(
        team,
        Map.of(ref("c:1"), new FactsOutcome.Unavailable("NotFound", "not found")),
        Map.of("shop", Set.of(ref("c:1"))),
        Map.of(),
        outcome(team, 1));
    assertThat(metrics.images())
        .containsExactly("index.docker.io/library/a:1", "index.docker.io/library/b:1");
    assertThat(metrics.completed).containsExactly("slim complete", "shop/team incomplete");
  }

  @Test
  void anImageSeriesGoesOnlyWhenNoPolicysLatestAuditSawIt() {
    audit(slim, Map.of("shop", Set.of("a:1", "b:1")), Map.of(), 0);
    audit(team, Map.of("shop", Set.of("b:1")), Map.of(), 0);
    audit(slim, Map.of("shop", Set.of("a:1")), Map.of(), 0);
    assertThat(metrics.images())
        .containsExactly("index.docker.io/library/a:1", "index.docker.io/library/b:1");
    audit(team, Map.of(), Map.of(), 0);
    assertThat(metrics.images()).containsExactly("index.docker.io/library/a:1");
  }

  @Test
  void aNamespaceWeighsTheDistinctImagesAnyPolicySawRunningThere() {
    audit(slim, Map.of("shop", Set.of("a:1", "b:1"), "blog", Set.of("a:1")), Map.of(), 0);
    audit(team, Map.of("shop", Set.of("b:1", "c:1")), Map.of(), 0);
    assertThat(metrics.namespaceBytes).containsEntry("shop", 3000L).containsEntry("blog", 1000L);
    audit(slim, Map.of("shop", Set.of("a:1")), Map.of(), 0);
    assertThat(metrics.namespaceBytes).containsOnlyKeys("shop").containsEntry("shop", 3000L);
  }

  @Test
  void anAuditReplacesThePolicysViolationCountsPerNamespace() {
    audit(slim, Map.of(), Map.of("shop", 3, "blog", 1), 0);
    audit(slim, Map.of(), Map.of("shop", 2), 0);
    assertThat(metrics.violations).containsOnlyKeys("slim|shop").containsEntry("slim|shop", 2);
  }

  @Test
  void aDeletedPolicyDropsItsViolationSeriesAndWhatOnlyItSaw() {
    audit(slim, Map.of("shop", Set.of("a:1", "b:1"), "blog", Set.of("d:1")), Map.of("shop", 3), 0);
    audit(team, Map.of("shop", Set.of("b:1")), Map.of("shop", 1), 0);
    ledger.forget(slim);
    assertThat(metrics.violations).containsOnlyKeys("shop/team|shop");
    assertThat(metrics.images()).containsExactly("index.docker.io/library/b:1");
    assertThat(metrics.namespaceBytes).containsOnlyKeys("shop");
    ledger.forget(team);
    assertThat(metrics.images()).isEmpty();
    assertThat(metrics.violations).isEmpty();
    assertThat(metrics.namespaceBytes).isEmpty();
  }

  private void audit(
      PolicyRef policy,
      Map<String, Set<String>> imagesByNamespace,
      Map<String, Integer> violations,
      int unresolved) {
    Map<String, Set<ImageReference>> refs =
        imagesByNamespace.entrySet().stream()
            .collect(
                Collectors.toMap(
                    Map.Entry::getKey,
                    e ->
                        e.getValue().stream()
                            .map(ImageReference::parse)
                            .collect(Collectors.toSet())));
    Map<ImageReference, FactsOutcome> measured = new LinkedHashMap<>();
    refs.values().stream()
        .flatMap(Set::stream)
        .sorted(java.util.Comparator.comparing(ImageReference::toString))
        .forEach(r -> measured.put(r, FactsOutcome.found(TestingFacts.ofSize(r, 1000))));
    ledger.audited(policy, measured, refs, violations, outcome(policy, unresolved));
  }

  private static ImageReference ref(String image) {
    return ImageReference.parse(image);
  }

  private static AuditOutcome outcome(PolicyRef policy, int unresolved) {
    return new AuditOutcome(
        policy, 0, 0, List.of(), unresolved, List.of(), 0, Duration.ofMillis(1));
  }
}
