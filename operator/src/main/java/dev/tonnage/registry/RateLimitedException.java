package dev.tonnage.registry;

import java.time.Duration;
import java.util.Optional;

/** The registry answered HTTP 429 and the wait it asked for does not fit in the deadline. */
public final class RateLimitedException extends RegistryException {

  private final Duration retryAfter;

  public RateLimitedException(
      String registry, String repository, String message, Duration retryAfter) {
    super(registry, repository, message, null);
    this.retryAfter = retryAfter;
  }

  /** How long the registry asked to wait (its {@code Retry-After}), when it said. */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }

  @Override
  public boolean temporary() {
    return true;
  }
}
