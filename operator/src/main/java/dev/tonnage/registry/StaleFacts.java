package dev.tonnage.registry;

import java.time.Duration;
import java.util.Objects;

/**
 * Why facts are the last known ones rather than fresh (stale-if-error): re-checking the tag failed
 * for a passing reason.
 *
 * @param age time since the tag was last resolved at its registry
 * @param cause what the registry did, in a word or two: {@code unreachable} or {@code rate-limited}
 */
public record StaleFacts(Duration age, String cause) {

  public static final String UNREACHABLE = "unreachable";
  public static final String RATE_LIMITED = "rate-limited";

  public StaleFacts {
    Objects.requireNonNull(age, "age");
    Objects.requireNonNull(cause, "cause");
    age = age.isNegative() ? Duration.ZERO : age;
  }

  /** The cause of a failed re-check. */
  static StaleFacts after(RegistryException failure, Duration age) {
    return new StaleFacts(
        age, failure instanceof RateLimitedException ? RATE_LIMITED : UNREACHABLE);
  }

  /** The age as people read it: {@code 40s}, {@code 12m}, {@code 3h}, {@code 2d}. */
  public String readableAge() {
    long seconds = age.toSeconds();
    if (seconds < 60) {
      return seconds + "s";
    }
    if (seconds < 3600) {
      return seconds / 60 + "m";
    }
    if (seconds < 2 * 86400) {
      return seconds / 3600 + "h";
    }
    return seconds / 86400 + "d";
  }
}
