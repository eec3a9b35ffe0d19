package dev.tonnage.audit;

import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The audit's own request budget, one token bucket per registry host. It is separate from anything
 * the admission path uses, so a full audit can neither flood a registry (or burn a Docker Hub
 * quota) nor make admission wait. A registry's bucket saves up to two seconds' worth of fetches
 * while idle.
 *
 * <p>A registry that answers 429 with {@code Retry-After} pauses: until then (at most {@link
 * #MAX_PAUSE}) the audit does not ask it at all, and its images wait for the next audit.
 */
public final class RegistryBudget {

  /** The default budget: image fetches per second and registry. */
  public static final double DEFAULT_RATE = 5;

  /**
   * Most registries with a bucket of their own. Pods name the registries: past this, hosts without
   * a configured rate share one bucket at the default rate (slower for them, never unbounded).
   */
  static final int MAX_BUCKETS = 1024;

  /**
   * Longest pause a registry's {@code Retry-After} buys: Docker Hub asks for hours, and the next
   * audit should try again rather than trust a hostile registry to silence the audit for a day.
   */
  public static final Duration MAX_PAUSE = Duration.ofMinutes(15);

  private final Map<String, Double> rates;
  private final double defaultRate;
  private final LongSupplier nanoTime;
  private final TokenBucket.Sleeper sleeper;
  private final Map<String, TokenBucket> buckets = new ConcurrentHashMap<>();
  private final TokenBucket overflow;
  private final Map<String, Long> pausedUntilNanos = new ConcurrentHashMap<>();

  /** The same rate for every registry. */
  public RegistryBudget(double fetchesPerSecond) {
    this(Map.of(), fetchesPerSecond, System::nanoTime, TokenBucket.THREAD_SLEEPER);
  }

  RegistryBudget(
      Map<String, Double> rates,
      double defaultRate,
      LongSupplier nanoTime,
      TokenBucket.Sleeper sleeper) {
    this.rates = Map.copyOf(rates);
    this.defaultRate = defaultRate;
    this.nanoTime = nanoTime;
    this.sleeper = sleeper;
    // Validates every rate now rather than at the first fetch.
    rates.values().forEach(this::bucket);
    this.overflow = bucket(defaultRate);
  }

  /**
   * Parses {@code HOST=RATE,...}, {@code *} naming the default (else {@link #DEFAULT_RATE}), e.g.
   * {@code index.docker.io=2,ghcr.io=20,*=5}. Hosts are registry hosts as normalized references
   * name them ({@code index.docker.io} for Docker Hub, {@code host:port} with a port).
   */
  public static RegistryBudget parse(String spec) {
    Map<String, Double> rates = new HashMap<>();
    double defaultRate = DEFAULT_RATE;
    if (spec != null && !spec.isBlank()) {
      for (String entry : spec.split(",")) {
        String[] parts = entry.trim().split("=", -1);
        double rate;
        try {
          rate = parts.length == 2 ? Double.parseDouble(parts[1].trim()) : Double.NaN;
        } catch (NumberFormatException e) {
          rate = Double.NaN;
        }
        if (parts.length != 2 || parts[0].isBlank() || !(rate > 0)) {
          throw new IllegalArgumentException(
              "registry rate limit \""
                  + entry.trim()
                  + "\" is not HOST=RATE with a rate above 0 (fetches per second), e.g."
                  + " ghcr.io=10 or *=5");
        }
        String host = parts[0].trim().toLowerCase(Locale.ROOT);
        if (host.equals("*")) {
          defaultRate = rate;
        } else {
          rates.put(host.equals("docker.io") ? "index.docker.io" : host, rate);
        }
      }
    }
    return new RegistryBudget(rates, defaultRate, System::nanoTime, TokenBucket.THREAD_SLEEPER);
  }

  /** Waits until {@code registry}'s budget allows one more image fetch. */
  public void acquire(String registry) throws InterruptedException {
    bucketOf(registry).acquire();
  }

  /**
   * Pauses {@code registry} for {@code retryAfter} (its 429 answer's {@code Retry-After}), capped
   * at {@link #MAX_PAUSE}; a longer pause already in force is kept.
   */
  public void pause(String registry, Duration retryAfter) {
    if (retryAfter == null || retryAfter.isNegative() || retryAfter.isZero()) {
      return;
    }
    long now = nanoTime.getAsLong();
    long until = now + Math.min(retryAfter.toNanos(), MAX_PAUSE.toNanos());
    if (pausedUntilNanos.size() >= MAX_BUCKETS && !pausedUntilNanos.containsKey(registry)) {
      pausedUntilNanos.values().removeIf(end -> end - now <= 0);
      if (pausedUntilNanos.size() >= MAX_BUCKETS) {
        return;
      }
    }
    pausedUntilNanos.merge(registry, until, (old, added) -> old - added >= 0 ? old : added);
  }

  /** How long {@code registry} stays paused; zero when it is not. */
  public Duration pausedFor(String registry) {
    Long until = pausedUntilNanos.get(registry);
    if (until == null) {
      return Duration.ZERO;
    }
    long left = until - nanoTime.getAsLong();
    if (left <= 0) {
      pausedUntilNanos.remove(registry, until);
      return Duration.ZERO;
    }
    return Duration.ofNanos(left);
  }

  private TokenBucket bucketOf(String registry) {
    TokenBucket existing = buckets.get(registry);
    if (existing != null) {
      return existing;
    }
    if (buckets.size() >= MAX_BUCKETS && !rates.containsKey(registry)) {
      return overflow;
    }
    return buckets.computeIfAbsent(registry, r -> bucket(rates.getOrDefault(r, defaultRate)));
  }

  /** How many registries have a bucket of their own, for tests. */
  int bucketCount() {
    return buckets.size();
  }

  /** The registries that have a rate of their own. */
  public Set<String> configuredRegistries() {
    return rates.keySet();
  }

  /** The rate {@code registry} gets. */
  public double rateOf(String registry) {
    return rates.getOrDefault(registry, defaultRate);
  }

  private TokenBucket bucket(double rate) {
    return new TokenBucket(rate, (int) Math.max(1, Math.ceil(2 * rate)), nanoTime, sleeper);
  }
}
