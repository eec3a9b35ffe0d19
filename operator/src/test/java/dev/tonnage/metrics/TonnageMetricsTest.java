package dev.tonnage.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TonnageMetricsTest {
  private static final String NGINX = "docker.io/library/nginx:1.27";
  private static final String AMD64 = "linux/amd64";
  private static final String ARM64 = "linux/arm64";
  private static final Instant START = Instant.parse("2026-01-02T03:04:05Z");

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final TonnageMetrics metrics =
      new TonnageMetrics(registry, 3, Clock.fixed(START, ZoneOffset.UTC));

  @AfterEach
  void close() {
    metrics.close();
  }

  private Exposition scrape() {
    return Exposition.parse(registry.scrape());
  }

  @Test
  void exportsTheDesignMetricNamesWithTheirPrometheusTypes() {
    metrics.recordImage(NGINX, AMD64, 1, 2L, 3);
    metrics.setNamespaceImageBytes("team-a", 1);
    metrics.setViolations("slim-images", "team-a", 1);
    metrics.admissionReview("CREATE", "Pod", AdmissionDecision.ALLOWED, Duration.ofMillis(5));
    metrics.registryRequest("ghcr.io", "GET", 200, Duration.ofMillis(50));
    metrics.registryRateLimit("ghcr.io", 100, 99);

    Map<String, String> tonnageTypes = new HashMap<>();
    scrape().types().entrySet().stream()
        .filter(e -> e.getKey().startsWith("tonnage_"))
        .forEach(e -> tonnageTypes.put(e.getKey(), e.getValue()));
    assertThat(tonnageTypes)
        .containsOnly(
            entry("tonnage_image_compressed_size_bytes", "gauge"),
            entry("tonnage_image_uncompressed_size_bytes", "gauge"),
            entry("tonnage_image_layers", "gauge"),
            entry("tonnage_policy_violations", "gauge"),
            entry("tonnage_admission_reviews_total", "counter"),
            entry("tonnage_admission_duration_seconds", "histogram"),
            entry("tonnage_admission_duration_seconds_max", "gauge"),
            entry("tonnage_registry_requests_total", "counter"),
            entry("tonnage_registry_request_duration_seconds", "histogram"),
            entry("tonnage_registry_request_duration_seconds_max", "gauge"),
            entry("tonnage_registry_ratelimit_remaining", "gauge"),
            // Operational additions, documented in docs/metrics.md:
            entry("tonnage_registry_ratelimit_limit", "gauge"),
            entry("tonnage_namespace_image_bytes", "gauge"),
            entry("tonnage_metrics_series_dropped_total", "counter"),
            entry("tonnage_audit_last_success_timestamp_seconds", "gauge"),
            entry("tonnage_audit_interval_seconds", "gauge"),
            entry("tonnage_audit_lease_failures_total", "counter"),
            entry("tonnage_events_dropped_total", "counter"));
  }

  @Test
  void everyExportedTonnageMetricIsDocumented() throws IOException {
    PrometheusMeterRegistry populated = PopulatedRegistry.create();
    String docs = Files.readString(RepoFiles.doc("metrics.md"));
    assertThat(Exposition.parse(populated.scrape()).types().keySet())
        .filteredOn(name -> name.startsWith("tonnage_"))
        .allSatisfy(name -> assertThat(docs).contains("`" + name));
  }

  @Test
  void recordImageCreatesUpdatesAndForgetImageRemovesEveryPlatform() {
    metrics.recordImage(NGINX, AMD64, 70_000_000, 180_000_000L, 7);
    metrics.recordImage(NGINX, ARM64, 68_000_000, 175_000_000L, 7);
    metrics.recordImage(NGINX, AMD64, 71_000_000, 181_000_000L, 8);

    Exposition exposition = scrape();
    String[] amd64 = {"image", NGINX, "platform", AMD64};
    assertThat(exposition.value("tonnage_image_compressed_size_bytes", amd64)).isEqualTo(71e6);
    assertThat(exposition.value("tonnage_image_uncompressed_size_bytes", amd64)).isEqualTo(181e6);
    assertThat(exposition.value("tonnage_image_layers", amd64)).isEqualTo(8.0);
    assertThat(exposition.series("tonnage_image_compressed_size_bytes")).hasSize(2);

    metrics.forgetImage(NGINX);

    Exposition after = scrape();
    assertThat(after.series("tonnage_image_compressed_size_bytes")).isEmpty();
    assertThat(after.series("tonnage_image_uncompressed_size_bytes")).isEmpty();
    assertThat(after.series("tonnage_image_layers")).isEmpty();
    assertThat(metrics.imageCount()).isZero();
  }

  @Test
  void imageLabelIsTheReferenceWithoutItsDigest() {
    String digest = "@sha256:" + "a".repeat(64);
    metrics.recordImage(NGINX + digest, AMD64, 1, null, 1);
    metrics.recordImage("ghcr.io/acme/api" + digest, AMD64, 2, null, 1);

    assertThat(scrape().series("tonnage_image_compressed_size_bytes"))
        .extracting(s -> s.labels().get("image"))
        .containsExactlyInAnyOrder(NGINX, "ghcr.io/acme/api");
    metrics.forgetImage(NGINX + "@sha256:" + "b".repeat(64));
    assertThat(scrape().series("tonnage_image_compressed_size_bytes")).hasSize(1);
  }

  @Test
  void anUnknownUncompressedSizeHasNoSeries() {
    metrics.recordImage(NGINX, AMD64, 1, null, 1);

    Exposition exposition = scrape();
    assertThat(exposition.series("tonnage_image_uncompressed_size_bytes")).isEmpty();
    assertThat(exposition.series("tonnage_image_compressed_size_bytes")).hasSize(1);
  }

  @Test
  void anAuditWithoutTheUncompressedSizeKeepsTheSeriesOfTheSameBuild() {
    metrics.recordImage(NGINX, AMD64, 1, 2L, 1);
    metrics.recordImage(NGINX, AMD64, 1, null, 1);

    assertThat(
            scrape()
                .value("tonnage_image_uncompressed_size_bytes", "image", NGINX, "platform", AMD64))
        .isEqualTo(2.0);
  }

  @Test
  void aRebuiltImageMeasuredWithoutTheUncompressedSizeLosesTheOldBuildsSeries() {
    metrics.recordImage(NGINX, AMD64, 1, 2L, 1);
    metrics.recordImage(NGINX, AMD64, 5, null, 1);

    assertThat(scrape().series("tonnage_image_uncompressed_size_bytes")).isEmpty();
    metrics.recordImage(NGINX, AMD64, 5, null, 1);
    assertThat(scrape().series("tonnage_image_uncompressed_size_bytes")).isEmpty();
  }

  @Test
  void theImageCapDropsNewImagesCountsTheirSeriesAndForgettingMakesRoom() {
    assertThat(metrics.recordImage("a:1", AMD64, 1, 1L, 1)).isTrue();
    assertThat(metrics.recordImage("b:1", AMD64, 1, 1L, 1)).isTrue();
    assertThat(metrics.recordImage("c:1", AMD64, 1, null, 1)).isTrue();

    assertThat(metrics.recordImage("d:1", AMD64, 1, 1L, 1)).isFalse();
    assertThat(metrics.recordImage("e:1", AMD64, 1, null, 1)).isFalse();
    // Known images keep updating and may gain platforms at the cap.
    assertThat(metrics.recordImage("a:1", ARM64, 5, 5L, 1)).isTrue();

    Exposition atCap = scrape();
    assertThat(atCap.value("tonnage_metrics_series_dropped_total")).isEqualTo(5.0);
    assertThat(atCap.series("tonnage_image_compressed_size_bytes"))
        .extracting(s -> s.labels().get("image"))
        .containsOnly("a:1", "b:1", "c:1");

    metrics.forgetImage("b:1");
    assertThat(metrics.recordImage("d:1", AMD64, 1, 1L, 1)).isTrue();
    assertThat(metrics.imageCount()).isEqualTo(3);
  }

  @Test
  void theImageCapHoldsUnderConcurrentRecording() throws InterruptedException {
    PrometheusMeterRegistry own = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    TonnageMetrics capped = new TonnageMetrics(own, 50, Clock.systemUTC());
    ExecutorService pool = Executors.newFixedThreadPool(8);
    IntStream.range(0, 400)
        .forEach(i -> pool.execute(() -> capped.recordImage("img-" + i + ":1", AMD64, i, null, 1)));
    pool.shutdown();
    assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();

    Exposition exposition = Exposition.parse(own.scrape());
    assertThat(exposition.series("tonnage_image_compressed_size_bytes")).hasSize(50);
    assertThat(exposition.value("tonnage_metrics_series_dropped_total")).isEqualTo(350 * 2.0);
  }

  @Test
  void gaugesKeepTheirValuesAfterGarbageCollection() {
    metrics.recordImage(NGINX, AMD64, 123, 456L, 7);
    metrics.setViolations("slim-images", "team-a", 4);

    System.gc();

    Exposition exposition = scrape();
    assertThat(
            exposition.value(
                "tonnage_image_compressed_size_bytes", "image", NGINX, "platform", AMD64))
        .isEqualTo(123.0);
    assertThat(
            exposition.value(
                "tonnage_policy_violations", "namespace", "team-a", "policy", "slim-images"))
        .isEqualTo(4.0);
  }

  @Test
  void violationsAreReplacedPerAuditAndRemovedWithTheirPolicy() {
    metrics.setViolations("slim-images", "team-a", 3);
    metrics.setViolations("slim-images", "team-b", 1);
    metrics.setViolations("team-c/small", "team-c", 2);

    metrics.replaceViolations("slim-images", Map.of("team-b", 5, "team-d", 0));

    Exposition replaced = scrape();
    assertThat(replaced.series("tonnage_policy_violations"))
        .extracting(
            s -> s.labels().get("policy") + " " + s.labels().get("namespace") + " " + s.value())
        .containsExactlyInAnyOrder(
            "slim-images team-b 5.0", "slim-images team-d 0.0", "team-c/small team-c 2.0");

    metrics.forgetPolicy("slim-images");

    assertThat(scrape().series("tonnage_policy_violations"))
        .extracting(s -> s.labels().get("policy"))
        .containsExactly("team-c/small");
  }

  @Test
  void namespaceImageBytesAreSetAndForgotten() {
    metrics.setNamespaceImageBytes("team-a", 1_000);
    metrics.setNamespaceImageBytes("team-b", 2_000);
    metrics.forgetNamespace("team-a");

    Exposition exposition = scrape();
    assertThat(exposition.series("tonnage_namespace_image_bytes")).hasSize(1);
    assertThat(exposition.value("tonnage_namespace_image_bytes", "namespace", "team-b"))
        .isEqualTo(2000.0);
  }

  @Test
  void admissionReviewsAreCountedByOperationKindAndDecisionAndTimedUpTo10Seconds() {
    metrics.admissionReview("CREATE", "Pod", AdmissionDecision.DENIED, Duration.ofMillis(40));
    metrics.admissionReview("create", "Pod", AdmissionDecision.DENIED, Duration.ofSeconds(6));
    metrics.admissionReview("PATCH", "Deployment", AdmissionDecision.ERROR, Duration.ofSeconds(11));

    Exposition exposition = scrape();
    assertThat(
            exposition.value(
                "tonnage_admission_reviews_total",
                "decision",
                "denied",
                "kind",
                "Pod",
                "operation",
                "CREATE"))
        .isEqualTo(2.0);
    assertThat(
            exposition.value(
                "tonnage_admission_reviews_total",
                "decision",
                "error",
                "kind",
                "Deployment",
                "operation",
                "OTHER"))
        .isEqualTo(1.0);
    assertThat(exposition.series("tonnage_admission_duration_seconds_bucket"))
        .extracting(s -> s.labels().get("le"))
        .containsExactly(
            "0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1.0", "2.5", "5.0", "7.5",
            "10.0", "+Inf");
    assertThat(exposition.value("tonnage_admission_duration_seconds_bucket", "le", "5.0"))
        .isEqualTo(1.0);
    assertThat(exposition.value("tonnage_admission_duration_seconds_bucket", "le", "10.0"))
        .isEqualTo(2.0);
    assertThat(exposition.value("tonnage_admission_duration_seconds_count")).isEqualTo(3.0);
  }

  @Test
  void registryRequestsAreCountedByStatusAndTimedByRegistry() {
    metrics.registryRequest("ghcr.io", "get", 200, Duration.ofMillis(80));
    metrics.registryRequest("ghcr.io", "HEAD", 429, Duration.ofMillis(20));
    metrics.registryRequest("ghcr.io", "GET", 0, Duration.ofSeconds(30));

    Exposition exposition = scrape();
    assertThat(exposition.series("tonnage_registry_requests_total"))
        .extracting(s -> s.labels().get("method") + " " + s.labels().get("status"))
        .containsExactlyInAnyOrder("GET 200", "HEAD 429", "GET 0");
    assertThat(
            exposition.value(
                "tonnage_registry_request_duration_seconds_count", "registry", "ghcr.io"))
        .isEqualTo(3.0);
    assertThat(
            exposition.value(
                "tonnage_registry_request_duration_seconds_bucket",
                "registry",
                "ghcr.io",
                "le",
                "30.0"))
        .isEqualTo(3.0);
  }

  @Test
  void threeHundredUnknownRegistryHostsShareTheOtherLabel() {
    metrics.registryLabels().learn("registry.example.com:5000");
    for (int i = 0; i < 300; i++) {
      String host = "r" + i + ".attacker.example";
      metrics.registryRequest(host, "GET", 200, Duration.ofMillis(1));
      metrics.registryRateLimit(host, 100, i);
    }
    metrics.registryRequest("registry.example.com:5000", "GET", 200, Duration.ofMillis(1));
    metrics.registryRequest("ghcr.io", "GET", 200, Duration.ofMillis(1));

    Exposition exposition = scrape();
    assertThat(exposition.series("tonnage_registry_requests_total"))
        .extracting(s -> s.labels().get("registry"))
        .containsExactlyInAnyOrder("other", "registry.example.com:5000", "ghcr.io");
    assertThat(
            exposition.value(
                "tonnage_registry_requests_total",
                "registry",
                "other",
                "method",
                "GET",
                "status",
                "200"))
        .isEqualTo(300.0);
    assertThat(exposition.series("tonnage_registry_ratelimit_remaining"))
        .extracting(s -> s.labels().get("registry"))
        .containsExactly("other");
  }

  @Test
  void methodsAndStatusesOutsideHttpAreFoldedIntoBoundedValues() {
    metrics.registryRequest("ghcr.io", "PROPFIND", 200, Duration.ofMillis(1));
    metrics.registryRequest("ghcr.io", "GET", 12345, Duration.ofMillis(1));

    assertThat(scrape().series("tonnage_registry_requests_total"))
        .extracting(s -> s.labels().get("method") + " " + s.labels().get("status"))
        .containsExactlyInAnyOrder("OTHER 200", "GET 0");
  }

  @Test
  void overLongImagePlatformNamespaceAndPolicyLabelsAreDroppedAndCounted() {
    String longImage = "registry.example.com/" + "a".repeat(TonnageMetrics.MAX_IMAGE_LABEL) + ":1";
    assertThat(metrics.recordImage(longImage, AMD64, 1, null, 1)).isFalse();
    assertThat(metrics.recordImage(NGINX, "linux/" + "x".repeat(64), 1, null, 1)).isFalse();
    metrics.setNamespaceImageBytes("n".repeat(TonnageMetrics.MAX_OBJECT_LABEL + 1), 1);
    metrics.setViolations("p".repeat(TonnageMetrics.MAX_OBJECT_LABEL + 1), "team-a", 1);

    Exposition exposition = scrape();
    assertThat(exposition.series("tonnage_image_compressed_size_bytes")).isEmpty();
    assertThat(exposition.series("tonnage_namespace_image_bytes")).isEmpty();
    assertThat(exposition.series("tonnage_policy_violations")).isEmpty();
    assertThat(exposition.value("tonnage_metrics_series_dropped_total")).isEqualTo(6.0);
    assertThat(metrics.imageCount()).isZero();
  }

  @Test
  void aGaugeFamilyRefusesNewSeriesPastItsCapButKeepsUpdatingKnownOnes() {
    GaugeFamily family = new GaugeFamily(registry, "test.family", null, "capped", 2);
    assertThat(family.set(io.micrometer.core.instrument.Tags.of("k", "a"), 1)).isTrue();
    assertThat(family.set(io.micrometer.core.instrument.Tags.of("k", "b"), 1)).isTrue();
    assertThat(family.set(io.micrometer.core.instrument.Tags.of("k", "c"), 1)).isFalse();
    assertThat(family.set(io.micrometer.core.instrument.Tags.of("k", "a"), 5)).isTrue();
    family.remove(io.micrometer.core.instrument.Tags.of("k", "b"));
    assertThat(family.set(io.micrometer.core.instrument.Tags.of("k", "c"), 1)).isTrue();

    assertThat(scrape().series("test_family")).hasSize(2);
    assertThat(scrape().value("test_family", "k", "a")).isEqualTo(5.0);
  }

  @Test
  void auditLeaderIsAZeroOrOneGaugeAndLeaseFailuresAreCounted() {
    metrics.setAuditLeader(true);
    metrics.setAuditLeader(false);
    metrics.auditLeaseFailed();
    metrics.auditLeaseFailed();

    Exposition exposition = scrape();
    assertThat(exposition.value("tonnage_audit_leader")).isEqualTo(0.0);
    assertThat(exposition.value("tonnage_audit_lease_failures_total")).isEqualTo(2.0);
  }

  @Test
  void rateLimitWithoutAKnownLimitExportsOnlyTheRemainder() {
    metrics.registryRateLimit("index.docker.io", 100, 40);
    metrics.registryRateLimit("index.docker.io", 0, 39);

    Exposition exposition = scrape();
    assertThat(
            exposition.value("tonnage_registry_ratelimit_remaining", "registry", "index.docker.io"))
        .isEqualTo(39.0);
    assertThat(exposition.series("tonnage_registry_ratelimit_limit")).isEmpty();
  }

  @Test
  void auditTimestampStartsAtConstructionAndFollowsCompletedAudits() {
    assertThat(scrape().value("tonnage_audit_last_success_timestamp_seconds"))
        .isEqualTo((double) START.getEpochSecond());
    assertThat(scrape().value("tonnage_audit_interval_seconds")).isEqualTo(600.0);

    metrics.auditCompleted(START.plusSeconds(90).plusMillis(500));
    metrics.setAuditInterval(Duration.ofMinutes(5));

    assertThat(scrape().value("tonnage_audit_last_success_timestamp_seconds"))
        .isEqualTo(START.getEpochSecond() + 90.5);
    assertThat(scrape().value("tonnage_audit_interval_seconds")).isEqualTo(300.0);
  }

  @Test
  void boundCachesReportHitsAndMissesUnderTheirCacheTag() {
    Cache<String, String> cache = Caffeine.newBuilder().recordStats().build();
    AsyncCache<String, String> async = Caffeine.newBuilder().recordStats().buildAsync();
    metrics.bindCache("image-facts", cache);
    metrics.bindCache("tag-digests", async);
    cache.put("k", "v");
    cache.getIfPresent("k");
    cache.getIfPresent("k");
    cache.getIfPresent("nope");

    Exposition exposition = scrape();
    assertThat(exposition.value("cache_gets_total", "cache", "image-facts", "result", "hit"))
        .isEqualTo(2.0);
    assertThat(exposition.value("cache_gets_total", "cache", "image-facts", "result", "miss"))
        .isEqualTo(1.0);
    assertThat(exposition.value("cache_size", "cache", "tag-digests")).isEqualTo(0.0);
  }

  @Test
  void aCacheWithoutStatisticsIsRefusedWithTheFix() {
    Cache<String, String> cache = Caffeine.newBuilder().build();

    assertThatThrownBy(() -> metrics.bindCache("image-facts", cache))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("image-facts")
        .hasMessageContaining("recordStats()");
  }

  @Test
  void jvmMetricsBindOnceWithoutMisnamedMeters() {
    metrics.bindJvmMetrics();
    metrics.bindJvmMetrics();

    Exposition exposition = scrape();
    assertThat(exposition.sampleNames())
        .contains(
            "jvm_memory_used_bytes",
            "jvm_threads_live_threads",
            "jvm_classes_loaded_classes",
            "process_cpu_usage",
            "process_uptime_seconds")
        .doesNotContain("process_cpu_time_ns_total", "system_cpu_count");
    assertThat(exposition.series("jvm_threads_live_threads")).hasSize(1);
  }

  @Test
  void josdkMetricsWriteDescribedMetersIntoTheSameRegistry() {
    metrics.josdkMetrics().monitorSizeOf(new HashMap<>(Map.of("a", 1)), "informer");

    assertThat(registry.getMeters())
        .anySatisfy(
            meter -> {
              assertThat(meter.getId().getName()).startsWith("operator.sdk.");
              assertThat(meter.getId().getDescription()).isNotBlank();
            });
  }

  @Test
  void impossibleFactsAndCapsAreRefused() {
    assertThatThrownBy(() -> metrics.recordImage(NGINX, AMD64, -1, null, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(NGINX);
    assertThatThrownBy(() -> new TonnageMetrics(registry, 0, Clock.systemUTC()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxImages");
    assertThat(List.of(AdmissionDecision.values()))
        .extracting(AdmissionDecision::label)
        .containsExactly("allowed", "warned", "excepted", "denied", "error");
  }
}
