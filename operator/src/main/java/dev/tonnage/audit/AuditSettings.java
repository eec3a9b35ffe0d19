package dev.tonnage.audit;

import java.time.Duration;

/**
 * How the audit runs.
 *
 * @param interval how often every policy is re-audited without any change (default 10 min)
 * @param jitter fraction of the interval added at random, so policies do not audit in lockstep
 * @param debounce how long Pod changes are collected before the policies they touch re-audit
 * @param registryRateLimits image fetches per second per registry, {@code HOST=RATE,...} with
 *     {@code *} for the default (see {@link RegistryBudget#parse})
 * @param fetchConcurrency image fetches in flight at once, over all registries
 * @param fetchTimeout how long one image's facts may take before it counts as unresolved
 */
public record AuditSettings(
    Duration interval,
    double jitter,
    Duration debounce,
    String registryRateLimits,
    int fetchConcurrency,
    Duration fetchTimeout) {

  public AuditSettings {
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("audit interval must be positive, got " + interval);
    }
    if (jitter < 0 || jitter > 1) {
      throw new IllegalArgumentException("audit jitter must be within 0..1, got " + jitter);
    }
    RegistryBudget.parse(registryRateLimits);
    if (fetchConcurrency < 1) {
      throw new IllegalArgumentException(
          "audit fetch concurrency must be at least 1, got " + fetchConcurrency);
    }
  }

  public static AuditSettings defaults() {
    return new AuditSettings(
        Duration.ofMinutes(10),
        0.1,
        Duration.ofSeconds(10),
        "*=" + RegistryBudget.DEFAULT_RATE,
        2,
        Duration.ofSeconds(60));
  }

  public AuditSettings withInterval(Duration newInterval) {
    return new AuditSettings(
        newInterval, jitter, debounce, registryRateLimits, fetchConcurrency, fetchTimeout);
  }

  public AuditSettings withDebounce(Duration newDebounce) {
    return new AuditSettings(
        interval, jitter, newDebounce, registryRateLimits, fetchConcurrency, fetchTimeout);
  }

  public AuditSettings withRegistryRateLimits(String spec) {
    return new AuditSettings(interval, jitter, debounce, spec, fetchConcurrency, fetchTimeout);
  }
}
