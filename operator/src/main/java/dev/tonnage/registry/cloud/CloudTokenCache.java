package dev.tonnage.registry.cloud;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.tonnage.registry.Credential;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cloud registry credentials, kept until {@link #REFRESH_AHEAD} before they expire (at most half
 * their lifetime earlier), a failure for {@link #FAILURE_TTL}, at most {@link #MAX_CACHED} of them.
 * Concurrent lookups of one key share one fetch; a caller waits at most its timeout (a metadata
 * server that hangs never holds up a review), while the fetch finishes in the background for the
 * next caller.
 */
final class CloudTokenCache {

  private static final Logger LOG = LoggerFactory.getLogger(CloudTokenCache.class);

  /** How long before expiry a credential is fetched again. */
  static final Duration REFRESH_AHEAD = Duration.ofMinutes(5);

  /** A failing token service is asked again after this long, not on every review. */
  static final Duration FAILURE_TTL = Duration.ofSeconds(30);

  /** Credentials kept: one per registry (Azure) or one per cloud (Google). */
  static final int MAX_CACHED = 256;

  /** How long a caller waits for a fetch; the default of every cloud identity. */
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  /** Fetches running at once, and waiting: lookups beyond these fail fast, cached briefly. */
  private static final int FETCH_THREADS = 2;

  private static final int MAX_QUEUED_FETCHES = 64;

  /** A fetch's outcome: a credential, or null after a failure (cached briefly). */
  /**
   * A fetch's result, and when it was had (ticker nanos): its time in the cache counts from then.
   */
  private record Outcome(CloudToken token, long fetchedAt) {}

  private final String cloud;
  private final CloudTokenSource source;
  private final Ticker ticker;
  private final Duration timeout;
  private final Executor fetches;
  private final AsyncCache<String, Outcome> outcomes;

  /**
   * @param cloud names the cloud in logs ("Google", "Azure")
   * @param source fetches fresh credentials
   * @param timeout how long a lookup waits for a fetch
   * @param ticker the clock of expiry (tests move it)
   */
  CloudTokenCache(String cloud, CloudTokenSource source, Duration timeout, Ticker ticker) {
    this.cloud = cloud;
    this.source = source;
    this.timeout = timeout;
    this.fetches = fetchExecutor(cloud);
    this.outcomes =
        Caffeine.newBuilder()
            .maximumSize(MAX_CACHED)
            .ticker(ticker)
            .executor(Runnable::run)
            .expireAfter(new FromFetch())
            .buildAsync();
    this.ticker = ticker;
  }

  CloudTokenCache(String cloud, CloudTokenSource source) {
    this(cloud, source, DEFAULT_TIMEOUT, Ticker.systemTicker());
  }

  private static Executor fetchExecutor(String cloud) {
    ThreadPoolExecutor executor =
        new ThreadPoolExecutor(
            FETCH_THREADS,
            FETCH_THREADS,
            30,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(MAX_QUEUED_FETCHES),
            runnable -> {
              Thread thread = new Thread(runnable, "tonnage-" + cloud.toLowerCase() + "-identity");
              thread.setDaemon(true);
              return thread;
            });
    executor.allowCoreThreadTimeOut(true);
    return executor;
  }

  /**
   * Expiry counted from the fetch, not from when the cache learns of it (the completion callback
   * may run a moment later, on the fetching thread).
   */
  private static final class FromFetch implements Expiry<String, Outcome> {
    @Override
    public long expireAfterCreate(String key, Outcome outcome, long currentTime) {
      long age = Math.max(0, currentTime - outcome.fetchedAt());
      return Math.max(0, keepFor(outcome).toNanos() - age);
    }

    @Override
    public long expireAfterUpdate(String key, Outcome outcome, long currentTime, long current) {
      return expireAfterCreate(key, outcome, currentTime);
    }

    @Override
    public long expireAfterRead(String key, Outcome outcome, long currentTime, long current) {
      return current;
    }
  }

  private static Duration keepFor(Outcome outcome) {
    if (outcome.token() == null) {
      return FAILURE_TTL;
    }
    return keepFor(outcome.token().lifetime());
  }

  /** A credential's time in the cache: its lifetime less the refresh margin, at least 1 s. */
  static Duration keepFor(Duration lifetime) {
    Duration ahead = REFRESH_AHEAD;
    if (lifetime.dividedBy(2).compareTo(ahead) < 0) {
      ahead = lifetime.dividedBy(2);
    }
    Duration keep = lifetime.minus(ahead);
    return keep.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : keep;
  }

  /** The credential for {@code registryHost} under {@code key}, or empty when none came in time. */
  Optional<Credential> get(String key, String registryHost) {
    CompletableFuture<Outcome> pending;
    try {
      pending = outcomes.get(key, (k, cacheExecutor) -> fetch(registryHost));
    } catch (RuntimeException rejected) {
      LOG.warn(
          "{} identity: too many credential fetches at once; skipping {}", cloud, registryHost);
      return Optional.empty();
    }
    try {
      Outcome outcome = pending.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return Optional.ofNullable(outcome.token()).map(CloudToken::credential);
    } catch (TimeoutException e) {
      LOG.warn(
          "{} identity: no credential for {} within {} ms; the fetch goes on for the next review",
          cloud,
          registryHost,
          timeout.toMillis());
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    } catch (ExecutionException e) {
      return Optional.empty(); // fetch() never fails its future; only rejection gets here
    }
  }

  private CompletableFuture<Outcome> fetch(String registryHost) {
    Supplier<Outcome> fetch =
        () -> {
          try {
            CloudToken token = source.fetch(registryHost);
            LOG.debug(
                "{} identity: credential for {} valid {}", cloud, registryHost, token.lifetime());
            return new Outcome(token, ticker.read());
          } catch (Exception | LinkageError e) {
            LOG.warn(
                "{} identity: cannot get a credential for {} ({}); asking again in {} s",
                cloud,
                registryHost,
                e.getClass().getSimpleName() + ": " + e.getMessage(),
                FAILURE_TTL.toSeconds());
            return new Outcome(null, ticker.read());
          }
        };
    return CompletableFuture.supplyAsync(fetch, fetches);
  }
}
