package dev.tonnage.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonnage.facts.FactsService;
import dev.tonnage.facts.UnavailableReasons;
import dev.tonnage.policy.FactsOutcome;
import dev.tonnage.policy.InspectionNeed;
import dev.tonnage.registry.FixtureRegistry;
import dev.tonnage.registry.ImageReference;
import dev.tonnage.registry.RegistryClient;
import dev.tonnage.registry.RegistryClientConfig;
import dev.tonnage.registry.RegistryCredentials;
import dev.tonnage.registry.RegistryEventListener;
import dev.tonnage.registry.RetryPolicy;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A registry answering 429 with {@code Retry-After} (a fault a real registry cannot produce on
 * demand, hence MockWebServer in front of the fixture registry) pauses the audit's fetches from it.
 */
class RetryAfterPauseIT {

  private final AtomicLong nanos = new AtomicLong();
  private final AtomicBoolean limiting = new AtomicBoolean(true);
  private final ExecutorService pool = Executors.newSingleThreadExecutor();
  private FixtureRegistry registry;
  private MockWebServer server;
  private RegistryClient client;
  private ImageMeasurer measurer;
  private String host;

  @BeforeEach
  void start() throws Exception {
    registry = FixtureRegistry.load();
    registry.intercept =
        request ->
            limiting.get()
                ? new MockResponse.Builder()
                    .code(429)
                    .setHeader("Retry-After", "600")
                    .body("{\"errors\":[{\"code\":\"TOOMANYREQUESTS\",\"message\":\"slow down\"}]}")
                    .build()
                : null;
    server = new MockWebServer();
    server.setDispatcher(registry);
    server.start();
    host = server.getHostName() + ":" + server.getPort();
    client =
        new RegistryClient(
            RegistryClientConfig.builder()
                .insecureRegistries(Set.of(host))
                .retryPolicy(new RetryPolicy(4, Duration.ofMillis(10), Duration.ofMillis(50)))
                .requestTimeout(Duration.ofSeconds(5))
                .build(),
            RegistryEventListener.NONE);
    RegistryBudget budget =
        new RegistryBudget(Map.of(), 1000, nanos::get, TokenBucket.THREAD_SLEEPER);
    measurer =
        new ImageMeasurer(
            new ImageMeasurer.Source(
                new FactsService(client, Clock.systemUTC()),
                RegistryCredentials.anonymous(),
                Duration.ofSeconds(5)),
            budget,
            pool);
  }

  @AfterEach
  void stop() {
    pool.shutdownNow();
    client.close();
    server.close();
  }

  @Test
  void aRetryAfterLongerThanTheDeadlinePausesTheRegistryUntilItEnds() {
    Map<ImageReference, FactsOutcome> first =
        measurer.measureAll(needs("fixtures/multi:amd64", "fixtures/multi-docker:amd64"));

    assertThat(registry.requests).hasSize(1);
    FactsOutcome.Unavailable limited =
        (FactsOutcome.Unavailable) first.get(ref("fixtures/multi:amd64"));
    assertThat(limited.reason()).isEqualTo(UnavailableReasons.RATE_LIMITED);
    assertThat(limited.retryAfter()).isEqualTo(Duration.ofSeconds(600));
    FactsOutcome.Unavailable paused =
        (FactsOutcome.Unavailable) first.get(ref("fixtures/multi-docker:amd64"));
    assertThat(paused.reason()).isEqualTo(UnavailableReasons.RATE_LIMITED);
    assertThat(paused.message())
        .isEqualTo(
            host
                + " rate-limited the audit and asked it to wait (Retry-After); "
                + ref("fixtures/multi-docker:amd64")
                + " is measured again after the pause, in 600 s");

    limiting.set(false);
    nanos.addAndGet(TimeUnit.SECONDS.toNanos(599));
    measurer.measureAll(needs("fixtures/multi-docker:amd64"));
    assertThat(registry.requests).hasSize(1);

    nanos.addAndGet(TimeUnit.SECONDS.toNanos(1));
    Map<ImageReference, FactsOutcome> after =
        measurer.measureAll(needs("fixtures/multi-docker:amd64"));
    assertThat(after.get(ref("fixtures/multi-docker:amd64")))
        .isInstanceOf(FactsOutcome.Found.class);
  }

  private ImageReference ref(String repositoryAndTag) {
    return ImageReference.parse(host + "/" + repositoryAndTag);
  }

  private List<InspectionNeed> needs(String... images) {
    return Arrays.stream(images).map(i -> new InspectionNeed(ref(i), false, List.of())).toList();
  }
}
