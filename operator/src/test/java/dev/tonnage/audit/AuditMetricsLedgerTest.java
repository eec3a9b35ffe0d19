package dev.tonnage.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonnage.registry.ImageReference;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AuditMetricsLedgerTest {

  private final RecordingMetrics metrics = new RecordingMetrics();
  private final AuditMetricsLedger ledger = new AuditMetricsLedger(metrics);
  private final PolicyKey slim = PolicyKey.cluster("slim");
  private final PolicyKey team = PolicyKey.namespaced("shop", "team");

  @Test
  void measuredImagesArePublishedAndUnmeasuredOnesAreNot() {
    ledger.audited(slim, measured("a:1", "b:1"), Map.of(), outcome(slim, 0));
    ledger.audited(
        team,
        Map.of(ref("c:1"), new ImageMeasurement.Unavailable("not found")),
        Map.of(),
        outcome(team, 1));
    assertThat(metrics.images())
        .containsExactly("index.docker.io/library/a:1", "index.docker.io/library/b:1");
    assertThat(metrics.completed).containsExactly("slim complete", "shop/team incomplete");
  }

  @Test
  void anImageSeriesGoesOnlyWhenNoPolicysLatestAuditSawIt() {
    ledger.audited(slim, measured("a:1", "b:1"), Map.of(), outcome(slim, 0));
    ledger.audited(team, measured("b:1"), Map.of(), outcome(team, 0));
    ledger.audited(slim, measured("a:1"), Map.of(), outcome(slim, 0));
    assertThat(metrics.images())
        .containsExactly("index.docker.io/library/a:1", "index.docker.io/library/b:1");
    ledger.audited(team, measured(), Map.of(), outcome(team, 0));
    assertThat(metrics.images()).containsExactly("index.docker.io/library/a:1");
  }

  @Test
  void aNamespaceWhoseViolationsAreGoneDropsToZero() {
    ledger.audited(slim, measured(), Map.of("shop", 3, "blog", 1), outcome(slim, 0));
    ledger.audited(slim, measured(), Map.of("shop", 2), outcome(slim, 0));
    assertThat(metrics.violations).containsEntry("slim|shop", 2).containsEntry("slim|blog", 0);
  }

  @Test
  void aDeletedPolicyDropsItsViolationSeriesAndTheImagesOnlyItSaw() {
    ledger.audited(slim, measured("a:1", "b:1"), Map.of("shop", 3), outcome(slim, 0));
    ledger.audited(team, measured("b:1"), Map.of("shop", 1), outcome(team, 0));
    ledger.forget(slim);
    assertThat(metrics.violations).containsOnlyKeys("shop/team|shop");
    assertThat(metrics.images()).containsExactly("index.docker.io/library/b:1");
    ledger.forget(team);
    assertThat(metrics.images()).isEmpty();
    assertThat(metrics.violations).isEmpty();
  }

  private static Map<ImageReference, ImageMeasurement> measured(String... images) {
    Map<ImageReference, ImageMeasurement> map = new LinkedHashMap<>();
    for (String image : images) {
      map.put(ref(image), new ImageMeasurement.Measured(TestingFacts.ofSize(ref(image), 1000)));
    }
    return map;
  }

  private static ImageReference ref(String image) {
    return ImageReference.parse(image);
  }

  private static AuditOutcome outcome(PolicyKey policy, int unresolved) {
    return new AuditOutcome(
        policy, 0, 0, List.of(), unresolved, List.of(), 0, Duration.ofMillis(1));
  }
}
