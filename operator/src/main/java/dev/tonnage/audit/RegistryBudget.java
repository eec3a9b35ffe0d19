package dev.tonnage.audit;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The audit's own request budget, one token bucket per registry host. It is separate from anything
 * the admission path uses, so a full audit can neither flood a registry (or burn a Docker Hub
 * quota) nor make admission wait.
 */
public final class RegistryBudget {

  private final double permitsPerSecond;
  private final int burst;
  private final LongSupplier nanoTime;
  private final TokenBucket.Sleeper sleeper;
  private final Map<String, TokenBucket> buckets = new ConcurrentHashMap<>();

  public RegistryBudget(double permitsPerSecond, int burst) {
    this(permitsPerSecond, burst, System::nanoTime, TokenBucket.THREAD_SLEEPER);
  }

  RegistryBudget(
      double permitsPerSecond, int burst, LongSupplier nanoTime, TokenBucket.Sleeper sleeper) {
    // Validates the settings now rather than at the first fetch.
    new TokenBucket(permitsPerSecond, burst, nanoTime, sleeper);
    this.permitsPerSecond = permitsPerSecond;
    this.burst = burst;
    this.nanoTime = nanoTime;
    this.sleeper = sleeper;
  }

  /** Waits until {@code registry}'s budget allows one more image fetch. */
  public void acquire(String registry) throws InterruptedException {
    buckets
        .computeIfAbsent(registry, r -> new TokenBucket(permitsPerSecond, burst, nanoTime, sleeper))
        .acquire();
  }
}
