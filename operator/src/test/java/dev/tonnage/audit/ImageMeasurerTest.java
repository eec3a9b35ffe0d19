package dev.tonnage.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonnage.policy.FactsOutcome;
import dev.tonnage.policy.InspectionNeed;
import dev.tonnage.registry.ImageFacts;
import dev.tonnage.registry.ImageInspector;
import dev.tonnage.registry.ImageReference;
import dev.tonnage.registry.InspectRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ImageMeasurerTest {

  private final ExecutorService pool = Executors.newFixedThreadPool(2);
  private final RegistryBudget generous = new RegistryBudget(10_000);

  @AfterEach
  void stop() {
    pool.shutdownNow();
  }

  @Test
  void eachDistinctImageIsFetchedOnceHoweverOftenItIsListed() {
    FakeFactsSource source = new FakeFactsSource(100);
    ImageMeasurer measurer =
        new ImageMeasurer(TestingFacts.source(source, Duration.ofSeconds(5)), generous, pool);
    Map<ImageReference, FactsOutcome> result =
        measurer.measureAll(needs("a:1", "b:1", "a:1", "docker.io/a:1"));
    assertThat(result).hasSize(2);
    assertThat(source.total.get()).isEqualTo(2);
  }

  @Test
  void policiesAuditedTogetherShareFetchesUntilTheReuseWindowEnds() {
    FakeFactsSource source = new FakeFactsSource(100);
    AtomicLong nanos = new AtomicLong();
    ImageMeasurer measurer =
        new ImageMeasurer(
            TestingFacts.source(source, Duration.ofSeconds(5)),
            generous,
            pool,
            ImageMeasurer.Streaming.OFF,
            nanos::get);
    measurer.measureAll(needs("a:1", "b:1"));
    measurer.measureAll(needs("a:1"));
    assertThat(source.total.get()).isEqualTo(2);
    nanos.addAndGet(ImageMeasurer.REUSE.plusSeconds(1).toNanos());
    measurer.measureAll(needs("a:1"));
    assertThat(source.total.get()).isEqualTo(3);
  }

  @Test
  void factsHeavierThanTheReuseCacheAreFetchedAgainRatherThanKept() {
    // One history line shared by 2,000 layers: little real heap, an estimate past the bound.
    String history = "RUN " + "x".repeat(16 * 1024);
    AtomicInteger fetches = new AtomicInteger();
    ImageInspector heavy =
        (ref, request) -> {
          fetches.incrementAndGet();
          return CompletableFuture.completedFuture(TestingFacts.withHistory(ref, history, 2_000));
        };
    ImageMeasurer measurer =
        new ImageMeasurer(TestingFacts.source(heavy, Duration.ofSeconds(5)), generous, pool);
    assertThat(
            TestingFacts.withHistory(ImageReference.parse("a:1"), history, 2_000).estimatedBytes())
        .isGreaterThan(ImageMeasurer.REUSE_MAX_BYTES);
    measurer.measureAll(needs("a:1"));
    measurer.measureAll(needs("a:1"));
    assertThat(fetches.get()).isEqualTo(2);
  }

  @Test
  void failuresAreNotReusedSoTheNextAuditTriesAgain() {
    FakeFactsSource source = new FakeFactsSource(100).fail("gone:1", "not found");
    ImageMeasurer measurer =
        new ImageMeasurer(TestingFacts.source(source, Duration.ofSeconds(5)), generous, pool);
    measurer.measureAll(needs("gone:1"));
    measurer.measureAll(needs("gone:1"));
    assertThat(source.total.get()).isEqualTo(2);
  }

  @Test
  void aFailedFetchBecomesUnavailableWithTheReasonAndTheEnginesMessage() {
    FakeFactsSource source =
        new FakeFactsSource(100)
            .fail("ghcr.io/acme/gone:1", "ghcr.io/acme/gone: manifest 1 not found");
    ImageMeasurer measurer =
        new ImageMeasurer(TestingFacts.source(source, Duration.ofSeconds(5)), generous, pool);
    assertThat(measurer.measureAll(needs("ghcr.io/acme/gone:1")).values())
        .containsExactly(
            new FactsOutcome.Unavailable(
                "NotFound", "ghcr.io/acme/gone: manifest 1 not found", "not found"));
  }

  @Test
  void aFetchPastTheTimeoutIsUnavailableAndSaysSo() {
    ImageInspector never = (ref, request) -> new CompletableFuture<ImageFacts>();
    ImageMeasurer measurer =
        new ImageMeasurer(TestingFacts.source(never, Duration.ofMillis(50)), generous, pool);
    FactsOutcome m = measurer.measureAll(needs("slow.example/app:1")).values().iterator().next();
    assertThat(m)
        .isInstanceOfSatisfying(
            FactsOutcome.Unavailable.class,
            u -> {
              assertThat(u.reason()).isEqualTo("Timeout");
              assertThat(u.message()).isEqualTo("no answer from slow.example within 50 ms");
            });
  }

  @Test
  void needsForOneImageAreMergedIntoOneFetchThatAsksForEverything() {
    List<InspectRequest> seen = new java.util.ArrayList<>();
    FakeFactsSource facts = new FakeFactsSource(100);
    ImageInspector recording =
        (ref, request) -> {
          seen.add(request);
          return facts.inspect(ref, request);
        };
    ImageMeasurer measurer =
        new ImageMeasurer(TestingFacts.source(recording, Duration.ofSeconds(5)), generous, pool);
    ImageReference base = ImageReference.parse("gcr.io/distroless/static:nonroot");
    measurer.measureAll(
        List.of(
            new InspectionNeed(ImageReference.parse("a:1"), false, List.of()),
            new InspectionNeed(ImageReference.parse("a:1"), true, List.of(base))));
    assertThat(seen)
        .singleElement()
        .satisfies(
            request -> {
              assertThat(request.uncompressed()).isTrue();
              assertThat(request.candidateBases()).containsExactly(base);
            });
    assertThat(facts.total.get()).isEqualTo(1);
  }

  private static List<InspectionNeed> needs(String... images) {
    return java.util.Arrays.stream(images)
        .map(i -> new InspectionNeed(ImageReference.parse(i), false, List.of()))
        .toList();
  }
}
