package dev.tonnage.registry;

import java.time.Duration;

/**
 * What the registry client reports as it works, for metrics. Called on client threads; must be fast
 * and must not throw. Every method defaults to doing nothing.
 */
public interface RegistryEventListener {

  /** A listener that ignores everything. */
  RegistryEventListener NONE = new RegistryEventListener() {};

  /** The caches the client keeps. */
  enum Cache {
    /** manifest digest -> image facts */
    FACTS,
    /** tag -> manifest digest, within its TTL */
    TAGS,
    /** layer -> uncompressed size (per repository, or streamed and digest-verified) */
    LAYER_SIZES,
    /** recent not-found / unauthorized / forbidden answers */
    NEGATIVE,
    /** bearer tokens per registry, scope and credential */
    TOKENS
  }

  /**
   * One HTTP exchange finished (each retry, redirect hop and token request counts).
   *
   * @param registry the registry host[:port] the exchange was for
   * @param method HTTP method
   * @param status HTTP status, or 0 when no response came (connection failure, timeout)
   * @param duration time from sending to the end of the response headers
   */
  default void requestCompleted(String registry, String method, int status, Duration duration) {}

  /** The registry announced its pull rate limit ({@code ratelimit-limit/remaining} headers). */
  default void rateLimitSeen(String registry, long limit, long remaining) {}

  /**
   * A tag's last known facts were served past its TTL because re-checking it failed for a passing
   * reason (registry down, 5xx, rate limited).
   */
  default void staleFactsServed(String registry) {}

  default void cacheHit(Cache cache) {}

  default void cacheMiss(Cache cache) {}
}
