package dev.tonnage.metrics;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

/** A registry holding at least one series of everything Tonnage exports, as a live one would. */
final class PopulatedRegistry {
  private PopulatedRegistry() {}

  static PrometheusMeterRegistry create() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    TonnageMetrics metrics = new TonnageMetrics(registry, 1, Clock.systemUTC());
    metrics.bindJvmMetrics();
    metrics.recordImage(
        "docker.io/library/nginx:1.27", "linux/amd64", 72_000_000L, 190_000_000L, 7);
    metrics.recordImage("ghcr.io/acme/api:2.0", "linux/amd64", 1L, null, 1);
    metrics.setNamespaceImageBytes("team-a", 72_000_000L);
    metrics.setViolations("slim-images", "team-a", 2);
    metrics.admissionReview("CREATE", "Pod", AdmissionDecision.DENIED, Duration.ofMillis(30));
    metrics.admissionReview("CREATE", "Pod", AdmissionDecision.ERROR, Duration.ofMillis(3));
    metrics.registryRequest("index.docker.io", "GET", 200, Duration.ofMillis(120));
    metrics.registryRequest("index.docker.io", "HEAD", 0, Duration.ofSeconds(10));
    metrics.registryRateLimit("index.docker.io", 100, 42);
    metrics.registryStaleFactsServed("index.docker.io");
    metrics.auditCompleted(Instant.now());
    metrics.setAuditLeader(true);
    metrics.auditLeaseFailed();
    Cache<String, String> cache = Caffeine.newBuilder().maximumSize(10).recordStats().build();
    metrics.bindCache("image-facts", cache);
    cache.put("a", "b");
    cache.getIfPresent("a");
    cache.getIfPresent("missing");
    metrics.josdkMetrics().monitorSizeOf(Map.of("k", "v"), "informer");
    return registry;
  }

  /** Every sample name a populated registry exposes, e.g. histogram {@code _bucket} series. */
  static Set<String> sampleNames() {
    return Exposition.parse(create().scrape()).sampleNames();
  }
}
