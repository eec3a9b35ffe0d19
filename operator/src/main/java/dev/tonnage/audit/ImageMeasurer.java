package dev.tonnage.audit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.tonnage.registry.ImageFacts;
import dev.tonnage.registry.ImageReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Measures the distinct images of one audit, each once, on the audit's own small thread pool and
 * within the per-registry budget. The pool's size is the audit's fetch concurrency: kept below the
 * admission path's so that admission is never starved.
 *
 * <p>Facts measured in the last {@link #REUSE} are reused without a fetch or a budget token, so
 * several policies audited together (at start-up, after a rollout) share one round of fetches
 * instead of each waiting out the budget for images the others just measured.
 */
public final class ImageMeasurer {

  /** How long measured facts serve other audits before the registry engine is asked again. */
  static final Duration REUSE = Duration.ofMinutes(2);

  private final ImageFactsSource source;
  private final RegistryBudget budget;
  private final ExecutorService executor;
  private final Duration timeout;
  private final Cache<ImageReference, ImageFacts> recent;

  public ImageMeasurer(
      ImageFactsSource source, RegistryBudget budget, ExecutorService executor, Duration timeout) {
    this(source, budget, executor, timeout, Ticker.systemTicker());
  }

  ImageMeasurer(
      ImageFactsSource source,
      RegistryBudget budget,
      ExecutorService executor,
      Duration timeout,
      Ticker ticker) {
    this.source = source;
    this.budget = budget;
    this.executor = executor;
    this.timeout = timeout;
    this.recent =
        Caffeine.newBuilder()
            .expireAfterWrite(REUSE)
            .maximumSize(20_000)
            .ticker(ticker)
            .executor(Runnable::run)
            .build();
  }

  /** Facts or the reason they are missing, for every reference in {@code references}. */
  public Map<ImageReference, ImageMeasurement> measureAll(Collection<ImageReference> references) {
    List<ImageReference> distinct = new ArrayList<>(new LinkedHashSet<>(references));
    List<CompletableFuture<ImageMeasurement>> futures = new ArrayList<>(distinct.size());
    for (ImageReference ref : distinct) {
      futures.add(CompletableFuture.supplyAsync(() -> measure(ref), executor));
    }
    Map<ImageReference, ImageMeasurement> result = new LinkedHashMap<>();
    for (int i = 0; i < distinct.size(); i++) {
      result.put(distinct.get(i), futures.get(i).join());
    }
    return result;
  }

  private ImageMeasurement measure(ImageReference ref) {
    ImageFacts known = recent.getIfPresent(ref);
    if (known != null) {
      return new ImageMeasurement.Measured(known);
    }
    try {
      budget.acquire(ref.registry());
      ImageFacts facts = source.facts(ref).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      recent.put(ref, facts);
      return new ImageMeasurement.Measured(facts);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new ImageMeasurement.Unavailable(
          "the audit was stopped before " + ref + " was measured");
    } catch (TimeoutException e) {
      return new ImageMeasurement.Unavailable(
          "no facts for " + ref + " within " + timeout.toSeconds() + " s; the registry is slow");
    } catch (ExecutionException | CompletionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      return new ImageMeasurement.Unavailable(String.valueOf(cause.getMessage()));
    } catch (RuntimeException e) {
      return new ImageMeasurement.Unavailable(String.valueOf(e.getMessage()));
    }
  }
}
