package dev.tonnage.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonnage.metrics.TonnageMetrics;
import dev.tonnage.policy.FactsOutcome;
import dev.tonnage.policy.PolicyRef;
import dev.tonnage.registry.ImageReference;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The audit's metric lifecycle as Prometheus sees it, through the real {@link TonnageMetrics}. */
class TonnageAuditMetricsTest {

  private static final Instant NOW = Instant.parse("2026-11-26T10:00:00Z");

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
  private final AuditMetricsLedger ledger =
      new AuditMetricsLedger(
          new TonnageAuditMetrics(
              new TonnageMetrics(registry, 100, clock), Duration.ofMinutes(10), clock));
  private final ImageReference web = ImageReference.parse("ghcr.io/acme/web:1.4");
  private final PolicyRef slim = PolicyRef.cluster("slim");

  @Test
  void anAuditPublishesSizesViolationsNamespaceWeightAndCompletion() {
    audit(Map.of("shop", 2));
    String text = registry.scrape();
    assertThat(text)
        .contains(
            "tonnage_image_compressed_size_bytes{image=\"ghcr.io/acme/web:1.4\",platform=\"linux/amd64\"} 4000.0")
        .contains("tonnage_image_uncompressed_size_bytes{image=\"ghcr.io/acme/web:1.4\"")
        .contains(
            "tonnage_image_layers{image=\"ghcr.io/acme/web:1.4\",platform=\"linux/amd64\"} 1.0")
        .contains("tonnage_policy_violations{namespace=\"shop\",policy=\"slim\"} 2.0")
        .contains("tonnage_namespace_image_bytes{namespace=\"shop\"} 4000.0")
        .contains("tonnage_audit_interval_seconds 600.0")
        .contains("tonnage_audit_last_success_timestamp_seconds " + (double) NOW.getEpochSecond());
  }

  @Test
  void aDeletedPolicyLeavesNoSeriesBehind() {
    audit(Map.of("shop", 2));
    ledger.forget(slim);
    String text = registry.scrape();
    assertThat(text)
        .doesNotContain("image=\"ghcr.io/acme/web:1.4\"")
        .doesNotContain("tonnage_policy_violations{")
        .doesNotContain("tonnage_namespace_image_bytes{");
  }

  private void audit(Map<String, Integer> violations) {
    ledger.audited(
        slim,
        Map.of(web, FactsOutcome.found(TestingFacts.ofSize(web, 4000))),
        Map.of("shop", Set.of(web)),
        violations,
        new AuditOutcome(slim, 1, 1, List.of(), 0, List.of(), 1, Duration.ofMillis(3)));
  }
}
