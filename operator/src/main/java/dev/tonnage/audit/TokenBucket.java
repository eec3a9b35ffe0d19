package dev.tonnage.audit;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * A token bucket: {@code permitsPerSecond} refill, at most {@code burst} saved up. Callers reserve
 * a slot and wait their turn, first come first served, so a large audit is spread evenly instead of
 * bursting at a registry.
 */
final class TokenBucket {

  /** Waits a number of nanoseconds; tests substitute one that advances a fake clock. */
  @FunctionalInterface
  interface Sleeper {
    void sleepNanos(long nanos) throws InterruptedException;
  }

  static final Sleeper THREAD_SLEEPER = TimeUnit.NANOSECONDS::sleep;

  private final double permitsPerNano;
  private final double burst;
  private final LongSupplier nanoTime;
  private final Sleeper sleeper;
  private double tokens;
  private long lastRefill;

  TokenBucket(double permitsPerSecond, int burst, LongSupplier nanoTime, Sleeper sleeper) {
    if (!(permitsPerSecond > 0) || burst < 1) {
      throw new IllegalArgumentException(
          "a registry budget needs a rate above 0 and a burst of at least 1, got "
              + permitsPerSecond
              + "/s and "
              + burst);
    }
    this.permitsPerNano = permitsPerSecond / TimeUnit.SECONDS.toNanos(1);
    this.burst = burst;
    this.nanoTime = nanoTime;
    this.sleeper = sleeper;
    this.tokens = burst;
    this.lastRefill = nanoTime.getAsLong();
  }

  /** Takes one permit, waiting until it is available. */
  void acquire() throws InterruptedException {
    long wait = reserve();
    if (wait > 0) {
      sleeper.sleepNanos(wait);
    }
  }

  /**
   * Takes one permit now (possibly going into debt) and returns how long to wait before using it.
   */
  synchronized long reserve() {
    long now = nanoTime.getAsLong();
    tokens = Math.min(burst, tokens + (now - lastRefill) * permitsPerNano);
    lastRefill = now;
    tokens -= 1;
    return tokens >= 0 ? 0 : (long) Math.ceil(-tokens / permitsPerNano);
  }
}
