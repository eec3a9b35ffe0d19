package dev.tonnage.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.MockResponse;
import org.junit.jupiter.api.Test;

class RegistryClientResilienceIT extends RegistryTestBase {

  private static MockResponse status(int code) {
    return new MockResponse.Builder().code(code).body("").build();
  }

  @Test
  void burstsOf5xxAreRetriedUntilTheRegistryRecovers() throws Exception {
    AtomicInteger failures = new AtomicInteger();
    registry.intercept =
        request -> {
          int n = failures.getAndIncrement();
          return n == 0 ? status(503) : n == 1 ? status(502) : n == 2 ? status(504) : null;
        };
    assertThat(inspect("fixtures/multi:amd64").digest()).isEqualTo(AMD64);
    assertThat(registry.count("HEAD", "/manifests/amd64")).isEqualTo(4);
    assertThat(events.requests).startsWith("HEAD 503", "HEAD 502", "HEAD 504", "HEAD 200");
  }

  @Test
  void aRateLimitedTagPastItsTtlIsAnsweredWithItsLastKnownFactsWithinStaleIfError()
      throws Exception {
    client(config -> config.tagTtl(Duration.ofMillis(50)).staleIfError(Duration.ofHours(1)));
    assertThat(inspect("fixtures/multi:amd64").digest()).isEqualTo(AMD64);
    Thread.sleep(150);
    registry.intercept =
        request -> new MockResponse.Builder().code(429).addHeader("Retry-After", "1").build();

    assertThat(inspect("fixtures/multi:amd64").digest()).isEqualTo(AMD64);
    assertThat(events.staleServed).containsExactly(host);
    // Not trusted as fresh: the next request re-checks the tag.
    assertThat(inspect("fixtures/multi:amd64").digest()).isEqualTo(AMD64);
    assertThat(registry.count("HEAD", "/manifests/amd64")).isGreaterThanOrEqualTo(3);
  }

  @Test
  void aTagThatIsGoneIsNeverAnsweredFromMemory() throws Exception {
    client(config -> config.tagTtl(Duration.ofMillis(50)).staleIfError(Duration.ofHours(1)));
    inspect("fixtures/multi:amd64");
    Thread.sleep(150);
    registry.intercept = request -> FixtureRegistry.error(404, "errors/manifest-unknown.json");

    assertThatThrownBy(() -> inspect("fixtures/multi:amd64")).isInstanceOf(NotFoundException.class);
    assertThat(events.staleServed).isEmpty();
  }

  @Test
  void aConnectionDroppedMidAnswerIsRetried() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    registry.intercept =
        request ->
            calls.getAndIncrement() == 0
                ? new MockResponse.Builder()
                    .body(new okio.Buffer().write(new byte[1024]))
                    .onResponseBody(mockwebserver3.SocketEffect.ShutdownConnection.INSTANCE)
                    .build()
                : null;
    assertThat(inspect("fixtures/multi@" + AMD64).digest()).isEqualTo(AMD64);
    assertThat(events.requests).contains("GET 200");
    assertThat(registry.count("GET", "/manifests/" + AMD64)).isEqualTo(2);
  }

  @Test
  void aPersistentOutageFailsAsTemporaryAfterTheLastAttempt() {
    registry.intercept = request -> FixtureRegistry.error(500, "errors/manifest-unknown.json");
    assertThatThrownBy(() -> inspect("fixtures/multi:amd64"))
        .isInstanceOfSatisfying(UnavailableException.class, e -> assertThat(e.temporary()).isTrue())
        .hasMessageContaining("answered HTTP 500")
        .hasMessageContaining("retry later");
    assertThat(registry.requests).hasSize(4);
  }

  @Test
  void otherClientErrorsAreNotRetried() {
    String missing = "sha256:" + "0".repeat(64);
    assertThatThrownBy(() -> inspect("fixtures/nothing@" + missing))
        .isInstanceOfSatisfying(
            NotFoundException.class,
            e -> {
              assertThat(e.registry()).isEqualTo(host);
              assertThat(e.repository()).isEqualTo("fixtures/nothing");
              assertThat(e.temporary()).isFalse();
            })
        .hasMessageContaining(host + "/fixtures/nothing")
        .hasMessageContaining("MANIFEST_UNKNOWN: manifest unknown")
        .hasMessageContaining("check the repository name and tag");
    assertThat(registry.requests).hasSize(1);
  }

  @Test
  void rateLimitsWithAShortRetryAfterAreWaitedOut() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    registry.intercept =
        request ->
            calls.getAndIncrement() == 0
                ? new MockResponse.Builder()
                    .code(429)
                    .setHeader("Retry-After", "1")
                    .body(FixtureRegistry.resource("errors/toomanyrequests.json"))
                    .build()
                : null;
    long start = System.nanoTime();
    assertThat(inspect("fixtures/multi:amd64").digest()).isEqualTo(AMD64);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(Duration.ofMillis(900));
  }

  @Test
  void aRetryAfterBeyondTheDeadlineFailsAtOnceWithTheWait() {
    registry.intercept =
        request ->
            new MockResponse.Builder()
                .code(429)
                .setHeader("Retry-After", "30")
                .body(FixtureRegistry.resource("errors/toomanyrequests.json"))
                .build();
    long start = System.nanoTime();
    assertThatThrownBy(
            () ->
                client.inspectNow(
                    ref("fixtures/multi@" + AMD64), InspectRequest.within(Duration.ofSeconds(3))))
        .isInstanceOfSatisfying(
            RateLimitedException.class,
            e -> {
              assertThat(e.retryAfter()).contains(Duration.ofSeconds(30));
              assertThat(e.temporary()).isTrue();
            })
        .hasMessageContaining("TOOMANYREQUESTS")
        .hasMessageContaining("retry after 30 s");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
    assertThat(registry.requests).hasSize(1);
  }

  @Test
  void retryAfterAsAnHttpDate() {
    Instant now = Instant.parse("2026-01-01T00:00:00Z");
    assertThat(RegistryErrors.retryAfter("Thu, 01 Jan 2026 00:00:07 GMT", now))
        .isEqualTo(Duration.ofSeconds(7));
    assertThat(RegistryErrors.retryAfter("garbage", now)).isNull();
    assertThat(RegistryErrors.retryAfter("-5", now)).isEqualTo(Duration.ZERO);
  }

  @Test
  void aSlowBodyPastTheDeadlineTimesOutButWarmsTheCache() throws Exception {
    registry.intercept =
        request ->
            request.getUrl().encodedPath().contains("/blobs/")
                ? new MockResponse.Builder()
                    .bodyDelay(1500, TimeUnit.MILLISECONDS)
                    .body(new okio.Buffer().write(registry.blob(AMD64_CONFIG)))
                    .build()
                : null;
    long start = System.nanoTime();
    assertThatThrownBy(
            () ->
                client.inspectNow(
                    ref("fixtures/multi:amd64"), InspectRequest.within(Duration.ofMillis(400))))
        .isInstanceOf(RegistryTimeoutException.class)
        .hasMessageContaining("within the deadline")
        .hasMessageContaining("fixtures/multi:amd64");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(1200));

    await()
        .atMost(Duration.ofSeconds(5))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              int before = registry.requests.size();
              assertThat(
                      client.inspectNow(
                          ref("fixtures/multi:amd64"),
                          InspectRequest.within(Duration.ofMillis(50))))
                  .isNotNull();
              assertThat(registry.requests).hasSize(before);
            });
  }

  @Test
  void aDeadlineAlreadyPastTimesOutAtOnce() {
    InspectRequest late = request().withDeadline(Instant.now().minusSeconds(1));
    assertThatThrownBy(() -> client.inspectNow(ref("fixtures/multi:amd64"), late))
        .isInstanceOf(RegistryTimeoutException.class);
  }

  @Test
  void aHundredConcurrentCallersShareOneFetchChain() throws Exception {
    registry.intercept =
        request -> {
          sleep(200); // keep the chain in flight while the callers pile up
          return null;
        };
    List<CompletableFuture<ImageFacts>> callers = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      callers.add(client.inspect(ref("fixtures/multi:latest"), request()));
    }
    for (CompletableFuture<ImageFacts> caller : callers) {
      assertThat(caller.get().digest()).isEqualTo(INDEX);
    }
    assertThat(registry.requests).hasSize(6);
  }

  @Test
  void requestsPerRegistryAreLimited() throws Exception {
    client(config -> config.maxConcurrentRequestsPerRegistry(2));
    AtomicInteger inFlight = new AtomicInteger();
    AtomicInteger peak = new AtomicInteger();
    registry.intercept =
        request -> {
          peak.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
          sleep(50);
          inFlight.decrementAndGet();
          return null;
        };
    List<CompletableFuture<ImageFacts>> callers = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      registry.tags.put("fixtures/multi:t" + i, AMD64);
      callers.add(client.inspect(ref("fixtures/multi:t" + i), request()));
    }
    for (CompletableFuture<ImageFacts> caller : callers) {
      caller.get();
    }
    assertThat(peak.get()).isEqualTo(2);
  }

  @Test
  void definiteFailuresAreRememberedBriefly() throws Exception {
    client(config -> config.negativeTtl(Duration.ofMillis(300)));
    assertThatThrownBy(() -> inspect("fixtures/nothing:here"))
        .isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> inspect("fixtures/nothing:here"))
        .isInstanceOf(NotFoundException.class);
    assertThat(registry.requests).hasSize(1);
    Thread.sleep(400);
    assertThatThrownBy(() -> inspect("fixtures/nothing:here"))
        .isInstanceOf(NotFoundException.class);
    assertThat(registry.requests).hasSize(2);
  }

  @Test
  void temporaryFailuresAreNotRemembered() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    client(config -> config.retryPolicy(RetryPolicy.none()));
    registry.intercept = request -> calls.getAndIncrement() == 0 ? status(503) : null;
    assertThatThrownBy(() -> inspect("fixtures/multi:amd64"))
        .isInstanceOf(UnavailableException.class);
    assertThat(inspect("fixtures/multi:amd64").digest()).isEqualTo(AMD64);
  }

  @Test
  void rateLimitHeadersReachTheListener() throws Exception {
    registry.intercept =
        request -> {
          if (!request.getMethod().equals("HEAD")) {
            return null;
          }
          return new MockResponse.Builder()
              .setHeader("Content-Type", MediaTypes.OCI_MANIFEST)
              .setHeader("Docker-Content-Digest", AMD64)
              .setHeader("ratelimit-limit", "100;w=21600")
              .setHeader("ratelimit-remaining", "76;w=21600")
              .setHeader("Content-Length", 346)
              .build();
        };
    inspect("fixtures/multi:amd64");
    assertThat(events.rateLimits).hasSize(1);
    assertThat(events.rateLimits.get(0)).containsExactly(100, 76);
  }

  @Test
  void cacheHitsAndMissesReachTheListener() throws Exception {
    inspect("fixtures/multi:amd64");
    inspect("fixtures/multi:amd64");
    assertThat(events.cache)
        .contains("miss TAGS", "miss FACTS", "hit TAGS", "hit FACTS")
        .doesNotContain("hit NEGATIVE");
  }

  @Test
  void connectionFailuresAreTemporaryAndNameTheRegistry() {
    server.close();
    client(config -> config.retryPolicy(RetryPolicy.none()));
    assertThatThrownBy(() -> inspect("fixtures/multi:amd64"))
        .isInstanceOfSatisfying(UnavailableException.class, e -> assertThat(e.temporary()).isTrue())
        .hasMessageContaining(host);
  }

  @Test
  void aClosedClientSaysSo() {
    client.close();
    assertThatThrownBy(() -> inspect("fixtures/multi:amd64"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
