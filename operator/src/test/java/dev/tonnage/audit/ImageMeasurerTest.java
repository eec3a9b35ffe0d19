package dev.tonnage.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonnage.registry.ImageFacts;
import dev.tonnage.registry.ImageReference;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
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
    ImageMeasurer measurer = new ImageMeasurer(source, generous, pool, Duration.ofSeconds(5));
    Map<ImageReference, ImageMeasurement> result =
        measurer.measureAll(List.of(ref("a:1"), ref("b:1"), ref("a:1"), ref("docker.io/a:1")));
    assertThat(result).hasSize(2);
    assertThat(source.total.get()).isEqualTo(2);
  }

  @Test
  void policiesAuditedTogetherShareFetchesUntilTheReuseWindowEnds() {
    FakeFactsSource source = new FakeFactsSource(100);
    AtomicLong nanos = new AtomicLong();
    ImageMeasurer measurer =
        new ImageMeasurer(source, generous, pool, Duration.ofSeconds(5), nanos::get);
    measurer.measureAll(List.of(ref("a:1"), ref("b:1")));
    measurer.measureAll(List.of(ref("a:1")));
    assertThat(source.total.get()).isEqualTo(2);
    nanos.addAndGet(ImageMeasurer.REUSE.plusSeconds(1).toNanos());
    measurer.measureAll(List.of(ref("a:1")));
    assertThat(source.total.get()).isEqualTo(3);
  }

  @Test
  void failuresAreNotReusedSoTheNextAuditTriesAgain() {
    FakeFactsSource source = new FakeFactsSource(100).fail("gone:1", "not found");
    ImageMeasurer measurer = new ImageMeasurer(source, generous, pool, Duration.ofSeconds(5));
    measurer.measureAll(List.of(ref("gone:1")));
    measurer.measureAll(List.of(ref("gone:1")));
    assertThat(source.total.get()).isEqualTo(2);
  }

  @Test
  void aFailedFetchBecomesUnavailableWithTheEnginesMessage() {
    FakeFactsSource source =
        new FakeFactsSource(100)
            .fail("ghcr.io/acme/gone:1", "ghcr.io/acme/gone: manifest 1 not found");
    ImageMeasurer measurer = new ImageMeasurer(source, generous, pool, Duration.ofSeconds(5));
    assertThat(measurer.measureAll(List.of(ref("ghcr.io/acme/gone:1"))).values())
        .containsExactly(
            new ImageMeasurement.Unavailable("ghcr.io/acme/gone: manifest 1 not found"));
  }

  @Test
  void aFetchPastTheTimeoutIsUnavailableAndSaysSo() {
    ImageFactsSource never = ref -> new CompletableFuture<ImageFacts>();
    ImageMeasurer measurer = new ImageMeasurer(never, generous, pool, Duration.ofMillis(50));
    ImageMeasurement m =
        measurer.measureAll(List.of(ref("slow.example/app:1"))).values().iterator().next();
    assertThat(m)
        .isInstanceOfSatisfying(
            ImageMeasurement.Unavailable.class,
            u -> assertThat(u.reason()).contains("slow.example/app:1").contains("within 0 s"));
  }

  private static ImageReference ref(String image) {
    return ImageReference.parse(image);
  }
}
