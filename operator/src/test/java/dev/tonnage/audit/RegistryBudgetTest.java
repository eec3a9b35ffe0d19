package dev.tonnage.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RegistryBudgetTest {

  private final AtomicLong now = new AtomicLong();
  private final List<Long> sleeps = new ArrayList<>();
  private final TokenBucket.Sleeper sleeper =
      nanos -> {
        sleeps.add(nanos);
        now.addAndGet(nanos);
      };

  @Test
  void twoSecondsOfBurstPassAtOnceThenFetchesAreSpreadAtTheRate() throws InterruptedException {
    RegistryBudget budget = budget(Map.of(), 5);
    for (int i = 0; i < 20; i++) {
      budget.acquire("ghcr.io");
    }
    // 10 from the burst, then 10 more at 5/s: two seconds in all.
    assertThat(sleeps).hasSize(10);
    assertThat(now.get()).isEqualTo(TimeUnit.SECONDS.toNanos(2));
  }

  @Test
  void pastTheBucketCapUnknownRegistriesShareOneBucketWhileConfiguredOnesKeepTheirs()
      throws InterruptedException {
    RegistryBudget budget = budget(Map.of("ghcr.io", 100.0), 1000);
    for (int i = 0; i < RegistryBudget.MAX_BUCKETS + 500; i++) {
      budget.acquire("r" + i + ".attacker.example");
    }
    budget.acquire("ghcr.io");

    assertThat(budget.bucketCount()).isEqualTo(RegistryBudget.MAX_BUCKETS + 1);
  }

  @Test
  void eachRegistryHasItsOwnBucket() throws InterruptedException {
    RegistryBudget budget = budget(Map.of(), 0.5);
    budget.acquire("ghcr.io");
    budget.acquire("quay.io");
    budget.acquire("index.docker.io");
    assertThat(sleeps).isEmpty();
    budget.acquire("ghcr.io");
    assertThat(sleeps).containsExactly(TimeUnit.SECONDS.toNanos(2));
  }

  @Test
  void idleTimeRefillsNoMoreThanTheBurst() throws InterruptedException {
    RegistryBudget budget = budget(Map.of(), 10);
    now.addAndGet(TimeUnit.HOURS.toNanos(1));
    for (int i = 0; i < 21; i++) {
      budget.acquire("ghcr.io");
    }
    assertThat(sleeps).containsExactly(TimeUnit.MILLISECONDS.toNanos(100));
  }

  @Test
  void theSpecGivesPerRegistryRatesAndTheDefault() {
    RegistryBudget budget = RegistryBudget.parse("docker.io=2, ghcr.io=20,*=7");
    assertThat(budget.rateOf("index.docker.io")).isEqualTo(2);
    assertThat(budget.rateOf("ghcr.io")).isEqualTo(20);
    assertThat(budget.rateOf("quay.io")).isEqualTo(7);
    assertThat(RegistryBudget.parse("").rateOf("quay.io")).isEqualTo(RegistryBudget.DEFAULT_RATE);
  }

  @Test
  void aMalformedSpecNamesTheEntryAndTheExpectedForm() {
    assertThatThrownBy(() -> RegistryBudget.parse("ghcr.io=10,quay.io"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "registry rate limit \"quay.io\" is not HOST=RATE with a rate above 0 (fetches per"
                + " second), e.g. ghcr.io=10 or *=5");
    assertThatThrownBy(() -> RegistryBudget.parse("*=0")).hasMessageContaining("\"*=0\"");
  }

  @Test
  void aRetryAfterPausesOnlyThatRegistryUntilItEnds() {
    RegistryBudget budget = budget(Map.of(), 5);
    budget.pause("ghcr.io", Duration.ofSeconds(30));

    assertThat(budget.pausedFor("ghcr.io")).isEqualTo(Duration.ofSeconds(30));
    assertThat(budget.pausedFor("quay.io")).isZero();
    now.addAndGet(TimeUnit.SECONDS.toNanos(29));
    assertThat(budget.pausedFor("ghcr.io")).isEqualTo(Duration.ofSeconds(1));
    now.addAndGet(TimeUnit.SECONDS.toNanos(1));
    assertThat(budget.pausedFor("ghcr.io")).isZero();
  }

  @Test
  void aPauseIsCappedAndAShorterRetryAfterDoesNotCutALongerPause() {
    RegistryBudget budget = budget(Map.of(), 5);
    budget.pause("index.docker.io", Duration.ofHours(6));
    assertThat(budget.pausedFor("index.docker.io")).isEqualTo(RegistryBudget.MAX_PAUSE);

    budget.pause("index.docker.io", Duration.ofSeconds(1));
    assertThat(budget.pausedFor("index.docker.io")).isEqualTo(RegistryBudget.MAX_PAUSE);
    budget.pause("index.docker.io", Duration.ZERO);
    budget.pause("index.docker.io", Duration.ofSeconds(-5));
    assertThat(budget.pausedFor("index.docker.io")).isEqualTo(RegistryBudget.MAX_PAUSE);
  }

  @Test
  void pausesOfManyRegistriesAreBoundedAndEndedOnesMakeRoom() {
    RegistryBudget budget = budget(Map.of(), 5);
    for (int i = 0; i < RegistryBudget.MAX_BUCKETS; i++) {
      budget.pause("r" + i + ".attacker.example", Duration.ofSeconds(10));
    }
    budget.pause("ghcr.io", Duration.ofSeconds(10));
    assertThat(budget.pausedFor("ghcr.io")).isZero();

    now.addAndGet(TimeUnit.SECONDS.toNanos(10));
    budget.pause("ghcr.io", Duration.ofSeconds(10));
    assertThat(budget.pausedFor("ghcr.io")).isEqualTo(Duration.ofSeconds(10));
  }

  private RegistryBudget budget(Map<String, Double> rates, double defaultRate) {
    return new RegistryBudget(rates, defaultRate, now::get, sleeper);
  }
}
