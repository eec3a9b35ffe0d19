package dev.tonnage.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
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
  void aBurstPassesAtOnceThenFetchesAreSpreadAtTheRate() throws InterruptedException {
    RegistryBudget budget = new RegistryBudget(5, 2, now::get, sleeper);
    for (int i = 0; i < 12; i++) {
      budget.acquire("ghcr.io");
    }
    // 2 from the burst, then 10 more at 5/s: two seconds in all.
    assertThat(sleeps).hasSize(10);
    assertThat(now.get()).isEqualTo(TimeUnit.SECONDS.toNanos(2));
  }

  @Test
  void eachRegistryHasItsOwnBudget() throws InterruptedException {
    RegistryBudget budget = new RegistryBudget(1, 1, now::get, sleeper);
    budget.acquire("ghcr.io");
    budget.acquire("quay.io");
    budget.acquire("index.docker.io");
    assertThat(sleeps).isEmpty();
    budget.acquire("ghcr.io");
    assertThat(sleeps).containsExactly(TimeUnit.SECONDS.toNanos(1));
  }

  @Test
  void idleTimeRefillsNoMoreThanTheBurst() throws InterruptedException {
    RegistryBudget budget = new RegistryBudget(10, 3, now::get, sleeper);
    now.addAndGet(TimeUnit.HOURS.toNanos(1));
    for (int i = 0; i < 4; i++) {
      budget.acquire("ghcr.io");
    }
    assertThat(sleeps).containsExactly(TimeUnit.MILLISECONDS.toNanos(100));
  }

  @Test
  void aZeroRateIsRefusedWithTheValuesFound() {
    assertThatThrownBy(() -> new RegistryBudget(0, 5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("rate above 0")
        .hasMessageContaining("0.0/s");
  }
}
