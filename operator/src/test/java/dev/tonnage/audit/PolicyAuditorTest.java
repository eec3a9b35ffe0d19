package dev.tonnage.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonnage.api.v1alpha1.ClusterImagePolicy;
import dev.tonnage.events.EventReason;
import dev.tonnage.events.RecordingEventWriter;
import dev.tonnage.events.WarningEvent;
import dev.tonnage.facts.LayerSettler;
import dev.tonnage.policy.CompiledException;
import dev.tonnage.policy.CompiledPolicy;
import dev.tonnage.policy.ExceptionMatcher;
import dev.tonnage.policy.PolicyDocuments;
import dev.tonnage.policy.Rule;
import dev.tonnage.registry.ImageInspector;
import dev.tonnage.registry.ImageReference;
import dev.tonnage.registry.UncompressedSize;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The orchestration with the real evaluator, over the cluster fixture and a fake registry. */
class PolicyAuditorTest {

  private static final long MIB = 1024 * 1024;

  private final TestingCluster cluster =
      TestingCluster.fromResource("/audit/cluster.yaml")
          .labelNamespace("monitoring", Map.of("tonnage.dev/ignore", "true"));
  private final FakeFactsSource registry =
      new FakeFactsSource(50 * MIB)
          .size("ghcr.io/acme/web:1.4", 400 * MIB)
          .size("ghcr.io/acme/web:1.5", 300 * MIB)
          .size("postgres:16", 150 * MIB)
          .fail("ghcr.io/acme/report:2024.06", "ghcr.io/acme/report: unauthorized");
  private final ExecutorService pool = Executors.newFixedThreadPool(2);
  private final RecordingEventWriter events = new RecordingEventWriter();
  private final RecordingMetrics metrics = new RecordingMetrics();
  private final PolicyAuditor auditor =
      new PolicyAuditor(
          cluster,
          new ImageMeasurer(
              TestingFacts.source(registry, Duration.ofSeconds(5)), new RegistryBudget(1000), pool),
          new PolicyAuditor.AuditRecorders(events, new AuditMetricsLedger(metrics)),
          Clock.fixed(Instant.parse("2026-11-26T10:00:00Z"), ZoneOffset.UTC));
  private final ClusterImagePolicy slim = TestingPolicies.cluster("slim", "100Mi");

  @AfterEach
  void stop() {
    pool.shutdownNow();
  }

  @Test
  void aClusterPolicyCoversEveryNamespaceButTheOptedOutOne() {
    AuditOutcome outcome = audit(slim);
    // shop: web, report, db; default: debug, api. monitoring carries tonnage.dev/ignore.
    assertThat(outcome.workloads()).isEqualTo(5);
    assertThat(outcome.images()).isEqualTo(9);
  }

  @Test
  void everyDistinctImageIsFetchedOnceAcrossAllPodsOfAnAudit() {
    AuditOutcome outcome = audit(slim);
    assertThat(outcome.fetches()).isEqualTo(outcome.images());
    assertThat(registry.fetches.values()).allSatisfy(count -> assertThat(count.get()).isOne());
  }

  @Test
  void violationsNameTheOwningWorkloadAndEachOneRecordsAnEventOnIt() {
    AuditOutcome outcome = audit(slim);
    assertThat(outcome.violations())
        .extracting(v -> v.workload() + " " + v.violation().image() + " " + v.violation().rule())
        .containsExactlyInAnyOrder(
            "shop/Deployment/web ghcr.io/acme/web:1.4 MAX_COMPRESSED_SIZE",
            "shop/Deployment/web ghcr.io/acme/web:1.5 MAX_COMPRESSED_SIZE",
            "shop/StatefulSet/db postgres:16 MAX_COMPRESSED_SIZE");
    assertThat(outcome.violations())
        .filteredOn(v -> v.violation().image().equals("ghcr.io/acme/web:1.4"))
        .singleElement()
        .satisfies(
            v ->
                assertThat(v.overRatio())
                    .isCloseTo(4.0, org.assertj.core.data.Offset.offset(0.01)));
    assertThat(events.events)
        .filteredOn(e -> e.reason() == EventReason.ImageTooLarge)
        .extracting(e -> e.involved().getName())
        .containsExactlyInAnyOrder("web", "web", "db");
    assertThat(events.events.get(0).message()).startsWith("ClusterImagePolicy slim: ");
  }

  @Test
  void aWorkloadAnExceptionWaivesCountsAsExceptedNotAsAViolation() {
    List<CompiledException> granted =
        PolicyDocuments.parseExceptions(
            "e.yaml",
            """
            apiVersion: tonnage.dev/v1alpha1
            kind: ImagePolicyException
            metadata: {name: db, namespace: tonnage}
            spec:
              match: {namespaces: [shop], images: ["postgres:*"]}
              reason: the database image is vendor-built
            """);
    Map<String, Integer> reported = new java.util.HashMap<>();
    PolicyAuditor excepting =
        new PolicyAuditor(
            cluster,
            new ImageMeasurer(
                TestingFacts.source(registry, Duration.ofSeconds(5)),
                new RegistryBudget(1000),
                pool),
            new PolicyAuditor.AuditRecorders(events, new AuditMetricsLedger(metrics)),
            Clock.systemUTC(),
            new AuditExceptions(
                () -> new ExceptionMatcher(granted, Clock.systemUTC()),
                (policy, counts) -> reported.putAll(counts)));
    CompiledPolicy compiled = CompiledPolicy.compile(slim);
    AuditOutcome outcome = excepting.audit(compiled, slim.getSpec().getLimits(), null);
    assertThat(outcome.violations())
        .extracting(v -> v.workload().name())
        .containsExactlyInAnyOrder("web", "web");
    assertThat(outcome.excepted()).isEqualTo(1);
    assertThat(reported).containsExactly(Map.entry("tonnage/db", 1));
    assertThat(AuditStatusBuilder.audited(outcome, 1L, AuditStatus.EMPTY, Instant.now()).summary())
        .isEqualTo(new AuditStatus.Summary(5, 9, 2, 1, 1));
  }

  @Test
  void anUnmeasurableImageIsUnresolvedWithAnImageFactsUnavailableEventOnItsOwner() {
    AuditOutcome outcome = audit(slim);
    assertThat(outcome.unresolved()).isEqualTo(1);
    assertThat(outcome.registryErrors())
        .containsExactly("ghcr.io/acme/report:2024.06: ghcr.io/acme/report: unauthorized");
    assertThat(events.events)
        .filteredOn(e -> e.reason() == EventReason.ImageFactsUnavailable)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.involved().getKind()).isEqualTo("CronJob");
              assertThat(e.related().getName()).isEqualTo("slim");
              assertThat(e.message()).contains("could not measure ghcr.io/acme/report:2024.06");
            });
  }

  @Test
  void aSecondAuditRepeatsTheSameEventsSoThatTheWriterFoldsThemIntoOneSeries() {
    audit(slim);
    List<WarningEvent> first = List.copyOf(events.events);
    events.events.clear();
    audit(slim);
    assertThat(first).isNotEmpty();
    assertThat(events.events).containsExactlyInAnyOrderElementsOf(first);
  }

  @Test
  void anImagePolicySeesOnlyItsOwnNamespace() {
    var team = TestingPolicies.namespaced("default", "team", "100Mi");
    AuditOutcome outcome =
        auditor.audit(CompiledPolicy.compile(team), team.getSpec().getLimits(), "default");
    assertThat(outcome.workloads()).isEqualTo(2);
    assertThat(outcome.violations()).isEmpty();
  }

  @Test
  void metricsGetTheMeasuredImagesAndViolationsPerNamespace() {
    audit(slim);
    assertThat(metrics.images()).hasSize(8).contains("ghcr.io/acme/web:1.4");
    assertThat(metrics.violations).containsExactly(Map.entry("slim|shop", 3));
    assertThat(metrics.completed).containsExactly("slim incomplete");
  }

  @Test
  void anUncertainUncompressedVerdictIsSettledByStreamingTheLayerThenJudgedAgain() {
    long gib = 1024 * MIB;
    ImageReference zeros = ImageReference.parse("ghcr.io/acme/zeros:1");
    UncompressedSize bounded =
        new UncompressedSize(4 * gib + gib / 2, gib / 2, 8 * gib + gib / 2, false, "gzip-trailer");
    UncompressedSize exact = UncompressedSize.exact(4 * gib + gib / 2, "stream");
    AtomicBoolean streamed = new AtomicBoolean();
    List<String> settledLayers = new ArrayList<>();
    ImageInspector registry =
        (ref, request) ->
            CompletableFuture.completedFuture(
                TestingFacts.withUncompressed(ref, 10 * MIB, streamed.get() ? exact : bounded));
    LayerSettler settler =
        (image, layer) -> {
          settledLayers.add(image + " " + layer.digest());
          streamed.set(true);
          return CompletableFuture.completedFuture(exact);
        };
    TestingCluster one =
        new TestingCluster()
            .add(
                new PodBuilder()
                    .withNewMetadata()
                    .withName("zeros")
                    .withNamespace("shop")
                    .endMetadata()
                    .withNewSpec()
                    .addNewContainer()
                    .withName("zeros")
                    .withImage(zeros.toString())
                    .endContainer()
                    .endSpec()
                    .build());
    PolicyAuditor streaming =
        new PolicyAuditor(
            one,
            new ImageMeasurer(
                TestingFacts.source(registry, Duration.ofSeconds(5)),
                new RegistryBudget(1000),
                pool,
                new ImageMeasurer.Streaming(settler, gib, Duration.ofSeconds(5))),
            new PolicyAuditor.AuditRecorders(events, new AuditMetricsLedger(metrics)),
            Clock.systemUTC());
    ClusterImagePolicy policy = TestingPolicies.cluster("uncompressed", null);
    policy.getSpec().getLimits().setMaxUncompressedSize("4Gi");

    AuditOutcome outcome =
        streaming.audit(CompiledPolicy.compile(policy), policy.getSpec().getLimits(), null);

    assertThat(settledLayers).hasSize(1);
    assertThat(outcome.unresolved()).isZero();
    assertThat(outcome.violations())
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.violation().uncertain()).isFalse();
              assertThat(v.violation().rule()).isEqualTo(Rule.MAX_UNCOMPRESSED_SIZE);
              assertThat(v.overRatio())
                  .isCloseTo(1.125, org.assertj.core.data.Offset.offset(0.001));
            });
  }

  @Test
  void withoutStreamingAnUncertainVerdictStaysUnresolved() {
    long gib = 1024 * MIB;
    UncompressedSize bounded =
        new UncompressedSize(4 * gib + gib / 2, gib / 2, 8 * gib + gib / 2, false, "gzip-trailer");
    ImageInspector boundedRegistry =
        (ref, request) ->
            CompletableFuture.completedFuture(
                TestingFacts.withUncompressed(ref, 10 * MIB, bounded));
    PolicyAuditor plain =
        new PolicyAuditor(
            TestingCluster.fromResource("/audit/cluster.yaml"),
            new ImageMeasurer(
                TestingFacts.source(boundedRegistry, Duration.ofSeconds(5)),
                new RegistryBudget(1000),
                pool),
            new PolicyAuditor.AuditRecorders(events, new AuditMetricsLedger(metrics)),
            Clock.systemUTC());
    ClusterImagePolicy policy = TestingPolicies.cluster("uncompressed", null);
    policy.getSpec().getLimits().setMaxUncompressedSize("4Gi");
    AuditOutcome outcome =
        plain.audit(CompiledPolicy.compile(policy), policy.getSpec().getLimits(), null);
    assertThat(outcome.unresolved()).isEqualTo(outcome.images());
    assertThat(outcome.violations())
        .allSatisfy(v -> assertThat(v.violation().uncertain()).isTrue());
  }

  private AuditOutcome audit(ClusterImagePolicy policy) {
    return auditor.audit(CompiledPolicy.compile(policy), policy.getSpec().getLimits(), null);
  }
}
