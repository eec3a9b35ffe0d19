package dev.tonnage.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class HealthTest {
  private final Health health = new Health(List::of);

  @Test
  void notReadyButLiveUntilTheWiringDeclaresItselfStarted() {
    assertThat(health.readiness().failing()).containsExactly("starting");
    assertThat(health.liveness().ok()).isTrue();

    health.started();

    assertThat(health.readiness().ok()).isTrue();
  }

  @Test
  void readyAndLiveWithNoChecksOnceStarted() {
    health.started();
    assertThat(health.readiness().ok()).isTrue();
    assertThat(health.readiness().body()).isEqualTo("ok\n");
    assertThat(health.liveness().ok()).isTrue();
  }

  @Test
  void notReadyListsOnlyTheFailingChecksUntilTheyPass() {
    health.started();
    AtomicBoolean synced = new AtomicBoolean();
    health.addReadinessCheck(ReadinessCheck.of("informers-synced", synced::get));
    health.addReadinessCheck(ReadinessCheck.of("tls-material", () -> true));
    health.addReadinessCheck(ReadinessCheck.of("webhook-listening", () -> false));

    Health.Status status = health.readiness();
    assertThat(status.ok()).isFalse();
    assertThat(status.failing()).containsExactly("informers-synced", "webhook-listening");
    assertThat(status.body())
        .isEqualTo("failing checks:\n[-] informers-synced\n[-] webhook-listening\n");

    synced.set(true);
    assertThat(health.readiness().failing()).containsExactly("webhook-listening");
  }

  @Test
  void aThrowingCheckFailsByNameWithoutItsStackTrace() {
    health.started();
    health.addReadinessCheck(
        ReadinessCheck.of(
            "tls-material",
            () -> {
              throw new IllegalStateException("secret /etc/tls/tls.key unreadable");
            }));

    Health.Status status = health.readiness();
    assertThat(status.failing())
        .containsExactly("tls-material (check threw IllegalStateException)");
    assertThat(status.body()).doesNotContain("at dev.tonnage", "unreadable");
  }

  @Test
  void shutdownFailsReadinessAndLivenessEvenWhenChecksPass() {
    health.addReadinessCheck(ReadinessCheck.of("tls-material", () -> true));

    health.beginShutdown();

    assertThat(health.shuttingDown()).isTrue();
    assertThat(health.readiness().failing()).containsExactly("shutting-down");
    assertThat(health.liveness().failing()).containsExactly("shutting-down");
  }

  @Test
  void deadlockedThreadsFailLiveness() {
    Health deadlocked = new Health(() -> List.of("audit-1", "audit-2"));
    deadlocked.started();

    assertThat(deadlocked.liveness().failing())
        .containsExactly("deadlocked-threads: audit-1, audit-2");
    assertThat(deadlocked.readiness().ok()).isTrue();
  }

  @Test
  void theRealJvmHasNoDeadlockedThreads() {
    assertThat(new Health().liveness().ok()).isTrue();
  }
}
