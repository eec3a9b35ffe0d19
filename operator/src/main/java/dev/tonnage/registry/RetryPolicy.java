package dev.tonnage.registry;

import java.time.Duration;
import java.util.Objects;

/**
 * Retries of temporary failures (HTTP 429, 502, 503, 504, connection failures) with exponential
 * backoff and full jitter; a {@code Retry-After} from the registry replaces the backoff. Nothing is
 * retried past the caller's deadline.
 *
 * @param maxAttempts attempts in total, at least 1 (1 = no retries)
 * @param initialBackoff the backoff ceiling before the second attempt
 * @param maxBackoff the largest backoff ceiling
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {

  public RetryPolicy {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1, was " + maxAttempts);
    }
    Objects.requireNonNull(initialBackoff, "initialBackoff");
    Objects.requireNonNull(maxBackoff, "maxBackoff");
  }

  public static RetryPolicy defaults() {
    return new RetryPolicy(4, Duration.ofMillis(200), Duration.ofSeconds(5));
  }

  public static RetryPolicy none() {
    return new RetryPolicy(1, Duration.ZERO, Duration.ZERO);
  }

  /** The backoff ceiling before attempt {@code attempt + 1} (attempt counts from 1). */
  Duration ceilingAfter(int attempt) {
    long millis = initialBackoff.toMillis() << Math.min(attempt - 1, 20);
    return Duration.ofMillis(Math.min(Math.max(millis, 0), maxBackoff.toMillis()));
  }
}
