package dev.tonnage.registry.cloud;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonnage.registry.Credential;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CloudTokenCacheTest {

  private final FakeTicker ticker = new FakeTicker();
  private final AtomicInteger fetches = new AtomicInteger();

  private CloudTokenSource issuing(Duration lifetime) {
    return host ->
        new CloudToken(Credential.basic("user", host + "-" + fetches.incrementAndGet()), lifetime);
  }

  @Test
  void aCredentialIsKeptUntilFiveMinutesBeforeItExpiresOrHalfItsLifetimeWhenShort() {
    assertThat(CloudTokenCache.keepFor(Duration.ofHours(1))).isEqualTo(Duration.ofMinutes(55));
    assertThat(CloudTokenCache.keepFor(Duration.ofHours(3)))
        .isEqualTo(Duration.ofHours(3).minusMinutes(5));
    assertThat(CloudTokenCache.keepFor(Duration.ofMinutes(4))).isEqualTo(Duration.ofMinutes(2));
    assertThat(CloudTokenCache.keepFor(Duration.ofMillis(500))).isEqualTo(Duration.ofSeconds(1));
    assertThat(CloudTokenCache.keepFor(Duration.ofMinutes(-3))).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void eachKeyIsFetchedOnceUntilItsCredentialIsNearExpiry() {
    CloudTokenCache cache =
        new CloudTokenCache("Test", issuing(Duration.ofHours(1)), Duration.ofSeconds(5), ticker);

    assertThat(cache.get("a", "a.example")).map(Credential::password).hasValue("a.example-1");
    assertThat(cache.get("a", "a.example")).map(Credential::password).hasValue("a.example-1");
    assertThat(cache.get("b", "b.example")).map(Credential::password).hasValue("b.example-2");
    ticker.advance(Duration.ofMinutes(56));
    assertThat(cache.get("a", "a.example")).map(Credential::password).hasValue("a.example-3");
    assertThat(fetches).hasValue(3);
  }

  @Test
  void aFailureYieldsNoCredentialAndIsRememberedForThirtySeconds() {
    CloudTokenCache cache =
        new CloudTokenCache(
            "Test",
            host -> {
              fetches.incrementAndGet();
              throw new IOException("token service down");
            },
            Duration.ofSeconds(5),
            ticker);

    assertThat(cache.get("a", "a.example")).isEmpty();
    assertThat(cache.get("a", "a.example")).isEmpty();
    assertThat(fetches).hasValue(1);
    ticker.advance(CloudTokenCache.FAILURE_TTL.plusSeconds(1));
    assertThat(cache.get("a", "a.example")).isEmpty();
    assertThat(fetches).hasValue(2);
  }

  @Test
  void concurrentLookupsShareOneFetch() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CloudTokenCache cache =
        new CloudTokenCache(
            "Test",
            host -> {
              fetches.incrementAndGet();
              release.await(5, TimeUnit.SECONDS);
              return new CloudToken(Credential.basic("u", "p"), Duration.ofHours(1));
            },
            Duration.ofSeconds(5),
            ticker);
    ExecutorService callers = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> lookups = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        lookups.add(callers.submit(() -> assertThat(cache.get("k", "h")).isPresent()));
      }
      Thread.sleep(200);
      release.countDown();
      for (Future<?> lookup : lookups) {
        lookup.get(10, TimeUnit.SECONDS);
      }
    } finally {
      callers.shutdownNow();
    }
    assertThat(fetches).hasValue(1);
  }

  @Test
  void aSlowFetchCostsALookupOnlyTheTimeoutAndServesTheNextLookupWhenDone() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CloudTokenCache cache =
        new CloudTokenCache(
            "Test",
            host -> {
              fetches.incrementAndGet();
              release.await(5, TimeUnit.SECONDS);
              return new CloudToken(Credential.basic("u", "late"), Duration.ofHours(1));
            },
            Duration.ofMillis(100),
            ticker);

    long start = System.nanoTime();
    assertThat(cache.get("k", "h")).isEmpty();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
    release.countDown();
    Thread.sleep(200);
    assertThat(cache.get("k", "h")).map(Credential::password).hasValue("late");
    assertThat(fetches).hasValue(1);
  }
}
