package dev.tonnage.audit;

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
 */
public final class ImageMeasurer {

  private final ImageFactsSource source;
  private final RegistryBudget budget;
  private final ExecutorService executor;
  private final Duration timeout;

  public ImageMeasurer(
      ImageFactsSource source, RegistryBudget budget, ExecutorService executor, Duration timeout) {
    this.source = source;
    this.budget = budget;
    this.executor = executor;
    this.timeout = timeout;
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
    try {
      budget.acquire(ref.registry());
      return new ImageMeasurement.Measured(
          source.facts(ref).get(timeout.toMillis(), TimeUnit.MILLISECONDS));
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
